"""Scorecard versions: creation from definitions, publishing, export/import round trip, the default."""

import json

import pytest
import yaml
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from qadesk.core.errors import ApplicationError
from qadesk.reviews.services import RatingInput, review_create, review_save, review_submit
from qadesk.scorecards.models import Criterion, VersionStatus
from qadesk.scorecards.selectors import scorecard_versions_for
from qadesk.scorecards.services import (
    scorecard_install_default,
    scorecard_version_create,
    scorecard_version_export,
    scorecard_version_publish,
)

pytestmark = pytest.mark.django_db


def small_definition(**changes: object) -> dict:
    definition = {
        "code": "mini",
        "name": {"en": "Mini", "it": "Mini"},
        "sections": [
            {
                "code": "s",
                "title": {"en": "Section"},
                "criteria": [
                    {"code": "a", "title": {"en": "A"}, "scale": "five", "weight": 2},
                    {"code": "b", "title": {"en": "B"}, "scale": "binary", "impact": "high"},
                ],
            }
        ],
    }
    definition.update(changes)
    return definition


def test_the_default_scorecard_has_the_two_seed_sections_in_three_languages(default_scorecard) -> None:
    sections = list(default_scorecard.sections.order_by("position"))
    assert [s.code for s in sections] == ["process", "communication"]
    assert sections[0].title == {"en": "Process management", "it": "Gestione", "fr": "Gestion du processus"}
    criteria = Criterion.objects.filter(section__version=default_scorecard)
    assert {c.impact for c in criteria} == {"high", "low"}
    assert all(set(c.title) == {"en", "it", "fr"} and set(c.guidance) == {"en", "it", "fr"} for c in criteria)
    assert criteria.filter(critical=True).exists() and criteria.filter(fail_section=True).exists()


def test_installing_the_default_twice_creates_one_version(default_scorecard) -> None:
    assert scorecard_install_default().pk == default_scorecard.pk


def test_a_new_definition_with_the_same_code_is_the_next_version_and_retires_the_old() -> None:
    first = scorecard_version_create(data=small_definition())
    second = scorecard_version_create(data=small_definition())
    first.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert first.status == VersionStatus.RETIRED and second.status == VersionStatus.PUBLISHED
    assert first.scorecard.current_version() == second


def test_a_draft_is_published_once() -> None:
    draft = scorecard_version_create(data=small_definition(), publish=False)
    assert draft.status == VersionStatus.DRAFT
    scorecard_version_publish(version=draft)
    with pytest.raises(ApplicationError):
        scorecard_version_publish(version=draft)


def test_an_invalid_definition_names_the_bad_field() -> None:
    bad = small_definition()
    bad["sections"][0]["criteria"][1]["scale"] = "seven"
    with pytest.raises(ApplicationError, match=r"sections\[0\]\.criteria\[1\]\.scale: 'seven' is not one of: 'binary', "):
        scorecard_version_create(data=bad)


def test_an_invalid_definition_is_explained_in_the_users_language() -> None:
    bad = small_definition(name={"it": " "})
    with translation.override("fr"):
        expected = gettext("needs a text in at least one language")
        with pytest.raises(ApplicationError) as refused:
            scorecard_version_create(data=bad)
    assert expected != "needs a text in at least one language" and expected in str(refused.value)


def test_unknown_channels_in_conditions_are_refused() -> None:
    with pytest.raises(ApplicationError, match="fax"):
        scorecard_version_create(data=small_definition(conditions={"channels": ["fax"]}))


def test_export_then_import_round_trips(default_scorecard) -> None:
    exported = scorecard_version_export(version=default_scorecard)
    again = scorecard_version_create(data=json.loads(json.dumps(exported)))
    assert scorecard_version_export(version=again) == exported
    assert again.number == default_scorecard.number + 1


def test_editing_a_published_scorecard_leaves_existing_review_scores_unchanged(default_scorecard, interaction, reviewer) -> None:
    review = review_create(interaction=interaction, actor=reviewer)
    ratings = {
        c.pk: RatingInput(value=c.rating_choices()[-1]) for c in Criterion.objects.filter(section__version=default_scorecard)
    }
    first = Criterion.objects.filter(section__version=default_scorecard, code="clear_courteous").get()
    ratings[first.pk] = RatingInput(value=2)
    review_save(review=review, actor=reviewer, ratings=ratings)
    review_submit(review=review, actor=reviewer)
    before = (review.score, review.high_impact_errors, review.low_impact_errors)

    edited = scorecard_version_export(version=default_scorecard)
    for section in edited["sections"]:
        for criterion in section["criteria"]:
            criterion["weight"] = 10 if criterion["code"] == "clear_courteous" else 1
            criterion["impact"] = "high"
    new_version = scorecard_version_create(data=edited)

    review.refresh_from_db()
    assert (review.score, review.high_impact_errors, review.low_impact_errors) == before
    assert review.scorecard_version_id == default_scorecard.pk != new_version.pk
    assert Criterion.objects.get(pk=first.pk).weight == 1


def test_conditions_choose_the_scorecards_that_apply(default_scorecard, interaction) -> None:
    phone_only = scorecard_version_create(data=small_definition(conditions={"channels": ["phone"]}))
    email_only = scorecard_version_create(data=small_definition(code="mail", conditions={"channels": ["email"]}))
    versions = scorecard_versions_for(interaction=interaction)
    assert email_only in versions and default_scorecard in versions and phone_only not in versions
    assert versions[0] == email_only  # the most specific first


def test_the_cli_exports_yaml_and_imports_it_as_the_next_version(default_scorecard, tmp_path, capsys) -> None:
    path = tmp_path / "card.yaml"
    call_command("scorecard", "export", "default", str(path))
    data = yaml.safe_load(path.read_text())
    assert data["sections"][0]["criteria"][1]["code"] == "right_sop"
    call_command("scorecard", "import", str(path))
    assert "default v2 published" in capsys.readouterr().out
    json_path = tmp_path / "card.json"
    call_command("scorecard", "export", "default", str(json_path), "--version", "1")
    assert json.loads(json_path.read_text())["code"] == "default"


def test_a_criterion_takes_the_level_its_definition_declares_or_its_scales_default() -> None:
    definition = small_definition()
    definition["sections"][0]["criteria"].append(
        {"code": "reason", "title": {"en": "Contact reason"}, "scale": "three", "level": "nominal"}
    )
    version = scorecard_version_create(data=definition)
    levels = {c.code: c.level for c in Criterion.objects.filter(section__version=version)}
    assert levels == {"a": "ordinal", "b": "nominal", "reason": "nominal"}
    exported = scorecard_version_export(version=version)["sections"][0]["criteria"]
    assert [c["level"] for c in exported] == ["ordinal", "nominal", "nominal"]


def test_it_refuses_an_unknown_level_naming_the_field() -> None:
    definition = small_definition()
    definition["sections"][0]["criteria"][0]["level"] = "categorical"
    with pytest.raises(ApplicationError, match=r"sections\[0\]\.criteria\[0\]\.level"):
        scorecard_version_create(data=definition)


@pytest.mark.parametrize("weight", [0.004, 1.005])
def test_it_refuses_a_weight_it_would_have_to_round_instead_of_storing_another(weight: float) -> None:
    definition = small_definition()
    definition["sections"][0]["criteria"][0]["weight"] = weight
    with pytest.raises(ApplicationError, match=r"criteria\[0\]\.weight: must be 0.01 or more with at most 2 decimals"):
        scorecard_version_create(data=definition)


def test_a_weight_of_hundredths_is_kept_exactly() -> None:
    definition = small_definition()
    definition["sections"][0]["criteria"][0]["weight"] = 0.25
    version = scorecard_version_create(data=definition)
    assert float(Criterion.objects.get(section__version=version, code="a").weight) == 0.25
