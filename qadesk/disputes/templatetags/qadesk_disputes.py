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
def audit_summary(event: AuditEvent, context: Any = None) -> str:
    """A readable one-line summary of what an audit event changed (auto-escaped by the template). `context` is the
    review page's feedback (criteria titles, pass/fail criteria and people's names, loaded once for the whole trail)
    or just the criteria titles; without the names and scales it looks them up."""
    changes = event.changes or {}
    titles: dict[str, str] = getattr(context, "criteria_titles", context) or {}
    known: dict[str, str] | None = getattr(context, "names", None)
    binary: set[str] = getattr(context, "binary_criteria", None) or set()
    if not hasattr(context, "binary_criteria"):
        binary = _binary_criteria(changes)
    parts: list[str] = []
    for cid, (before, after) in (changes.get("ratings") or {}).items():
        before, after = _rating(before, cid in binary), _rating(after, cid in binary)
        parts.append(_("{criterion}: {before} → {after}").format(criterion=titles.get(cid, cid), before=before, after=after))
    for cid, value in (changes.get("rated") or {}).items():  # a draft save rating a criterion for the first time
        parts.append(_("{criterion}: {value}").format(criterion=titles.get(cid, cid), value=_rating(value, cid in binary)))
    if changes.get("notes"):
        names = ", ".join(titles.get(str(c), str(c)) for c in changes["notes"])
        parts.append(_("comments or root causes changed: {criteria}").format(criteria=names))
    if changes.get("comment") is True:
        parts.append(_("overall comment changed"))
    if "agent" in changes and isinstance(changes["agent"], list):
        before, after = (known.get(n, n) if known is not None else _agent_name(n) for n in changes["agent"][:2])
        parts.append(_("credited agent: {before} → {after}").format(before=before, after=after))
    if "score" in changes:
        parts.append(_("score {score}").format(score=_v(changes["score"])))
    if changes.get("outcome"):
        from qadesk.disputes.models import Outcome

        parts.append(_("outcome: {outcome}").format(outcome=dict(Outcome.choices).get(changes["outcome"], changes["outcome"])))
    if changes.get("criteria"):
        names = ", ".join(titles.get(str(c), str(c)) for c in changes["criteria"])
        parts.append(_("contested: {criteria}").format(criteria=names))
    if changes.get("assignee"):
        user = changes["assignee"]
        parts.append(_("to {user}").format(user=known.get(user, user) if known is not None else _person_name(user)))
    if changes.get("reason"):
        parts.append(_("reason: “{reason}”").format(reason=changes["reason"]))
    return " · ".join(parts)


def _v(value: Any) -> str:
    if value is None:
        return _("N/A")
    if isinstance(value, float):  # 95.31 reads 95,31 in Italian and French
        return formats.number_format(Decimal(f"{value:.2f}".rstrip("0").rstrip(".")))
    return str(value)


def _binary_criteria(changes: dict[str, Any]) -> set[str]:
    """The pass/fail criteria among those whose ratings changed (looked up only when a 0 or 1 could be one)."""
    from qadesk.scorecards.models import Criterion, Scale

    pairs = [(cid, [v]) for cid, v in (changes.get("rated") or {}).items()]
    pairs += [(cid, list(v)) for cid, v in (changes.get("ratings") or {}).items() if isinstance(v, list | tuple)]
    ids = {int(cid) for cid, values in pairs if str(cid).isdigit() and any(v in (0, 1) for v in values)}
    if not ids:
        return set()
    return {str(pk) for pk in Criterion.objects.filter(pk__in=ids, scale=Scale.BINARY).values_list("pk", flat=True)}


def _rating(value: Any, binary: bool) -> str:
    """A rating as its scale reads: Yes/No on a pass/fail criterion, never 1/0."""
    if binary and value in (0, 1):
        return _("Yes") if value else _("No")
    return _v(value)


def _person_name(username: Any) -> str:
    """The audit trail stores usernames; people read names."""
    from qadesk.accounts.models import User

    user = User.objects.filter(username=str(username)).only("username", "first_name", "last_name").first()
    return (user.get_full_name() or user.username) if user else str(username)


def _agent_name(username: Any) -> str:
    from qadesk.accounts.models import Agent

    agent = Agent.objects.filter(username=str(username)).only("username", "display_name").first()
    return str(agent) if agent else str(username)
