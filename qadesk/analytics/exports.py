"""The quality report as plain data: a JSON-ready dictionary and the CSV group table (CLI and page share them).

CSV goes through qadesk.core.exports, which keeps text cells from being read as spreadsheet formulas."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any, TextIO

from django.utils.translation import gettext_lazy as _

from qadesk.analytics.selectors import GroupRow, QualityReport
from qadesk.core.exports import Column, ColumnKind, Table, csv_writer, csv_writer_for_people

CSV_COLUMNS = [f.name for f in dataclasses.fields(GroupRow)]
# The group table's headers as a person reads them (the page's download); scripts get CSV_COLUMNS (the CLI).
CSV_HEADERS = {
    "key": _("Code"),
    "label": _("Group"),
    "n": _("Reviews"),
    "iqs": _("IQS"),
    "ci_low": _("IQS, 95% CI low"),
    "ci_high": _("IQS, 95% CI high"),
    "conclusive": _("Conclusive (yes/no)"),
    "pass_rate": _("Pass rate (%)"),
    "pass_rate_low": _("Pass rate, 95% CI low"),
    "pass_rate_high": _("Pass rate, 95% CI high"),
    "high_impact_errors": _("High-impact errors"),
    "high_impact_per_100": _("High-impact errors per 100 reviews"),
    "high_impact_per_100_low": _("High-impact errors per 100, 95% CI low"),
    "high_impact_per_100_high": _("High-impact errors per 100, 95% CI high"),
    "low_impact_errors": _("Low-impact errors"),
    "low_impact_per_100": _("Low-impact errors per 100 reviews"),
    "low_impact_per_100_low": _("Low-impact errors per 100, 95% CI low"),
    "low_impact_per_100_high": _("Low-impact errors per 100, 95% CI high"),
    "rank": _("Rank"),
}


# What each column of the group table holds, for typed xlsx cells and rounding as the page shows it.
_KINDS: dict[str, ColumnKind] = {
    "key": "text",
    "label": "text",
    "n": "int",
    "conclusive": "bool",
    "high_impact_errors": "int",
    "low_impact_errors": "int",
    "rank": "int",
}
QUALITY_COLUMNS = [Column(CSV_HEADERS[name], _KINDS.get(name, "number")) for name in CSV_COLUMNS]


def quality_report_table(report: QualityReport) -> Table:
    """The group table as people download it (page and API): one row per group."""
    rows = [dataclasses.astuple(row) for row in report.groups]
    return Table(name=f"quality-by-{report.by.replace(':', '-')}", sheet=_("Quality"), columns=QUALITY_COLUMNS, rows=rows)


def quality_report_as_dict(report: QualityReport) -> dict[str, Any]:
    """The whole report with dates as ISO strings."""
    data = dataclasses.asdict(report)
    for name in ("date_from", "date_to"):
        data[name] = data[name].isoformat() if data[name] else None
    return data


def quality_report_write_csv(report: QualityReport, stream: TextIO, *, for_people: bool = False) -> None:
    """The group table: for scripts (the CLI) with a header row of stable column names and plain numbers; for people
    (the page's download) with headers, decimals and separators in the active language (qadesk.core.exports)."""
    writer = csv_writer_for_people(stream) if for_people else csv_writer(stream)
    writer.writerow([str(CSV_HEADERS[name]) for name in CSV_COLUMNS] if for_people else CSV_COLUMNS)
    for row in report.groups:
        writer.writerow(dataclasses.astuple(row))


def report_as_dict(report: Any) -> dict[str, Any]:
    """Any statistics report (a dataclass) as JSON-ready data, dates as ISO strings."""
    return _iso(dataclasses.asdict(report))


def rows_write_csv(rows: list[Any], stream: TextIO) -> None:
    """Rows of a statistics report as CSV; nested figures become prefixed columns (a_n, a_iqs, … b_p_value)."""
    flat = [_flatten(dataclasses.asdict(row)) for row in rows]
    writer = csv_writer(stream)
    if not flat:
        return
    writer.writerow(list(flat[0]))
    for row in flat:
        writer.writerow(row.values())


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{name}_"))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def _iso(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


STATISTICS_TABLES = ("precision", "changes", "reviewers")
PRECISION_COLUMNS = [
    Column(_("Group")),
    Column(_("n"), "int"),
    Column(_("IQS"), "number", digits=2),
    Column(_("IQS, 95% CI low"), "number", digits=2),
    Column(_("IQS, 95% CI high"), "number", digits=2),
    Column(_("Conclusive (yes/no)"), "bool"),
    Column(_("Standard deviation"), "number", digits=2),
    Column(_("± now"), "number", digits=2),
    Column(_("Reviews needed"), "int"),
    Column(_("More needed"), "int"),
]
CHANGE_COLUMNS = [
    Column(_("Group")),
    Column(_("n (A)"), "int"),
    Column(_("IQS (A)"), "number", digits=2),
    Column(_("IQS (A), 95% CI low"), "number", digits=2),
    Column(_("IQS (A), 95% CI high"), "number", digits=2),
    Column(_("n (B)"), "int"),
    Column(_("IQS (B)"), "number", digits=2),
    Column(_("IQS (B), 95% CI low"), "number", digits=2),
    Column(_("IQS (B), 95% CI high"), "number", digits=2),
    Column(_("Change"), "number", digits=2),
    Column(_("p-value"), "number", digits=4),
    Column(_("Adjusted p"), "number", digits=4),
    Column(_("Significant"), "bool"),
]
REVIEWER_COLUMNS = [
    Column(_("Reviewer")),
    Column(_("Reviews"), "int"),
    Column(_("Shared agents"), "int"),
    Column(_("Mean difference"), "number", digits=2),
    Column(_("p-value"), "number", digits=4),
    Column(_("Adjusted p"), "number", digits=4),
    Column(_("Tendency")),
    Column(_("Significant"), "bool"),
]


def precision_table(plan: Any) -> Table:
    """The statistics page's "reviews needed" table."""
    rows = [
        [g.label, g.n, g.iqs, g.ci_low, g.ci_high, g.conclusive, g.sd, g.half_width, g.reviews_needed, g.more_needed]
        for g in plan.groups
    ]
    return Table(name=f"precision-by-{plan.by}", sheet=_("Reviews needed"), columns=PRECISION_COLUMNS, rows=rows)


def changes_table(report: Any) -> Table:
    """The statistics page's "scores that moved" table (period A against period B)."""
    rows = [
        [
            g.label,
            g.a.n,
            g.a.iqs,
            g.a.ci_low,
            g.a.ci_high,
            g.b.n,
            g.b.iqs,
            g.b.ci_low,
            g.b.ci_high,
            g.change,
            g.p_value,
            g.p_adjusted,
            g.significant,
        ]
        for g in report.groups
    ]
    return Table(name=f"changes-by-{report.by}", sheet=_("Score changes"), columns=CHANGE_COLUMNS, rows=rows)


def reviewer_differences_table(report: Any) -> Table:
    """The statistics page's "reviewers who score differently" table, reviewers by name."""
    tendency = {"lenient": _("more lenient"), "strict": _("stricter")}
    rows = [
        [
            r.reviewer,
            r.reviews,
            r.shared_agents,
            r.mean_difference,
            r.p_value,
            r.p_adjusted,
            str(tendency.get(r.direction, r.direction)),
            r.significant,
        ]
        for r in report.reviewers
    ]
    return Table(name="reviewer-differences", sheet=_("Reviewers"), columns=REVIEWER_COLUMNS, rows=rows)
