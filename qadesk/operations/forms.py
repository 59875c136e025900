"""The operations pages' forms: the KPI report's choices, a target, and the Erlang C calculator."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Site, Team
from qadesk.interactions.models import Channel, JourneyPhase, Label
from qadesk.operations.kpis import KpiSettings
from qadesk.operations.models import KpiTarget

BY_CHOICES = [
    ("team", _("Team")),
    ("agent", _("Agent")),
    ("site", _("Site")),
    ("channel", _("Channel")),
    ("label", _("Label")),
    ("phase", _("Journey phase")),
    ("hour", _("Hour of day")),
    ("weekday", _("Weekday")),
    ("day", _("Day")),
    ("week", _("Week")),
    ("month", _("Month")),
]
DATE = forms.DateInput(attrs={"type": "date"})


class KpiReportForm(forms.Form):
    DEFAULTS = {"by": "team", "service_level_seconds": "20", "short_abandon_seconds": "5", "fcr_days": "7"}

    by = forms.ChoiceField(label=_("Group by"), choices=BY_CHOICES, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All")), *Channel.choices], required=False)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.all(), required=False, empty_label=_("All"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("All"))
    label = forms.ModelChoiceField(label=_("Label"), queryset=Label.objects.all(), required=False, empty_label=_("All"))
    phase = forms.ChoiceField(label=_("Journey phase"), choices=[("", _("All")), *JourneyPhase.choices], required=False)
    agent = forms.CharField(label=_("Agent"), required=False, max_length=150, help_text=_("Username or id."))
    service_level_seconds = forms.IntegerField(
        label=_("Service level: answered within (s)"), min_value=0, max_value=86400, initial=20, required=False
    )
    short_abandon_seconds = forms.IntegerField(
        label=_("Short abandon under (s)"), min_value=0, max_value=3600, initial=5, required=False
    )
    fcr_days = forms.IntegerField(
        label=_("FCR: no new contact within (days)"), min_value=1, max_value=365, initial=7, required=False
    )
    exact = forms.BooleanField(
        label=_("Exact medians"),
        required=False,
        help_text=_("Compute every figure from the contacts (slower) instead of reading the daily rollup."),
    )

    def report_arguments(self) -> dict[str, Any]:
        """Keyword arguments for kpi_report from the cleaned form (defaults where a field is empty)."""
        data = self.cleaned_data
        filters = {name: data.get(name) for name in ("channel", "phase", "agent") if data.get(name)}
        filters |= {name: str(data[name].pk) for name in ("site", "team", "label") if data.get(name)}
        defaults = KpiSettings()
        settings = KpiSettings(
            service_level_seconds=_or(data.get("service_level_seconds"), defaults.service_level_seconds),
            short_abandon_seconds=_or(data.get("short_abandon_seconds"), defaults.short_abandon_seconds),
            fcr_days=_or(data.get("fcr_days"), defaults.fcr_days),
        )
        return {
            "by": data.get("by") or "team",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "filters": filters,
            "settings": settings,
            "exact": bool(data.get("exact")),
        }


class LoyaltyForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All")), *Channel.choices], required=False)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.all(), required=False, empty_label=_("All"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("All"))
    days = forms.IntegerField(label=_("Came back within (days)"), min_value=1, max_value=365, required=False)
    fcr_days = forms.IntegerField(
        label=_("FCR: no new contact within (days)"), min_value=1, max_value=90, initial=7, required=False
    )

    def loyalty_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        filters = {"channel": data["channel"]} if data.get("channel") else {}
        filters |= {name: str(data[name].pk) for name in ("site", "team") if data.get(name)}
        return {
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "days": _or(data.get("days"), 30),
            "fcr_days": _or(data.get("fcr_days"), 7),
            "filters": filters,
        }


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


class TargetForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = KpiTarget
        fields = ["kpi", "value", "channel", "site", "period", "threshold_seconds", "alert_after"]


class ErlangForm(forms.Form):
    """The calculator: rates as percentages here (the CLI and the API take fractions, 0.8 for 80 %)."""

    calls = forms.FloatField(label=_("Contacts in the interval"), min_value=0, max_value=1_000_000, initial=100)
    interval_minutes = forms.IntegerField(label=_("Interval (minutes)"), min_value=1, max_value=1440, initial=30)
    aht_seconds = forms.FloatField(label=_("Average handle time (s)"), min_value=1, max_value=86400, initial=180)
    target_seconds = forms.FloatField(label=_("Answered within (s)"), min_value=0, max_value=86400, initial=20)
    target_level = forms.FloatField(label=_("Service level wanted (%)"), min_value=1, max_value=99.9, initial=80)
    shrinkage = forms.FloatField(label=_("Shrinkage (%)"), min_value=0, max_value=95, initial=30, required=False)
    max_occupancy = forms.FloatField(label=_("Occupancy at most (%)"), min_value=1, max_value=100, initial=85, required=False)
    agents = forms.IntegerField(
        label=_("Agents (optional)"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("Empty: the agents needed. A number: the figures with that many agents."),
    )

    def staffing_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "calls": data["calls"],
            "interval_seconds": data["interval_minutes"] * 60,
            "aht_seconds": data["aht_seconds"],
            "target_seconds": data["target_seconds"],
            "target_level": data["target_level"] / 100,
            "shrinkage": (data.get("shrinkage") or 0) / 100,
            "max_occupancy": (data.get("max_occupancy") or 100) / 100,
            "agents": data.get("agents"),
        }


class ForecastForm(forms.Form):
    """The forecast per interval: which day, how much history, the interval and the service-level target."""

    day = forms.DateField(label=_("Day"), widget=DATE)
    weeks = forms.IntegerField(label=_("Weeks of history"), min_value=1, max_value=26, initial=4)
    interval_minutes = forms.TypedChoiceField(
        label=_("Interval (minutes)"), choices=[(15, "15"), (30, "30"), (60, "60")], coerce=int, initial=60
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All")), *Channel.choices], required=False, initial="phone")
    target_seconds = forms.FloatField(label=_("Answered within (s)"), min_value=0, max_value=86400, initial=20)
    target_level = forms.FloatField(label=_("Service level target (%)"), min_value=1, max_value=99.9, initial=80)
    shrinkage = forms.FloatField(label=_("Shrinkage (%)"), min_value=0, max_value=99, initial=0, required=False)

    def forecast_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "day": data["day"],
            "weeks": data["weeks"],
            "interval_minutes": data["interval_minutes"],
            "channel": data.get("channel") or "",
            "target_seconds": data["target_seconds"],
            "target_level": data["target_level"] / 100,
            "shrinkage": (data.get("shrinkage") or 0) / 100,
        }
