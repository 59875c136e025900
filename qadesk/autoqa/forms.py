"""The QA lead's automatic QA settings form."""

from django import forms
from django.utils.translation import gettext as _

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


class ClassifierSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AutoSettings
        fields = ["classifier_min_examples"]

    def clean_classifier_min_examples(self) -> int:
        value = int(self.cleaned_data["classifier_min_examples"])
        if value < 5:
            raise forms.ValidationError(_("At least 5: the cross-validation has 5 folds."))
        return value
