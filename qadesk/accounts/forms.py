"""Forms of the account pages: the organisation's QA settings, API tokens, password reset."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

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
        for name, most in MAXIMA.items():  # larger counts overflow the dates they are added to
            self.fields[name].validators.append(MaxValueValidator(most))
            self.fields[name].widget.attrs["max"] = str(most)


class ApiTokenForm(forms.Form):
    """A new personal API token: a name to recognise it by and how long it lasts."""

    EXPIRY_CHOICES = [("30", _("30 days")), ("90", _("90 days")), ("365", _("1 year")), ("", _("Never (until revoked)"))]

    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("The program or machine that will use it."))
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires after"), choices=EXPIRY_CHOICES, coerce=int, empty_value=None, initial="90", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, writing each e-mail in its recipient's language (not the visitor's)."""

    def send_mail(
        self, subject_template_name: str, email_template_name: str, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> None:
        with translation.override(context["user"].language or settings.LANGUAGE_CODE):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class ReviewLanguagesForm(forms.Form):
    """The languages a reviewer reviews, as language tags separated by commas."""

    languages = forms.CharField(
        label=_("Languages I review"),
        required=False,
        max_length=200,
        help_text=_("Language tags separated by commas, such as it, fr. Sampling gives you conversations in these first."),
    )

    def tags(self) -> list[str]:
        return [tag for tag in self.cleaned_data["languages"].replace(";", ",").split(",") if tag.strip()]
