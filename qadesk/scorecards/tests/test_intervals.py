"""The intervals of the quality report against published values and hand-worked examples (docs/statistics.md)."""

import math
import random

import numpy as np
import pytest
from scipy import stats

from qadesk.scorecards.intervals import (
    ClusterCell,
    ScoreSums,
    design_effects,
    mean_interval,
    mean_intervals,
    per_100_interval,
    per_100_intervals,
    percent_interval,
    percent_intervals,
    poisson_interval,
    wilson_interval,
)
from qadesk.scorecards.scoring import score_sums


# Newcombe RG (1998), "Two-sided confidence intervals for the single proportion: comparison of seven methods",
# Statistics in Medicine 17:857–872, Table II, method 3 (Wilson score interval without continuity correction).
@pytest.mark.parametrize(
    ("successes", "n", "published"),
    [(81, 263, (0.2553, 0.3662)), (15, 148, (0.0624, 0.1605)), (0, 20, (0.0, 0.1611)), (1, 29, (0.0061, 0.1718))],
)
def test_it_reproduces_newcombes_wilson_intervals(successes: int, n: int, published: tuple[float, float]) -> None:
    low, high = wilson_interval(successes, n)  # type: ignore[misc]
    assert (round(low, 4), round(high, 4)) == published
    reference = stats.binomtest(successes, n).proportion_ci(method="wilson")  # scipy's own Wilson interval agrees
    assert (low, high) == pytest.approx((reference.low, reference.high))


# Garwood F (1936), "Fiducial limits for the Poisson distribution", Biometrika 28:437–442; the exact limits as tabled
# e.g. by Ulm K (1990), "A simple method to calculate the confidence interval of a standardized mortality ratio",
# Am J Epidemiol 131:373–375: 0 → 0–3.689, 1 → 0.0253–5.572, 5 → 1.623–11.668, 10 → 4.795–18.390.
@pytest.mark.parametrize(
    ("count", "published"), [(0, (0.0, 3.689)), (1, (0.0253, 5.572)), (5, (1.623, 11.668)), (10, (4.795, 18.390))]
)
def test_it_reproduces_garwoods_exact_poisson_limits(count: int, published: tuple[float, float]) -> None:
    low, high = poisson_interval(count)
    assert (round(low, 4 if count == 1 else 3), round(high, 3)) == published


def test_it_gives_the_pass_rate_and_errors_per_100_their_intervals() -> None:
    assert percent_interval(81, 263) == pytest.approx((25.53, 36.62), abs=0.005)
    assert percent_interval(0, 0) is None
    # 10 high-impact errors in 200 reviews: 5 per 100, exact Poisson 4.795/200·100 – 18.390/200·100.
    assert per_100_interval(10, 200) == pytest.approx((2.3975, 9.195), abs=1e-3)
    assert per_100_interval(0, 0) is None
    # A design effect of 2 halves the effective sample: the interval of 5 of 100 instead of 10 of 200, wider.
    wide = per_100_interval(10, 200, design_effect=2)
    assert wide is not None and wide[0] < 2.3975 and wide[1] > 9.195


def test_it_keeps_the_bonus_iqs_inside_its_interval() -> None:
    # The case: with bonus criteria an IQS of 107.41 had the Student-t interval 91.47–100 (clipped below it).
    sums = score_sums([100, 112.5, 104, 110, 110.55])
    low, high = mean_interval(sums)  # type: ignore[misc]
    assert sums.mean == pytest.approx(107.41)
    assert low < 107.41 < high and high > 100


def test_it_bounds_the_interval_by_the_scores_range_and_never_leaves_out_the_mean() -> None:
    rng = random.Random(7)
    lumps = [0, 50, 62.5, 75, 81.25, 87.5, 90.63, 93.75, 100]
    for _ in range(2000):
        scores = [rng.choice(lumps) for _ in range(rng.randint(2, 40))]
        low, high = mean_interval(score_sums(scores))  # type: ignore[misc]
        mean = sum(scores) / len(scores)
        assert 0 <= low <= mean + 1e-9 and mean - 1e-9 <= high <= 100


def test_it_answers_the_corner_cases_of_the_two_parts() -> None:
    assert mean_interval(score_sums([90])) is None  # one review: no interval
    # Every review at 0: 0 up to the Wilson upper limit of "above 0" (0 of 5) × 100 = 43.45.
    assert mean_interval(score_sums([0] * 5)) == pytest.approx((0.0, 43.45), abs=0.01)
    # One review above 0: its mean is only known to be within 0–100, so the lower limit is 0.
    low, high = mean_interval(score_sums([0, 0, 0, 0, 90]))  # type: ignore[misc]
    assert low == 0 and 18 < high <= 62.4
    # Five perfect reviews: the share above 0 is what is uncertain (Wilson 5/5: 0.5655–1).
    assert mean_interval(score_sums([100] * 5)) == pytest.approx((56.55, 100.0), abs=0.01)


def test_it_needs_only_what_a_group_by_keeps() -> None:
    scores = [0, 80, 85, 90, 95, 100]
    sums = ScoreSums(n=6, n_zero=1, total=450, total_sq=sum(s * s for s in scores), max_score=100)
    assert mean_interval(sums) == mean_interval(score_sums(scores))


def test_it_measures_the_design_effect_of_reviews_clustered_by_agent() -> None:
    # Two agents, two reviewers each: agent 1 always passes, agent 2 never does. The pass rate 50 % of 40 reviews is
    # really two clusters' worth. Residuals y_g − 0.5·x_g: by agent +10, −10 → V_agent = 2/1 · 200 / 40² = 0.25; by
    # reviewer 0, 0 → 0; by cell ±5 → 4/3 · 100 / 40² = 0.083. Two-way: max(0.25 + 0 − 0.083, 0.25, 0) = 0.25, which
    # is 40 × the Bernoulli variance 0.25/40: design effect 40 (the 40 reviews count as 1).
    cells = [
        ClusterCell("a1", "r1", n=10, n_zero=0, total=900, passed=10),
        ClusterCell("a1", "r2", n=10, n_zero=0, total=900, passed=10),
        ClusterCell("a2", "r1", n=10, n_zero=0, total=600, passed=0),
        ClusterCell("a2", "r2", n=10, n_zero=0, total=600, passed=0),
    ]
    sums = ScoreSums(n=40, n_zero=0, total=3000, total_sq=20 * 90**2 + 20 * 60**2, max_score=90)
    design = design_effects(cells, sums)
    assert design.pass_rate == pytest.approx(40.0)
    assert design.clusters == 2
    # m: mean 75, s² = (Σx² − (Σx)²/n)/(n − 1) = 9000/39; the agent clustering alone explains all the spread.
    by_agent = 2 * (2 * (15 * 20) ** 2) / 40**2
    assert design.nonzero_mean == pytest.approx(by_agent / (9000 / 39 / 40))
    wide, narrow = mean_interval(sums, design=design), mean_interval(sums)
    assert wide is not None and narrow is not None and wide[1] - wide[0] > narrow[1] - narrow[0]


def test_it_sees_no_clustering_with_one_agent_or_independent_looking_cells() -> None:
    one_agent = [ClusterCell("a", "r1", 5, 0, 450), ClusterCell("a", "r2", 5, 0, 450)]
    assert design_effects(one_agent, ScoreSums(10, 0, 900, 81_000 + 10, 90)).nonzero_mean == 1
    same = [ClusterCell(f"a{i}", f"r{i % 2}", 10, 1, 810, passed=8, high=2, low=3) for i in range(6)]
    design = design_effects(same, ScoreSums(60, 6, 4860, 54 * 8100 + 540, 100))
    assert (design.nonzero_share, design.pass_rate, design.high_impact, design.low_impact) == (1, 1, 1, 1)
    assert math.isclose(design.nonzero_mean, 1)


def _same(batch: tuple[float, float], one: tuple[float, float] | None) -> bool:
    """A batch result (NaN = none) against the one-group function's, to within the last bits of a log or exp."""
    if one is None:
        return math.isnan(batch[0]) and math.isnan(batch[1])
    return batch[0] == pytest.approx(one[0], rel=1e-12, abs=1e-12) and batch[1] == pytest.approx(one[1], rel=1e-12, abs=1e-12)


def test_the_batch_intervals_of_many_groups_equal_those_of_one_group_at_a_time() -> None:
    """The report's group table computes every group's intervals at once (`mean_intervals` and others): the same
    figures as `mean_interval`, `percent_interval` and `per_100_interval`, corner cases included (no review, one,
    none above 0, one above 0, all at 0, a bonus score above 100, no pass, no error)."""
    rng = random.Random(7)
    groups = [[], [0.0], [55.0], [0.0, 0.0], [0.0, 80.0], [90.0, 90.0], [100.0, 104.5, 0.0], [100.0] * 5]
    groups += [[rng.choice([0.0, rng.uniform(40, 100), 100.0]) for _ in range(rng.randint(2, 60))] for _ in range(300)]
    sums = [score_sums(scores) for scores in groups]
    passed = [float(sum(score >= 80 for score in scores)) for scores in groups]
    errors = [float(rng.choice([0, rng.randint(0, 3 * len(scores) + 1)])) for scores in groups]

    def array(values: list[float | None]) -> np.ndarray:
        return np.array([np.nan if v is None else float(v) for v in values])

    n = array([s.n for s in sums])
    low, high = mean_intervals(
        n,
        array([s.n_zero for s in sums]),
        array([s.total for s in sums]),
        array([s.total_sq for s in sums]),
        array([s.max_score for s in sums]),
    )
    pass_low, pass_high = percent_intervals(array(passed), n)
    error_low, error_high = per_100_intervals(array(errors), n)
    for i, s in enumerate(sums):
        assert _same((low[i], high[i]), mean_interval(s)), groups[i]
        assert _same((pass_low[i], pass_high[i]), percent_interval(int(passed[i]), s.n)), groups[i]
        assert _same((error_low[i], error_high[i]), per_100_interval(int(errors[i]), s.n)), groups[i]
    assert math.isnan(low[0]) and not math.isnan(low[-1])


def test_round2_rounds_exactly_as_python_round_including_near_halves_and_nan() -> None:
    import numpy as np

    from qadesk.scorecards.intervals import round2

    rng = np.random.default_rng(7)
    halves = rng.integers(0, 100_000, 20_000) / 100.0 + 0.005  # x.yz5: a half in decimal, never exactly in binary
    values = np.concatenate([rng.uniform(0, 110, 20_000), halves, [0.125, 0.375, 1.005, 2.675, 0.0, 100.0, np.nan]])
    expected = [None if x != x else round(x, 2) for x in values.tolist()]
    assert round2(values) == expected
    assert round2(np.array([0.125, 2.675, 1.005, np.nan])) == [0.12, 2.67, 1.0, None]  # by hand: ties to even, binary
