"""Reads for the import page: the uploads a person may see, and how far an import job has come."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from qadesk.accounts.models import User
from qadesk.core.models import JobRun, JobStatus
from qadesk.imports.models import ImportUpload
from qadesk.imports.uploads import progress_path

RECENT_UPLOADS = 20


def upload_list(*, actor: User) -> QuerySet[ImportUpload]:
    """The uploads `actor` may see, newest first, without their content."""
    return ImportUpload.objects.visible_to(actor).defer("content").select_related("job", "check_job", "created_by")


def job_progress(*, job: JobRun) -> tuple[int, dict[str, Any]]:
    """(progress %, counts) of an import job: its row's, or while it runs on SQLite the note beside it."""
    if job.status == JobStatus.RUNNING and connection.vendor != "postgresql":
        try:
            note = json.loads(progress_path(job.pk).read_text())
            return int(note["progress"]), dict(note["counts"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return job.progress, dict(job.counts or {})
