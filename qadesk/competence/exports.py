"""The competence report as plain dicts (API, CLI JSON) and rows (CLI CSV): one shape everywhere."""

from __future__ import annotations

import csv
from dataclasses import asdict
from typing import Any, TextIO

from django.utils.translation import gettext_noop

from qadesk.competence import figures
from qadesk.competence.selectors import AgentCompetence, CompetenceReport, GroupRow, TrainingResults

# Marked for translation; the page shows it translated, the API and CLI in English.
ASSOCIATION_NOTE = gettext_noop(
    "Association, not cause: agents who train more may differ in other ways (tenure, team, workload)."
)


def _round(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def agent_as_dict(row: AgentCompetence) -> dict[str, Any]:
    """One agent's rating with its parts, the courses missing and the criteria where points are lost."""
    return {
        "agent_id": row.agent_id,
        "name": row.name,
        "team": row.team,
        "site": row.site,
        "rating": _round(row.rating.value),
        "below_benchmark": row.rating.below_benchmark,
        "training_score": _round(row.rating.training_score),
        "training_points": _round(row.rating.training_points),
        "delivery_score": _round(row.rating.delivery_score),
        "delivery_points": _round(row.rating.delivery_points),
        "criteria_mean": _round(row.criteria_mean),
        "criteria_n": row.criteria_n,
        "survey_mean": _round(row.survey_mean, 2),
        "survey_n": row.survey_n,
        "missing_courses": [c.code for c in row.missing],
        "losses": [
            {
                "criterion": loss.code,
                "mean": _round(loss.mean),
                "n": loss.n,
                "courses": [c.code for c in row.courses_for_losses.get(loss.code, [])],
            }
            for loss in row.losses
        ],
    }


def group_as_dict(row: GroupRow) -> dict[str, Any]:
    return {
        "label": row.label,
        "training_score": _round(row.training_score),
        "delivery_score": _round(row.delivery_score),
        "rating": _round(row.rating),
        "agents": row.n,
        "below_benchmark": row.below,
    }


def report_as_dict(report: CompetenceReport) -> dict[str, Any]:
    return {
        "from": report.date_from.isoformat(),
        "to": report.date_to.isoformat(),
        "benchmark": {
            "mode": report.mode,
            "training": _round(report.training_benchmark),
            "delivery": _round(report.delivery_benchmark),
            "rating": figures.AT_BENCHMARK,
        },
        "overall": _round(report.overall),
        "agents": [agent_as_dict(a) for a in report.agents],
        "teams": [group_as_dict(g) for g in report.teams],
        "sites": [group_as_dict(g) for g in report.sites],
    }


def report_write_csv(report: CompetenceReport, out: TextIO, *, by: str = "agent") -> None:
    """One row per agent (or team, site); lists joined with ';'."""
    if by == "agent":
        rows = [agent_as_dict(a) for a in report.agents]
        for row in rows:
            row["missing_courses"] = ";".join(row["missing_courses"])
            row["losses"] = ";".join(loss["criterion"] for loss in row["losses"])
    else:
        rows = [group_as_dict(g) for g in (report.teams if by == "team" else report.sites)]
    if not rows:
        return
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)


def training_results_as_dict(found: TrainingResults) -> dict[str, Any]:
    return {
        "from": found.date_from.isoformat(),
        "to": found.date_to.isoformat(),
        "note": ASSOCIATION_NOTE,
        "window_days": found.window_days,
        "associations": {key: asdict(value) for key, value in found.associations.items()},
        "agents": found.agents,
        "courses": [{"code": c["code"], "name": c["name"], **_before_after(c["result"])} for c in found.courses],
    }


def _before_after(result: Any) -> dict[str, Any]:
    return {"n": result.n, "change": _round(result.change), "low": _round(result.low), "high": _round(result.high)}
