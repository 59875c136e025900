"""The reliability page's forms: the report's choices and a service promise."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qadesk.interactions.models import Channel, Label
from qadesk.reliability.models import Measure

DATE = forms.DateInput(attrs={"type": "date"})


class ReliabilityForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    period = forms.ChoiceField(label=_("Period"), required=False, choices=[("month", _("Month")), ("week", _("Week"))])


class PromiseForm(forms.Form):
    text = forms.CharField(
        label=_("Promise"), max_length=200, help_text=_("As customers read it, e.g. “we answer e-mails within 4 hours”.")
    )
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    within_hours = forms.FloatField(label=_("Within (hours)"), min_value=0.001, max_value=24 * 365)
    promised_percent = forms.FloatField(label=_("Kept for (%)"), min_value=0, max_value=100, initial=90)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All")), *Channel.choices], required=False)
    label = forms.ModelChoiceField(label=_("Label"), queryset=Label.objects.all(), required=False, empty_label=_("All"))
