"""Sampling reads: plans, runs, due plans and the coverage report."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from qadesk.accounts.models import User
from qadesk.interactions.models import Interaction
from qadesk.reviews.models import AssignmentStatus
from qadesk.sampling.models import SamplingPlan, SamplingRun, SamplingRunItem
from qadesk.sampling.periods import day_start, last_complete_period

COVERAGE_GROUPS = {
    "agent": "assignment__interaction__agent__username",
    "team": "assignment__interaction__agent__team__name",
    "site": "assignment__interaction__site__name",
    "channel": "assignment__interaction__channel",
}
STRATUM_FIELDS = {"site": "site__name", "channel": "channel", "phase": "phase", "language": "language"}


def sampling_plan_list(*, actor: User) -> QuerySet[SamplingPlan]:
    """The plans the actor may see, with their reviewers."""
    return SamplingPlan.objects.visible_to(actor).prefetch_related("reviewers")


def sampling_run_list(*, actor: User, plan_id: int | None = None) -> QuerySet[SamplingRun]:
    """The runs the actor may see, newest period first, with their job."""
    runs = SamplingRun.objects.visible_to(actor).select_related("plan", "job")
    return runs.filter(plan_id=plan_id) if plan_id else runs


def sampling_run_items(*, run: SamplingRun) -> QuerySet[SamplingRunItem]:
    """What a run drew: each assignment with its interaction, agent, reviewer and stratum."""
    related = ("assignment__interaction__agent", "assignment__interaction__site", "assignment__reviewer")
    return run.items.select_related(*related).order_by("stratum", "assignment__interaction_id")


def sampling_plans_due(*, today: date | None = None) -> list[tuple[SamplingPlan, date]]:
    """Active scheduled plans whose last complete period has not been drawn yet."""
    today = today or timezone.localdate()
    due = []
    for plan in SamplingPlan.objects.filter(is_active=True).exclude(schedule="none"):
        start = last_complete_period(plan.period, today)
        if not SamplingRun.objects.filter(plan=plan, period_start=start).exists():
            due.append((plan, start))
    return due


def sampling_coverage(*, plan: SamplingPlan, run: SamplingRun | None = None) -> dict[str, Any]:
    """Reviews done against planned per agent, team, site and channel; strata with candidates never sampled.

    Planned = assignments the plan's runs created (all runs, or one); done = those completed.
    """
    items = SamplingRunItem.objects.filter(run__plan=plan)
    if run is not None:
        items = items.filter(run=run)
    done = Count("id", filter=Q(assignment__status=AssignmentStatus.DONE))
    groups: dict[str, list[dict[str, Any]]] = {}
    for name, path in COVERAGE_GROUPS.items():
        rows = items.values(path).annotate(planned=Count("id"), done=done).order_by(path)
        groups[name] = [
            {
                "key": row[path] or "",
                "planned": row["planned"],
                "done": row["done"],
                "coverage": _ratio(row["done"], row["planned"]),
            }
            for row in rows
        ]
    return {"plan": plan.pk, "groups": groups, "never_sampled": _never_sampled(plan=plan, run=run)}


def _ratio(done: int, planned: int) -> float | None:
    return round(done / planned, 4) if planned else None


def _never_sampled(*, plan: SamplingPlan, run: SamplingRun | None) -> list[dict[str, Any]]:
    """Strata (by the plan's dimensions) that had interactions in the runs' periods but none sampled."""
    by = [d for d in (plan.strata or {}).get("by", []) if d in STRATUM_FIELDS]
    runs = [run] if run is not None else list(plan.runs.all())
    if not by or not runs:
        return []
    sampled: set[str] = set(SamplingRunItem.objects.filter(run__in=runs).values_list("stratum", flat=True))
    available: dict[str, int] = defaultdict(int)
    for r in runs:
        period = Interaction.objects.filter(created_at__gte=day_start(r.period_start), created_at__lt=day_start(r.period_end))
        fields = [STRATUM_FIELDS[d] for d in by]
        for row in period.values(*fields).annotate(n=Count("id")).order_by(*fields):
            available["|".join(str(row[f] or "") for f in fields)] += row["n"]
    return [{"stratum": key, "interactions": n} for key, n in sorted(available.items()) if key not in sampled]
