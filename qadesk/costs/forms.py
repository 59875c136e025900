"""Forms of the costs pages: the report's choices, the four kinds of cost rows, the settings and the import."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qadesk.costs.models import CostSettings, LabourCost, Revenue, SegmentCustomers, SupportCost
from qadesk.costs.selectors import GROUPINGS
from qadesk.costs.services import KINDS

GROUPING_LABELS = {
    "channel": _("Channel"),
    "team": _("Team"),
    "site": _("Site"),
    "label": _("Label"),
    "phase": _("Journey phase"),
}
KIND_LABELS = {
    "labour": _("Labour costs"),
    "support": _("Other support costs"),
    "revenue": _("Revenue and margin"),
    "segments": _("Customers per segment"),
}
DATE = forms.DateInput(attrs={"type": "date"})


class CostReportForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    by = forms.ChoiceField(label=_("Cost per incident by"), choices=[(k, GROUPING_LABELS[k]) for k in GROUPINGS], required=False)

    def report_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"date_from": data["date_from"], "date_to": data["date_to"], "by": data["by"] or "channel"}


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (the browser's month input) or any day of it."""

    widget = forms.DateInput(attrs={"type": "month"})
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value: Any) -> date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


class LabourCostForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = LabourCost
        fields = ["valid_from", "agent", "team", "site", "salary", "overtime", "benefits", "taxes", "other", "paid_hours"]
        widgets = {"valid_from": DATE}
        help_texts = {"agent": _("One of agent, team or site; none for the organisation's default.")}


class SupportCostForm(forms.ModelForm):  # type: ignore[type-arg]
    month = MonthField(label=_("Month"))

    class Meta:
        model = SupportCost
        fields = ["month", "category", "site", "amount", "note"]


class RevenueForm(forms.ModelForm):  # type: ignore[type-arg]
    month = MonthField(label=_("Month"))

    class Meta:
        model = Revenue
        fields = ["month", "revenue", "gross_margin"]

    def validate_unique(self) -> None:
        """A month entered again replaces its figures (the service does it)."""


class SegmentCustomersForm(forms.ModelForm):  # type: ignore[type-arg]
    month = MonthField(label=_("Month"))

    class Meta:
        model = SegmentCustomers
        fields = ["month", "segment", "customers", "customers_lost", "gross_margin"]

    def validate_unique(self) -> None:
        """A month and segment entered again replace their figures (the service does it)."""


class CostSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = CostSettings
        fields = [
            "currency",
            "repeat_contact_probability",
            "complaint_probability",
            "complaint_cost_contacts",
            "customer_lost_probability",
            "measure_from_data",
        ]


class CostImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=[(k, KIND_LABELS[k]) for k in KINDS])
    file = forms.FileField(label=_("CSV or xlsx file"))


FORMS: dict[str, type[forms.ModelForm]] = {  # type: ignore[type-arg]
    "labour": LabourCostForm,
    "support": SupportCostForm,
    "revenue": RevenueForm,
    "segments": SegmentCustomersForm,
    "settings": CostSettingsForm,
}
