"""A job for the process tests: it records its JobRun's start, sleeps on its first attempt, then finishes."""

import time

from django_tasks import task

from qadesk.core.models import JobRun, JobStatus


@task()
def slow_job(job_id: int, seconds: float) -> None:
    job = JobRun.objects.get(pk=job_id)
    job.start()
    if job.attempts == 1:
        time.sleep(seconds)
    job.finish(status=JobStatus.SUCCEEDED, log=f"slept on attempt {job.attempts}")
