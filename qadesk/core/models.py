"""Shared records: JobRun, the visible trace of every piece of background work, and the workers that run it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class JobRun(models.Model):
    """One run of a background job (a sampling draw, an import…): what it was, how it went, what it counted.

    The task queue keeps its own rows; this one is qadesk's, written by the service doing the work, so
    the UI and API show progress and the log whichever task backend ran it.
    """

    kind = models.CharField(_("kind"), max_length=50)
    status = models.CharField(_("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    log = models.TextField(_("log"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # What to queue (again, if the worker running it dies): the task's dotted path and its arguments. `attempts` counts
    # how many times it was queued; a job is queued again only while attempts < max_attempts (see core/services.py).
    task_path = models.CharField(_("task"), max_length=200, blank=True)
    task_args = models.JSONField(_("task arguments"), default=list, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("most attempts"), default=1)
    worker_id = models.CharField(_("worker"), max_length=64, blank=True, help_text=_("The worker process running it."))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"

    def start(self) -> None:
        """Mark the job running, by this worker if a `qadesk worker` runs it (saved at once, outside the work's transaction)."""
        from qadesk.core.workers import current_worker_id

        self.status = JobStatus.RUNNING
        self.started_at = timezone.now()
        self.worker_id = current_worker_id() or ""
        self.save(update_fields=["status", "started_at", "worker_id"])

    def finish(self, *, status: str, counts: dict[str, object] | None = None, log: str = "") -> None:
        """Record the outcome, the counts and a log line."""
        self.status = status
        self.counts = counts or self.counts
        self.progress = 100
        self.log = "\n".join(line for line in (self.log, log) if line)
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "counts", "progress", "log", "finished_at"])


class PeriodicJobState(models.Model):
    """When a periodic job (qadesk/core/schedule.py) is next due; one row per job, shared by every scheduler.

    A scheduler enqueues the job only if it moves `next_run_at` forward itself (a conditional UPDATE), so several
    schedulers, or `qadesk scheduler --once` from cron every minute, still enqueue it once per interval.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    next_run_at = models.DateTimeField(_("next run"))
    last_enqueued_at = models.DateTimeField(_("last queued"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """A `qadesk worker` process as it last reported itself. It refreshes `last_seen_at` every few seconds while it runs;
    a worker not seen for longer than the lease (QADESK_WORKER_LEASE_SECONDS) is taken for dead, and the jobs it was
    running are queued again or marked failed. The newest `last_seen_at` tells whether any worker is running at all.
    """

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    backend = models.CharField(_("job backend"), max_length=200)
    started_at = models.DateTimeField(_("started"))
    last_seen_at = models.DateTimeField(_("last seen"), db_index=True)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"
