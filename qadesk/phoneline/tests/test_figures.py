"""The delivery figures on a small set worked by hand (docs/phoneline.md, "A worked example")."""

from datetime import UTC, datetime

import pytest

from qadesk.phoneline import figures as f

T = datetime(2026, 11, 2, 9, 40, tzinfo=UTC)

# 1 answered after 10 s wait, 120 s talk, 20 s hold, MOS 4.2, clean, priced by the trunk (0.02/min)
# 2 answered after 30 s, 60 s talk, MOS 3.1 (poor), noisy, with its own cost 0.50
# 3 abandoned after 50 s, no quality measured
# 4 busy; 5 blocked (never connected: no cost, no wait)
WORKED = [
    f.Call("A", T, "answered", trunk="t1", wait_seconds=10, talk_seconds=120, hold_seconds=20, mos=4.2, noisy=False),
    f.Call("A", T, "answered", trunk="t1", wait_seconds=30, talk_seconds=60, mos=3.1, noisy=True, cost=0.5),
    f.Call("B", T.replace(hour=10, minute=5), "abandoned", trunk="t2", wait_seconds=50),
    f.Call("B", T.replace(hour=10, minute=15), "busy", trunk="t2"),
    f.Call("B", T.replace(hour=10, minute=31), "blocked", trunk="t2"),
]


def test_it_works_out_the_worked_example() -> None:
    result = f.figures(WORKED, tariffs={"t1": 0.02, "t2": 0.06})
    assert (result.attempts, result.busy, result.busy_rate) == (5, 2, 40.0)
    assert (result.answered, result.abandoned) == (2, 1)
    assert result.abandonment_rate == pytest.approx(100 / 3)
    assert result.asa_seconds == 20.0  # (10 + 30) / 2 answered; the abandoned wait is not an answer
    assert (result.measured_mos, result.low_mos, result.low_mos_rate) == (2, 1, 50.0)
    assert result.mean_mos == pytest.approx(3.65)
    assert (result.noise_known, result.noisy, result.noise_rate) == (2, 1, 50.0)
    # call 1: 150 s × 0.02/60 = 0.05; call 2: its own 0.50; call 3: 50 s × 0.06/60 = 0.05 → 0.60 over 290 s
    assert result.cost == pytest.approx(0.6)
    assert result.billed_minutes == pytest.approx(290 / 60, abs=0.01)
    assert result.cost_per_call == pytest.approx(0.2)  # 0.60 / 3 connected calls
    assert result.cost_per_minute == pytest.approx(0.6 / (290 / 60))


def test_a_lower_mos_threshold_counts_fewer_poor_calls() -> None:
    assert f.figures(WORKED, mos_below=3.0).low_mos == 0
    assert f.figures(WORKED, mos_below=4.5).low_mos == 2


def test_no_calls_gives_no_rates_rather_than_zeros() -> None:
    empty = f.figures([])
    assert (empty.attempts, empty.busy_rate, empty.asa_seconds, empty.cost_per_minute, empty.cost) == (0, None, None, None, 0)


def test_it_groups_by_interval_of_the_day() -> None:
    groups = f.grouped(WORKED, f.interval_key(30))
    assert list(groups) == ["09:30", "10:00", "10:30"]
    assert [g.attempts for g in groups.values()] == [2, 2, 1]
    assert groups["10:00"].abandonment_rate == 100.0


def test_a_level_is_a_ceiling_and_nothing_measured_is_no_verdict() -> None:
    assert f.level_met(5.0, 5.0) is True
    assert f.level_met(5.01, 5.0) is False
    assert f.level_met(None, 5.0) is None


def test_a_busy_call_costs_nothing_even_on_a_priced_trunk() -> None:
    assert f.call_cost(WORKED[3], {"t2": 1.0}) == 0
