"""The KPI report as plain data and as tables: JSON for the API and the CLI, CSV for scripts (stable column names,
plain numbers) and for people (qadesk.core.exports: headers, decimals and separators in their language, or xlsx)."""

from __future__ import annotations

import dataclasses
from typing import Any, TextIO

from django.utils.translation import gettext_lazy as _

from qadesk.core.exports import Column, ColumnKind, Table, csv_writer
from qadesk.operations.kpis import FIGURE_NAMES, KpiFigures
from qadesk.operations.selectors import KpiReport

HEADERS: dict[str, Any] = {
    "key": _("Code"),
    "label": _("Group"),
    "contacts": _("Contacts"),
    "offered": _("Offered (queued)"),
    "answered": _("Answered"),
    "asa_seconds": _("ASA (s)"),
    "wait_median": _("Wait, median (s)"),
    "wait_p90": _("Wait, 90th percentile (s)"),
    "service_level": _("Service level (%)"),
    "service_level_low": _("Service level, 95% CI low"),
    "service_level_high": _("Service level, 95% CI high"),
    "abandoned": _("Abandoned"),
    "short_abandoned": _("Short abandons"),
    "abandonment_rate": _("Abandonment rate (%)"),
    "abandonment_rate_low": _("Abandonment rate, 95% CI low"),
    "abandonment_rate_high": _("Abandonment rate, 95% CI high"),
    "handled": _("Handled"),
    "aht_seconds": _("AHT (s)"),
    "aht_median": _("Handle time, median (s)"),
    "aht_p90": _("Handle time, 90th percentile (s)"),
    "talk_seconds": _("Talk, mean (s)"),
    "hold_seconds": _("Hold, mean (s)"),
    "acw_seconds": _("After-contact work, mean (s)"),
    "replied": _("Replied"),
    "first_response_mean": _("First response, mean (s)"),
    "first_response_median": _("First response, median (s)"),
    "first_response_p90": _("First response, 90th percentile (s)"),
    "resolved": _("Resolved"),
    "resolution_mean": _("Resolution, mean (s)"),
    "resolution_median": _("Resolution, median (s)"),
    "resolution_p90": _("Resolution, 90th percentile (s)"),
    "resolved_24h_rate": _("Resolved within 24 h (%)"),
    "resolved_24h_rate_low": _("Resolved within 24 h, 95% CI low"),
    "resolved_24h_rate_high": _("Resolved within 24 h, 95% CI high"),
    "fcr_decided": _("Resolved N days ago or more"),
    "fcr_rate": _("First-contact resolution (%)"),
    "fcr_rate_low": _("First-contact resolution, 95% CI low"),
    "fcr_rate_high": _("First-contact resolution, 95% CI high"),
    "assigned": _("Assigned"),
    "reassigned": _("Reassigned"),
    "reassignment_rate": _("Reassignment rate (%)"),
    "reassignment_rate_low": _("Reassignment rate, 95% CI low"),
    "reassignment_rate_high": _("Reassignment rate, 95% CI high"),
    "backlog": _("Backlog"),
}
_COUNTS = {"contacts", "offered", "answered", "abandoned", "short_abandoned", "handled", "replied", "resolved"}
_COUNTS |= {"fcr_decided", "assigned", "reassigned", "backlog"}


def _kind(name: str) -> ColumnKind:
    if name in ("key", "label"):
        return "text"
    return "int" if name in _COUNTS else "number"


KPI_COLUMNS = [Column(HEADERS[name], _kind(name), digits=2 if "rate" in name or "level" in name else 1) for name in FIGURE_NAMES]
SCRIPT_COLUMNS = [*FIGURE_NAMES, "missed_targets"]


def _values(figures: KpiFigures) -> list[Any]:
    return [getattr(figures, name) for name in FIGURE_NAMES]


def kpi_report_table(report: KpiReport) -> Table:
    """The group table as people download it (page and API), the totals last."""
    rows = [_values(g) for g in [*report.groups, report.totals]]
    return Table(name=f"kpis-by-{report.by}", sheet=_("KPIs"), columns=KPI_COLUMNS, rows=rows)


def kpi_report_as_dict(report: KpiReport) -> dict[str, Any]:
    """The whole report as JSON-ready data (dates and moments as ISO strings)."""
    data = dataclasses.asdict(report)
    for name in ("date_from", "date_to", "as_of"):
        data[name] = data[name].isoformat() if data[name] else None
    return data


def kpi_report_write_csv(report: KpiReport, stream: TextIO) -> None:
    """For scripts (the CLI): stable column names, plain numbers, one row per group and the totals last."""
    writer = csv_writer(stream)
    writer.writerow(SCRIPT_COLUMNS)
    for figures in [*report.groups, report.totals]:
        writer.writerow([*_values(figures), " ".join(figures.missed)])
