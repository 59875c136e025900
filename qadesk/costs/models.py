"""The cost model: labour costs (effective-dated), other support costs, revenue and margin, customers per segment."""

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Agent, Site, Team
from qadesk.costs.querysets import CostQuerySet


def _money(verbose_name: Any, **extra: Any) -> "models.DecimalField[Any, Decimal]":
    """An amount of money, never negative."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))], **extra)


def _share(verbose_name: Any, **extra: Any) -> "models.DecimalField[Any, Decimal]":
    """A probability from 0 to 1."""
    validators = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))]
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=4, validators=validators, **extra)


class CostSettings(models.Model):
    """The organisation's currency and the assumptions behind "what a mistake costs" (one row)."""

    currency = models.CharField(_("currency"), max_length=3, default="EUR", help_text=_("ISO 4217 code, e.g. EUR."))
    repeat_contact_probability = _share(
        _("repeat contact per high-impact error"), default=Decimal("0.5"), help_text=_("A share from 0 to 1.")
    )
    complaint_probability = _share(
        _("complaint per high-impact error"), default=Decimal("0.1"), help_text=_("A share from 0 to 1.")
    )
    complaint_cost_contacts = models.DecimalField(
        _("a complaint costs (contacts)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(3),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Handling a complaint costs this many contacts."),
    )
    customer_lost_probability = _share(
        _("customer lost per high-impact error"), default=Decimal("0.02"), help_text=_("A share from 0 to 1.")
    )
    measure_from_data = models.BooleanField(
        _("measure these from the data"),
        default=True,
        help_text=_(
            "Where the period has enough reviewed contacts and customers (30 on each side), the three shares are measured "
            "from the reviews, complaints and customers' returns; the values above are used otherwise."
        ),
    )

    objects = CostQuerySet.as_manager()

    class Meta:
        verbose_name = _("cost settings")
        verbose_name_plural = _("cost settings")

    def __str__(self) -> str:
        return self.currency

    @classmethod
    def load(cls) -> "CostSettings":
        """The one settings row, created with the defaults on first use."""
        row, _created = cls.objects.get_or_create(pk=1)
        return row


class LabourCost(models.Model):
    """What one agent (or, as a default, everyone in a team, a site or the whole organisation) costs per month, from
    `valid_from` until the next record of the same scope. The most specific record applies: agent, team, site, then
    the organisation. Hourly labour cost = (salary + overtime + benefits + taxes + other) / paid hours."""

    valid_from = models.DateField(_("valid from"))
    agent = models.ForeignKey(Agent, verbose_name=_("agent"), on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    salary = _money(_("salary"))
    overtime = _money(_("overtime"), default=Decimal(0))
    benefits = _money(_("benefits"), default=Decimal(0))
    taxes = _money(_("taxes"), default=Decimal(0))
    other = _money(_("other personnel costs"), default=Decimal(0))
    paid_hours = models.DecimalField(
        _("paid hours"), max_digits=7, decimal_places=2, default=Decimal(160), validators=[MinValueValidator(Decimal("0.01"))]
    )

    objects = CostQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "id"]
        verbose_name = _("labour cost")
        verbose_name_plural = _("labour costs")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(agent__isnull=True, team__isnull=True)
                    | models.Q(agent__isnull=True, site__isnull=True)
                    | models.Q(team__isnull=True, site__isnull=True)
                ),
                name="labour_cost_one_scope",
                violation_error_message=_("Give one of agent, team or site, or none for the organisation's default."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent or self.team or self.site or '*'} @ {self.valid_from}"


class CostCategory(models.TextChoices):
    TOOLS = "tools", _("Tools and software")
    TELEPHONY = "telephony", _("Telephony")
    PREMISES = "premises", _("Premises")
    OUTSOURCING = "outsourcing", _("Outsourcing")
    OTHER = "other", _("Other")


class SupportCost(models.Model):
    """A support cost other than labour for one month (tools, telephony, premises, outsourcing), optionally a site's."""

    month = models.DateField(_("month"), help_text=_("Any day of the month; stored as its first day."))
    category = models.CharField(_("category"), max_length=20, choices=CostCategory.choices)
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    amount = _money(_("amount"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = CostQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "category", "id"]
        verbose_name = _("support cost")
        verbose_name_plural = _("support costs")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.category}: {self.amount}"


class Revenue(models.Model):
    """The organisation's revenue and gross margin for one month (entered or imported from accounting)."""

    month = models.DateField(_("month"), unique=True, help_text=_("Any day of the month; stored as its first day."))
    revenue = _money(_("revenue"))
    gross_margin = models.DecimalField(_("gross margin"), max_digits=14, decimal_places=2)

    objects = CostQuerySet.as_manager()

    class Meta:
        ordering = ["-month"]
        verbose_name = _("revenue")
        verbose_name_plural = _("revenue")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.revenue}"


class SegmentCustomers(models.Model):
    """How many customers a segment had in one month, how many it lost (the history for the lifetime value), and its
    gross margin when known (otherwise the segment is valued at the organisation's margin per customer)."""

    month = models.DateField(_("month"), help_text=_("Any day of the month; stored as its first day."))
    segment = models.CharField(_("segment"), max_length=50)
    customers = models.PositiveIntegerField(_("customers"))
    customers_lost = models.PositiveIntegerField(_("customers lost"), null=True, blank=True)
    gross_margin = models.DecimalField(_("gross margin"), max_digits=14, decimal_places=2, null=True, blank=True)

    objects = CostQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "segment"]
        verbose_name = _("customers of a segment")
        verbose_name_plural = _("customers per segment")
        constraints = [models.UniqueConstraint(fields=["month", "segment"], name="segment_customers_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.segment}: {self.customers}"
