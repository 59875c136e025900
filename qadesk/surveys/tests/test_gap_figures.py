"""The gap's pure functions on hand-worked data (qadesk/surveys/gap.py)."""

from __future__ import annotations

import math

import pytest

from qadesk.surveys import gap

IQ = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110]
TV = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17]


def test_it_ranks_ties_with_the_mean_of_their_ranks() -> None:
    assert gap.ranks([10, 20, 20, 30]) == [1, 2.5, 2.5, 4]
    assert gap.ranks([3, 1, 2]) == [3, 1, 2]
    assert gap.ranks([5, 5, 5]) == [2, 2, 2]


def test_it_reproduces_wikipedias_spearman_example() -> None:
    """IQ against hours of TV per week: d² sums to 194, rho = 1 − 6·194 / (10·99) = −29/165."""
    c = gap.spearman(list(zip(IQ, TV, strict=True)), minimum_n=5)
    assert c.rho == pytest.approx(-29 / 165, abs=1e-4)
    # Fisher z with Bonett & Wright's standard error, worked by hand: z = atanh(−0.17576) = −0.17761,
    # se = √((1 + 0.17576²/2) / 7) = 0.38092, z ± 1.95996·se → tanh(−0.92418) = −0.7279, tanh(0.56896) = 0.5146.
    assert c.ci_low == pytest.approx(-0.7279, abs=2e-4)
    assert c.ci_high == pytest.approx(0.5146, abs=2e-4)
    assert c.n == 10 and c.conclusive


def test_it_handles_ties_as_pearson_on_average_ranks() -> None:
    """x ranks 1, 2.5, 2.5, 4 and y ranks 1, 3, 2, 4: Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5 → rho = 4.5/√22.5 = 0.9487."""
    c = gap.spearman([(1, 1), (2, 3), (2, 2), (3, 4)], minimum_n=10)
    assert c.rho == pytest.approx(4.5 / math.sqrt(22.5), abs=1e-4)
    assert not c.conclusive  # 4 pairs, below the minimum n


def test_it_gives_no_correlation_without_spread_or_pairs() -> None:
    assert gap.spearman([(90, 5), (80, 5), (70, 5)]).rho is None
    assert gap.spearman([(90, 5)]).rho is None
    assert gap.spearman([]).n == 0
    perfect = gap.spearman([(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)])
    assert perfect.rho == 1.0 and perfect.ci_low is None and not perfect.conclusive


def test_it_puts_customer_ratings_on_the_review_scale() -> None:
    assert [gap.customer_points("csat", v) for v in (1, 3, 5)] == [0, 50, 100]
    assert gap.customer_points("nps", 7) == 70
    assert gap.customer_points("ces", 4) == 50


@pytest.mark.parametrize(
    ("score", "kind", "value", "expected"),
    [
        (95, "csat", 1, gap.WE_HIGH),
        (80, "csat", 2, gap.WE_HIGH),  # the pass mark itself passes
        (80, "csat", 3, None),
        (79.9, "csat", 5, gap.WE_LOW),
        (40, "csat", 4, None),
        (90, "nps", 6, gap.WE_HIGH),
        (90, "nps", 7, None),
        (50, "nps", 9, gap.WE_LOW),
        (50, "nps", 8, None),
    ],
)
def test_it_lists_only_pairs_that_disagree(score: float, kind: str, value: int, expected: str | None) -> None:
    assert gap.discrepancy(score=score, pass_mark=80, kind=kind, value=value) == expected


def test_it_measures_the_gap_and_the_change() -> None:
    assert gap.gap_points(score=100, kind="csat", value=1) == 100
    assert gap.gap_points(score=40, kind="nps", value=10) == 60
    assert gap.change(72.5, 70) == 2.5
    assert gap.change(None, 70) is None and gap.change(70, None) is None
