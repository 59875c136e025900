"""Demo ratings follow the planted mistakes, with root causes the default scorecard knows."""

from __future__ import annotations

import random

import yaml

from qadesk.demo.generator import Plan
from qadesk.demo.ratings import demo_ratings
from qadesk.scorecards.scoring import criterion_score
from qadesk.scorecards.services import DEFAULT_SCORECARD

CRITERIA = {c["code"]: c for s in yaml.safe_load(DEFAULT_SCORECARD.read_text())["sections"] for c in s["criteria"]}


def _rate(*mistakes: str, reason: str = "refund_request", language: str = "it", seed: int = 1):  # type: ignore[no-untyped-def]
    plan = Plan("D-1", reason, reason, "SOP-REF-01", ("a.rossi",), frozenset(mistakes), "it")
    return demo_ratings(plan=plan, skill=0.8, language=language, rng=random.Random(seed))


def test_it_fails_the_critical_sop_criterion_for_a_wrong_procedure() -> None:
    ratings, overall = _rate("wrong_sop")
    assert ratings["right_sop"].value == 0 and ratings["right_sop"].root_causes == ("wrong_sop",)
    assert ratings["label_matches_handling"].value == 0
    assert "Errore grave" in overall


def test_it_fails_the_sop_as_improper_for_a_refund_against_policy() -> None:
    ratings, _overall = _rate("refund_against_policy")
    assert ratings["right_sop"].root_causes == ("improper_activity",)
    assert ratings["assertive"].root_causes == ("over_promise",)


def test_it_fails_rudeness_and_blaming() -> None:
    assert _rate("rudeness")[0]["rude_or_blaming"].root_causes == ("sarcasm",)
    assert _rate("blaming")[0]["rude_or_blaming"].root_causes == ("blaming",)


def test_it_rates_a_missing_closing_low_on_clarity() -> None:
    found = [_rate("no_closing", seed=s)[0]["clear_courteous"] for s in range(30)]
    assert all(r.value <= 2 for r in found if r.root_causes)
    assert sum(1 for r in found if r.root_causes) > 20  # now and then a reviewer overlooks it


def test_it_passes_a_clean_interaction_everywhere() -> None:
    ratings, _overall = _rate()
    assert all(r.value is None or criterion_score(CRITERIA[code]["scale"], r.value) >= 50 for code, r in ratings.items())
    assert not any(r.root_causes or r.comment for r in ratings.values())
    assert ratings["right_sop"].value == 1 and ratings["rude_or_blaming"].value == 1
    assert ratings["clear_courteous"].value >= 4


def test_it_rates_every_criterion_with_known_root_causes_in_the_reviewer_language() -> None:
    ratings, overall = _rate("jargon", "step_omitted", "no_empathy", "wrong_label", language="fr", seed=3)
    assert set(ratings) == set(CRITERIA)
    for code, rated in ratings.items():
        assert set(rated.root_causes) <= {rc["code"] for rc in CRITERIA[code]["root_causes"]}
    assert "procédure" in ratings["workflow"].comment
    assert overall.startswith("Plusieurs")


def test_it_marks_some_criteria_not_applicable() -> None:
    found = [_rate(reason="product_info", seed=s)[0]["right_tools"].value for s in range(10)]
    assert None in found
