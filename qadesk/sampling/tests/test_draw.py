"""The pure draw: no database."""

import random
from collections import Counter

from qadesk.sampling.draw import Candidate, PlanSpec, Reviewer, draw, spread, stratum_key
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
