"""Automatic QA: what the built-in detectors decided about each interaction, and which interactions they have read."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.autoqa.querysets import AutoCheckQuerySet, AutoResultQuerySet
from qadesk.interactions.models import Interaction


class Verdict(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NA = "na", _("Not applicable")


class Impact(models.TextChoices):
    """What a failed check means, in the seed's two classes of error; "" when a fail is not an error by itself."""

    NONE = "", _("None")
    LOW = "low", _("Low impact")
    HIGH = "high", _("High impact")


class AutoResult(models.Model):
    """One detector's verdict on one interaction, at one detector version: the criterion it checks, pass / fail / not
    applicable, how confident it is, and the evidence — the messages and character spans that decided it.

    One row per (interaction, detector, version): running the same version again never adds a row, and a new version
    adds its own. The human IQS never reads these rows; reports of the automatic score (AQS) and the accuracy page
    compare them with reviews by `criterion`.
    """

    interaction = models.ForeignKey(
        Interaction, verbose_name=_("interaction"), on_delete=models.CASCADE, related_name="auto_results", db_index=False
    )
    detector = models.CharField(_("detector"), max_length=50)
    version = models.PositiveIntegerField(_("version"))
    criterion = models.CharField(_("criterion"), max_length=50, help_text=_("The code of the criterion it checks."))
    language = models.CharField(_("language"), max_length=10, blank=True, help_text=_("The phrase lists it used."))
    verdict = models.CharField(_("verdict"), max_length=4, choices=Verdict.choices)
    confidence = models.FloatField(_("confidence"))
    impact = models.CharField(_("impact"), max_length=4, choices=Impact.choices, blank=True)
    # [{"message": id, "start": n, "end": n, "note": code}, …]: characters [start, end) of the message's text.
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AutoResultQuerySet.as_manager()

    class Meta:
        ordering = ["interaction", "detector", "-version"]
        verbose_name = _("automatic result")
        verbose_name_plural = _("automatic results")
        constraints = [
            models.UniqueConstraint(fields=["interaction", "detector", "version"], name="autoresult_interaction_detector_version")
        ]
        indexes = [models.Index(fields=["criterion", "verdict"], name="autoresult_criterion_verdict")]

    def __str__(self) -> str:
        return f"{self.interaction_id} {self.detector}@{self.version}: {self.verdict}"


class AutoCheck(models.Model):
    """That an interaction's transcript has been read by a set of detector versions (`signature`). The job skips an
    interaction whose check has the current signature and transcript digest, so it never does the same work twice and
    restarts where it stopped; a new detector version, or a transcript that grew, makes the interaction due again."""

    interaction = models.OneToOneField(
        Interaction, verbose_name=_("interaction"), on_delete=models.CASCADE, primary_key=True, related_name="auto_check"
    )
    signature = models.CharField(_("detector versions"), max_length=32)
    transcript_hash = models.CharField(_("transcript digest"), max_length=32, blank=True)
    checked_at = models.DateTimeField(_("checked"), auto_now=True)

    objects = AutoCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("automatic check")
        verbose_name_plural = _("automatic checks")

    def __str__(self) -> str:
        return f"{self.interaction_id} {self.signature}"
