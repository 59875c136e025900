"""Logging filters named in settings.LOGGING."""

from __future__ import annotations

import logging


class ExpectedClientErrors(logging.Filter):
    """A 4xx answer (a 403 for a page someone may not open, a 404) is logged as Django's one warning line, without the
    traceback of the exception that produced it: it is the app working as intended, and tracebacks would bury the 500s.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
