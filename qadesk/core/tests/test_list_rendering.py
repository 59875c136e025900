"""The pieces list pages repeat on every row or option, written in Python for speed: each must say what Django's own
rendering said (QuickSelect ≡ forms.Select, choice_label ≡ get_<field>_display, the badges ≡ their old templates)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from qadesk.core.forms import QUICK_WIDGETS, QuickSelect
from qadesk.interactions.models import Interaction
from qadesk.reviews.models import Review


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a", "Tom & <Jerry>"), ("b", 'say "hi"')], required=False)
    grouped = forms.ChoiceField(choices=[("", "Any"), ("Milano", [("1", "Ordini"), ("2", "Resi")])], required=False)


@pytest.mark.parametrize("data", [{}, {"plain": "a", "grouped": "2"}, {"plain": "b", "grouped": "1"}])
def test_quick_select_writes_what_djangos_select_writes(data: dict[str, str]) -> None:
    for name in ("plain", "grouped"):
        django_form, quick_form = _Form(data or None), _Form(data or None)
        quick_form.fields[name].widget.__class__ = QuickSelect
        quick_form.fields[name].widget.attrs.update({"required": True, "disabled": False, "data-x": '"q"'})
        django_form.fields[name].widget.attrs.update({"required": True, "disabled": False, "data-x": '"q"'})
        assert _squeezed(str(quick_form[name])) == _squeezed(str(django_form[name]))
    assert "Tom &amp; &lt;Jerry&gt;" in str(_Form()["plain"])


class _Boxes(forms.Form):
    text = forms.CharField(required=False)
    search = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": 'Id, "x" & <y>'}))
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    plain_day = forms.DateField(required=False)
    count = forms.IntegerField(required=False, min_value=1)


@pytest.mark.parametrize("language", ["en", "it", "fr"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": 'Tom & <Jerry> "q"', "search": "", "day": "2026-12-05", "plain_day": "05/12/2026", "count": "7"},
        {"text": "  rimborso  ", "day": "not a day", "plain_day": "2026-02-30", "count": "-3"},
    ],
)
def test_quick_inputs_write_what_djangos_inputs_write(language: str, data: dict[str, str] | None) -> None:
    with translation.override(language):
        django_form, quick_form = _Boxes(data), _Boxes(data)
        django_form.is_valid(), quick_form.is_valid()
        for name, field in quick_form.fields.items():
            field.widget.__class__ = QUICK_WIDGETS[type(field.widget)]
            field.widget.attrs.update({"required": True, "disabled": False, "data-x": '"q"'})
            django_form.fields[name].widget.attrs.update({"required": True, "disabled": False, "data-x": '"q"'})
            assert str(quick_form[name]) == str(django_form[name]), name
    assert 'value="Tom &amp; &lt;Jerry&gt; &quot;q&quot;"' in str(_Boxes({"text": 'Tom & <Jerry> "q"'})["text"])


def test_filter_forms_use_quick_selects(qa_lead) -> None:
    from qadesk.interactions.forms import InteractionFilterForm

    form = InteractionFilterForm({"channel": "email"}, actor=qa_lead)
    assert type(form.fields["channel"].widget) is QuickSelect
    assert {type(form.fields[name].widget).__name__ for name in ("q", "date_from")} == {"QuickTextInput", "QuickDateInput"}
    assert '<option value="email" selected>' in str(form["channel"])
    assert type(InteractionFilterForm.base_fields["channel"].widget) is forms.Select  # the class's own field is untouched


@pytest.mark.parametrize("language", ["en", "it", "fr"])
def test_choice_label_says_what_get_display_says(language: str) -> None:
    template = Template(
        '{% load qadesk %}{{ i|choice_label:"channel" }}|{{ i|choice_label:"phase" }}|{{ r|choice_label:"status" }}'
    )
    django = Template("{{ i.get_channel_display }}|{{ i.get_phase_display }}|{{ r.get_status_display }}")
    for channel, phase, status in [("email", "purchase", "draft"), ("phone", "", "submitted"), ("fax", "nowhere", "odd")]:
        interaction, review = Interaction(channel=channel, phase=phase), Review(status=status)
        with translation.override(language):
            context = {"i": interaction, "r": review}
            assert template.render(Context(context)) == django.render(Context(context))


@pytest.mark.parametrize(
    ("language", "score", "expected"),
    [
        ("en", 81.256, '<span class="score score-pass" title="Pass">81.26</span>'),
        ("it", 81.256, '<span class="score score-pass" title="Superata">81,26</span>'),
        ("en", 79.5, '<span class="score score-fail" title="Below the pass mark">79.50</span>'),
        ("en", 80.0, '<span class="score score-pass" title="Pass">80</span>'),
        ("en", None, '<span class="muted">—</span>'),
    ],
)
def test_the_score_badge_in_a_list_row(language: str, score: float | None, expected: str) -> None:
    with translation.override(language):
        row = Template("{% load qadesk_reviews %}{% score_badge score pass_mark %}").render(
            Context({"score": score, "pass_mark": 80})
        )
        included = Template('{% include "reviews/_score_badge.html" %}').render(Context({"score": score, "pass_mark": 80}))
    assert row == expected
    assert included.strip() == expected
