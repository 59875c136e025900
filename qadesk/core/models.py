"""Shared records: JobRun, the visible trace of every piece of background work."""

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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"

    def start(self) -> None:
        """Mark the job running (saved at once, outside the work's transaction)."""
        self.status = JobStatus.RUNNING
        self.started_at = timezone.now()
        self.save(update_fields=["status", "started_at"])

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
