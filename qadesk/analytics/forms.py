"""The quality report's choices on the page."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

BY_CHOICES = [
    ("agent", _("Agent")),
    ("team", _("Team")),
    ("site", _("Site")),
    ("channel", _("Channel")),
    ("label", _("Label")),
    ("phase", _("Journey phase")),
    ("period", _("Period")),
]
PERIOD_CHOICES = [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))]
FILTERS = ("agent", "team", "site", "channel", "label", "phase")


class QualityReportForm(forms.Form):
    DEFAULTS = {"by": "agent", "period": "month"}

    by = forms.ChoiceField(label=_("Group by"), choices=BY_CHOICES, initial="agent", required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, initial="month", required=False)
    as_originally_scored = forms.BooleanField(label=_("As originally scored"), required=False)

    def report_arguments(self) -> dict[str, Any]:
        """Keyword arguments for quality_report from the cleaned form (defaults where a field is empty)."""
        data = self.cleaned_data
        filters = {name: self.data.get(name) for name in FILTERS if self.data.get(name)}
        return {
            "by": data.get("by") or "agent",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "period": data.get("period") or "month",
            "filters": filters,
            "as_originally_scored": bool(data.get("as_originally_scored")),
        }
