"""The dispute list as a table to download, with the list's filters (dispute_list: visibility already applied)."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qadesk.core.exports import Column, Table
from qadesk.disputes.models import Dispute

DISPUTE_COLUMNS = [
    Column(_("Dispute"), "int"),
    Column(_("Review"), "int"),
    Column(_("Interaction")),
    Column(_("Agent")),
    Column(_("Team")),
    Column(_("Reviewer")),
    Column(_("What is contested")),
    Column(_("Criteria contested"), "int"),
    Column(_("Decided by")),
    Column(_("Opened"), "datetime"),
    Column(_("Due"), "datetime"),
    Column(_("Overdue"), "bool"),
    Column(_("Status")),
    Column(_("Outcome")),
    Column(_("Decided"), "datetime"),
]


def disputes_table(*, disputes: QuerySet[Dispute]) -> Table:
    """One row per dispute, as the list shows it; people by name, codes by their labels."""
    return Table(name="disputes", sheet=_("Disputes"), columns=DISPUTE_COLUMNS, rows=_rows(disputes))


def _rows(disputes: QuerySet[Dispute]) -> Iterator[list[Any]]:
    for dispute in disputes.select_related("decided_by").iterator(chunk_size=2000):
        review = dispute.review
        yield [
            dispute.pk,
            review.pk,
            review.interaction.external_id,
            str(review.agent),
            str(review.agent.team) if review.agent.team else "",
            _person(review.reviewer),
            dispute.get_kind_display(),
            dispute.n_items,  # type: ignore[attr-defined]  # annotated by dispute_list
            _person(dispute.decided_by or dispute.assignee),
            dispute.created_at,
            dispute.due_at,
            dispute.is_overdue,  # type: ignore[attr-defined]
            dispute.get_status_display(),
            dispute.get_outcome_display(),
            dispute.decided_at,
        ]


def _person(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""
