"""The scoring function against hand-worked examples of FORMULAS.md."""

import pytest

from qadesk.scorecards.scoring import (
    CriterionSpec,
    ScoringError,
    are_conclusive,
    criterion_score,
    group_stats,
    iqs,
    is_conclusive,
    pass_rate,
    per_100,
    score_review,
    score_sums,
)


@pytest.mark.parametrize(
    ("scale", "rating", "expected"),
    [
        ("binary", 0, 0),
        ("binary", 1, 100),
        ("three", 2, 50),
        ("four", 2, 33.33),
        ("four", 3, 66.67),
        ("five", 4, 75),
        ("ten", 7, 70),
    ],
)
def test_it_maps_each_scale_to_0_100(scale: str, rating: int, expected: float) -> None:
    assert criterion_score(scale, rating) == pytest.approx(expected, abs=0.01)


def test_it_refuses_a_rating_off_the_scale() -> None:
    with pytest.raises(ScoringError):
        criterion_score("five", 0)


def test_it_weights_criteria_and_leaves_na_out_of_both_sums() -> None:
    # (75 x 2 + 100 x 1) / (2 + 1) = 83.33; the N/A criterion C (weight 5) is in neither sum.
    specs = [CriterionSpec("a", "five", 2), CriterionSpec("b", "binary", 1), CriterionSpec("c", "binary", 5)]
    result = score_review(specs, {"a": 4, "b": 1, "c": None})
    assert result.score == 83.33
    assert result.criterion_scores["c"] is None


def test_a_perfect_review_with_na_is_100() -> None:
    specs = [CriterionSpec("a", "five", 2), CriterionSpec("b", "binary", 1)]
    assert score_review(specs, {"a": 5, "b": None}).score == 100


def test_a_failed_critical_criterion_zeroes_the_review() -> None:
    specs = [CriterionSpec("a", "five", 1), CriterionSpec("sop", "binary", 3, impact="high", critical=True)]
    result = score_review(specs, {"a": 5, "sop": 0})
    assert result.score == 0
    assert result.auto_failed
    assert (result.high_impact_errors, result.low_impact_errors) == (1, 0)


def test_a_critical_criterion_at_50_does_not_auto_fail() -> None:
    specs = [CriterionSpec("a", "three", 1, critical=True), CriterionSpec("b", "binary", 1)]
    assert score_review(specs, {"a": 2, "b": 1}).score == 75


def test_fail_section_zeroes_only_its_section() -> None:
    # Section s1 fails: its 100 (w2) and 0 (w1) count as 0; section s2 keeps 100 (w1): 100 / 4 = 25.
    specs = [
        CriterionSpec("a", "binary", 2, section="s1"),
        CriterionSpec("rude", "binary", 1, section="s1", impact="high", fail_section=True),
        CriterionSpec("b", "binary", 1, section="s2"),
    ]
    result = score_review(specs, {"a": 1, "rude": 0, "b": 1})
    assert result.score == 25
    assert result.failed_sections == {"s1"}


def test_bonus_adds_to_the_numerator_and_is_capped_unless_allowed() -> None:
    specs = [CriterionSpec("a", "five", 1), CriterionSpec("extra", "binary", 1, bonus=True)]
    assert score_review(specs, {"a": 4, "extra": 1}).score == 100  # (75 + 100) / 1 capped
    assert score_review(specs, {"a": 4, "extra": 1}, allow_above_100=True).score == 175
    assert score_review(specs, {"a": 3, "extra": 0}).score == 50  # a missed bonus costs nothing


def test_a_missed_bonus_is_not_an_error() -> None:
    specs = [CriterionSpec("a", "binary", 1), CriterionSpec("extra", "binary", 1, bonus=True)]
    result = score_review(specs, {"a": 1, "extra": 0})
    assert result.failed == ()


def test_errors_are_counted_by_impact_apart_from_the_score() -> None:
    specs = [
        CriterionSpec("h", "binary", 1, impact="high"),
        CriterionSpec("l1", "four", 1, impact="low"),
        CriterionSpec("l2", "five", 1, impact="low"),
        CriterionSpec("ok", "five", 1, impact="high"),
    ]
    result = score_review(specs, {"h": 0, "l1": 2, "l2": 2, "ok": 3})
    assert (result.high_impact_errors, result.low_impact_errors) == (1, 2)
    assert result.failed == ("h", "l1", "l2")
    assert result.score == pytest.approx((0 + 33.33 + 25 + 50) / 4, abs=0.01)


def test_all_na_gives_no_score() -> None:
    assert score_review([CriterionSpec("a", "binary")], {"a": None}).score is None


def test_na_on_a_criterion_that_must_be_rated_is_refused() -> None:
    with pytest.raises(ScoringError):
        score_review([CriterionSpec("a", "binary", na_allowed=False)], {"a": None})


def test_iqs_is_the_unweighted_mean_of_review_scores() -> None:
    assert iqs([100, 9.91, 63.96, 90.99, 0]) == 52.97


def test_group_stats_give_the_two_part_interval_and_mark_small_or_wide_groups() -> None:
    scores = [100, 9.91, 63.96, 90.99, 0]
    stats = group_stats(score_sums(scores), minimum_n=10)
    assert stats.iqs == 52.97
    assert stats.ci_low is not None and stats.ci_high is not None
    assert 0 <= stats.ci_low <= 52.97 <= stats.ci_high <= 100
    assert not stats.conclusive
    many = [70, 80, 90, 75, 85, 95, 65, 80, 88, 72]
    # None at 0: a = 1, Wilson(10/10) from 10/(10 + 1.96²) = 0.72246; m = 80, s = 9.5917, t(9) = 2.2622 → 73.138–86.862.
    # lower = 80·exp(−√(ln(1/0.72246)² + ln(80/73.138)²)) = 80·exp(−0.33724) = 57.10; upper = 86.86.
    tight = group_stats(score_sums(many), minimum_n=10, max_width=None)
    assert (tight.iqs, tight.ci_low, tight.ci_high, tight.conclusive) == (80.0, 57.1, 86.86, True)
    # The same group is not conclusive when the interval may be at most 20 points wide (it is 29.76).
    assert not group_stats(score_sums(many), minimum_n=10, max_width=20).conclusive
    assert not group_stats(score_sums([90]), minimum_n=1, max_width=None).conclusive  # no interval: never conclusive


def test_pass_rate_and_per_100() -> None:
    assert pass_rate(3, 4) == 75
    assert per_100(7, 200) == 3.5
    assert pass_rate(0, 0) is None


def test_many_groups_are_judged_conclusive_by_the_one_rule() -> None:
    # FORMULAS.md: conclusive = at least the minimum n (never below 2) AND an interval at most the maximum width wide.
    # Boundaries: 0, 1 and 2 reviews, the minimum n set below 2, no interval, a width just at and just over the maximum.
    cases = [
        (n, interval, minimum_n, max_width)
        for n in (0, 1, 2, 4, 5, 6)
        for interval in (None, (40.0, 60.0), (40.0, 60.000001), (0.0, 100.0))
        for minimum_n in (1, 5)
        for max_width in (None, 20.0, 100.0)
    ]
    expected = [i is not None and n >= max(m, 2) and (w is None or i[1] - i[0] <= w) for n, i, m, w in cases]
    for minimum_n in (1, 5):
        for max_width in (None, 20.0, 100.0):
            chosen = [c for c in cases if c[2:] == (minimum_n, max_width)]
            many = are_conclusive(
                n=[c[0] for c in chosen],
                has_interval=[c[1] is not None for c in chosen],
                widths=[c[1][1] - c[1][0] if c[1] else float("nan") for c in chosen],
                minimum_n=minimum_n,
                max_width=max_width,
            )
            assert many == [expected[cases.index(c)] for c in chosen]
    assert [is_conclusive(n=n, interval=i, minimum_n=m, max_width=w) for n, i, m, w in cases] == expected
    assert 0 < sum(expected) < len(cases)
    assert not is_conclusive(n=5, interval=(40.0, 60.000001), minimum_n=5, max_width=20.0)
    assert is_conclusive(n=5, interval=(40.0, 60.0), minimum_n=5, max_width=20.0)
    assert not is_conclusive(n=1, interval=(40.0, 60.0), minimum_n=1, max_width=None)  # one review never concludes
