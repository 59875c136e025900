"""The customer-feedback formulas on published worked examples (FORMULAS.md "Customer feedback")."""

import math

import pytest

from qadesk.surveys import figures
from qadesk.surveys.schemas import condition_met


def test_it_computes_csat_as_the_top_two_share_of_delighteds_example() -> None:
    # Delighted help centre, "How is CSAT calculated?" (help.delighted.com/article/240): 42 fives, 32 fours, 10 threes,
    # 9 twos, 14 ones → 74 satisfied of 107 → 69.16.
    figure = figures.csat({5: 42, 4: 32, 3: 10, 2: 9, 1: 14})
    assert figure.definition == "csat_top_two"
    assert (figure.n, figure.value) == (107, 69.16)
    assert figure.ci_low is not None and figure.ci_high is not None
    assert figure.ci_low < 69.16 < figure.ci_high
    assert figure.conclusive


def test_it_offers_the_mean_rating_as_csats_alternative_definition() -> None:
    figure = figures.csat({5: 42, 4: 32, 3: 10, 2: 9, 1: 14}, definition="csat_mean")
    assert figure.definition == "csat_mean"
    assert figure.value == round((5 * 42 + 4 * 32 + 3 * 10 + 2 * 9 + 14) / 107, 2) == 3.74


def test_it_computes_nps_and_its_margin_on_the_cross_validated_example() -> None:
    # Cross Validated, "How can I calculate margin of error in a NPS (Net Promoter Score) result?" (whuber's answer):
    # half promoters, a third passives, a sixth detractors → NPS = 1/3, variance per answer 5/9 (sd 0.745).
    counts = {10: 30, 9: 30, 8: 20, 7: 20, 5: 10, 0: 10}  # 60 promoters, 40 passives, 20 detractors of 120
    figure = figures.nps(counts)
    assert (figure.promoters, figure.passives, figure.detractors) == (60, 40, 20)
    assert figure.value == 33.33
    expected_margin = 1.959964 * 100 * math.sqrt(5 / 9) / math.sqrt(120)
    assert figure.margin == pytest.approx(expected_margin, abs=0.01)
    assert figure.ci_low == pytest.approx(33.33 - expected_margin, abs=0.01)


def test_passives_stay_in_the_nps_denominator_and_the_interval_stays_within_100() -> None:
    assert figures.nps({9: 5, 7: 5}).value == 50.0
    everyone = figures.nps({10: 7})
    assert (everyone.value, everyone.ci_high, everyone.margin) == (100.0, 100.0, 0.0)


def test_a_figure_below_the_minimum_n_is_not_conclusive() -> None:
    assert not figures.csat({5: 3, 1: 1}, minimum_n=5).conclusive
    assert not figures.nps({10: 1}).conclusive
    assert figures.nps({10: 1}).ci_low is None
    assert figures.csat({}).value is None


def test_ces_is_the_mean_on_1_to_7_or_the_share_of_5_to_7() -> None:
    counts = {7: 2, 5: 1, 3: 1}
    assert figures.ces(counts).value == 5.5
    assert figures.ces(counts, definition="ces_share_5_7").value == 75.0
    low, high = figures.ces(counts).ci_low, figures.ces(counts).ci_high
    assert low is not None and high is not None and 1 <= low < 5.5 < high <= 7


def test_response_rate_is_responses_over_invitations_sent() -> None:
    assert figures.response_rate(3, 12).value == 25.0
    assert figures.response_rate(0, 0).value is None


def test_only_detractors_and_csat_of_two_or_less_close_the_loop() -> None:
    assert figures.is_negative("nps", 6) and not figures.is_negative("nps", 7)
    assert figures.is_negative("csat", 2) and not figures.is_negative("csat", 3)
    assert not figures.is_negative("ces", 1)


def test_conditions_compare_with_the_earlier_answer() -> None:
    low = {"question": "csat", "op": "<=", "value": 2}
    assert condition_met(low, {"csat": 1}) and not condition_met(low, {"csat": 3}) and not condition_met(low, {})
    below = {"question": "expectations", "op": "==", "value": "below"}
    assert condition_met(below, {"expectations": ["below"]}) and not condition_met(below, {"expectations": ["met"]})
    assert condition_met({"question": "x", "op": "in", "value": [1, 2]}, {"x": 2})
    assert condition_met(None, {})
