"""Helpdesk connectors: where interactions are pulled from (Zendesk, Freshdesk, Intercom), and each sync's outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.core.models import JobRun, JobStatus


class Vendor(models.TextChoices):
    ZENDESK = "zendesk", "Zendesk"
    FRESHDESK = "freshdesk", "Freshdesk"
    INTERCOM = "intercom", "Intercom"


class Connector(models.Model):
    """An account at a helpdesk that qadesk pulls tickets or conversations from, on a schedule or on demand.

    The secret (API token or key) is stored encrypted (connectors/crypto.py). `cursor` is where the vendor's change
    feed was read up to; it moves forward in the same transaction as each page's import, so a sync that stops
    half-way resumes after the last page it committed. `name` is also the interactions' `source`. `new_revision`
    is the import's option of that name (imports/services.py): whether an upstream edit of a reviewed transcript
    replaces it, the scored one kept as a revision, or is refused and listed.
    """

    name = models.SlugField(_("name"), max_length=50, unique=True, help_text=_("Also the source of the interactions it imports."))
    vendor = models.CharField(_("helpdesk"), max_length=20, choices=Vendor.choices)
    base_url = models.URLField(_("address"), max_length=300, help_text=_("For example https://acme.zendesk.com"))
    login = models.CharField(
        _("login"), max_length=200, blank=True, help_text=_("Zendesk: the e-mail address the API token belongs to.")
    )
    secret_encrypted = models.TextField(_("encrypted secret"), blank=True, editable=False)
    start_at = models.DateTimeField(_("import changes since"), null=True, blank=True, help_text=_("Empty: everything."))
    cursor = models.JSONField(_("cursor"), default=dict, blank=True, editable=False)
    enabled = models.BooleanField(_("scheduled"), default=True, help_text=_("Sync automatically every interval."))
    every_minutes = models.PositiveIntegerField(_("interval (minutes)"), default=15)
    new_revision = models.BooleanField(
        _("revise reviewed transcripts"),
        default=False,
        help_text=_(
            "A helpdesk edit that changes a transcript reviews scored replaces it; the reviews keep showing the one "
            "they scored, as a revision. Off: such an edit is refused and listed in the sync's errors."
        ),
    )
    last_sync_at = models.DateTimeField(_("last sync"), null=True, blank=True, editable=False)
    running_since = models.DateTimeField(_("running since"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("connector")
        verbose_name_plural = _("connectors")

    def __str__(self) -> str:
        return self.name


class ConnectorSync(models.Model):
    """One sync of a connector: how many records it read, created, updated and deleted, and what went wrong."""

    connector = models.ForeignKey(Connector, verbose_name=_("connector"), on_delete=models.CASCADE, related_name="syncs")
    job = models.OneToOneField(JobRun, verbose_name=_("job"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.RUNNING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    fetched = models.PositiveIntegerField(_("fetched"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    deleted = models.PositiveIntegerField(_("deleted"), default=0)
    kept = models.PositiveIntegerField(_("kept"), default=0, help_text=_("Deleted at the helpdesk but kept: reviewed."))
    refused = models.PositiveIntegerField(_("refused"), default=0)
    revised = models.PositiveIntegerField(
        _("revised"), default=0, help_text=_("Reviewed transcripts replaced, the scored one kept as a revision.")
    )
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    log = models.TextField(_("log"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("connector sync")
        verbose_name_plural = _("connector syncs")

    def __str__(self) -> str:
        return f"{self.connector_id} #{self.pk} {self.status}"
