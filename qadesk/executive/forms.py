"""The executive view's forms: which period to show, a baseline period, targets, a digest recipient."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import User
from qadesk.executive import figures
from qadesk.executive.headlines import HEADLINES, UNIT_NAMES
from qadesk.executive.models import DigestFrequency


class PeriodForm(forms.Form):
    """The period the summary shows: a week or a month, the one holding `day` (default: the last whole one)."""

    period = forms.ChoiceField(label=_("Period"), choices=[("month", _("Month")), ("week", _("Week"))], initial="month")
    day = forms.DateField(
        label=_("Period holding"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the last whole period."),
    )

    def bounds(self, today: date) -> tuple[date, date, str]:
        granularity = self.cleaned_data["period"]
        day = self.cleaned_data.get("day")
        start, end = figures.period_bounds(day, granularity) if day else figures.last_complete_period(today, granularity)
        return start, end, granularity


class BaselineForm(forms.Form):
    start = forms.DateField(label=_("Baseline from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Baseline to"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end comes before the start."))
        return data


class TargetsForm(forms.Form):
    """One optional number per headline; empty clears its target."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for h in HEADLINES:
            self.fields[h.code] = forms.FloatField(
                label=str(h.name),
                required=False,
                help_text=str(UNIT_NAMES[h.unit]),
                widget=forms.NumberInput(attrs={"step": "any"}),
            )


class RecipientForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Recipient"), queryset=User.objects.none())
    frequency = forms.ChoiceField(label=_("Frequency"), choices=DigestFrequency.choices, initial=DigestFrequency.MONTHLY)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["user"]
        field.queryset = (
            User.objects.filter(is_active=True, role__in=("manager", "admin"))
            .exclude(email="")
            .order_by("last_name", "first_name", "username")
        )
        field.label_from_instance = lambda u: u.get_full_name() or u.username
