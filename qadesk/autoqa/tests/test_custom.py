"""Custom criteria: must / must not say, per language, part and speaker; bad rules named; versions re-run."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from qadesk.autoqa.custom import CustomRuleError, CustomSpec, check_rules, custom_check
from qadesk.autoqa.tests.helpers import conv, quoted

PHRASES = {"it": ["numero di pratica"], "fr": ["numéro de dossier"], "en": ["case number"]}


def spec(**kw: object) -> CustomSpec:
    values: dict[str, object] = {
        "code": "case_number",
        "version": 1,
        "criterion": "",
        "rule": "must",
        "speaker": "agent",
        "part": "any",
        "phrases": PHRASES,
        "patterns": {},
    }
    values.update(kw)
    return CustomSpec(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("language", "text", "phrase"),
    [
        ("it", "Le comunico il numero di pratica: 1234.", "numero di pratica"),
        ("fr", "Voici votre numéro de dossier : 1234.", "numéro de dossier"),
        ("en", "Your case number is 1234.", "case number"),
    ],
)
def test_a_must_say_phrase_passes_in_each_language_with_its_span(language: str, text: str, phrase: str) -> None:
    c = conv(language, ("customer", "?"), ("agent", text))
    finding = custom_check(spec(), c)
    assert finding.verdict == "pass" and quoted(c, *(lambda s: (s.message, s.start, s.end))(finding.evidence[0])) == phrase


def test_a_must_say_phrase_missing_fails_and_a_quoted_one_does_not_count() -> None:
    assert custom_check(spec(), conv("en", ("agent", "Hello, how can I help?"))).verdict == "fail"
    assert custom_check(spec(), conv("en", ("agent", 'You wrote "case number" earlier?'))).verdict == "fail"


def test_must_not_fails_on_every_match_and_patterns_work() -> None:
    rule = spec(rule="must_not", phrases={}, patterns={"en": [r"\bguarantee[ds]?\b"]})
    c = conv("en", ("agent", "I guarantee it, guaranteed."))
    finding = custom_check(rule, c)
    assert finding.verdict == "fail" and [quoted(c, s.message, s.start, s.end) for s in finding.evidence] == [
        "guarantee",
        "guaranteed",
    ]
    assert custom_check(rule, conv("en", ("agent", "We will try."))).verdict == "pass"


def test_part_and_speaker_narrow_where_it_looks() -> None:
    c = conv("en", ("agent", "Hi."), ("customer", "My case number?"), ("agent", "Your case number is 1."))
    assert custom_check(spec(part="opening"), c).verdict == "fail"
    assert custom_check(spec(part="closing"), c).verdict == "pass"
    assert custom_check(spec(speaker="customer", part="opening"), c).verdict == "pass"


def test_a_language_without_phrases_is_not_applicable() -> None:
    assert (
        custom_check(spec(phrases={"en": ["case number"]}), conv("it", ("agent", "Buongiorno, come posso aiutarla?"))).verdict
        == "na"
    )


@pytest.mark.parametrize(
    ("phrases", "patterns", "field", "words"),
    [
        (["x"], {}, "phrases", "JSON object"),
        ({"de": ["x"]}, {}, "phrases", "'de'"),
        ({"en": [""]}, {}, "phrases", "non-empty"),
        ({}, {"en": ["(unclosed"]}, "patterns", "'(unclosed'"),
    ],
)
def test_bad_rules_are_refused_naming_the_field_and_item(phrases: object, patterns: object, field: str, words: str) -> None:
    with pytest.raises(CustomRuleError) as error:
        check_rules(phrases=phrases, patterns=patterns)
    assert error.value.field == field and words in error.value.message


@pytest.mark.django_db
def test_changing_the_rules_raises_the_version_and_the_job_checks_again(agent) -> None:
    from qadesk.autoqa.models import AutoResult, CustomCriterion
    from qadesk.autoqa.services import autoqa_run
    from qadesk.testing import factories as f

    criterion = CustomCriterion.objects.create(code="case_number", name="Case number given", phrases={"en": ["case number"]})
    interaction = f.make_interaction(agent, messages=[("customer", "Hi"), ("agent", "Your case number is 7.")], language="en")
    autoqa_run()
    assert AutoResult.objects.get(interaction=interaction, detector="custom:case_number").verdict == "pass"
    criterion.name = "Renamed"
    criterion.save()
    assert criterion.version == 1 and autoqa_run().counts["checked"] == 0  # a name is not a rule
    criterion.phrases = {"en": ["ticket id"]}
    criterion.save()
    assert criterion.version == 2
    assert autoqa_run().counts["checked"] == 1
    result = AutoResult.objects.get(interaction=interaction, detector="custom:case_number", version=2)
    assert result.verdict == "fail" and result.criterion == "case_number"


@pytest.mark.django_db
def test_the_model_refuses_a_bad_pattern_naming_the_field() -> None:
    from qadesk.autoqa.models import CustomCriterion

    with pytest.raises(ValidationError) as error:
        CustomCriterion(code="x", name="x", patterns={"en": ["[a-"]}).full_clean()
    assert "patterns" in error.value.message_dict
