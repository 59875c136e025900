"""The coverage report as one table to download: a row per group (agent, team, site, channel) as the page shows it."""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from qadesk.core.exports import Column, Table

GROUP_LABELS = {"agent": _("Agent"), "team": _("Team"), "site": _("Site"), "channel": _("Channel")}
COVERAGE_COLUMNS = [
    Column(_("Group")),
    Column(_("Name")),
    Column(_("Done"), "int"),
    Column(_("Planned"), "int"),
    Column(_("Coverage (%)"), "percent", digits=2),
]


def coverage_table(*, coverage: dict[str, Any]) -> Table:
    """sampling_coverage's groups, one row each, people and channels by their names."""
    return Table(name=f"coverage-plan-{coverage['plan']}", sheet=_("Coverage"), columns=COVERAGE_COLUMNS, rows=_rows(coverage))


def _rows(coverage: dict[str, Any]) -> Iterator[list[Any]]:
    for group, rows in coverage["groups"].items():
        for row in rows:
            yield [str(GROUP_LABELS.get(group, group)), row["label"], row["done"], row["planned"], row["coverage"]]
