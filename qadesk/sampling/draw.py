"""The sampling draw as pure functions: plain tuples in, plain tuples out, no database.

`draw` picks N interactions per agent, stratified in the plan's proportions and weighted by risk
boosts, reproducibly from a seed; `spread` shares the picks among reviewers evenly and never gives an
agent's interaction to the agent themself (nor, when asked, to a reviewer of the agent's team).
"""

from __future__ import annotations

import heapq
import math
import operator
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

DIMENSIONS = ("site", "channel", "phase", "language")


class Candidate(NamedTuple):
    """One interaction that may be drawn; `flags` are the risk flags it carries (e.g. "reassigned")."""

    id: int
    agent_id: int
    site: str
    channel: str
    phase: str
    language: str
    flags: frozenset[str] = frozenset()
    team_id: int | None = None


class PlanSpec(NamedTuple):
    """What to draw: `by` names the stratifying dimensions; `proportions` maps a stratum key (the values
    of `by` joined with "|", e.g. "Milano|phone") to its share; `boosts` maps a risk flag to a weight."""

    n_per_agent: int
    by: tuple[str, ...] = ()
    proportions: Mapping[str, float] = {}
    boosts: Mapping[str, float] = {}


class Sample(NamedTuple):
    picks: list[Candidate]
    per_stratum: dict[str, int]
    targets: dict[str, float]


class Reviewer(NamedTuple):
    """A reviewer as `spread` needs them: their user id, their own Agent id (if any) and their team."""

    user_id: int
    agent_id: int | None = None
    team_id: int | None = None


def stratum_key(candidate: Candidate, by: Sequence[str]) -> str:
    """The stratum a candidate belongs to: its values of the `by` dimensions joined with "|"."""
    return "|".join(str(getattr(candidate, dimension)) for dimension in by)


def _key_function(by: Sequence[str]) -> Callable[[Candidate], str]:
    """`stratum_key` for fixed dimensions, without the per-call lookups (the draw calls it once per candidate)."""
    if not by:
        return lambda _candidate: ""
    get = operator.attrgetter(*by)
    if len(by) == 1:
        return lambda candidate: str(get(candidate))
    return lambda candidate: "|".join(map(str, get(candidate)))


def weight(flags: Iterable[str], boosts: Mapping[str, float]) -> float:
    """A candidate's draw weight: the product of the boosts of its risk flags (1 with none)."""
    if not flags:
        return 1.0
    return math.prod(float(boosts.get(flag, 1.0)) for flag in flags)


def _shares(plan: PlanSpec) -> dict[str, float]:
    total = sum(v for v in plan.proportions.values() if v > 0)
    if not plan.by or total <= 0:
        return {}
    return {key: value / total for key, value in plan.proportions.items() if value > 0}


def draw(candidates: Iterable[Candidate], plan: PlanSpec, seed: int) -> Sample:
    """Draw up to `n_per_agent` candidates per agent, stratified and risk-weighted, reproducibly.

    The input is read once, so it may be a stream of a million rows: each (agent, stratum) cell keeps only
    its best `n_per_agent` keys (Efraimidis–Spirakis weighted sampling without replacement). Agents are
    then served in a seeded order, each pick going to the stratum furthest below its share of the picks
    made so far, which keeps every stratum within rounding of the plan while candidates last.
    The same candidates in the same order with the same seed always give the same sample.
    """
    rng = random.Random(seed)
    shares = _shares(plan)
    n = plan.n_per_agent
    cells: dict[int, dict[str, list[tuple[float, int, Candidate]]]] = defaultdict(dict)
    key_of = _key_function(plan.by if shares else ())
    boosts, log, random_ = plan.boosts, math.log, rng.random
    for candidate in candidates:
        key = key_of(candidate)
        if shares and key not in shares:
            continue
        w = weight(candidate.flags, boosts) if candidate.flags else 1.0
        if w <= 0:
            continue
        # log(u)/w orders like u**(1/w) but without underflow for large weights.
        score = log(1.0 - random_()) / w
        heap = cells[candidate.agent_id].setdefault(key, [])
        item = (score, -candidate.id, candidate)
        if len(heap) < n:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)
    agents = sorted(cells)
    rng.shuffle(agents)
    counts: Counter[str] = Counter()
    picks: list[Candidate] = []
    for agent_id in agents:
        queues = {key: sorted(heap, reverse=True) for key, heap in sorted(cells[agent_id].items())}
        for _slot in range(n):
            open_keys = [key for key, queue in queues.items() if queue]
            if not open_keys:
                break
            made = len(picks) + 1
            key = max(open_keys, key=lambda k: (shares.get(k, 1.0) * made - counts[k], shares.get(k, 1.0)))
            picks.append(queues[key].pop(0)[2])
            counts[key] += 1
    targets = {key: share * len(picks) for key, share in shares.items()} if shares else {"": float(len(picks))}
    return Sample(picks=picks, per_stratum=dict(counts), targets=targets)


def spread(
    sample: Sequence[Candidate], reviewers: Sequence[Reviewer], exclude_same_team: bool = False
) -> tuple[dict[int, list[Candidate]], list[Candidate]]:
    """Share the picks among reviewers so their loads differ by at most one where the exclusions allow.

    A reviewer never gets an interaction of their own Agent, nor (with `exclude_same_team`) of an agent
    of their team. The most constrained picks are placed first, each with the least-loaded eligible
    reviewer. Returns (user id → picks, picks nobody may review).
    """
    loads: dict[int, list[Candidate]] = {r.user_id: [] for r in reviewers}
    order = {r.user_id: i for i, r in enumerate(reviewers)}

    def eligible(candidate: Candidate) -> list[Reviewer]:
        return [
            r
            for r in reviewers
            if r.agent_id != candidate.agent_id
            and not (exclude_same_team and r.team_id is not None and r.team_id == candidate.team_id)
        ]

    options = [(candidate, eligible(candidate)) for candidate in sample]
    orphans: list[Candidate] = []
    for candidate, allowed in sorted(options, key=lambda pair: len(pair[1])):
        if not allowed:
            orphans.append(candidate)
            continue
        chosen = min(allowed, key=lambda r: (len(loads[r.user_id]), order[r.user_id]))
        loads[chosen.user_id].append(candidate)
    return loads, orphans
