"""Forms of the account pages: the organisation's QA settings."""

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from qadesk.accounts.models import OrgSettings


class OrgSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    """What an admin may change about how reviews and disputes work."""

    class Meta:
        model = OrgSettings
        fields = [
            "pass_mark",
            "minimum_n",
            "max_interval_width",
            "allow_self_review",
            "dispute_window_days",
            "dispute_decision_days",
            "disputes_go_to_qa_lead",
            "calibration_reminder_hours",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # A score is 0–100 (above 100 only with bonus criteria), so a pass mark outside that range is a typo.
        pass_mark = self.fields["pass_mark"]
        pass_mark.validators += [MinValueValidator(0), MaxValueValidator(100)]
        pass_mark.widget.attrs.update({"min": "0", "max": "100", "step": "0.5"})
        for name in ("minimum_n", "dispute_window_days", "dispute_decision_days", "calibration_reminder_hours"):
            self.fields[name].widget.attrs["min"] = "0" if name != "minimum_n" else "2"
        # The model's validators (minimum n ≥ 2, width 1–100) run in the form too; these only guide the browser.
        self.fields["max_interval_width"].widget.attrs.update({"min": "1", "max": "100", "step": "0.5"})
