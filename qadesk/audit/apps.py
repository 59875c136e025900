from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "qadesk.audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        post_migrate.connect(_guard_the_trail, sender=self)


def _guard_the_trail(using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    """After every migrate, make sure the append-only trigger is there (a SQLite table rebuild would have dropped it)."""
    from qadesk.audit import triggers

    connection = connections[using]
    if "audit_auditevent" in connection.introspection.table_names():
        triggers.install(connection)
