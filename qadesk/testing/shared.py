"""Rows made once for a module or a class of tests, as Django's TestCase.setUpTestData does.

The rows are written in a transaction opened before the first test of the scope and rolled back after the last one;
each test runs inside it in its own savepoint (pytest-django's non-transactional `django_db`), so what a test changes is
undone before the next test, which sees the shared rows as they were made. Only for non-transactional tests: a
transactional test (live server, browser) in the scope would commit or flush through the shared transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.test import override_settings

# The hasher the suite's tests use (qadesk/conftest.py): shared rows are made before any function-scoped fixture runs.
TEST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def rows_kept_for_the_scope(django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(PASSWORD_HASHERS=TEST_HASHERS):
        yield
        transaction.set_rollback(True)
