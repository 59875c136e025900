"""Background jobs of the sampling app: thin wrappers that call a service."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from qadesk.core.models import JobRun
from qadesk.sampling.models import SamplingPlan
from qadesk.sampling.services import sampling_plan_run


@task()
def run_sampling_plan(plan_id: int, period_start: str, job_id: int | None = None) -> int | None:
    """Draw a plan for a period (ISO date); returns the run id, or None when the period was already drawn."""
    plan = SamplingPlan.objects.select_related("created_by").get(pk=plan_id)
    job = JobRun.objects.filter(pk=job_id).first() if job_id else None
    run = sampling_plan_run(
        plan=plan, actor=job.created_by if job else None, period_start=date.fromisoformat(period_start), job=job
    )
    return run.pk if run else None
