"""The pure draw: no database."""

import hashlib
import heapq
import math
import random
from collections import Counter, defaultdict

import pytest

from qadesk.sampling.draw import (
    FLAGS,
    Candidate,
    PlanSpec,
    Reviewer,
    draw,
    draw_rows,
    flag_weights,
    spread,
    stratum_key,
    weight,
)
from qadesk.sampling.periods import last_complete_period, period_end


def _candidates(agents: int = 20, per_agent: int = 40) -> list[Candidate]:
    rng = random.Random(7)
    rows = []
    for a in range(agents):
        for i in range(per_agent):
            flags = frozenset({"reassigned"}) if i % 10 == 0 else frozenset()
            rows.append(
                Candidate(
                    a * 1000 + i,
                    a,
                    rng.choice(["Milano", "Lyon"]),
                    rng.choice(["phone", "email", "chat"]),
                    "delivery",
                    "it",
                    flags,
                    a % 3,
                )
            )
    return rows


PLAN = PlanSpec(n_per_agent=5, by=("channel",), proportions={"phone": 0.5, "email": 0.3, "chat": 0.2})


def test_it_draws_the_same_sample_from_the_same_seed() -> None:
    assert draw(_candidates(), PLAN, 42).picks == draw(_candidates(), PLAN, 42).picks
    assert draw(_candidates(), PLAN, 42).picks != draw(_candidates(), PLAN, 43).picks


def test_it_draws_n_per_agent() -> None:
    per_agent = Counter(c.agent_id for c in draw(_candidates(), PLAN, 1).picks)
    assert set(per_agent.values()) == {5} and len(per_agent) == 20


def test_it_keeps_each_stratum_within_rounding_of_the_plan() -> None:
    for seed in range(5):
        sample = draw(_candidates(), PLAN, seed)
        total = len(sample.picks)
        for key, share in PLAN.proportions.items():
            assert abs(sample.per_stratum.get(key, 0) - share * total) <= 1, (seed, key, sample.per_stratum)
        assert Counter(stratum_key(c, PLAN.by) for c in sample.picks) == Counter(sample.per_stratum)


def test_it_leaves_out_strata_the_plan_gives_no_share() -> None:
    sample = draw(_candidates(), PlanSpec(3, ("channel",), {"phone": 1.0}), 5)
    assert {c.channel for c in sample.picks} == {"phone"}


def test_it_favours_boosted_risk_flags() -> None:
    plain = sum("reassigned" in c.flags for s in range(20) for c in draw(_candidates(), PlanSpec(2), s).picks)
    boosted = sum(
        "reassigned" in c.flags for s in range(20) for c in draw(_candidates(), PlanSpec(2, boosts={"reassigned": 20}), s).picks
    )
    assert boosted > 3 * plain


def test_it_spreads_evenly_and_never_to_the_agent_themself() -> None:
    picks = draw(_candidates(), PLAN, 3).picks
    reviewers = [Reviewer(100, agent_id=0), Reviewer(101, agent_id=1), Reviewer(102), Reviewer(103, team_id=2)]
    loads, orphans = spread(picks, reviewers)
    sizes = [len(v) for v in loads.values()]
    assert not orphans and sum(sizes) == len(picks) and max(sizes) - min(sizes) <= 1
    own = {100: 0, 101: 1}
    assert all(c.agent_id != own.get(user) for user, cs in loads.items() for c in cs)


def test_it_keeps_reviewers_off_their_own_team_when_asked() -> None:
    picks = draw(_candidates(), PLAN, 3).picks
    loads, orphans = spread(picks, [Reviewer(1, team_id=0), Reviewer(2, team_id=1), Reviewer(3, team_id=2)], True)
    assert not orphans
    assert all(c.team_id != team for team, cs in zip((0, 1, 2), loads.values(), strict=True) for c in cs)


def test_it_reports_picks_nobody_may_review() -> None:
    pick = Candidate(1, 9, "", "phone", "", "", frozenset(), None)
    assert spread([pick], [Reviewer(5, agent_id=9)]) == ({5: []}, [pick])


def test_it_computes_periods() -> None:
    from datetime import date

    assert last_complete_period("week", date(2026, 11, 25)) == date(2026, 11, 16)
    assert last_complete_period("month", date(2026, 1, 3)) == date(2025, 12, 1)
    assert period_end("month", date(2026, 12, 1)) == date(2027, 1, 1)
    assert period_end("day", date(2026, 2, 28)) == date(2026, 3, 1)


def test_it_keeps_drawing_what_a_seed_drew_before() -> None:
    """Pinned picks: a faster draw must not change which interactions a stored seed selects."""
    spec = PlanSpec(5, ("site", "channel"), {"Milano|phone": 0.5, "Lyon|email": 0.5}, {"reassigned": 3})
    assert [c.id for c in draw(_candidates(), spec, 99).picks][:8] == [3029, 3014, 3032, 3021, 3011, 8027, 8011, 8029]


def _mixed(count: int = 3000, seed: int = 11) -> list[Candidate]:
    """Candidates over 12 agents with missing sites, several flags at once and three teams."""
    rng = random.Random(seed)
    flag_sets = [
        frozenset(),
        frozenset({"reassigned"}),
        frozenset({"long_handle", "abandoned"}),
        frozenset({"long_handle", "abandoned", "reassigned"}),
    ]
    return [
        Candidate(
            i,
            rng.randrange(12),
            rng.choice(["Milano", "Lyon", ""]),
            rng.choice(["phone", "email", "chat"]),
            rng.choice(["demand", "delivery"]),
            rng.choice(["it", "fr"]),
            rng.choices(flag_sets, (70, 10, 10, 10))[0],
            rng.randrange(3),
        )
        for i in range(1, count + 1)
    ]


PLANS = {
    "site_channel": PlanSpec(
        6,
        ("site", "channel"),
        {"Milano|phone": 0.4, "Lyon|phone": 0.2, "Milano|email": 0.2, "|chat": 0.2},
        {"reassigned": 3, "long_handle": 2, "abandoned": 2},
    ),
    "phase_fractional": PlanSpec(
        4, ("phase",), {"demand": 1, "delivery": 3, "evaluation": 0}, {"reassigned": 1.7, "long_handle": 0.3, "abandoned": 2.9}
    ),
    "unstratified_zero_boost": PlanSpec(5, (), {}, {"abandoned": 0.0}),
}


@pytest.mark.parametrize(
    ("plan", "seed", "digest", "first"),
    [
        ("site_channel", 7, "7c1cf2682a4d8d4a", [2226, 2004, 2339, 1722, 1624, 2342]),
        ("site_channel", 2026, "19270e86874bccff", [862, 1629, 2224, 1883, 1385, 1772]),
        ("phase_fractional", 7, "c46fd4beb104782a", [746, 2978, 257, 2123, 549, 1077]),
        ("phase_fractional", 2026, "42b10e816da2ed6c", [118, 2711, 2188, 332, 1393, 2770]),
        ("unstratified_zero_boost", 7, "760f9b4e8387b695", [834, 536, 965, 1963, 695, 1377]),
        ("unstratified_zero_boost", 2026, "5bba4913d50adffc", [660, 467, 2910, 608, 923, 141]),
    ],
)
def test_it_keeps_drawing_exactly_what_each_seed_drew_before(plan: str, seed: int, digest: str, first: list[int]) -> None:
    """Every pick and its order, pinned (recorded with the first draw): stored seeds must keep their samples."""
    ids = [c.id for c in draw(_mixed(), PLANS[plan], seed).picks]
    assert ids[:6] == first
    assert hashlib.sha256(repr(ids).encode()).hexdigest()[:16] == digest


def _reference_draw(candidates: list[Candidate], plan: PlanSpec, seed: int) -> list[Candidate]:
    """The draw as first written, plainly: every candidate through its cell's heap, weights per candidate."""
    rng = random.Random(seed)
    total = sum(v for v in plan.proportions.values() if v > 0)
    shares = {k: v / total for k, v in plan.proportions.items() if v > 0} if plan.by and total > 0 else {}
    cells: dict[int, dict[str, list[tuple[float, int, Candidate]]]] = defaultdict(dict)
    for c in candidates:
        key = stratum_key(c, plan.by) if shares else ""
        if shares and key not in shares:
            continue
        w = math.prod(float(plan.boosts.get(flag, 1.0)) for flag in sorted(c.flags))
        if w <= 0:
            continue
        item = (math.log(1.0 - rng.random()) / w, -c.id, c)
        heap = cells[c.agent_id].setdefault(key, [])
        if len(heap) < plan.n_per_agent:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)
    agents = sorted(cells)
    rng.shuffle(agents)
    counts: Counter[str] = Counter()
    picks: list[Candidate] = []
    for agent_id in agents:
        queues = {key: sorted(heap, reverse=True) for key, heap in sorted(cells[agent_id].items())}
        for _slot in range(plan.n_per_agent):
            open_keys = [key for key, queue in queues.items() if queue]
            if not open_keys:
                break
            made = len(picks) + 1
            key = max(open_keys, key=lambda k: (shares.get(k, 1.0) * made - counts[k], shares.get(k, 1.0)))
            picks.append(queues[key].pop(0)[2])
            counts[key] += 1
    return picks


@pytest.mark.parametrize("plan", sorted(PLANS))
def test_it_draws_what_the_plain_algorithm_draws(plan: str) -> None:
    for seed in range(8):
        candidates = _mixed(2000, seed)
        assert draw(candidates, PLANS[plan], seed).picks == _reference_draw(candidates, PLANS[plan], seed), seed


def _mask(flags: frozenset[str]) -> int:
    return sum(1 << bit for bit, flag in enumerate(FLAGS) if flag in flags)


@pytest.mark.parametrize("plan", sorted(PLANS))
def test_it_draws_the_same_from_database_rows_as_from_candidates(plan: str) -> None:
    """The run's path (key and flag mask from SQL) and the pure path pick the same interactions in the same order."""
    spec, candidates = PLANS[plan], _mixed()
    rows = [(c.id, c.agent_id, stratum_key(c, spec.by), _mask(c.flags), c.team_id) for c in candidates]
    sample = draw_rows(rows, spec, 2026, flag_weights(spec.boosts))
    expected = draw(candidates, spec, 2026)
    assert [row[0] for row in sample.picks] == [c.id for c in expected.picks]
    assert (sample.per_stratum, sample.targets) == (expected.per_stratum, expected.targets)


def test_it_weighs_flags_in_a_fixed_order() -> None:
    """Float products depend on their order; a set's iteration order must not change a weight."""
    boosts = {"a": 0.1, "b": 0.2, "c": 0.3}
    assert 0.1 * 0.2 * 0.3 != 0.3 * 0.2 * 0.1  # the premise: order shows in the last bit
    assert weight(["c", "b", "a"], boosts) == weight(["a", "b", "c"], boosts) == 0.1 * 0.2 * 0.3
    first_three = [1, 2, 3, 6, 5, 10, 15, 30]
    assert flag_weights({"long_handle": 2, "abandoned": 3, "reassigned": 5}) == first_three * 2 ** (len(FLAGS) - 3)
    with_reopened = [*first_three, *(w * 7 for w in first_three)]
    assert flag_weights({"long_handle": 2, "abandoned": 3, "reassigned": 5, "reopened": 7})[:16] == with_reopened
    weights = flag_weights({"complaint": 4, "negative_feedback": 3})
    assert len(weights) == 2 ** len(FLAGS) and (weights[16], weights[32], weights[48], weights[15]) == (3, 4, 12, 1)


def test_it_draws_nothing_when_the_plan_asks_for_none() -> None:
    assert draw(_candidates(), PlanSpec(0, ("channel",), {"phone": 1.0}), 1).picks == []
