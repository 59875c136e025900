"""Where the quality report reads its sums: the rollup's cells (analytics/models.py) for the reviews the actor may see in
the date range and filters, when the rollup can answer; otherwise the report reads the reviews (docs/statistics.md).

Level 0 cells (day, agent, reviewer) answer a report grouped by agent or period with no filter but the agent; any
grouping or filter on the interaction (team, site, channel, label, phase) reads level 1 cells, which hold them all."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from qadesk.accounts.models import Agent, Site, Team, User
from qadesk.analytics.models import LEVEL_ALL, LEVEL_DAY, QualityCriterionDay, QualityDay, QualityRootCauseDay
from qadesk.core.days import clamped
from qadesk.core.errors import ApplicationError
from qadesk.core.inputs import parse_id
from qadesk.interactions.models import Label

_NATURAL: dict[str, tuple[str, Any, str]] = {
    "agent": ("agent_id", Agent, "username"),
    "team": ("team_id", Team, "name"),
    "site": ("site_id", Site, "name"),
    "label": ("label_id", Label, "code"),
}


@dataclass(frozen=True)
class RollupCells:
    """The same selection of cells in the three rollup tables (each queryset built when first used: the group table
    alone needs only the reviews')."""

    actor: User
    where: Q

    @cached_property
    def reviews(self) -> QuerySet[QualityDay]:
        return QualityDay.objects.visible_to(self.actor).filter(self.where)

    @cached_property
    def ratings(self) -> QuerySet[QualityCriterionDay]:
        return QualityCriterionDay.objects.visible_to(self.actor).filter(self.where)

    @cached_property
    def causes(self) -> QuerySet[QualityRootCauseDay]:
        return QualityRootCauseDay.objects.visible_to(self.actor).filter(self.where)

    def criterion_sums(self) -> list[dict[str, Any]]:
        """Per criterion: n (rated), Σ criterion score, failures — as `quality._criterion_sums` over the reviews."""
        from qadesk.analytics.selectors.quality import CRITERION_UNITS, in_points

        rows: Any = self.ratings.values("criterion_id")
        total = in_points(Sum("total"), CRITERION_UNITS)
        return list(rows.annotate(n=Sum("n"), total=total, failures=Sum("failures")).order_by())

    def root_causes(self) -> list[Any]:
        """The TOP root causes, as `quality.quality_root_causes` over the reviews."""
        from qadesk.analytics.selectors.quality import root_cause_rows

        rows = self.causes.values("criterion_id", "code").annotate(count=Sum("count")).order_by()
        return root_cause_rows(Counter({(r["criterion_id"], r["code"]): r["count"] for r in rows}))


def rollup_cells(
    *,
    actor: User,
    by: str,
    date_from: date | None,
    date_to: date | None,
    filters: dict[str, Any] | None,
    pass_mark: Decimal,
    usable: bool | None = None,
) -> RollupCells | None:
    """The cells standing for `quality_reviews(actor, date_from, date_to, filters)`, or None when the rollup was built for
    another pass mark or time zone (`rollup_usable`): the caller then reads the reviews. `usable`: that answer when the
    caller already has it (`report_settings` reads it with the organisation's settings), saving a query."""
    from qadesk.analytics.rollup import rollup_usable

    if not (rollup_usable(pass_mark=pass_mark) if usable is None else usable):
        return None
    given = {name: str(value).strip() for name, value in (filters or {}).items() if value not in (None, "")}
    level = LEVEL_DAY if by in ("agent", "period") and set(given) <= {"agent", "reviewee"} else LEVEL_ALL
    where = Q(level=level)
    if date_from:
        where &= Q(day__gte=clamped(date_from))
    if date_to:
        where &= Q(day__lte=clamped(date_to))
    for name, text in given.items():
        where &= _filter(name, text)
    return RollupCells(actor=actor, where=where)


REVIEWEES = ("people", "bots")


def reviewee_filter(text: str, *, column: str) -> Q:
    """Reviews (or cells) of people only, or of bots only: bots are reviewed like people and reported apart."""
    if text not in REVIEWEES:
        raise ApplicationError(_("Unknown reviewee “{value}”; choose people or bots.").format(value=text))
    return Q(**{f"{column}__in": Agent.objects.filter(is_bot=text == "bots").values("pk")})


def _filter(name: str, text: str) -> Q:
    """`quality._filter` on cells: by id (numbers) or natural key; channel and phase by code."""
    if name in ("channel", "phase"):
        return Q(**{name: text})
    if name == "reviewee":
        return reviewee_filter(text, column="agent_id")
    if name not in _NATURAL:
        raise ApplicationError(_("Unknown filter “{name}”.").format(name=name))
    column, model, natural = _NATURAL[name]
    pk = parse_id(text)
    if pk is not None:
        return Q(**{column: pk})
    return Q(**{f"{column}__in": model.objects.filter(**{natural: text}).values("pk")})
