"""Background jobs of the imports app: the import of a file uploaded on the import page."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from qadesk.core.models import JobRun
from qadesk.imports.models import ImportUpload
from qadesk.imports.uploads import upload_check, upload_run


@task()
def run_upload(upload_id: int, job_id: int) -> dict[str, int]:
    """Import an uploaded file; returns the report's counts."""
    upload = ImportUpload.objects.get(pk=upload_id)
    job = JobRun.objects.select_related("created_by").get(pk=job_id)
    actor = job.created_by
    with translation.override((actor.language if actor else "") or settings.LANGUAGE_CODE):  # errors in their words
        report = upload_run(upload=upload, job=job)
    return {"created": report.created, "updated": report.updated, "unchanged": report.unchanged, "refused": report.refused}


@task()
def check_upload(upload_id: int, job_id: int) -> int:
    """Check an uploaded file (its import, undone); returns how many errors it found."""
    upload = ImportUpload.objects.get(pk=upload_id)
    job = JobRun.objects.select_related("created_by").get(pk=job_id)
    actor = job.created_by
    with translation.override((actor.language if actor else "") or settings.LANGUAGE_CODE):  # errors in their words
        upload = upload_check(upload=upload, job=job)
    return int(upload.check_report.get("error_count") or 0)
