"""What the import page keeps: an uploaded file between its check and its import, and the CSV mapping of each source."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.imports.querysets import CsvMappingQuerySet, ImportUploadQuerySet


class UploadFormat(models.TextChoices):
    JSONL = "jsonl", _("JSON Lines (qadesk format)")
    CSV = "csv", _("CSV")
    ZENDESK = "zendesk", _("Zendesk export (JSON)")
    FRESHDESK = "freshdesk", _("Freshdesk export (JSON)")
    INTERCOM = "intercom", _("Intercom export (JSON)")


class ImportUpload(models.Model):
    """A file uploaded on the import page: checked first by a background job (a preview of its rows and every error,
    nothing written), then imported by another. The file is kept (gzip-compressed) until an import of it succeeds."""

    name = models.CharField(_("file name"), max_length=255)
    fmt = models.CharField(_("format"), max_length=20, choices=UploadFormat.choices)
    source = models.CharField(
        _("source"), max_length=50, blank=True, help_text=_("The interactions' source when the file does not say it.")
    )
    content = models.BinaryField(_("content"), blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    check_report = models.JSONField(_("check"), default=dict, blank=True)
    skip_invalid = models.BooleanField(_("only the valid rows"), default=False)
    report = models.JSONField(_("report"), default=dict, blank=True)
    check_job = models.ForeignKey(
        "core.JobRun", verbose_name=_("check job"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    job = models.ForeignKey(
        "core.JobRun", verbose_name=_("job"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = ImportUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import upload")
        verbose_name_plural = _("import uploads")

    def __str__(self) -> str:
        return self.name


class CsvMapping(models.Model):
    """How the columns of one source's CSV files map to qadesk's import fields ({column: field, or "" to leave it
    out}); saved when a QA lead maps a file, applied to the next file of that source."""

    source = models.CharField(_("source"), max_length=50, unique=True)
    columns = models.JSONField(_("columns"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CsvMappingQuerySet.as_manager()

    class Meta:
        ordering = ["source"]
        verbose_name = _("CSV column mapping")
        verbose_name_plural = _("CSV column mappings")

    def __str__(self) -> str:
        return self.source
