"""Erlang C on published worked examples, and its stability far beyond what factorials allow."""

from __future__ import annotations

import math

import pytest

from qadesk.operations import erlang


def test_it_reproduces_call_centre_helpers_worked_example() -> None:
    # Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example": 100 calls per 30 minutes,
    # AHT 180 s, 80 % within 20 s, shrinkage 30 %, occupancy at most 85 %. A = 10 erlangs; with 11 agents the
    # probability of waiting is 68.21 %, the service level 39.0 % and the ASA 122.8 s; 14 agents reach 88.8 %
    # (occupancy 71.4 %), 20 with shrinkage.
    assert erlang.erlang_c(11, 10.0) == pytest.approx(0.6821, abs=5e-5)
    assert erlang.service_level(11, 10.0, aht_seconds=180, target_seconds=20) == pytest.approx(0.3896, abs=5e-5)
    assert erlang.asa_seconds(11, 10.0, aht_seconds=180) == pytest.approx(122.8, abs=0.05)
    result = erlang.staffing(
        calls=100, interval_seconds=1800, aht_seconds=180, target_seconds=20, target_level=0.8, shrinkage=0.3, max_occupancy=0.85
    )
    assert (result.traffic_erlangs, result.agents, result.agents_with_shrinkage) == (10.0, 14, 20)
    assert result.service_level == pytest.approx(0.8884, abs=5e-5)
    assert result.occupancy == pytest.approx(0.714, abs=5e-4)


def test_it_reproduces_the_westbay_example() -> None:
    # Westbay Engineers' step-by-step page, "The Erlang-C formula": 360 calls per half hour, 4 minutes each, 55 agents,
    # 15 s target. A = 48 erlangs, occupancy 87.3 %; P(wait) 0.2387, ASA 8.2 s, service level 84.6 % (four decimals
    # here, from the factorial formula that page uses; test_it_matches_the_factorial_formula… checks they agree).
    result = erlang.staffing(calls=360, interval_seconds=1800, aht_seconds=240, target_seconds=15, target_level=0.8, agents=55)
    assert result.traffic_erlangs == 48
    assert result.probability_wait == pytest.approx(0.2387, abs=5e-5)
    assert result.asa_seconds == pytest.approx(8.2, abs=0.05)
    assert result.service_level == pytest.approx(0.8459, abs=5e-4)


def test_it_matches_the_factorial_formula_where_that_one_still_works() -> None:
    a, n = 7.3, 11
    top = a**n / math.factorial(n) * n / (n - a)
    textbook = top / (sum(a**k / math.factorial(k) for k in range(n)) + top)
    assert erlang.erlang_c(n, a) == pytest.approx(textbook, rel=1e-12)


def test_it_stays_finite_at_a_thousand_agents() -> None:
    probability = erlang.erlang_c(1000, 950.0)  # 1000! overflows a float; the recursion does not
    assert 0 < probability < 1
    assert erlang.staffing(calls=9500, interval_seconds=1800, aht_seconds=180, target_seconds=20, target_level=0.8).agents > 950


def test_the_occupancy_cap_can_ask_for_more_agents_than_the_service_level() -> None:
    loose = erlang.staffing(calls=100, interval_seconds=1800, aht_seconds=180, target_seconds=20, target_level=0.5)
    capped = erlang.staffing(
        calls=100, interval_seconds=1800, aht_seconds=180, target_seconds=20, target_level=0.5, max_occupancy=0.7
    )
    assert loose.agents == 12 and capped.agents == 15  # 10 / 0.7 = 14.3 → 15
    assert capped.occupancy <= 0.7


def test_too_few_agents_wait_for_ever() -> None:
    result = erlang.staffing(calls=100, interval_seconds=1800, aht_seconds=180, target_seconds=20, target_level=0.8, agents=9)
    assert (result.probability_wait, result.service_level, result.asa_seconds) == (1.0, 0.0, math.inf)


def test_no_calls_need_no_agents() -> None:
    result = erlang.staffing(calls=0, interval_seconds=1800, aht_seconds=180, target_seconds=20, target_level=0.8)
    assert (result.agents, result.probability_wait, result.service_level) == (0, 0.0, 1.0)


@pytest.mark.parametrize("bad", [{"target_level": 1.0}, {"shrinkage": 1.0}, {"aht_seconds": 0}, {"max_occupancy": 0}])
def test_it_refuses_impossible_inputs(bad: dict[str, float]) -> None:
    arguments = {"calls": 100, "interval_seconds": 1800, "aht_seconds": 180, "target_seconds": 20, "target_level": 0.8} | bad
    with pytest.raises(ValueError):
        erlang.staffing(**arguments)  # type: ignore[arg-type]


def test_the_table_agrees_with_one_interval_at_a_time() -> None:
    loads = [0, 1, 7.5, 100, 333, 1200]
    arguments = {"interval_seconds": 900, "aht_seconds": 240, "target_seconds": 20, "target_level": 0.8}
    table = erlang.staffing_table(loads, **arguments, shrinkage=0.3, max_occupancy=0.85)
    one_by_one = [erlang.staffing(calls=c, **arguments, shrinkage=0.3, max_occupancy=0.85) for c in loads]
    assert [row.agents for row in table] == [row.agents for row in one_by_one]
    for row, single in zip(table, one_by_one, strict=True):
        assert row.service_level == pytest.approx(single.service_level, rel=1e-9)
        assert row.probability_wait == pytest.approx(single.probability_wait, rel=1e-9)
        assert row.agents_with_shrinkage == single.agents_with_shrinkage


def test_a_day_of_96_intervals_for_30_queues_agrees_with_one_interval_at_a_time() -> None:
    """The whole day's table at once (its speed is benchmarks/erlang_c.py's, not a test's: a test shares the machine)."""
    loads = [20 + (queue * 7 + interval * 13) % 300 for queue in range(30) for interval in range(96)]
    arguments = {"interval_seconds": 900, "aht_seconds": 240, "target_seconds": 20, "target_level": 0.8}
    table = erlang.staffing_table(loads, **arguments)
    assert len(table) == 2880
    assert [row.agents for row in table] == [erlang.staffing(calls=c, **arguments).agents for c in loads]
