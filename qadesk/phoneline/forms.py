"""The phone line page's forms: the report's choices and a reasonable level."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qadesk.phoneline.figures import DEFAULT_MOS_BELOW
from qadesk.phoneline.models import Parameter

DATE = forms.DateInput(attrs={"type": "date"})


class PhoneReportForm(forms.Form):
    by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[("queue", _("Queue")), ("trunk", _("Trunk")), ("month", _("Month")), ("interval", _("Interval of the day"))],
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    interval_minutes = forms.TypedChoiceField(
        label=_("Interval"), required=False, coerce=int, choices=[(60, "60 min"), (30, "30 min"), (15, "15 min")]
    )
    mos_below = forms.FloatField(
        label=_("Poor quality: MOS below"), required=False, min_value=1, max_value=5, initial=DEFAULT_MOS_BELOW
    )

    def report_arguments(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "by": data.get("by") or "queue",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "interval_minutes": data.get("interval_minutes") or 60,
            "mos_below": data.get("mos_below") or DEFAULT_MOS_BELOW,
        }


class LevelForm(forms.Form):
    parameter = forms.ChoiceField(label=_("Parameter"), choices=Parameter.choices)
    value = forms.FloatField(label=_("Level"), min_value=0, help_text=_("The most that is reasonable in a month."))
    queue = forms.CharField(label=_("Queue"), required=False, max_length=100, help_text=_("Empty: all queues."))
