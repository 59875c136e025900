"""The interaction list's filter form: turns query parameters into the selector's filters."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Agent, Site, Team, User
from qadesk.core.forms import FilterForm
from qadesk.interactions.models import Channel, CustomerRating, CustomField, FieldType, JourneyPhase, Label, Status
from qadesk.interactions.selectors import interaction_event_names, interaction_languages

_ANY = [("", _("Any"))]
_YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


def _yes(value: str) -> bool:
    return value == "yes"


def yes_no_field(label: Any) -> forms.TypedChoiceField:
    """Any / Yes / No, cleaned to None / True / False."""
    return forms.TypedChoiceField(label=label, required=False, choices=_YES_NO, coerce=_yes, empty_value=None)


class InteractionFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    text = forms.CharField(label=_("Message text"), required=False, max_length=200)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_ANY + list(Channel.choices))
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)
    label = forms.TypedChoiceField(label=_("Contact reason"), required=False, coerce=int, empty_value=None)
    phase = forms.ChoiceField(label=_("Journey phase"), required=False, choices=_ANY + list(JourneyPhase.choices))
    language = forms.ChoiceField(label=_("Language"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_ANY + list(Status.choices))
    agent = forms.TypedChoiceField(label=_("Agent"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reviewed = yes_no_field(_("Reviewed"))
    assigned = yes_no_field(_("In a review queue"))
    customer_rating = forms.ChoiceField(label=_("Customer rating"), required=False, choices=_ANY + list(CustomerRating.choices))
    complaint = yes_no_field(_("Complaint"))
    event = forms.ChoiceField(label=_("Has event"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)
    field = forms.ChoiceField(label=_("Custom field"), required=False)
    field_value = forms.CharField(label=_("Field value"), required=False, max_length=1000)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Id, subject, customer or agent")})
        self.fields["text"].widget.attrs.update(
            {"type": "search", "placeholder": _('Words, "a phrase", -excluded'), "aria-describedby": "text-help"}
        )
        self._choices("team", _ANY + [(t.pk, t.name) for t in Team.objects.only("name")])
        self._choices("site", _ANY + [(s.pk, s.name) for s in Site.objects.only("name")])
        self._choices("label", _ANY + [(lb.pk, str(lb)) for lb in Label.objects.only("code", "name", "names")])
        self._choices("language", _ANY + interaction_languages(actor=actor))  # the languages present, named
        self._choices("event", _ANY + [(name, name) for name in interaction_event_names(actor=actor)])
        self._choices("field", _ANY + [(cf.key, str(cf)) for cf in CustomField.objects.only("key", "label")])
        agents = Agent.objects.visible_to(actor).only("username", "display_name")
        self._choices("agent", _ANY + [(a.pk, str(a)) for a in agents])

    @property
    def active_count(self) -> int:
        return len(self.filters())


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SopForm(forms.Form):
    """One SOP on its page: code, title and the contact reasons (labels) it serves; its steps are a StepFormSet."""

    code = forms.CharField(label=_("Code"), max_length=50)
    title = forms.CharField(label=_("Title"), max_length=200)
    labels = forms.CharField(
        label=_("Labels"), required=False, help_text=_("Label codes, separated by commas; unknown ones are created.")
    )


class StepForm(forms.Form):
    """One step of an SOP; evidence and forbidden actions one per line."""

    text = forms.CharField(label=_("Step"), max_length=300, required=False)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    evidence = forms.CharField(
        label=_("Shown done by"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Actions or phrases, one per line."),
    )
    forbidden = forms.CharField(
        label=_("Forbidden"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Actions, one per line.")
    )


StepFormSet = forms.formset_factory(StepForm, extra=2, can_delete=True, can_order=True)


def sop_form_initial(sop: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """An SOP's values for SopForm and StepFormSet."""
    from qadesk.interactions.sops import steps_read

    head = {"code": sop.code, "title": sop.title, "labels": ", ".join(label.code for label in sop.labels.all())}
    steps = [
        {**step, "evidence": "\n".join(step["evidence"]), "forbidden": "\n".join(step["forbidden"])}
        for step in steps_read(sop.steps)
    ]
    return head, steps


def sop_form_data(form: SopForm, steps: Any) -> dict[str, Any]:
    """The valid forms' values in the catalogue entry's shape (sop_save); empty and deleted steps dropped, in order."""
    return {
        "code": form.cleaned_data["code"],
        "title": form.cleaned_data["title"],
        "labels": [c.strip() for c in form.cleaned_data["labels"].split(",") if c.strip()],
        "steps": [
            {
                "text": step.cleaned_data["text"],
                "required": step.cleaned_data["required"],
                "evidence": _lines(step.cleaned_data["evidence"]),
                "forbidden": _lines(step.cleaned_data["forbidden"]),
            }
            for step in steps.ordered_forms
            if step.cleaned_data.get("text")
        ],
    }


class LabelNamesForm(forms.Form):
    """One contact reason's names on the labels page: the default name and one per language (empty: none there)."""

    name = forms.CharField(label=_("Default name"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.conf import settings

        super().__init__(*args, **kwargs)
        for code, language in settings.LANGUAGES:
            self.fields[f"name_{code}"] = forms.CharField(label=language, required=False, max_length=200)

    def names(self) -> dict[str, str]:
        """The names per language typed (cleaned data), by language code."""
        return {key.removeprefix("name_"): value for key, value in self.cleaned_data.items() if key.startswith("name_")}

    def language_fields(self) -> list[Any]:
        return [self[key] for key in self.fields if key.startswith("name_")]

    def language_fields_labels(self) -> list[tuple[str, Any]]:
        """(language code, language name) of each per-language field, in order."""
        return [(key.removeprefix("name_"), field.label) for key, field in self.fields.items() if key.startswith("name_")]


def label_names_initial(label: Label) -> dict[str, str]:
    """A label's values for LabelNamesForm."""
    from django.conf import settings

    return {"name": label.name} | {f"name_{code}": (label.names or {}).get(code, "") for code, _name in settings.LANGUAGES}


class CustomFieldForm(forms.Form):
    """A custom field on its page: the key (fixed once declared), names, type and, for a choice field, its values."""

    key = forms.SlugField(label=_("Key"), max_length=50, help_text=_("The name in import files, e.g. plan."))
    name = forms.CharField(label=_("Default name"), required=False, max_length=100)
    type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices, initial=FieldType.TEXT)
    choices = forms.CharField(
        label=_("Accepted values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For a choice field: one value per line."),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        from django.conf import settings

        super().__init__(*args, **kwargs)
        if editing:
            self.fields["key"].disabled = True
        for code, language in settings.LANGUAGES:
            self.fields[f"name_{code}"] = forms.CharField(label=language, required=False, max_length=100)

    def names(self) -> dict[str, str]:
        return {key.removeprefix("name_"): value for key, value in self.cleaned_data.items() if key.startswith("name_")}

    def language_fields(self) -> list[Any]:
        return [self[key] for key in self.fields if key.startswith("name_")]

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("choices", "").splitlines() if line.strip()]


def custom_field_initial(field: CustomField) -> dict[str, str]:
    """A declared field's values for CustomFieldForm."""
    from django.conf import settings

    names = {f"name_{code}": (field.names or {}).get(code, "") for code, _name in settings.LANGUAGES}
    return {"key": field.key, "name": field.label, "type": field.type, "choices": "\n".join(field.choices or [])} | names
