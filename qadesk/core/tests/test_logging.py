"""What the log says about answers: a 403 or 404 is one warning line; a 500 keeps its traceback."""

import logging
import sys

import pytest
from django.test import Client

from qadesk.accounts.models import User
from qadesk.core.logfilters import ExpectedClientErrors


def test_a_refused_page_is_one_warning_line_without_a_traceback(reviewer: User, caplog: pytest.LogCaptureFixture) -> None:
    client = Client()
    client.force_login(reviewer)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/account/settings/").status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING and record.status_code == 403  # type: ignore[attr-defined]
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), exc_info)
    record.status_code = 500
    assert ExpectedClientErrors().filter(record) and record.exc_info is exc_info
    record.status_code, record.levelno = 404, logging.WARNING
    assert ExpectedClientErrors().filter(record) and record.exc_info is None
