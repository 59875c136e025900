"""Reliability's figures on hand-worked contacts (docs/reliability.md, "A worked example")."""

from datetime import UTC, date, datetime, timedelta

from qadesk.reliability import promises as p

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
T = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
H4 = 4 * 3600


def test_a_step_done_within_the_limit_keeps_the_promise() -> None:
    assert p.kept(T, T + timedelta(hours=4), limit_seconds=H4, now=NOW) is True
    assert p.kept(T, T + timedelta(hours=4, seconds=1), limit_seconds=H4, now=NOW) is False


def test_a_step_not_done_breaks_the_promise_only_once_the_limit_has_passed() -> None:
    assert p.kept(T, None, limit_seconds=H4, now=T + timedelta(hours=5)) is False
    assert p.kept(T, None, limit_seconds=H4, now=T + timedelta(hours=3)) is None  # still in time: not judged


def test_a_contact_without_a_start_is_not_judged() -> None:
    assert p.kept(None, T, limit_seconds=H4, now=NOW) is None


def test_the_share_kept_leaves_the_unjudged_out() -> None:
    share = p.kept_share([True, True, False, None])
    assert (share.part, share.whole) == (2, 3)
    assert round(share.percent or 0, 1) == 66.7
    assert p.kept_share([None]).percent is None


def test_met_and_above_count_as_expectations_met() -> None:
    share = p.expectation_share(["met", "above", "below", "below"])
    assert (share.part, share.whole, share.percent) == (2, 4, 50.0)


def test_the_gaps_are_points_against_the_promise_and_the_delivery() -> None:
    gaps = p.gaps(promised=90, delivered=200 / 3, expected=50)
    assert round(gaps.promise_gap or 0, 1) == -23.3
    assert round(gaps.expectation_gap or 0, 1) == -16.7
    assert p.gaps(promised=90, delivered=None, expected=50) == p.Gaps(None, None)
    assert p.gaps(promised=90, delivered=95, expected=None).expectation_gap is None


def test_periods_start_on_monday_or_the_first_of_the_month() -> None:
    assert p.period_start(date(2026, 11, 5), "week") == date(2026, 11, 2)
    assert p.period_start(date(2026, 11, 5), "month") == date(2026, 11, 1)
