"""The pure statistics of docs/statistics.md, on numbers worked by hand (t tables and closed forms)."""

import math

import pytest

from qadesk.analytics.stats import (
    adjusted_p_values,
    family_corrected,
    half_width,
    paired_difference,
    period_change,
    reviews_more_needed,
    reviews_needed,
)


def test_it_raises_the_normal_approximation_to_the_student_t_sample_size() -> None:
    # z: (1.96·10/5)² = 15.37 → 16; t: 2.131·10/√16 = 5.33 and 2.120·10/√17 = 5.14 exceed 5, 2.110·10/√18 = 4.97 does not.
    assert reviews_needed(sd=10, margin=5) == 18


def test_it_plans_the_reviews_for_scores_80_to_100() -> None:
    # s = √62.5 = 7.906; z gives ceil(9.60) = 10; t(11)·s/√12 = 2.201·7.906/3.464 = 5.02 > 5; t(12)·s/√13 = 4.78.
    assert reviews_needed(sd=math.sqrt(62.5), margin=5) == 13
    assert reviews_needed(sd=math.sqrt(62.5), margin=10) == 5  # t(3)·s/√4 = 3.182·7.906/2 = 12.6; t(4)·s/√5 = 9.82


def test_it_needs_two_reviews_when_scores_do_not_vary_and_rejects_a_zero_margin() -> None:
    assert reviews_needed(sd=0, margin=5) == 2
    with pytest.raises(ValueError):
        reviews_needed(sd=10, margin=0)


def test_it_counts_the_reviews_still_missing_never_below_zero() -> None:
    assert reviews_more_needed(needed=18, current=5) == 13
    assert reviews_more_needed(needed=13, current=40) == 0


def test_it_gives_the_half_width_of_the_interval_shown_on_the_report() -> None:
    assert half_width(n=5, sd=math.sqrt(62.5)) == pytest.approx(9.816, abs=1e-3)  # t(4) = 2.7764; 2.7764 · 7.9057 / √5
    assert half_width(n=1, sd=0) is None


def test_it_finds_a_significant_drop_with_welchs_test() -> None:
    # Equal n and variances: t = −20 / √(62.5/5 + 62.5/5) = −4 with 8 degrees of freedom; two-sided p = 0.00395.
    result = period_change(n_a=5, mean_a=90, sd_a=math.sqrt(62.5), n_b=5, mean_b=70, sd_b=math.sqrt(62.5))
    assert result is not None
    assert (result.difference, result.t, round(result.p_value, 5), result.significant) == (-20, -4.0, 0.00395, True)


def test_it_does_not_call_a_change_within_the_intervals_significant() -> None:
    # t = −10 / √(62.5/5 + 100/6) = −1.852, Welch df = 8.99, p = 0.097.
    result = period_change(n_a=5, mean_a=90, sd_a=math.sqrt(62.5), n_b=6, mean_b=80, sd_b=10)
    assert result is not None
    assert (round(result.t or 0, 3), round(result.p_value, 3), result.significant) == (-1.852, 0.097, False)


def test_it_needs_two_reviews_per_period_and_handles_periods_without_spread() -> None:
    assert period_change(n_a=1, mean_a=90, sd_a=0, n_b=5, mean_b=70, sd_b=5) is None
    moved = period_change(n_a=3, mean_a=90, sd_a=0, n_b=3, mean_b=80, sd_b=0)
    still = period_change(n_a=3, mean_a=90, sd_a=0, n_b=3, mean_b=90, sd_b=0)
    assert moved is not None and (moved.p_value, moved.significant) == (0.0, True)
    assert still is not None and (still.p_value, still.significant) == (1.0, False)


def test_it_tests_paired_differences_against_zero() -> None:
    # Differences 10, 12, 8: mean 10, sd 2, t = 10 / (2/√3) = 8.660, df 2; two-sided p = 1 − t/√(t² + 2) = 0.01307.
    result = paired_difference([10, 12, 8])
    assert result is not None
    assert (result.difference, round(result.t or 0, 3), round(result.p_value, 5), result.significant) == (10, 8.66, 0.01307, True)
    noisy = paired_difference([-12.5, 0, -10])  # mean −7.5, sd 6.61, t = −1.964, p = 0.188
    assert noisy is not None and (round(noisy.p_value, 3), noisy.significant) == (0.188, False)
    assert paired_difference([10]) is None
    same = paired_difference([5, 5])
    assert same is not None and same.significant


def test_it_adjusts_p_values_with_benjamini_hochberg() -> None:
    # Sorted: 0.005, 0.01, 0.03, 0.04 (m = 4) → p·m/rank = 0.02, 0.02, 0.04, 0.04; the running minimum from the largest
    # down changes nothing here. Back in the given order: 0.02, 0.04, 0.04, 0.02.
    assert adjusted_p_values([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    # 0.04·3/2 = 0.06 would exceed the 0.05 of the larger p ranked after it: the minimum from above keeps it at 0.05.
    assert adjusted_p_values([0.01, 0.04, 0.05]) == pytest.approx([0.03, 0.05, 0.05])
    assert adjusted_p_values([0.3]) == [0.3]
    assert adjusted_p_values([]) == []


def test_a_result_below_005_alone_is_not_significant_among_others() -> None:
    # The drop of 12 points (t = −2.4, 8 df, p = 0.0432) tested beside an unchanged group (p = 1): adjusted 0.0864.
    drop = period_change(n_a=5, mean_a=90, sd_a=math.sqrt(62.5), n_b=5, mean_b=78, sd_b=math.sqrt(62.5))
    still = period_change(n_a=2, mean_a=80, sd_a=math.sqrt(800), n_b=2, mean_b=80, sd_b=math.sqrt(200))
    assert drop is not None and still is not None
    assert (round(drop.p_value, 4), drop.p_adjusted, drop.significant) == (0.0432, drop.p_value, True)  # alone
    corrected = family_corrected([drop, still])
    assert [(round(c.p_value, 4), round(c.p_adjusted, 4), c.significant) for c in corrected] == [
        (0.0432, 0.0864, False),
        (1.0, 1.0, False),
    ]
    assert [c.significant for c in family_corrected([drop, drop])] == [True, True]  # two equal results: 0.0432 each
    assert family_corrected([]) == []
