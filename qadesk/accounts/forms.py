"""Forms of the account pages: the organisation's QA settings."""

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from qadesk.accounts.models import SETTING_MAX_DAYS, SETTING_MAX_HOURS, SETTING_MAX_MINIMUM_N, OrgSettings

MAXIMA = {
    "minimum_n": SETTING_MAX_MINIMUM_N,
    "dispute_window_days": SETTING_MAX_DAYS,
    "dispute_decision_days": SETTING_MAX_DAYS,
    "calibration_reminder_hours": SETTING_MAX_HOURS,
}


class OrgSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    """What an admin may change about how reviews and disputes work."""

    class Meta:
        model = OrgSettings
        fields = [
            "pass_mark",
            "minimum_n",
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
            self.fields[name].widget.attrs["min"] = "0" if name != "minimum_n" else "1"
        self.fields["minimum_n"].validators.append(MinValueValidator(1))
        for name, most in MAXIMA.items():  # larger counts overflow the dates they are added to
            self.fields[name].validators.append(MaxValueValidator(most))
            self.fields[name].widget.attrs["max"] = str(most)
