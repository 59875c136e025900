"""Service promises (seed 003's reliability): what we promise customers, e.g. "we answer e-mails within 4 hours"."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.interactions.models import Channel, Label
from qadesk.reliability.querysets import ServicePromiseQuerySet


class Measure(models.TextChoices):
    """The measured step a promise is about, from the interactions' timestamps."""

    ANSWER = "answer", _("Answered (queued → answered)")
    FIRST_RESPONSE = "first_response", _("First response (created → first agent reply)")
    RESOLUTION = "resolution", _("Resolution (created → resolved)")


class ServicePromise(models.Model):
    """A promise made to customers on one channel and/or contact reason: the step (`measure`) happens within
    `within_hours`, for at least `promised_percent` of the contacts. The reliability page sets it against the share
    actually kept (delivered) and the share of customers who said their expectations were met (expected)."""

    text = models.CharField(
        _("promise"), max_length=200, help_text=_("As customers read it, e.g. “we answer e-mails within 4 hours”.")
    )
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    within_hours = models.FloatField(_("within (hours)"), validators=[MinValueValidator(0.001), MaxValueValidator(24 * 365)])
    promised_percent = models.FloatField(
        _("kept for (%)"),
        default=90,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The share of contacts the promise is meant to hold for."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True, default="")
    label = models.ForeignKey(
        Label, verbose_name=_("label"), on_delete=models.CASCADE, null=True, blank=True, related_name="service_promises"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ServicePromiseQuerySet.as_manager()

    class Meta:
        ordering = ["channel", "measure", "id"]
        verbose_name = _("service promise")
        verbose_name_plural = _("service promises")

    def __str__(self) -> str:
        return self.text
