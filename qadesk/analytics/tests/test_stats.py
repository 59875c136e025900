"""The pure statistics of docs/statistics.md, on numbers worked by hand (t tables and closed forms)."""

import math

import pytest
from scipy import stats as scipy_stats

from qadesk.analytics.stats import (
    MAX_REVIEWS,
    _scaled,
    adjusted_p_values,
    family_corrected,
    half_width,
    paired_difference,
    peer_difference,
    period_change,
    reviews_more_needed,
    reviews_needed,
)
from qadesk.scorecards.intervals import mean_interval
from qadesk.scorecards.scoring import score_sums


def test_it_plans_the_reviews_the_reports_interval_needs_for_scores_80_to_100() -> None:
    # 80, 85, 90, 95, 100 (none at 0): at n = 43 the two-part interval is 10.0 wide or less (±5), at 42 not yet — the
    # share of reviews above 0 must be pinned near 100 % by Wilson (43/43 → 91.8 %–100 %) before the mean is.
    sums = score_sums([80, 85, 90, 95, 100])
    needed = reviews_needed(sums=sums, margin=5)
    assert needed == 43
    for n, narrow in ((needed - 1, False), (needed, True)):
        low, high = mean_interval(_scaled(sums, n))  # type: ignore[misc]
        assert (high - low <= 10) is narrow
    assert reviews_needed(sums=sums, margin=10) == 18
    assert reviews_needed(sums=score_sums([90]), margin=5) is None  # one review: nothing known yet


def test_it_caps_the_plan_instead_of_skipping_the_last_step() -> None:
    # Half the reviews at 0 and a ±0.01 margin: unreachable; the answer is the cap, never an uncapped guess.
    assert reviews_needed(sums=score_sums([0, 100, 0, 100]), margin=0.01) == MAX_REVIEWS
    with pytest.raises(ValueError):
        reviews_needed(sums=score_sums([80, 90]), margin=0)


def test_it_counts_the_reviews_still_missing_never_below_zero() -> None:
    assert reviews_more_needed(needed=18, current=5) == 13
    assert reviews_more_needed(needed=13, current=40) == 0


def test_it_gives_half_the_width_of_the_interval_shown_on_the_report() -> None:
    assert half_width((80.18, 99.82)) == pytest.approx(9.82)
    assert half_width(None) is None


def test_it_takes_the_peers_mean_as_the_mean_of_the_other_reviewers_means() -> None:
    # Own mean 90; one peer scored the agent 80 once, another 70 nine times: peers' mean (80 + 70)/2 = 75, not 71.
    assert peer_difference(90, [80, 70]) == 15
    with pytest.raises(ValueError):
        peer_difference(90, [])


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
    still = period_change(n_a=3, mean_a=90, sd_a=0, n_b=3, mean_b=90, sd_b=0)
    assert still is not None and (still.p_value, still.significant) == (1.0, False)


@pytest.mark.parametrize(
    ("n_a", "n_b", "p"), [(3, 2, 0.2), (2, 2, 1 / 3), (5, 5, 2 / 252), (3, 3, 0.1), (20, 20, 2 / math.comb(40, 20))]
)
def test_it_uses_the_exact_permutation_test_when_neither_period_varies(n_a: int, n_b: int, p: float) -> None:
    # A one-point change on 3 vs 2 reviews is no longer "certain" (Welch's p = 0): of the C(5, 2) = 10 splits of the
    # five scores only the observed one moves the mean as far that way: one-sided 1/10, two-sided 2/10.
    result = period_change(n_a=n_a, mean_a=90, sd_a=0, n_b=n_b, mean_b=91, sd_b=0)
    assert result is not None and result.t is None
    assert result.p_value == pytest.approx(p)
    # scipy's exact permutation test over the same scores agrees.
    if n_a + n_b <= 10:
        exact = scipy_stats.permutation_test(
            ([91.0] * n_b, [90.0] * n_a),
            lambda x, y: sum(x) / len(x) - sum(y) / len(y),
            permutation_type="independent",
            n_resamples=math.inf,
        )
        assert exact.pvalue == pytest.approx(p)
    assert result.significant is (p < 0.05)


def test_it_tests_paired_differences_against_zero() -> None:
    # Differences 10, 12, 8: mean 10, sd 2, t = 10 / (2/√3) = 8.660, df 2; two-sided p = 1 − t/√(t² + 2) = 0.01307.
    result = paired_difference([10, 12, 8])
    assert result is not None
    assert (result.difference, round(result.t or 0, 3), round(result.p_value, 5), result.significant) == (10, 8.66, 0.01307, True)
    noisy = paired_difference([-12.5, 0, -10])  # mean −7.5, sd 6.61, t = −1.964, p = 0.188
    assert noisy is not None and (round(noisy.p_value, 3), noisy.significant) == (0.188, False)
    assert paired_difference([10]) is None
    # Equal differences: t is undefined; the exact sign-flip test gives 2/2^m (2 → 0.5, 6 → 0.031).
    same = paired_difference([5, 5])
    assert same is not None and (same.p_value, same.significant) == (0.5, False)
    six = paired_difference([5] * 6)
    assert six is not None and (six.p_value, six.significant) == (2 / 64, True)


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
