"""Background jobs of automatic QA: thin wrappers that call the services."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import translation
from django_tasks import task

from qadesk.autoqa.label_model import classifier_retrain_due, classifier_train
from qadesk.autoqa.services import autoqa_run
from qadesk.core.models import JobRun
from qadesk.core.schedule import periodic


@task()
def run_autoqa(job_id: int) -> int:
    """Check the interactions the job's parameters name that are still due; returns how many were checked."""
    job = JobRun.objects.select_related("created_by").get(pk=job_id)
    actor = job.created_by
    with translation.override((actor.language if actor else "") or settings.LANGUAGE_CODE):  # the log, in their words
        job = autoqa_run(params=job.params, job=job)
    return int(job.counts.get("checked", 0))


@task()
def train_classifier(job_id: int) -> int:
    """Train the contact-reason classifier (unless nothing changed and the job does not force it); returns the new
    model's id, 0 when none was trained."""
    job = JobRun.objects.select_related("created_by").get(pk=job_id)
    actor = job.created_by
    force = bool(job.params.get("force", job.params.get("trigger") != "schedule"))
    with translation.override((actor.language if actor else "") or settings.LANGUAGE_CODE):
        row = classifier_train(job=job, force=force)
    return row.pk if row else 0


@periodic(every=timedelta(days=7))
@task()
def retrain_classifier() -> int:
    """Weekly: queue a retraining of the contact-reason classifier (skipped when its data did not change)."""
    return 1 if classifier_retrain_due() else 0
