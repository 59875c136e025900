from datetime import UTC, datetime, timedelta

import pytest

from qadesk.disputes.stats import (
    AcceptanceRow,
    acceptance_rate,
    acceptance_rows,
    median_resolution_hours,
    overturn_flag,
    resolution_hours,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_it_measures_resolution_in_hours() -> None:
    assert resolution_hours(T0, T0 + timedelta(days=1, minutes=30)) == 24.5


def test_it_takes_the_median_of_an_odd_number_of_spans() -> None:
    spans = [(T0, T0 + timedelta(hours=h)) for h in (2, 50, 10)]
    assert median_resolution_hours(spans) == 10


def test_it_averages_the_middle_two_of_an_even_number_of_spans() -> None:
    # 1, 3, 7, 100 hours -> (3 + 7) / 2 = 5; the mean (27.75) would be pulled up by the one slow dispute.
    spans = [(T0, T0 + timedelta(hours=h)) for h in (100, 3, 1, 7)]
    assert median_resolution_hours(spans) == 5


def test_it_has_no_median_without_decided_disputes() -> None:
    assert median_resolution_hours([]) is None


def test_it_computes_acceptance_rates() -> None:
    assert acceptance_rate(3, 4) == 75
    assert acceptance_rate(0, 5) == 0
    assert acceptance_rate(0, 0) is None
    with pytest.raises(ValueError):
        acceptance_rate(5, 4)


def test_it_ranks_the_most_overturned_conclusive_group_first() -> None:
    rows = acceptance_rows(
        [
            ("1", "dario", 10, 2),  # 20 %
            ("2", "elena", 6, 5),  # 83.3 %
            ("3", "gino", 2, 2),  # 100 % but n = 2: not conclusive, listed after the conclusive ones
            ("4", "nobody", 0, 0),  # nothing decided: left out
        ],
        minimum_n=5,
    )
    assert [r.label for r in rows] == ["elena", "dario", "gino"]
    assert rows[0].rate == pytest.approx(83.333, abs=0.001)
    assert (rows[0].n, rows[0].accepted, rows[0].conclusive) == (6, 5, True)
    assert rows[2].conclusive is False
    # Wilson 95 % intervals: 5 of 6 → 43.6–97.0 %; 2 of 10 → 5.7–51.0 % (Newcombe's method 3).
    assert (rows[0].rate_low, rows[0].rate_high) == pytest.approx((43.65, 96.99), abs=0.01)
    assert (rows[1].rate_low, rows[1].rate_high) == pytest.approx((5.67, 50.98), abs=0.01)


def test_it_flags_a_group_clearly_above_the_overall_rate() -> None:
    high = AcceptanceRow("2", "elena", 6, 5, 83.3, True)
    low = AcceptanceRow("1", "dario", 10, 2, 20.0, True)
    small = AcceptanceRow("3", "gino", 2, 2, 100.0, False)
    # Overall: 9 accepted of 18 = 50 %.
    assert overturn_flag(high, overall_rate=50.0) is True
    assert overturn_flag(low, overall_rate=50.0) is False
    assert overturn_flag(small, overall_rate=50.0) is False
