"""The import page's forms: the upload, a CSV's column mapping, and the choice of mode."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qadesk.imports.mapping import FIELDS
from qadesk.imports.models import UploadFormat


class UploadForm(forms.Form):
    file = forms.FileField(label=_("file"), help_text=_("JSON Lines, CSV or a helpdesk's JSON export; gzip is fine."))
    fmt = forms.ChoiceField(
        label=_("format"),
        required=False,
        choices=[("", _("From the file name (.jsonl, .csv)")), *UploadFormat.choices],
    )
    source = forms.SlugField(
        label=_("source"),
        max_length=50,
        required=False,
        help_text=_(
            "Where the data comes from (e.g. zendesk, crm-milano): fills rows without a source, and a CSV's column "
            "mapping is saved under it. A helpdesk export's default is the helpdesk's name."
        ),
    )


class MappingForm(forms.Form):
    """One choice per column of the file: the import field it fills, or none."""

    def __init__(self, *args: Any, header: list[str], initial_mapping: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(leave out)")), *((name, name) for name in FIELDS)]
        self.columns = header
        for index, column in enumerate(header):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=column or _("(no name)"), choices=choices, required=False, initial=initial_mapping.get(column, "")
            )

    def mapping(self) -> dict[str, str]:
        return {column: self.cleaned_data.get(f"col_{index}") or "" for index, column in enumerate(self.columns)}


class RunForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("mode"),
        widget=forms.RadioSelect,
        initial="all",
        choices=[
            ("all", _("All or nothing: import nothing if any row has an error")),
            ("valid", _("Only the valid rows: leave out the rows with errors")),
        ],
    )
    new_revision = forms.BooleanField(
        label=_("Revise reviewed transcripts"),
        required=False,
        help_text=_(
            "A transcript that reviews scored and whose messages this file changes or removes is replaced, the one the "
            "reviews scored kept as a revision they keep showing. Unticked, such rows are refused."
        ),
    )
