"""The QA lead's automatic QA settings form, the AQS table's choices, and the custom criterion form (phrases, patterns
and questions typed per language, one phrase or pattern a line)."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _lazy

from qadesk.analytics.forms import BY_CHOICES, PERIOD_CHOICES
from qadesk.autoqa.custom import CustomRuleError, check_instructions, check_rules
from qadesk.autoqa.engine import SUPPORTED_LANGUAGES
from qadesk.autoqa.models import AutoSettings, CustomCriterion, Kind, PromptEndpoint


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


LANGUAGE_NAMES = {"it": gettext_lazy("Italian"), "fr": gettext_lazy("French"), "en": gettext_lazy("English")}
PER_LANGUAGE = {
    "phrases": gettext_lazy("Phrases in {language}, one a line"),
    "patterns": gettext_lazy("Patterns (regular expressions) in {language}, one a line"),
    "instructions": gettext_lazy("Question in {language}"),
}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class CustomCriterionForm(forms.ModelForm):  # type: ignore[type-arg]
    """The model's fields, with the JSON ones (phrases, patterns, instructions) as one text box per language."""

    class Meta:
        model = CustomCriterion
        fields = ["code", "name", "kind", "criterion", "rule", "speaker", "part", "endpoint", "impact", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["endpoint"].queryset = PromptEndpoint.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["endpoint"].help_text = _("Only for a question; admins set endpoints up in the administration site.")
        for field, label in PER_LANGUAGE.items():
            stored = getattr(self.instance, field) or {}
            for language in SUPPORTED_LANGUAGES:
                value = stored.get(language, "" if field == "instructions" else [])
                self.fields[f"{field}_{language}"] = forms.CharField(
                    label=label.format(language=LANGUAGE_NAMES[language]),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4 if field == "instructions" else 2}),
                    initial=value if isinstance(value, str) else "\n".join(value),
                )

    def head_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("code", "name", "kind", "criterion", "impact", "active")]

    def rule_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("rule", "speaker", "part")]

    def language_fields(self, field: str) -> list[forms.BoundField]:
        return [self[f"{field}_{language}"] for language in SUPPORTED_LANGUAGES]

    def phrase_fields(self) -> list[forms.BoundField]:
        return self.language_fields("phrases") + self.language_fields("patterns")

    def instruction_fields(self) -> list[forms.BoundField]:
        return self.language_fields("instructions")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        by_language = {
            field: {
                language: (text.strip() if field == "instructions" else _lines(text))
                for language in SUPPORTED_LANGUAGES
                if (text := data.get(f"{field}_{language}") or "").strip()
            }
            for field in PER_LANGUAGE
        }
        try:
            check_rules(phrases=by_language["phrases"], patterns=by_language["patterns"])
            if data.get("kind") == Kind.PROMPT:
                check_instructions(by_language["instructions"])
        except CustomRuleError as exc:
            language = exc.message.split(":")[0]
            name = f"{exc.field}_{language}"
            if name not in self.fields:
                name = f"{exc.field}_en" if exc.field == "instructions" else exc.field
            self.add_error(name if name in self.fields else None, exc.message)
        if data.get("kind") == Kind.PROMPT and not data.get("endpoint"):
            self.add_error("endpoint", _("A question needs a language model endpoint."))
        if data.get("kind") != Kind.PROMPT and not (by_language["phrases"] or by_language["patterns"]):
            self.add_error("phrases_en", _("Give at least one phrase or pattern."))
        for field, value in by_language.items():
            setattr(self.instance, field, value)
        return data

    def _update_errors(self, errors: forms.ValidationError) -> None:
        """The model checks phrases, patterns and questions again under their JSON names: the form has already
        reported them on its per-language boxes."""
        if hasattr(errors, "error_dict"):
            kept = {field: value for field, value in errors.error_dict.items() if field not in PER_LANGUAGE}
            if not kept:
                return
            errors = forms.ValidationError(kept)
        super()._update_errors(errors)  # type: ignore[misc]


class ClassifierSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AutoSettings
        fields = ["classifier_min_examples"]

    def clean_classifier_min_examples(self) -> int:
        value = int(self.cleaned_data["classifier_min_examples"])
        if value < 5:
            raise forms.ValidationError(_("At least 5: the cross-validation has 5 folds."))
        return value
