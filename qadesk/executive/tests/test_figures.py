"""The executive view's pure functions on hand-worked data: measures and their samples, periods, the significance test
and its correction, targets, sparklines."""

from __future__ import annotations

import math
from datetime import date

import pytest

from qadesk.executive import figures
from qadesk.executive.figures import HIGHER, LOWER, Measure
from qadesk.executive.headlines import as_measure, provided_by
from qadesk.executive.sparklines import sparkline_points, sparkline_svg, target_y


def test_it_works_a_sample_standard_deviation_from_sums() -> None:
    assert figures.sample_sd(3, 6, 14) == 1.0  # 1, 2, 3
    assert figures.sample_sd(1, 5, 25) is None


def test_a_share_is_the_mean_of_units_worth_100_or_0() -> None:
    m = figures.share_measure(3, 4)
    assert m is not None and m.value == 75.0 and m.n == 4
    assert m.sd == pytest.approx(100 * math.sqrt(0.75 * 0.25 * 4 / 3))  # 50
    assert figures.share_measure(0, 0) is None


def test_nps_is_the_mean_of_answers_worth_100_0_or_minus_100() -> None:
    counts = {10: 3, 9: 2, 8: 2, 7: 1, 6: 1, 0: 1}  # 5 promoters, 3 passives, 2 detractors of 10 → NPS 30
    m = figures.scored_measure(counts, {k: figures.nps_worth(k) for k in counts})
    assert m is not None and m.value == pytest.approx(30.0) and m.n == 10
    # Σx² = 7 × 100² = 70,000; sd = √((70,000 − 300²/10) / 9) = √6,777.8 = 82.33
    assert m.sd == pytest.approx(82.327, abs=1e-3)


def test_ces_is_the_mean_rating() -> None:
    m = figures.scored_measure({7: 2, 5: 1, 3: 1})
    assert m is not None and m.value == 5.5 and m.n == 4


def test_periods_are_weeks_from_monday_or_calendar_months() -> None:
    assert figures.period_bounds(date(2026, 12, 3), "week") == (date(2026, 11, 30), date(2026, 12, 6))
    assert figures.period_bounds(date(2026, 12, 31), "month") == (date(2026, 12, 1), date(2026, 12, 31))
    assert figures.last_complete_period(date(2026, 12, 5), "month") == (date(2026, 11, 1), date(2026, 11, 30))
    assert figures.last_complete_period(date(2026, 1, 5), "week") == (date(2025, 12, 29), date(2026, 1, 4))
    assert figures.previous_period(date(2026, 3, 1), date(2026, 3, 31), "month") == (date(2026, 2, 1), date(2026, 2, 28))
    assert figures.previous_period(date(2026, 3, 11), date(2026, 3, 20), None) == (date(2026, 3, 1), date(2026, 3, 10))
    series = figures.period_series(date(2026, 2, 1), "month", 3)
    assert [s for s, _e in series] == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    with pytest.raises(ValueError):
        figures.period_bounds(date(2026, 1, 1), "year")


def test_a_change_is_tested_with_welch_and_judged_by_the_direction() -> None:
    before, after = Measure(80.0, 30, 10.0), Measure(90.0, 30, 10.0)
    change, test = figures.compare(before, after, HIGHER)
    assert change is not None and change.difference == 10.0 and change.better is True
    assert test is not None and test.p_value < 0.001  # t = 10 / √(100/30 + 100/30) = 3.87, 58 df
    change, _test = figures.compare(before, after, LOWER)
    assert change is not None and change.better is False
    # without a sample behind one value, the change is shown but never called significant
    change, test = figures.compare(Measure(5.0), Measure(6.0), LOWER)
    assert change is not None and test is None
    [only] = figures.corrected([(change, test)])
    assert only is not None and only.significant is False and only.p_value is None
    assert figures.compare(None, after, HIGHER) == (None, None)


def test_the_changes_of_one_page_are_corrected_as_one_family() -> None:
    small = (Measure(80.0, 30, 10.0), Measure(85.0, 30, 10.0))  # p ≈ 0.055 alone
    big = (Measure(80.0, 30, 10.0), Measure(90.0, 30, 10.0))
    pairs = [figures.compare(*small, HIGHER), figures.compare(*big, HIGHER), (None, None)]
    first, second, third = figures.corrected(pairs)
    assert first is not None and second is not None and third is None
    assert second.significant and not first.significant
    assert first.p_adjusted is not None and first.p_value is not None and first.p_adjusted >= first.p_value


def test_a_target_is_met_above_it_or_below_it_by_direction() -> None:
    assert figures.target_met(85.0, 80.0, HIGHER) is True
    assert figures.target_met(85.0, 80.0, LOWER) is False
    assert figures.target_met(None, 80.0, HIGHER) is None


def test_a_sparkline_leaves_a_gap_where_a_period_has_no_value() -> None:
    assert sparkline_points([0.0, None, 10.0]) == [[(3.0, 25.0)], [(117.0, 3.0)]]
    assert target_y([0.0, 10.0], 5.0) == 14.0
    svg = sparkline_svg([1.0, 2.0, None, 3.0], label='IQS <"x">', target=2.5)
    assert svg.count("<polyline") == 2 and "stroke-dasharray" in svg and "&lt;&quot;x&quot;&gt;" in svg
    assert sparkline_svg([None, None], label="x").count("<polyline") == 0


def test_a_provider_that_is_not_installed_answers_none_and_any_shape_of_result_is_read() -> None:
    missing = provided_by("qadesk.not_yet_there.selectors", "cost_per_incident")
    assert missing(date(2026, 1, 1), date(2026, 1, 31)) is None
    assert as_measure(12) == Measure(12.0)

    class Figure:
        value, n, sd = 7.5, 40, 1.5

    assert as_measure(Figure()) == Measure(7.5, 40, 1.5)
    assert as_measure(None) is None
    found = provided_by("qadesk.executive.figures", "share_measure")  # (hits, n) by position: 1 of 2 → 50 %
    assert found(1, 2) == figures.share_measure(1, 2)  # type: ignore[arg-type]
