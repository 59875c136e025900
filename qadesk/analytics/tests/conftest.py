"""Report fixtures: submitted reviews with known scores, error counts, dates and ratings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from qadesk.accounts.models import Agent, OrgSettings, User
from qadesk.analytics.rollup import quality_rollup_refresh, review_slice
from qadesk.interactions.models import Interaction, Label
from qadesk.reviews.models import Rating, Review
from qadesk.scorecards.models import Criterion, ScorecardVersion
from qadesk.testing import factories as f


def at(month: int, day: int, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour))


def make_review(
    agent: Agent,
    version: ScorecardVersion,
    reviewer: User,
    score: float | None,
    *,
    submitted_at: datetime,
    high: int = 0,
    low: int = 0,
    status: str = "submitted",
    interaction: Interaction | None = None,
    **interaction_fields: object,
) -> Review:
    """A review row as review_submit leaves it, without going through the rating form (the report's rollup kept)."""
    review = Review.objects.create(
        interaction=interaction or f.make_interaction(agent, **interaction_fields),
        scorecard_version=version,
        reviewer=reviewer,
        agent=agent,
        status=status,
        score=score,
        high_impact_errors=high,
        low_impact_errors=low,
        submitted_at=submitted_at if status == "submitted" else None,
    )
    with transaction.atomic():  # as in the review services (a browser test's data is made outside any transaction)
        quality_rollup_refresh(slices=[review_slice(review)])
    return review


def rate(
    review: Review, criterion: Criterion, score: float | None, *, failed: bool = False, causes: list[str] | None = None
) -> Rating:
    rating = Rating.objects.create(review=review, criterion=criterion, score=score, failed=failed, root_causes=causes or [])
    with transaction.atomic():
        quality_rollup_refresh(slices=[review_slice(review)])
    return rating


@dataclass
class ReportData:
    alice: list[Review]
    bob: list[Review]
    label: Label


@pytest.fixture
def report_data(agent: Agent, other_team_agent: Agent, reviewer: User, default_scorecard: ScorecardVersion) -> ReportData:
    """a.rossi (team Milano Ordini, e-mail, delivery, label refund) scored 80, 85, 90, 95, 100 on 1-5 Sept 2026;
    b.martin (team Lyon Livraisons, chat, no phase, no label) scored 60 and 100 on 1-2 Oct 2026.
    Plus a draft and a submitted review without score, both ignored; causes on passed ratings are not counted.
    Any interval width is allowed, so a.rossi's 5 reviews are conclusive and rank (the width rule has its own tests)."""
    _allow_any_width()
    label = Label.objects.create(code="refund_request", name="Refund request")
    alice = [
        make_review(
            agent, default_scorecard, reviewer, score, submitted_at=at(9, day), high=high, low=low, phase="delivery", label=label
        )
        for day, score, high, low in [(1, 80, 0, 1), (2, 85, 0, 0), (3, 90, 1, 0), (4, 95, 0, 2), (5, 100, 0, 0)]
    ]
    bob = [
        make_review(other_team_agent, default_scorecard, reviewer, score, submitted_at=at(10, day), high=high, channel="chat")
        for day, score, high in [(1, 60, 1), (2, 100, 0)]
    ]
    criteria = {c.code: c for c in Criterion.objects.filter(section__version=default_scorecard)}
    right_label, right_sop = criteria["right_label"], criteria["right_sop"]
    for review, score, causes in zip(
        alice, [100, 0, 100, 0, None], [[], ["reason_misread"], [], ["reason_misread", "label_missing"], []], strict=True
    ):
        rate(review, right_label, score, failed=score == 0, causes=causes)
    for review, score in zip(alice, [100, 100, 0, 100, 100], strict=True):
        rate(review, right_sop, score, failed=score == 0, causes=["wrong_sop"] if score == 0 else ["sop_unknown"])
    draft = make_review(agent, default_scorecard, reviewer, 0, submitted_at=at(9, 3), status="draft", high=5)
    rate(draft, right_label, 0, failed=True, causes=["label_missing"])
    make_review(agent, default_scorecard, reviewer, None, submitted_at=at(9, 3))
    return ReportData(alice=alice, bob=bob, label=label)


@dataclass
class StatsData:
    third_agent: Agent
    peers: list[User]


@pytest.fixture
def stats_data(agent: Agent, other_team_agent: Agent, reviewer: User, default_scorecard: ScorecardVersion) -> StatsData:
    """Two periods. September: a.rossi 80, 85, 90, 95, 100; b.martin 60, 100; c.verdi (team Milano Ordini) 90.
    October: a.rossi 60, 65, 70, 75, 80 (a drop of 20, p = 0.004); b.martin 70, 90 (same mean 80).
    November, three reviewers on the three agents: dario 90/82/78, lenient by 10, 12, 8 points against the other two;
    g.neri 85/66/74 and h.blu 75/74/66 (a.rossi/b.martin/c.verdi)."""
    return _stats_reviews(agent, other_team_agent, reviewer, default_scorecard, rossi_october=(60, 65, 70, 75, 80))


@pytest.fixture
def borderline_data(agent: Agent, other_team_agent: Agent, reviewer: User, default_scorecard: ScorecardVersion) -> StatsData:
    """As stats_data, with two results below 0.05 alone that the correction for multiple tests no longer lists.

    October: a.rossi 68, 73, 78, 83, 88, a drop of 12: t = −12 / √(62.5/5 + 62.5/5) = −2.4, 8 df, p = 0.0432; with
    b.martin (p = 1) the family of 2 adjusts it to 2 · 0.0432 = 0.0864. November: dario 90/84/76, differences 10, 14, 6:
    mean 10, sd 4, t = 4.330, 2 df, p = 1 − t/√(t² + 2) = 0.0494; g.neri p = 0.681, h.blu p = 0.158, so dario's adjusted
    p is min(3 · 0.0494, 3/2 · 0.158, 0.681) = 0.148."""
    return _stats_reviews(
        agent, other_team_agent, reviewer, default_scorecard, rossi_october=(68, 73, 78, 83, 88), dario=(90, 84, 76)
    )


def _stats_reviews(
    agent: Agent,
    other_team_agent: Agent,
    reviewer: User,
    version: ScorecardVersion,
    *,
    rossi_october: tuple[int, ...],
    dario: tuple[int, int, int] = (90, 82, 78),
) -> StatsData:
    _allow_any_width()
    verdi = f.make_agent("c.verdi", agent.team)
    scores = {
        agent: [(9, [80, 85, 90, 95, 100]), (10, list(rossi_october))],
        other_team_agent: [(9, [60, 100]), (10, [70, 90])],
        verdi: [(9, [90])],
    }
    for who, months in scores.items():
        for month, values in months:
            for day, score in enumerate(values, start=1):
                make_review(who, version, reviewer, score, submitted_at=at(month, day))
    peers = [f.make_user("g.neri", "reviewer"), f.make_user("h.blu", "reviewer")]
    for by, values in zip([reviewer, *peers], [dario, (85, 66, 74), (75, 74, 66)], strict=True):
        for who, score in zip((agent, other_team_agent, verdi), values, strict=True):
            make_review(who, version, by, score, submitted_at=at(11, 10))
    return StatsData(third_agent=verdi, peers=peers)


def _allow_any_width() -> None:
    """These hand-worked groups have 5 reviews: rank them on n alone (the maximum interval width has its own tests)."""
    OrgSettings.objects.update_or_create(pk=1, defaults={"max_interval_width": 100})
