"""The built-in detectors; importing this package registers them (engine.detectors())."""

from qadesk.autoqa.detectors import language, phrases, process, readability, sensitive, spelling, timing

__all__ = ["language", "phrases", "process", "readability", "sensitive", "spelling", "timing"]
