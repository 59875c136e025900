"""Staffing with Erlang C (FORMULAS.md "Operations", docs/operations.md): pure functions, plain numbers.

Traffic A (erlangs) = contacts × AHT / interval length. With N agents (N > A), the probability that a contact waits is
Erlang C, computed from the Erlang B recursion B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)) — no factorial or power
of A is ever formed, so 1,000 agents and 900 erlangs are as exact as 10 and 9 (the textbook formula overflows a
float near 170!). Then C = N·B / (N − A·(1 − B)); service level = 1 − C·e^(−(N − A)·T / AHT);
ASA = C·AHT / (N − A); occupancy = A / N.

Agents needed: the fewest N > A whose service level reaches the target and whose occupancy stays at or under the cap;
with shrinkage s (breaks, training, absence) the agents to schedule are ⌈N / (1 − s)⌉.

Worked example (Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example"): 100 calls in 30
minutes, AHT 180 s, 80 % answered within 20 s → A = 10 erlangs; 11 agents: P(wait) = 0.6821, SL = 39.0 %,
ASA = 122.8 s; 14 agents reach SL 88.8 % (occupancy 71.4 %); with 30 % shrinkage, 20 agents.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MAX_AGENTS = 100_000  # beyond any contact centre's interval: a search past it means the inputs are wrong


@dataclass(frozen=True)
class Staffing:
    """The answer for one interval."""

    traffic_erlangs: float
    agents: int
    agents_with_shrinkage: int
    probability_wait: float
    service_level: float
    asa_seconds: float
    occupancy: float


def traffic_erlangs(*, calls: float, interval_seconds: float, aht_seconds: float) -> float:
    """A = calls × AHT / interval (hours of work arriving per hour)."""
    if interval_seconds <= 0:
        raise ValueError("the interval must be longer than 0 seconds")
    return calls * aht_seconds / interval_seconds


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability with `agents` servers, by the stable recursion (never a factorial)."""
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    return b


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a contact waits; 1 when the agents cannot keep up (N ≤ A: the queue grows without end)."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    b = erlang_b(agents, traffic)
    return agents * b / (agents - traffic * (1 - b))


def service_level(agents: int, traffic: float, *, aht_seconds: float, target_seconds: float) -> float:
    """Share of contacts answered within target_seconds: 1 − C·e^(−(N − A)·T / AHT); 0 when N ≤ A."""
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    c = erlang_c(agents, traffic)
    return max(0.0, 1 - c * math.exp(-(agents - traffic) * target_seconds / aht_seconds))


def asa_seconds(agents: int, traffic: float, *, aht_seconds: float) -> float:
    """Average speed of answer C·AHT / (N − A); infinite when N ≤ A."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * aht_seconds / (agents - traffic)


def with_shrinkage(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that `agents` are on the phones when a share `shrinkage` is away: ⌈N / (1 − s)⌉."""
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be at least 0 and below 1")
    return math.ceil(agents / (1 - shrinkage) - 1e-9)  # 14 / 0.7 is 20.000000000000004 in floats: still 20


def staffing(
    *,
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    target_seconds: float,
    target_level: float,
    shrinkage: float = 0.0,
    max_occupancy: float = 1.0,
    agents: int | None = None,
) -> Staffing:
    """Erlang C for one interval: the agents needed (or, with `agents`, the figures for that many)."""
    if calls < 0 or aht_seconds <= 0 or target_seconds < 0:
        raise ValueError("calls must be at least 0, AHT above 0 and the target time at least 0")
    if not 0 < target_level < 1:
        raise ValueError("the target level must be above 0 and below 1")
    if not 0 < max_occupancy <= 1:
        raise ValueError("the occupancy cap must be above 0 and at most 1")
    traffic = traffic_erlangs(calls=calls, interval_seconds=interval_seconds, aht_seconds=aht_seconds)
    n = agents if agents is not None else agents_needed(traffic, aht_seconds, target_seconds, target_level, max_occupancy)
    return _figures(n, traffic, erlang_c(n, traffic), aht_seconds, target_seconds, shrinkage)


def _figures(n: int, traffic: float, c: float, aht_seconds: float, target_seconds: float, shrinkage: float) -> Staffing:
    """The answer for n agents from the probability of waiting c (computed once)."""
    keeps_up = traffic <= 0 or n > traffic
    return Staffing(
        traffic_erlangs=traffic,
        agents=n,
        agents_with_shrinkage=with_shrinkage(n, shrinkage),
        probability_wait=c,
        service_level=(max(0.0, 1 - c * math.exp(-(n - traffic) * target_seconds / aht_seconds)) if traffic > 0 else 1.0)
        if keeps_up
        else 0.0,
        asa_seconds=(c * aht_seconds / (n - traffic) if traffic > 0 else 0.0) if keeps_up else math.inf,
        occupancy=traffic / n if n else 0.0,
    )


def staffing_table(
    calls: Sequence[float],
    *,
    interval_seconds: float,
    aht_seconds: float,
    target_seconds: float,
    target_level: float,
    shrinkage: float = 0.0,
    max_occupancy: float = 1.0,
) -> list[Staffing]:
    """`staffing` for many intervals or queues at once (a day of 96 quarter-hours × 30 queues in a few milliseconds):
    the Erlang B recursion runs over all of them together (numpy), each stopping at its own agents needed."""
    if any(c < 0 for c in calls) or aht_seconds <= 0 or target_seconds < 0 or not 0 < target_level < 1:
        raise ValueError("calls must be at least 0, AHT above 0, the target time at least 0 and the level in (0, 1)")
    if not 0 < max_occupancy <= 1:
        raise ValueError("the occupancy cap must be above 0 and at most 1")
    traffic = np.asarray(calls, dtype=float) * aht_seconds / interval_seconds
    lowest = np.maximum(np.floor(traffic) + 1, np.ceil(traffic / max_occupancy - 1e-9))
    agents = np.where(traffic <= 0, 0, -1).astype(np.int64)
    waits = np.zeros_like(traffic)
    b = np.ones_like(traffic)
    k = 0
    while (agents < 0).any():
        k += 1
        if k > MAX_AGENTS:
            raise ValueError("no staffing up to 100,000 agents meets this target")
        b = traffic * b / (k + traffic * b)
        open_ = (agents < 0) & (k >= lowest)
        if not open_.any():
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            c = k * b / (k - traffic * (1 - b))
            level = 1 - c * np.exp(-(k - traffic) * target_seconds / aht_seconds)
        done = open_ & (level >= target_level)
        agents[done] = k
        waits[done] = c[done]
    return [
        _figures(int(n), float(a), float(c), aht_seconds, target_seconds, shrinkage)
        for n, a, c in zip(agents, traffic, waits, strict=True)
    ]


def agents_needed(traffic: float, aht_seconds: float, target_seconds: float, target_level: float, max_occupancy: float) -> int:
    """The fewest agents (more than the traffic) meeting the service level and the occupancy cap.

    The search starts at the occupancy bound ⌈A / cap⌉ (and above A) and walks up, carrying Erlang B forward one agent
    at a time, so the whole search costs one recursion."""
    if traffic <= 0:
        return 0
    start = max(math.floor(traffic) + 1, math.ceil(traffic / max_occupancy - 1e-9))
    b = erlang_b(start, traffic)
    n = start
    while n <= MAX_AGENTS:
        c = n * b / (n - traffic * (1 - b))
        if 1 - c * math.exp(-(n - traffic) * target_seconds / aht_seconds) >= target_level:
            return n
        n += 1
        b = traffic * b / (n + traffic * b)
    raise ValueError("no staffing up to 100,000 agents meets this target")
