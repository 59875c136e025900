"""The quality report's choices on the page."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qadesk.core.days import shifted

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
FILTERS = ("agent", "team", "site", "channel", "label", "phase", "reviewee")
REVIEWEE_CHOICES = [("", _("People and bots")), ("people", _("People only")), ("bots", _("Bots only"))]


class QualityReportForm(forms.Form):
    DEFAULTS = {"by": "agent", "period": "month"}

    by = forms.ChoiceField(label=_("Group by"), choices=BY_CHOICES, initial="agent", required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, initial="month", required=False)
    as_originally_scored = forms.BooleanField(label=_("As originally scored"), required=False)
    reviewee = forms.ChoiceField(label=_("Reviewed"), choices=REVIEWEE_CHOICES, required=False)
    compare = forms.ChoiceField(
        label=_("Trend lines"),
        choices=[("", _("All together")), ("team", _("One per team")), ("agent", _("One per agent"))],
        required=False,
        help_text=_("When grouped by period."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from qadesk.analytics.selectors import FIELD_PREFIX
        from qadesk.interactions.models import CustomField

        super().__init__(*args, **kwargs)
        fields = [(FIELD_PREFIX + field.key, str(field)) for field in CustomField.objects.order_by("key")]
        if fields:  # the custom fields an admin declared, as further groupings
            by: Any = self.fields["by"]
            by.choices = [*BY_CHOICES, (_("Custom fields"), fields)]

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


STAT_BY_CHOICES = [("agent", _("Agent")), ("team", _("Team"))]
PERIOD_DAYS = 30


class StatisticsForm(forms.Form):
    """The statistics page: a margin for the precision plan, a date range, and two periods to compare."""

    DEFAULTS = {"by": "agent", "margin": "5"}

    by = forms.ChoiceField(label=_("Group by"), choices=STAT_BY_CHOICES, initial="agent", required=False)
    margin = forms.FloatField(
        label=_("Margin (± points)"), min_value=0.1, max_value=100, initial=5, required=False, help_text=_("At 95 %.")
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    a_from = forms.DateField(label=_("Period A from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    a_to = forms.DateField(label=_("Period A to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    b_from = forms.DateField(label=_("Period B from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    b_to = forms.DateField(label=_("Period B to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    show_all = forms.BooleanField(
        label=_("Show every comparison"), required=False, help_text=_("Also the rows that are not significant, to audit them.")
    )

    def periods(self, today: date) -> tuple[tuple[date, date], tuple[date, date]]:
        """The two periods to compare; by default the last 30 days (B) against the 30 days before them (A)."""
        data = self.cleaned_data
        b_to = data.get("b_to") or today
        b_from = data.get("b_from") or shifted(b_to, -(PERIOD_DAYS - 1))
        a_to = data.get("a_to") or shifted(b_from, -1)
        a_from = data.get("a_from") or shifted(a_to, -(PERIOD_DAYS - 1))
        return (a_from, a_to), (b_from, b_to)
