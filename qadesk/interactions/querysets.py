"""Row-level visibility for interactions."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.db import connections, models
from django.db.models.fields.json import KeyTransform

if TYPE_CHECKING:
    from qadesk.accounts.models import User


class InteractionQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> InteractionQuerySet:
        """QA staff and managers see every contact; a team lead their team's; an agent those they handled."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything or user.can_review:
            return self
        if user.role == "team_lead":
            return self.filter(team_id=user.team_id) if user.team_id else self.none()
        return self.filter(handlers__agent__user=user).distinct()

    def with_tag(self, tag: str) -> InteractionQuerySet:
        """Interactions carrying this tag: JSON containment on PostgreSQL (served by its GIN index), json_each on SQLite."""
        if connections[self.db].vendor == "postgresql":
            return self.filter(tags__contains=[tag])
        table = connections[self.db].ops.quote_name(self.model._meta.db_table)
        each = f"EXISTS (SELECT 1 FROM json_each({table}.tags) WHERE json_each.value = %s)"  # noqa: S608 (a quoted name)
        return cast(InteractionQuerySet, self.extra(where=[each], params=[tag]))  # noqa: S610 (the tag is a parameter)

    def with_field(self, key: str, value: str | float | int) -> InteractionQuerySet:
        """Interactions whose custom field `key` holds `value` (already in the field's type: a number for a number field,
        YYYY-MM-DD for a date): containment on PostgreSQL (its GIN index), the key's JSON value elsewhere."""
        if connections[self.db].vendor == "postgresql":
            return self.filter(custom_fields__contains={key: value})
        return cast(InteractionQuerySet, self.alias(_field_value=KeyTransform(key, "custom_fields")).filter(_field_value=value))
