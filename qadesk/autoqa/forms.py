"""The QA lead's automatic QA settings form, and the AQS table's choices."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from qadesk.analytics.forms import BY_CHOICES, PERIOD_CHOICES
from qadesk.autoqa.models import AutoSettings


class AutoSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AutoSettings
        fields = ["reliable_kappa"]
        localized_fields = ["reliable_kappa"]  # "0,6" in Italian and French

    def clean_reliable_kappa(self) -> float:
        value = float(self.cleaned_data["reliable_kappa"])
        if not -1 <= value <= 1:
            raise forms.ValidationError(_("Kappa lies between -1 and 1."))
        return value


class AqsReportForm(forms.Form):
    """The AQS table's choices: a grouping (the quality report's), the period's size, and the days of creation."""

    DEFAULTS = {"by": "team", "period": "month"}

    by = forms.ChoiceField(label=_lazy("Group by"), choices=BY_CHOICES, required=False)
    period = forms.ChoiceField(label=_lazy("Period"), choices=PERIOD_CHOICES, required=False)
    date_from = forms.DateField(label=_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def report_arguments(self) -> dict[str, Any]:
        """Keyword arguments for aqs_report from the cleaned form (defaults where a field is empty)."""
        data = self.cleaned_data
        return {
            "by": data.get("by") or self.DEFAULTS["by"],
            "period": data.get("period") or self.DEFAULTS["period"],
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
