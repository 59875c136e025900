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
