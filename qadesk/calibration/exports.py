"""A calibration session's results as tables to download: agreement per criterion, and reviewers against the benchmark.

Both come from calibration_results, so a participant still blind to the others' ratings downloads what the page shows
them (their own figures only), and reviewers are named as people."""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from qadesk.core.exports import Column, Table

LEVELS = {"nominal": _("nominal"), "ordinal": _("ordinal"), "interval": _("interval"), "ratio": _("ratio")}
KAPPAS = {"cohen": _("Cohen's κ"), "fleiss": _("Fleiss' κ")}
RESULT_TABLES = ("reviewers", "criteria")

CRITERIA_COLUMNS = [
    Column(_("Criterion code")),
    Column(_("Criterion")),
    Column(_("Level")),
    Column(_("Krippendorff's alpha"), "number", digits=3),
    Column(_("Agreement (%)"), "percent", digits=1),
    Column(_("Kappa"), "number", digits=3),
    Column(_("Kind of kappa")),
]
REVIEWER_COLUMNS = [
    Column(_("Reviewer")),
    Column(_("Benchmark"), "bool"),
    Column(_("Deviation"), "number"),
    Column(_("Leniency"), "number"),
    Column(_("Alignment (%)"), "percent"),
]


def calibration_results_table(*, results: dict[str, Any], table: str) -> Table:
    """`reviewers` (default) or `criteria` of calibration_results as a table."""
    name = f"calibration-{results['session']}-{table}"
    if table == "criteria":
        return Table(name=name, sheet=_("Agreement per criterion"), columns=CRITERIA_COLUMNS, rows=_criteria(results))
    return Table(name=name, sheet=_("Reviewers"), columns=REVIEWER_COLUMNS, rows=_reviewers(results))


def _criteria(results: dict[str, Any]) -> Iterator[list[Any]]:
    for row in results["criteria"]:
        kappa = row.get("kappa")
        yield [
            row["code"],
            row["title"],
            str(LEVELS.get(row["level"], row["level"])),
            row["alpha"],
            row["percent_agreement"],
            kappa["value"] if kappa else None,
            str(KAPPAS[kappa["kind"]]) if kappa else "",
        ]


def _reviewers(results: dict[str, Any]) -> Iterator[list[Any]]:
    for row in results["reviewers"]:
        yield [row["name"], row["is_benchmark"], row["mean_deviation"], row["leniency"], row["alignment"]]
