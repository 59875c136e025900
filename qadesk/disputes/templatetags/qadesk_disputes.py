"""Template helpers of the dispute and feedback pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from qadesk.audit.models import AuditEvent

register = template.Library()


@register.filter
def audit_summary(event: AuditEvent, titles: dict[str, str] | None = None) -> str:
    """A readable one-line summary of what an audit event changed (auto-escaped by the template)."""
    changes = event.changes or {}
    titles = titles or {}
    parts: list[str] = []
    for cid, (before, after) in (changes.get("ratings") or {}).items():
        parts.append(
            _("{criterion}: {before} → {after}").format(criterion=titles.get(cid, cid), before=_v(before), after=_v(after))
        )
    for cid, value in (changes.get("rated") or {}).items():  # a draft save rating a criterion for the first time
        parts.append(_("{criterion}: {value}").format(criterion=titles.get(cid, cid), value=_v(value)))
    if changes.get("notes"):
        names = ", ".join(titles.get(str(c), str(c)) for c in changes["notes"])
        parts.append(_("comments or root causes changed: {criteria}").format(criteria=names))
    if changes.get("comment") is True:
        parts.append(_("overall comment changed"))
    if "agent" in changes and isinstance(changes["agent"], list):
        parts.append(_("credited agent: {before} → {after}").format(before=changes["agent"][0], after=changes["agent"][1]))
    if "score" in changes:
        parts.append(_("score {score}").format(score=_v(changes["score"])))
    if changes.get("outcome"):
        from qadesk.disputes.models import Outcome

        parts.append(_("outcome: {outcome}").format(outcome=dict(Outcome.choices).get(changes["outcome"], changes["outcome"])))
    if changes.get("criteria"):
        names = ", ".join(titles.get(str(c), str(c)) for c in changes["criteria"])
        parts.append(_("contested: {criteria}").format(criteria=names))
    if changes.get("assignee"):
        parts.append(_("to {user}").format(user=changes["assignee"]))
    if changes.get("reason"):
        parts.append(_("reason: “{reason}”").format(reason=changes["reason"]))
    return " · ".join(parts)


def _v(value: Any) -> str:
    if value is None:
        return _("N/A")
    if isinstance(value, float):  # 95.31 reads 95,31 in Italian and French
        return formats.number_format(Decimal(f"{value:.2f}".rstrip("0").rstrip(".")))
    return str(value)
