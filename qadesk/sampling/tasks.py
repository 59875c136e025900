"""Background jobs of the sampling app: thin wrappers that call a service."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django_tasks import task

from qadesk.core.models import JobRun
from qadesk.core.schedule import periodic
from qadesk.sampling.models import SamplingPlan
from qadesk.sampling.selectors import sampling_plans_due
from qadesk.sampling.services import sampling_plan_enqueue, sampling_plan_run


@task()
def run_sampling_plan(plan_id: int, period_start: str, job_id: int | None = None) -> int | None:
    """Draw a plan for a period (ISO date); returns the run id, or None when the period was already drawn."""
    plan = SamplingPlan.objects.select_related("created_by").get(pk=plan_id)
    job = JobRun.objects.select_related("created_by").filter(pk=job_id).first() if job_id else None
    actor = job.created_by if job else None
    with translation.override((actor.language if actor else "") or settings.LANGUAGE_CODE):  # the log, in their words
        run = sampling_plan_run(plan=plan, actor=actor, period_start=date.fromisoformat(period_start), job=job)
    return run.pk if run else None


def enqueue_due_plans() -> list[JobRun]:
    """Queue a run of every plan period that is due (see sampling_plans_due); returns the JobRuns."""
    with transaction.atomic():
        return [sampling_plan_enqueue(plan=plan, actor=None, period_start=start) for plan, start in sampling_plans_due()]


@periodic(every=timedelta(minutes=10))
@task()
def enqueue_due_sampling_plans() -> int:
    """Periodic: queue the automatic plans whose period has ended; returns how many runs were queued."""
    return len(enqueue_due_plans())
