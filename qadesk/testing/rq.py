"""Tests that switch the job backend to RQ for their duration (`settings` fixture): django_rq joins INSTALLED_APPS, and
the admin's autodiscovery then registers django_rq's models in the global admin site, where they would stay after the
override ends and break every later admin page of the same process (LookupError: no installed app 'django_rq')."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import admin


@contextmanager
def django_rq_admin_forgotten() -> Iterator[None]:
    """Undo, on the way out, what installing django_rq for one test added to the admin site."""
    before = set(admin.site._registry)
    try:
        yield
    finally:
        for model in set(admin.site._registry) - before:
            admin.site.unregister(model)
