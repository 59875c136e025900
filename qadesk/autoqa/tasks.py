"""Background jobs of automatic QA: a thin wrapper that calls the service."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from qadesk.autoqa.services import autoqa_run
from qadesk.core.models import JobRun


@task()
def run_autoqa(job_id: int) -> int:
    """Check the interactions the job's parameters name that are still due; returns how many were checked."""
    job = JobRun.objects.select_related("created_by").get(pk=job_id)
    actor = job.created_by
    with translation.override((actor.language if actor else "") or settings.LANGUAGE_CODE):  # the log, in their words
        job = autoqa_run(params=job.params, job=job)
    return int(job.counts.get("checked", 0))
