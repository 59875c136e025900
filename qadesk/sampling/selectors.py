"""Sampling reads: plans, runs, due plans and the coverage report."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from qadesk.accounts.models import User
from qadesk.core.models import JobRun, JobStatus
from qadesk.interactions.models import Channel, Interaction
from qadesk.reviews.models import AssignmentStatus
from qadesk.sampling.models import SamplingPlan, SamplingRun, SamplingRunItem
from qadesk.sampling.periods import day_start, last_complete_period, period_end

COVERAGE_GROUPS = {
    "agent": "assignment__interaction__agent__username",
    "team": "assignment__interaction__agent__team__name",
    "site": "assignment__interaction__site__name",
    "channel": "assignment__interaction__channel",
}
# What a coverage row is called for people: the agent's name rather than their username, the channel's label.
COVERAGE_LABELS = {"agent": "assignment__interaction__agent__display_name"}
# How far back an automatic plan catches up on periods missed while no scheduler ran.
CATCH_UP_DAYS = 7
# A period with a sampling job younger than this is not queued again: it is queued or running (several
# schedulers, a backlog), or it failed and is retried after this long rather than at every tick.
RETRY_HOURS = 6
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
    """Periods of active automatic plans that have ended and are neither drawn nor recently queued, oldest first.

    A plan's last complete period is always due; after a plan's latest run, periods that ended within
    CATCH_UP_DAYS are due too, so days missed while no scheduler ran are still drawn (a plan left idle longer
    does not flood reviewers with its backlog).
    """
    today = today or timezone.localdate()
    plans = list(SamplingPlan.objects.filter(is_active=True, auto_run=True).annotate(latest=Max("runs__period_start")))
    drawn = set(SamplingRun.objects.filter(plan__in=plans).values_list("plan_id", "period_start"))
    attempted = _recent_attempts(now=timezone.now())
    due: list[tuple[SamplingPlan, date]] = []
    for plan in plans:
        for start in _ended_periods(plan, today):
            if (plan.pk, start) not in drawn and (plan.pk, start) not in attempted:
                due.append((plan, start))
    return due


def _ended_periods(plan: SamplingPlan, today: date) -> list[date]:
    last = last_complete_period(plan.period, today)
    starts = [last]
    latest: date | None = getattr(plan, "latest", None)
    start = last
    while latest is not None:
        start = last_complete_period(plan.period, start)
        if start <= latest or period_end(plan.period, start) < today - timedelta(days=CATCH_UP_DAYS):
            break
        starts.insert(0, start)
    return starts


def _recent_attempts(*, now: datetime) -> set[tuple[int, date]]:
    """(plan, period start) of sampling jobs started in the last RETRY_HOURS: queued, running, or failed."""
    jobs = JobRun.objects.filter(kind="sampling", created_at__gte=now - timedelta(hours=RETRY_HOURS))
    attempts = set()
    for params in jobs.values_list("params", flat=True):
        try:
            attempts.add((int(params["plan"]), date.fromisoformat(params["period_start"])))
        except (KeyError, TypeError, ValueError):
            continue
    return attempts


def sampling_coverage(*, plan: SamplingPlan, run: SamplingRun | None = None) -> dict[str, Any]:
    """Reviews done against planned per agent, team, site and channel; strata with candidates never sampled.

    Planned = assignments the plan's runs created (all runs, or one); done = those completed; coverage = done / planned
    in percent (0–100, like every other rate qadesk shows), None when nothing is planned.
    """
    items = SamplingRunItem.objects.filter(run__plan=plan)
    if run is not None:
        items = items.filter(run=run)
    done = Count("id", filter=Q(assignment__status=AssignmentStatus.DONE))
    groups: dict[str, list[dict[str, Any]]] = {}
    channels = dict(Channel.choices)
    for name, path in COVERAGE_GROUPS.items():
        label_path = COVERAGE_LABELS.get(name, path)
        rows = items.values(*dict.fromkeys([path, label_path])).annotate(planned=Count("id"), done=done).order_by(path)
        groups[name] = [
            {
                "key": row[path] or "",
                "label": str(channels.get(row[path], row[path])) if name == "channel" else (row[label_path] or row[path] or ""),
                "planned": row["planned"],
                "done": row["done"],
                "coverage": coverage_ratio(row["done"], row["planned"]),
            }
            for row in rows
        ]
    return {"plan": plan.pk, "groups": groups, "never_sampled": _never_sampled(plan=plan, run=run)}


def coverage_ratio(done: int, planned: int) -> float | None:
    """Coverage: done / planned × 100, to 2 decimals (sampling pages and the home page)."""
    return round(done / planned * 100, 2) if planned else None


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


def sampling_job_run(job: JobRun) -> SamplingRun | None:
    """The run a sampling job drew or, when the job was skipped because its period had been drawn, that earlier run."""
    run = SamplingRun.objects.filter(job=job).first()
    if run is None and job.status == JobStatus.SKIPPED:
        params = job.params or {}
        start = params.get("period_start")
        run = SamplingRun.objects.filter(plan_id=params.get("plan"), period_start=start).first() if start else None
    return run
