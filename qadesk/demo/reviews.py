"""Writing the demo reviews through the review services, so every score comes from the one scoring function."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from qadesk.accounts.models import User
from qadesk.demo import catalogue as cat
from qadesk.demo.generator import DemoAgent, Plan
from qadesk.demo.ratings import demo_ratings
from qadesk.interactions.models import Interaction, Status
from qadesk.reviews.models import Review
from qadesk.reviews.services import RatingInput, review_create, review_save, review_submit
from qadesk.scorecards.models import Criterion
from qadesk.scorecards.services import scorecard_install_default


def demo_reviews_create(
    *,
    plans: dict[str, Plan],
    roster: list[DemoAgent],
    users: dict[str, User],
    count: int,
    end: datetime,
    seed: int,
    progress: Callable[[str], None] | None = None,
) -> list[Review]:
    """Review `count` handled interactions, spread evenly over the agents, by the demo reviewers and the QA lead;
    `progress` hears of every tenth."""
    rng = random.Random(f"reviews-{seed}")
    version = scorecard_install_default()
    criteria = {c.code: c for c in Criterion.objects.filter(section__version=version)}
    skills = {agent.username: agent.skill for agent in roster}
    picked = _sample(rng=rng, plans=plans, count=count)
    interactions = Interaction.objects.select_related("agent", "team", "label").in_bulk(picked)
    reviewers = [users[name] for name in cat.REVIEWERS]
    reviews = []
    step = max(1, len(picked) // 10)
    for position, pk in enumerate(picked, 1):
        if progress is not None and (position % step == 0 or position == len(picked)):
            progress(
                _("Reviews: {done} of {total} ({percent} %)").format(
                    done=position, total=len(picked), percent=round(100 * position / len(picked))
                )
            )
        interaction = interactions[pk]
        plan = plans[interaction.external_id]
        reviewer = _reviewer(rng=rng, reviewers=reviewers, language=interaction.language)
        if interaction.agent is None or interaction.agent.user_id == reviewer.pk:  # never one's own work
            continue
        ratings, overall = demo_ratings(
            plan=plan, skill=skills.get(interaction.agent.username, 0.8), language=reviewer.language, rng=rng
        )
        review = review_create(interaction=interaction, actor=reviewer, scorecard_version=version)
        review_save(
            review=review,
            actor=reviewer,
            ratings={
                criteria[code].pk: RatingInput(value=r.value, comment=r.comment, root_causes=list(r.root_causes))
                for code, r in ratings.items()
            },
            comment=overall,
        )
        review = review_submit(review=review, actor=reviewer)
        done = interaction.resolved_at or interaction.created_at
        review.submitted_at = min(done + timedelta(minutes=rng.randint(60, 6 * 24 * 60)), end - timedelta(minutes=5))
        review.created_at = review.updated_at = review.submitted_at - timedelta(minutes=rng.randint(4, 25))
        reviews.append(review)
    # Reviews happen days after the contact, not all at the moment the demo loads: trends need history.
    Review.objects.bulk_update(reviews, ["submitted_at", "created_at", "updated_at"], batch_size=500)
    return reviews


def _sample(*, rng: random.Random, plans: dict[str, Plan], count: int) -> list[int]:
    """Finished interactions an agent handled, taken round-robin per agent so every agent gets about as many reviews."""
    by_agent: dict[int, list[int]] = defaultdict(list)
    rows = (
        Interaction.objects.filter(source=cat.SOURCE, status__in=[Status.RESOLVED, Status.CLOSED], agent__isnull=False)
        .order_by("external_id")
        .values_list("pk", "external_id", "agent_id")
    )
    for pk, external_id, agent_id in rows:
        if external_id in plans:
            by_agent[agent_id].append(pk)
    queues = [by_agent[agent_id] for agent_id in sorted(by_agent)]
    for queue in queues:
        rng.shuffle(queue)
    picked: list[int] = []
    while len(picked) < count and any(queues):
        for queue in queues:
            if queue and len(picked) < count:
                picked.append(queue.pop())
    return picked


def _reviewer(*, rng: random.Random, reviewers: list[User], language: str) -> User:
    """Mostly a reviewer who reads the interaction's language; the QA lead takes some of everything."""
    speakers = [r for r in reviewers if r.language == language and r.role == "reviewer"]
    if speakers and rng.random() < 0.7:
        return rng.choice(speakers)
    return rng.choice(reviewers)
