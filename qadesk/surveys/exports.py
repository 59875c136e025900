"""Survey results as plain data: a JSON-ready dictionary, machine CSV (the CLI) and the people's table (CSV/xlsx)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from django.utils.translation import gettext_lazy as _

from qadesk.core.exports import Column, Table, csv_writer
from qadesk.surveys.figures import Figure
from qadesk.surveys.selectors import GroupFigures, SurveyResults

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
