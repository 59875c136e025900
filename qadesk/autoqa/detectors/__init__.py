"""The built-in detectors; importing this package registers them (engine.detectors())."""

from qadesk.autoqa.detectors import language, phrases, readability, sensitive, timing

__all__ = ["language", "phrases", "readability", "sensitive", "timing"]
