"""The complaint list as a table to download, with the list's filters (complaint_list: visibility already applied)."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qadesk.complaints.models import Complaint
from qadesk.core.exports import Column, Table

COMPLAINT_COLUMNS = [
    Column(_("Complaint"), "int"),
    Column(_("Source")),
    Column(_("External id")),
    Column(_("Customer")),
    Column(_("Category")),
    Column(_("Severity")),
    Column(_("Journey phase")),
    Column(_("Team")),
    Column(_("Owner")),
    Column(_("Linked interactions"), "int"),
    Column(_("Logged"), "datetime"),
    Column(_("Due"), "datetime"),
    Column(_("Overdue"), "bool"),
    Column(_("Status")),
    Column(_("Closed"), "datetime"),
    Column(_("Description")),
    Column(_("Root cause")),
    Column(_("Outcome")),
]


def complaints_table(*, complaints: QuerySet[Complaint]) -> Table:
    """One row per complaint, as the list shows it; people by name, codes by their labels."""
    return Table(name="complaints", sheet=_("Complaints"), columns=COMPLAINT_COLUMNS, rows=_rows(complaints))


def _rows(complaints: QuerySet[Complaint]) -> Iterator[list[Any]]:
    for c in complaints.iterator(chunk_size=2000):
        yield [
            c.pk,
            c.source,
            c.external_id,
            c.customer.external_id if c.customer else "",
            str(c.category),
            c.get_severity_display(),
            c.get_phase_display(),
            c.team.name if c.team else "",
            (c.owner.get_full_name() or c.owner.username) if c.owner else "",
            c.n_interactions,  # type: ignore[attr-defined]  # annotated by complaint_list
            c.created_at,
            c.due_at,
            c.is_overdue,  # type: ignore[attr-defined]
            c.get_status_display(),
            c.closed_at,
            c.description,
            c.root_cause,
            c.outcome,
        ]
