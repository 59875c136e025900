"""Row-level visibility for import uploads: imports write the whole organisation's data, so only QA leads and admins
see them (the same people `import_check_allowed` lets import)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from qadesk.accounts.models import User


def may_import(user: User) -> bool:
    from qadesk.accounts.models import Role

    return bool(user.is_authenticated and (user.is_superuser or user.role in {Role.ADMIN, Role.QA_LEAD}))


class ImportUploadQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> ImportUploadQuerySet:
        """QA leads and admins see every upload (they share the work); anyone else none."""
        return self if may_import(user) else self.none()


class CsvMappingQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> CsvMappingQuerySet:
        """The saved column mappings, to whoever may import."""
        return self if may_import(user) else self.none()
