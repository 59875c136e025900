"""The scorecard builder's forms: the scorecard's head, its sections and each section's criteria, with a text per
language; `ScorecardBuilder` binds them together and turns them into a definition document and back."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Team
from qadesk.core.i18n import pick
from qadesk.interactions.models import Channel, Label
from qadesk.scorecards.models import Impact, Level, Scale

LANGUAGES = [code for code, _name in settings.LANGUAGES]
WEIGHT_MAX = Decimal(1000)


def _positive(value: Decimal) -> None:
    if value <= 0:
        raise ValidationError(_("The weight must be more than 0."))


class _Texts(forms.Form):
    """A form with some fields in every language (title_it, title_fr, …)."""

    texts: tuple[tuple[str, Any, bool], ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        for name, label, long in self.texts:
            for lang in LANGUAGES:
                widget = forms.Textarea(attrs={"rows": 2}) if long else forms.TextInput(attrs={"lang": lang})
                widget.attrs["lang"] = lang
                self.fields[f"{name}_{lang}"] = forms.CharField(
                    label=f"{label} ({names[lang]})", required=False, max_length=2000 if long else 200, widget=widget
                )

    def text_fields(self, name: str) -> list[forms.BoundField]:
        return [self[f"{name}_{lang}"] for lang in LANGUAGES]

    def text(self, name: str) -> dict[str, str]:
        """The cleaned texts of a field as {language: text}, empty ones left out."""
        return {lang: v.strip() for lang in LANGUAGES if (v := self.cleaned_data.get(f"{name}_{lang}") or "").strip()}

    @staticmethod
    def initial_texts(name: str, texts: Any) -> dict[str, str]:
        texts = texts if isinstance(texts, dict) else {}
        return {f"{name}_{lang}": texts.get(lang, "") for lang in LANGUAGES}


class HeadForm(_Texts):
    """The scorecard's code, name and description, and which contacts it applies to."""

    texts = (("name", _("Name"), False), ("description", _("Description"), True))
    code = forms.SlugField(
        label=_("Code"), max_length=50, required=False, help_text=_("Letters, digits, - and _; fixed once published.")
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"), required=False, choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    teams = forms.MultipleChoiceField(label=_("Teams"), required=False, widget=forms.CheckboxSelectMultiple)
    labels = forms.MultipleChoiceField(label=_("Contact reasons"), required=False, widget=forms.CheckboxSelectMultiple)
    allow_above_100 = forms.BooleanField(label=_("Bonus criteria may take the score above 100"), required=False)

    def __init__(self, *args: Any, code_locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_names = list(Team.objects.order_by("name").values_list("name", flat=True))
        self.fields["teams"].choices = [(n, n) for n in team_names]  # type: ignore[attr-defined]
        self.fields["labels"].choices = [(label.code, str(label)) for label in Label.objects.order_by("code")]  # type: ignore[attr-defined]
        if code_locked:
            self.fields["code"].disabled = True

    @property
    def name_fields(self) -> list[forms.BoundField]:
        return self.text_fields("name")

    @property
    def description_fields(self) -> list[forms.BoundField]:
        return self.text_fields("description")

    @property
    def conditions_fields(self) -> list[forms.BoundField]:
        return [self["channels"], self["teams"], self["labels"]]


class SectionForm(_Texts):
    texts = (("title", _("Title"), False),)
    code = forms.SlugField(label=_("Code"), max_length=50, required=False)

    @property
    def title_fields(self) -> list[forms.BoundField]:
        return self.text_fields("title")


class CriterionForm(_Texts):
    texts = (("title", _("Title"), False), ("guidance", _("Guidance"), True))
    code = forms.SlugField(label=_("Code"), max_length=50, required=False)
    scale = forms.ChoiceField(label=_("Scale"), choices=Scale.choices, initial=Scale.BINARY)
    weight = forms.DecimalField(
        label=_("Weight"),
        localize=True,
        initial=Decimal(1),
        max_digits=6,
        decimal_places=2,
        max_value=WEIGHT_MAX,
        validators=[_positive],
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
    )
    impact = forms.ChoiceField(label=_("Impact of a failure"), choices=Impact.choices, initial=Impact.LOW)
    critical = forms.BooleanField(label=_("Critical (a failure sets the score to 0)"), required=False)
    fail_section = forms.BooleanField(label=_("A failure sets its section to 0"), required=False)
    bonus = forms.BooleanField(label=_("Bonus"), required=False)
    competence = forms.BooleanField(label=_("Counts in the competence rating"), required=False)
    na_allowed = forms.BooleanField(label=_("N/A allowed"), required=False, initial=True)
    level = forms.ChoiceField(
        label=_("Level of measurement"), required=False, choices=[("", _("The scale's default")), *Level.choices]
    )
    root_causes = forms.CharField(required=False, widget=forms.HiddenInput)

    @property
    def title_fields(self) -> list[forms.BoundField]:
        return self.text_fields("title")

    @property
    def guidance_fields(self) -> list[forms.BoundField]:
        return self.text_fields("guidance")

    @property
    def root_cause_titles(self) -> list[str]:
        try:
            causes = json.loads(self["root_causes"].value() or "[]")
        except (TypeError, ValueError):
            return []
        return [pick(c.get("title")) or str(c.get("code")) for c in causes if isinstance(c, dict)]

    def clean_root_causes(self) -> list[dict[str, Any]]:
        # Carried as they were (edited in the YAML file); anything else is dropped rather than trusted.
        try:
            causes = json.loads(self.cleaned_data.get("root_causes") or "[]")
        except ValueError:
            return []
        return causes if isinstance(causes, list) else []


SectionFormSet = forms.formset_factory(SectionForm, extra=1, can_delete=True, can_order=True)
CriterionFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True, can_order=True)


class ScorecardBuilder:
    """The head form, the sections formset, and one criteria formset per section (prefix s<i>c)."""

    def __init__(self, *, data: QueryDict | None, draft: dict[str, Any], code_locked: bool) -> None:
        sections = draft.get("sections") or []
        self.head = HeadForm(data, initial=_head_initial(draft), code_locked=code_locked)
        self.sections = SectionFormSet(data, initial=[_section_initial(s) for s in sections], prefix="s")
        self.criteria = [
            CriterionFormSet(
                data,
                initial=[_criterion_initial(c) for c in (sections[i].get("criteria") or [])] if i < len(sections) else [],
                prefix=f"s{i}c",
            )
            for i in range(len(self.sections.forms))
        ]

    def rows(self) -> list[tuple[forms.Form, Any]]:
        return list(zip(self.sections.forms, self.criteria, strict=True))

    def is_valid(self) -> bool:
        return all([self.head.is_valid(), self.sections.is_valid(), *(c.is_valid() for c in self.criteria)])

    def document(self) -> dict[str, Any]:
        """The valid forms as a definition document (docs/scorecards.md); empty and removed rows left out, in order."""
        head = self.head
        sections = []
        for form in self.sections.ordered_forms:
            index = self.sections.forms.index(form)
            # ordered_forms leaves out removed rows and the empty extra ones.
            criteria = [_criterion_data(c) for c in self.criteria[index].ordered_forms]
            sections.append({"code": form.cleaned_data["code"], "title": form.text("title"), "criteria": criteria})
        return {
            "code": head.cleaned_data["code"],
            "name": head.text("name"),
            "description": head.text("description"),
            "conditions": {key: list(head.cleaned_data[key]) for key in ("channels", "teams", "labels")},
            "allow_above_100": head.cleaned_data["allow_above_100"],
            "sections": sections,
        }


def _head_initial(draft: dict[str, Any]) -> dict[str, Any]:
    conditions = draft.get("conditions") or {}
    return {
        "code": draft.get("code", ""),
        **HeadForm.initial_texts("name", draft.get("name")),
        **HeadForm.initial_texts("description", draft.get("description")),
        **{key: conditions.get(key, []) for key in ("channels", "teams", "labels")},
        "allow_above_100": draft.get("allow_above_100", False),
    }


def _section_initial(section: dict[str, Any]) -> dict[str, Any]:
    return {"code": section.get("code", ""), **SectionForm.initial_texts("title", section.get("title"))}


def _criterion_initial(criterion: dict[str, Any]) -> dict[str, Any]:
    fields = ("code", "scale", "impact", "critical", "fail_section", "bonus", "competence", "na_allowed", "level")
    return {
        **{key: criterion[key] for key in fields if key in criterion},
        "weight": _weight(criterion.get("weight", 1)),
        **CriterionForm.initial_texts("title", criterion.get("title")),
        **CriterionForm.initial_texts("guidance", criterion.get("guidance")),
        "root_causes": json.dumps(criterion.get("root_causes") or []),
    }


def _weight(value: Any) -> Decimal:
    """A stored weight as typed: 2 rather than 2.0, 2.5 rather than 2.50."""
    try:
        weight = Decimal(str(value))
    except ArithmeticError:
        return Decimal(1)
    return weight.to_integral() if weight == weight.to_integral() else weight.normalize()


def _criterion_data(form: CriterionForm) -> dict[str, Any]:
    data = form.cleaned_data
    result = {
        "code": data["code"],
        "title": form.text("title"),
        "guidance": form.text("guidance"),
        "scale": data["scale"],
        "weight": float(data["weight"]) if data.get("weight") is not None else 1.0,
        "impact": data["impact"],
        "critical": data["critical"],
        "fail_section": data["fail_section"],
        "bonus": data["bonus"],
        "competence": data["competence"],
        "na_allowed": data["na_allowed"],
        "root_causes": data["root_causes"],
    }
    if data.get("level"):
        result["level"] = data["level"]
    return result
