"""Scorecard models: conditions, scoring specs, rating choices."""

import pytest

from qadesk.scorecards.models import Criterion, ScorecardVersion

pytestmark = pytest.mark.django_db


def test_conditions_admit_only_what_they_list(default_scorecard: ScorecardVersion) -> None:
    version = default_scorecard
    assert version.applies_to(channel="phone", team=None, label=None)
    version.conditions = {"channels": ["chat"], "teams": ["Lyon Service"], "labels": []}
    assert version.applies_to(channel="chat", team="Lyon Service", label="refund_request")
    assert not version.applies_to(channel="chat", team="Milano Ordini", label=None)
    assert not version.applies_to(channel="email", team="Lyon Service", label=None)


def test_specs_follow_form_order_and_carry_the_scoring_settings(default_scorecard: ScorecardVersion) -> None:
    specs = default_scorecard.specs()
    criteria = {str(c.pk): c for c in Criterion.objects.filter(section__version=default_scorecard)}
    assert [criteria[s.key].code for s in specs][:3] == ["right_label", "right_sop", "right_tools"]
    right_sop = next(s for s in specs if criteria[s.key].code == "right_sop")
    assert (right_sop.weight, right_sop.impact, right_sop.critical, right_sop.na_allowed) == (3.0, "high", True, False)


def test_rating_choices_span_the_scale(default_scorecard: ScorecardVersion) -> None:
    by_code = {c.code: c for c in Criterion.objects.filter(section__version=default_scorecard)}
    assert by_code["right_label"].rating_choices() == [0, 1]
    assert by_code["right_tools"].rating_choices() == [1, 2, 3]
    assert by_code["empathy"].rating_choices() == [1, 2, 3, 4, 5]
    assert str(by_code["empathy"]) == "Empathy"
    assert str(default_scorecard) == "Customer service quality v1"
