"""The sampling draw as pure functions: plain tuples in, plain tuples out, no database.

`draw` picks N interactions per agent, stratified in the plan's proportions and weighted by risk
boosts, reproducibly from a seed; `spread` shares the picks among reviewers evenly and never gives an
agent's interaction to the agent themself (nor, when asked, to a reviewer of the agent's team).
`draw_rows` is the same draw over plain rows (id, agent, stratum key, flag mask, payload) as the database
returns them (`candidates.py`), so a million interactions need no Candidate built for each.
"""

from __future__ import annotations

import heapq
import math
import operator
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

DIMENSIONS = ("site", "channel", "phase", "language")
# A value of each dimension, to show what a stratum key looks like.
EXAMPLES = {"site": "Milano", "channel": "phone", "phase": "delivery", "language": "it"}
# The risk flags the database computes, in the order of their bits in a flag mask (1, 2, 4, …). Append only: a flag's
# bit is its position, so a new flag never changes what an existing plan draws.
FLAGS = (
    "long_handle",
    "abandoned",
    "reassigned",
    "reopened",
    "negative_feedback",
    "complaint",
    # From automatic QA's verdicts (autoqa.reports.RISK_FILTERS), computed only when a plan boosts them.
    "auto_high_impact",
    "auto_sop_step_missing",
    "auto_label_mismatch",
    "auto_upset_customer",
    "auto_sensitive_data",
)

T = TypeVar("T")
H = TypeVar("H", bound="Handled")


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


class Pick(NamedTuple):
    """A drawn interaction as a run keeps it: who handled it (agent and team) and its stratum key."""

    id: int
    agent_id: int
    team_id: int | None
    stratum: str
    language: str = ""  # the conversation's language subtag (it, fr…), matched against reviewers' languages


class Handled(Protocol):
    """What `spread` needs of a pick: the agent who handled it and the agent's team."""

    @property
    def agent_id(self) -> int: ...

    @property
    def team_id(self) -> int | None: ...


class PlanSpec(NamedTuple):
    """What to draw: `by` names the stratifying dimensions; `proportions` maps a stratum key (the values
    of `by` joined with "|", e.g. "Milano|phone") to its share; `boosts` maps a risk flag to a weight."""

    n_per_agent: int
    by: tuple[str, ...] = ()
    proportions: Mapping[str, float] = {}
    boosts: Mapping[str, float] = {}


class Sample(NamedTuple, Generic[T]):
    picks: list[T]
    per_stratum: dict[str, int]
    targets: dict[str, float]


class Reviewer(NamedTuple):
    """A reviewer as `spread` needs them: their user id, their own Agent id (if any) and their team."""

    user_id: int
    agent_id: int | None = None
    team_id: int | None = None
    languages: frozenset[str] = frozenset()  # the languages they review; empty: no preference


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
    """A candidate's draw weight: the product of the boosts of its risk flags (1 with none).

    Multiplied in sorted order, so the last bit of the product never depends on a set's iteration order
    (which changes between processes) and a seed draws the same sample in every process.
    """
    if not flags:
        return 1.0
    return math.prod(float(boosts.get(flag, 1.0)) for flag in sorted(flags))


def flag_weights(boosts: Mapping[str, float]) -> list[float]:
    """The weight of every combination of `FLAGS`, indexed by its bit mask (bit i set: FLAGS[i] present)."""
    masks = range(2 ** len(FLAGS))
    return [weight(flags_of_mask(mask), boosts) for mask in masks]


def flags_of_mask(mask: int) -> list[str]:
    """The risk flags a bit mask stands for, in `FLAGS` order."""
    return [flag for bit, flag in enumerate(FLAGS) if mask >> bit & 1]


def _shares(plan: PlanSpec) -> dict[str, float]:
    total = sum(v for v in plan.proportions.values() if v > 0)
    if not plan.by or total <= 0:
        return {}
    return {key: value / total for key, value in plan.proportions.items() if value > 0}


class _FlagWeights(dict[frozenset[str], float]):
    """Weights by flag set, each computed once: the pure `draw` meets few distinct sets among many candidates."""

    def __init__(self, boosts: Mapping[str, float]) -> None:
        super().__init__()
        self.boosts = boosts

    def __missing__(self, flags: frozenset[str]) -> float:
        self[flags] = value = weight(flags, self.boosts)
        return value


def draw(candidates: Iterable[Candidate], plan: PlanSpec, seed: int) -> Sample[Candidate]:
    """Draw up to `n_per_agent` candidates per agent, stratified and risk-weighted, reproducibly.

    The same candidates in the same order with the same seed always give the same sample; see `draw_rows`.
    """
    key_of = _key_function(plan.by)
    rows = ((c.id, c.agent_id, key_of(c), c.flags, c) for c in candidates)
    sample = draw_rows(rows, plan, seed, _FlagWeights(plan.boosts))
    return Sample([row[4] for row in sample.picks], sample.per_stratum, sample.targets)


def draw_rows(
    rows: Iterable[tuple[int, int, str, Any, T]], plan: PlanSpec, seed: int, weights: Sequence[float] | Mapping[Any, float]
) -> Sample[tuple[int, int, str, Any, T]]:
    """The draw over rows `(id, agent_id, stratum key, weight class, payload)`; the picks are the rows themselves.

    `weights[weight class]` is a row's draw weight (0: never drawn); rows in a stratum the plan gives no
    share are skipped. Rows are read once, so they may be a stream of a million: each (agent, stratum) cell
    keeps only its best `n_per_agent` keys (Efraimidis–Spirakis weighted sampling without replacement), and a
    row that cannot beat a full cell's worst key is dropped after one comparison. Agents are then served in a
    seeded order, each pick going to the stratum furthest below its share of the picks made so far, which
    keeps every stratum within rounding of the plan while candidates last.
    The same rows in the same order with the same seed always give the same sample: one random number is
    drawn per row that is in a drawn stratum and has a positive weight, in row order.
    """
    n = plan.n_per_agent
    shares = _shares(plan)
    keys = sorted(shares) or [""]
    # A stratified plan looks each row's key up (None: no share); an unstratified one puts every row in "".
    index, outside = ({key: i for i, key in enumerate(keys)}, None) if shares else ({}, 0)
    rng = random.Random(seed)
    log, random_, push, replace = math.log, rng.random, heapq.heappush, heapq.heapreplace
    # Per agent, one heap and one floor per stratum; a full heap's floor is its worst score, -inf before.
    heaps: dict[int, list[list[tuple[float, int, tuple[int, int, str, Any, T]]]]] = {}
    floors: dict[int, list[float]] = {}
    for row in rows:
        row_id, agent_id, key, weight_class, _payload = row
        stratum = index.get(key, outside)
        if stratum is None:
            continue
        w = weights[weight_class]
        if w <= 0:
            continue
        # log(u)/w orders like u**(1/w) but without underflow for large weights.
        score = log(1.0 - random_()) / w
        floor = floors.get(agent_id)
        if floor is None:
            floor = floors[agent_id] = [-math.inf] * len(keys)
            heaps[agent_id] = [[] for _key in keys]
        elif score < floor[stratum]:
            continue
        heap = heaps[agent_id][stratum]
        item = (score, -row_id, row)
        if len(heap) < n:
            push(heap, item)
            if len(heap) == n:
                floor[stratum] = heap[0][0]
        elif n and item > heap[0]:
            replace(heap, item)
            floor[stratum] = heap[0][0]
    return _serve(heaps, keys, shares, n, rng)


def _serve(
    heaps: Mapping[int, list[list[tuple[float, int, T]]]],
    keys: list[str],
    shares: Mapping[str, float],
    n: int,
    rng: random.Random,
) -> Sample[T]:
    """Serve agents in a seeded order, `n` picks each, from the stratum furthest below its share so far."""
    agents = sorted(heaps)
    rng.shuffle(agents)
    counts: Counter[str] = Counter()
    picks: list[T] = []
    for agent_id in agents:
        # Keys are sorted, so ties between strata go to the first key in sorted order.
        queues = {key: sorted(heap, reverse=True) for key, heap in zip(keys, heaps[agent_id], strict=True) if heap}
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
    sample: Sequence[H], reviewers: Sequence[Reviewer], exclude_same_team: bool = False
) -> tuple[dict[int, list[H]], list[H]]:
    """Share the picks among reviewers so their loads differ by at most one where the exclusions allow.

    A reviewer never gets an interaction of their own Agent, nor (with `exclude_same_team`) of an agent
    of their team. A pick in a language some eligible reviewers review goes to one of them (any eligible
    reviewer when none does). The most constrained picks are placed first, each with the least-loaded
    eligible reviewer. Returns (user id → picks, picks nobody may review).
    """
    loads: dict[int, list[H]] = {r.user_id: [] for r in reviewers}
    order = {r.user_id: i for i, r in enumerate(reviewers)}

    def eligible(candidate: H) -> list[Reviewer]:
        return [
            r
            for r in reviewers
            if r.agent_id != candidate.agent_id
            and not (exclude_same_team and r.team_id is not None and r.team_id == candidate.team_id)
        ]

    def preferred(candidate: H) -> list[Reviewer]:
        allowed = eligible(candidate)
        language = getattr(candidate, "language", "")
        speaking = [r for r in allowed if language and language in r.languages]
        return speaking or allowed

    options = [(candidate, preferred(candidate)) for candidate in sample]
    orphans: list[H] = []
    for candidate, allowed in sorted(options, key=lambda pair: len(pair[1])):
        if not allowed:
            orphans.append(candidate)
            continue
        chosen = min(allowed, key=lambda r: (len(loads[r.user_id]), order[r.user_id]))
        loads[chosen.user_id].append(candidate)
    return loads, orphans


def language_mismatches(loads: Mapping[int, Sequence[Pick]], reviewers: Sequence[Reviewer]) -> Counter[str]:
    """Per language, the picks that went to a reviewer who does not review it (nobody eligible did), when any of the
    reviewers says which languages they review; empty when nobody does (there was no preference to meet)."""
    if not any(r.languages for r in reviewers):
        return Counter()
    languages = {r.user_id: r.languages for r in reviewers}
    return Counter(
        p.language for user_id, picks in loads.items() for p in picks if p.language and p.language not in languages[user_id]
    )
