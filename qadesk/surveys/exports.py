"""Survey results as plain data: a JSON-ready dictionary, machine CSV (the CLI) and the people's table (CSV/xlsx)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from django.utils.translation import gettext_lazy as _

from qadesk.core.exports import Column, Table, csv_writer
from qadesk.scorecards.scoring import GroupStats
from qadesk.surveys.figures import Figure
from qadesk.surveys.gap_selectors import GapReport, GapRow
from qadesk.surveys.selectors import GroupFigures, SurveyResults, TrendRow

FIGURES = ("csat", "nps", "ces", "response_rate")
DEFINITIONS = {
    "csat_top_two": _("CSAT: share of 4 and 5 on a 1–5 scale"),
    "csat_mean": _("CSAT: mean rating on 1–5"),
    "nps": _("NPS: % promoters (9–10) − % detractors (0–6)"),
    "ces_mean": _("CES: mean on a 1–7 scale"),
    "ces_share_5_7": _("CES: share of 5–7"),
    "response_rate": _("Response rate: responses / invitations sent"),
}
MACHINE_COLUMNS = ["key", "label", "responses"] + [
    f"{name}_{part}" for name in FIGURES for part in ("n", "value", "ci_low", "ci_high", "conclusive")
]


def _figure_dict(figure: Figure | None) -> dict[str, Any] | None:
    if figure is None:
        return None
    data = {k: getattr(figure, k) for k in ("definition", "n", "value", "ci_low", "ci_high", "conclusive")}
    if hasattr(figure, "margin"):
        data.update({k: getattr(figure, k) for k in ("margin", "promoters", "passives", "detractors")})
    return data


def group_dict(group: GroupFigures) -> dict[str, Any]:
    return {
        "key": group.key,
        "label": group.label,
        "responses": group.responses,
        **{name: _figure_dict(getattr(group, name)) for name in FIGURES},
    }


def results_as_dict(results: SurveyResults) -> dict[str, Any]:
    """Everything the results page shows, JSON-ready (the API and `qadesk report surveys --format json`)."""
    return {
        "survey": {"id": results.survey.pk, "code": results.survey.code, "name": str(results.survey)},
        "by": results.by,
        "from": results.date_from.isoformat() if results.date_from else None,
        "to": results.date_to.isoformat() if results.date_to else None,
        "minimum_n": results.minimum_n,
        "definitions": {code: str(text) for code, text in DEFINITIONS.items()},
        "headline_questions": results.headline,
        "overall": group_dict(results.overall),
        "groups": [group_dict(g) for g in results.groups],
        "questions": [
            {
                "code": q.code,
                "text": q.text,
                "kind": q.kind,
                "n": q.n,
                "distribution": [{"value": c, "label": label, "count": n, "percent": p} for c, label, n, p in q.rows],
            }
            for q in results.questions
        ],
    }


def _machine_row(group: GroupFigures) -> list[Any]:
    row: list[Any] = [group.key, group.label, group.responses]
    for name in FIGURES:
        figure = getattr(group, name)
        row += [None] * 5 if figure is None else [figure.n, figure.value, figure.ci_low, figure.ci_high, figure.conclusive]
    return row


def results_write_csv(results: SurveyResults, stream: TextIO) -> None:
    """The group table (the overall row first) as CSV for scripts: codes as headers, dots as decimal separators."""
    writer = csv_writer(stream)
    writer.writerow(MACHINE_COLUMNS)
    for group in [results.overall, *results.groups]:
        writer.writerow(_machine_row(group))


TREND_FIGURES = ("csat", "nps", "ces")
TREND_COLUMNS = ["start", "label"] + [
    f"{name}_{part}" for name in TREND_FIGURES for part in ("n", "value", "ci_low", "ci_high", "conclusive")
]


def trend_as_dict(
    *, survey_id: int, code: str, period: str, date_from: Any, date_to: Any, minimum_n: int, rows: list[TrendRow]
) -> dict[str, Any]:
    """The results page's trend table, JSON-ready (the API and `qadesk report surveys --trend … --format json`)."""
    return {
        "survey": {"id": survey_id, "code": code},
        "period": period,
        "from": date_from.isoformat() if date_from else None,
        "to": date_to.isoformat() if date_to else None,
        "minimum_n": minimum_n,
        "definitions": {code: str(text) for code, text in DEFINITIONS.items()},
        "periods": [
            {"start": r.start.isoformat(), "label": r.label, **{name: _figure_dict(getattr(r, name)) for name in TREND_FIGURES}}
            for r in rows
        ],
    }


def trend_write_csv(rows: list[TrendRow], stream: TextIO) -> None:
    """One row per week or month for scripts: the period's first day (ISO), codes as headers, dots as decimals."""
    writer = csv_writer(stream)
    writer.writerow(TREND_COLUMNS)
    for r in rows:
        row: list[Any] = [r.start.isoformat(), r.label]
        for name in TREND_FIGURES:
            f = getattr(r, name)
            row += [None] * 5 if f is None else [f.n, f.value, f.ci_low, f.ci_high, f.conclusive]
        writer.writerow(row)


def results_table(results: SurveyResults) -> Table:
    """The results page's group table as people download it (CSV in their language, or xlsx)."""
    columns = [Column(_("Group")), Column(_("Responses"), "int")]
    names = {"csat": _("CSAT (%)"), "nps": _("NPS"), "ces": _("CES"), "response_rate": _("Response rate (%)")}
    for name in FIGURES:
        columns += [
            Column(names[name], "number"),
            Column(_("{figure}: n").format(figure=names[name]), "int"),
            Column(_("{figure}: 95% CI low").format(figure=names[name]), "number"),
            Column(_("{figure}: 95% CI high").format(figure=names[name]), "number"),
            Column(_("{figure}: conclusive").format(figure=names[name]), "bool"),
        ]

    def rows() -> Iterator[list[Any]]:
        for group in [results.overall, *results.groups]:
            row: list[Any] = [group.label, group.responses]
            for name in FIGURES:
                f = getattr(group, name)
                row += [None] * 5 if f is None else [f.value, f.n, f.ci_low, f.ci_high, f.conclusive]
            yield row

    return Table(name=f"survey-{results.survey.code}", columns=columns, rows=rows(), sheet=str(results.survey))


def gap_as_dict(report: GapReport) -> dict[str, Any]:
    """The gap report as plain JSON-ready data (API and CLI)."""

    def stats(s: GroupStats) -> dict[str, Any]:
        return {"n": s.n, "value": s.iqs, "ci_low": s.ci_low, "ci_high": s.ci_high, "conclusive": s.conclusive}

    def row(r: GapRow) -> dict[str, Any]:
        c = r.correlation
        return {
            "key": r.key,
            "label": r.label,
            "iqs": stats(r.iqs),
            "pass_rate": _figure_dict(r.pass_rate),
            "csat": _figure_dict(r.csat),
            "nps": _figure_dict(r.nps),
            "expectations_met": _figure_dict(r.expectations_met),
            "paired_iqs": stats(r.paired_iqs),
            "paired_rating": _figure_dict(r.paired_rating),
            "spearman": {"n": c.n, "rho": c.rho, "ci_low": c.ci_low, "ci_high": c.ci_high, "conclusive": c.conclusive},
            "we_high_customer_low": r.we_high,
            "we_low_customer_high": r.we_low,
        }

    return {
        "by": report.by,
        "rating": report.rating,
        "from": report.date_from.isoformat() if report.date_from else None,
        "to": report.date_to.isoformat() if report.date_to else None,
        "pass_mark": report.pass_mark,
        "minimum_n": report.minimum_n,
        "overall": row(report.overall),
        "groups": [row(g) for g in report.groups],
        "discrepancies": [d.__dict__ for d in report.discrepancies],
        "panel": [
            {
                "key": p.key,
                "label": p.label,
                "planned": p.planned,
                "value": p.value,
                "change": p.change,
                "reviews": p.n_reviews,
                "ratings": p.n_ratings,
            }
            for p in report.panel
        ],
    }


GAP_CSV_HEADER = [
    "key", "label", "iqs_n", "iqs", "iqs_low", "iqs_high", "pass_rate", "csat_n", "csat", "nps_n", "nps",
    "expectations_met", "paired_n", "paired_iqs", "paired_rating", "spearman_rho", "spearman_low", "spearman_high",
    "spearman_conclusive", "we_high_customer_low", "we_low_customer_high",
]  # fmt: skip


def gap_write_csv(report: GapReport, stream: TextIO) -> None:
    """One CSV row per group then the total (key "*"), machine-readable: codes and plain numbers."""
    writer = csv_writer(stream)
    writer.writerow(GAP_CSV_HEADER)
    for r in [*report.groups, GapRow(**{**report.overall.__dict__, "key": "*", "label": str(_("All"))})]:
        c = r.correlation
        writer.writerow([
            r.key, r.label, r.iqs.n, r.iqs.iqs, r.iqs.ci_low, r.iqs.ci_high, r.pass_rate.value, r.csat.n, r.csat.value,
            r.nps.n, r.nps.value, r.expectations_met.value, r.paired_iqs.n, r.paired_iqs.iqs, r.paired_rating.value,
            c.rho, c.ci_low, c.ci_high, c.conclusive, r.we_high, r.we_low,
        ])  # fmt: skip
