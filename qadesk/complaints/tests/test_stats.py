"""The register's figures as pure functions, worked by hand."""

from datetime import UTC, datetime, timedelta

import pytest

from qadesk.complaints.stats import hours_between, percentile, repeat_complainants, resolution_times, within_target

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_it_interpolates_percentiles_between_ranks() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([1, 2, 3, 4], 90) == pytest.approx(3.7)
    assert percentile([4, 1, 3, 2], 0) == 1
    assert percentile([7], 90) == 7
    assert percentile([], 50) is None


def test_it_refuses_a_percentile_outside_0_to_100() -> None:
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_it_gives_median_and_p90_of_the_hours_to_resolve() -> None:
    times = resolution_times([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
    assert (times.n, times.median_hours, times.p90_hours) == (10, 55, pytest.approx(91))


def test_it_counts_hours_between_two_moments() -> None:
    assert hours_between(T0, T0 + timedelta(days=2, minutes=30)) == 48.5


def test_it_counts_closed_at_the_due_moment_as_within_target_with_a_wilson_interval() -> None:
    due = T0 + timedelta(hours=48)
    closed = [(due, due), (due - timedelta(hours=1), due), (due + timedelta(seconds=1), due), (T0, due)]
    result = within_target(closed, minimum_n=5)
    assert (result.n, result.within, result.share) == (4, 3, 75.0)
    # Wilson 95 % for 3/4: 30.06 %–95.44 % (Newcombe's method 3, by hand).
    assert result.low == pytest.approx(30.06, abs=0.01)
    assert result.high == pytest.approx(95.44, abs=0.01)
    assert result.conclusive is False
    assert within_target([], minimum_n=5).share is None


def test_it_lists_customers_with_more_than_one_complaint() -> None:
    assert repeat_complainants(["c1", "c2", "c1", None, None, "c3", "c1", "c2"]) == {"c1": 3, "c2": 2}
