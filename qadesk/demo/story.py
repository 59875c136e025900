"""The demo's first hour: queues, disputes, coaching, calibration and sampling, written through the real services.

Every step goes through the service a person would use (review_submit, dispute_open, dispute_decide, assignments_create,
calibration_session_create, sampling_plan_run…), so every rule and notification holds. Services stamp "now"; the demo's
story happens just before its `end`, so the disputed reviews and their disputes are moved back afterwards by the same
offset, like the bulk demo reviews (demo/reviews.py). What is picked depends only on the seed and the data, so the same
seed and end give the same story.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import Agent, User
from qadesk.calibration.models import CalibrationSession
from qadesk.calibration.services import calibration_score_submit, calibration_session_close, calibration_session_create
from qadesk.demo import catalogue as cat
from qadesk.demo.generator import DemoAgent, Plan
from qadesk.demo.ratings import demo_ratings
from qadesk.disputes.models import Dispute, DisputeMessage
from qadesk.disputes.services import ContestedCriterion, dispute_comment, dispute_decide, dispute_open
from qadesk.interactions.models import Interaction, InteractionAgent, Message, Status
from qadesk.notifications.services import notifications_mark_read
from qadesk.reviews.models import CoachingNote, Review, ReviewRevision
from qadesk.reviews.services import (
    RatingInput,
    assignments_create,
    coaching_note_add,
    review_acknowledge,
    review_create,
    review_save,
    review_submit,
)
from qadesk.sampling.models import SamplingPlan
from qadesk.sampling.periods import last_complete_period, period_floor
from qadesk.sampling.services import sampling_plan_create, sampling_plan_run
from qadesk.scorecards.models import Criterion, ScorecardVersion

Progress = Callable[[str], None]
QUEUE_SIZE = 6  # assignments per reviewer: two overdue, one due today, the rest later
PLAN_NAMES = ("Weekly sample per agent", "Daily spot check")
SESSION_TITLES = ("Calibration: refunds and returns", "Calibration: this week's chats")
# (persona, days before the end the review was submitted, what happens to it)
AGENT_STORIES = (
    ("agent.it", 1, "dispute_open"),
    ("agent.it", 5, "dispute_accepted"),
    ("agent.it", 3, "coaching"),
    ("agent.it", 2, "read"),
    ("agent.fr", 6, "dispute_overdue"),
    ("agent.fr", 5, "dispute_rejected"),
    ("agent.fr", 2, "coaching"),
)


@dataclass(frozen=True)
class StoryResult:
    """What the story wrote."""

    reviews: int
    disputes: int
    assignments: int
    sessions: int
    plans: int
    runs: int


def demo_story_create(
    *, plans: dict[str, Plan], roster: list[DemoAgent], users: dict[str, User], end: datetime, seed: int, progress: Progress
) -> StoryResult:
    """The queues, disputes, coaching, calibration sessions and sampling plans of the demo's first hour."""
    rng = random.Random(f"story-{seed}")
    version = ScorecardVersion.objects.filter(published_at__isnull=False).select_related("scorecard").latest("pk")
    criteria = {c.code: c for c in Criterion.objects.filter(section__version=version)}
    skills = {a.username: a.skill for a in roster}
    taken: set[int] = set(Review.objects.values_list("interaction_id", flat=True))

    def rate(interaction: Interaction, reviewer: User) -> dict[int, RatingInput]:
        plan = plans.get(interaction.external_id)
        if plan is None:
            return {}
        ratings, _overall = demo_ratings(
            plan=plan, skill=skills.get(getattr(interaction.agent, "username", ""), 0.8), language=reviewer.language, rng=rng
        )
        return {
            criteria[k].pk: RatingInput(value=r.value, comment=r.comment, root_causes=list(r.root_causes))
            for k, r in ratings.items()
        }

    reviews, disputes = _agent_stories(users=users, version=version, end=end, taken=taken, rate=rate)
    progress(_("Disputes and coaching: {reviews} reviews, {disputes} disputes").format(reviews=reviews, disputes=disputes))
    assignments = _queues(users=users, end=end, taken=taken)
    progress(_("Review queues: {n} assignments").format(n=assignments))
    sessions = _calibration(users=users, version=version, end=end, taken=taken, rate=rate)
    progress(_("Calibration: {n} sessions").format(n=sessions))
    n_plans, runs = _sampling(users=users, end=end, seed=seed)
    progress(_("Sampling: {plans} plans, {runs} runs").format(plans=n_plans, runs=runs))
    _notifications_read(users=users)
    return StoryResult(reviews, disputes, assignments, sessions, n_plans, runs)


def _handled(*, agent: Agent | None = None, before: datetime, taken: set[int]) -> list[Interaction]:
    """Finished interactions an agent handled, done before `before`, not reviewed or used yet, newest first."""
    rows = Interaction.objects.filter(
        source=cat.SOURCE, status__in=[Status.RESOLVED, Status.CLOSED], agent__isnull=False, resolved_at__lt=before
    ).exclude(pk__in=taken)
    if agent is not None:
        rows = rows.filter(agent=agent)
    return list(rows.select_related("agent").order_by("-resolved_at", "-pk")[:200])


def _persona_pool(*, agent: Agent, before: datetime, taken: set[int], needed: int) -> list[Interaction]:
    """The agent login's own finished interactions; when a small demo gave them fewer than their stories need, their
    teammates' are handed over to them, so every story is told however few interactions were generated."""
    pool = _handled(agent=agent, before=before, taken=taken)
    if len(pool) >= needed or agent.team_id is None:
        return pool
    own = {i.pk for i in pool}
    mates = [
        i
        for i in _handled(before=before, taken=taken | own)
        if i.agent is not None and i.agent.team_id == agent.team_id and i.team_id == agent.team_id
    ]
    handed = mates[: needed - len(pool)]
    for interaction in handed:  # the contact, its handler turns and its messages all change hands
        previous = interaction.agent
        InteractionAgent.objects.filter(interaction=interaction, agent=previous).update(agent=agent)
        Message.objects.filter(interaction=interaction, agent=previous).update(agent=agent)
        Interaction.objects.filter(pk=interaction.pk).update(agent=agent)
        interaction.agent = agent
    return sorted(pool + handed, key=lambda i: (i.resolved_at, i.pk), reverse=True)


def _agent_stories(
    *,
    users: dict[str, User],
    version: ScorecardVersion,
    end: datetime,
    taken: set[int],
    rate: Callable[[Interaction, User], dict[int, RatingInput]],
) -> tuple[int, int]:
    """Reviews of the two agent logins: read, coached, disputed (open, overdue, accepted, rejected)."""
    n_reviews = n_disputes = 0
    pools: dict[str, list[Interaction]] = {}
    for persona, days_before, what in AGENT_STORIES:
        agent = Agent.objects.filter(user=users[persona]).first()
        if agent is None:
            continue
        if persona not in pools:
            needed = sum(1 for name, _days, _what in AGENT_STORIES if name == persona)
            pools[persona] = _persona_pool(agent=agent, before=end - timedelta(days=8), taken=taken, needed=needed)
        pool = pools[persona]
        if not pool:
            continue
        interaction = pool.pop(0)
        taken.add(interaction.pk)
        reviewer = users["reviewer1" if users[persona].language == "it" else "reviewer2"]
        review = review_create(interaction=interaction, actor=reviewer, scorecard_version=version)
        review_save(review=review, actor=reviewer, ratings=rate(interaction, reviewer))
        review = review_submit(review=review, actor=reviewer)
        n_reviews += 1
        n_disputes += _act(review=review, what=what, persona=users[persona], users=users)
        _move_back(review=review, to=end - timedelta(days=days_before, hours=2))
    return n_reviews, n_disputes


def _act(*, review: Review, what: str, persona: User, users: dict[str, User]) -> int:
    """What the agent, their team lead and the QA lead do with the review; 1 when it was disputed."""
    lead = users["lead.milano" if persona.language == "it" else "lead.lyon"]
    if what == "read":
        review_acknowledge(review=review, actor=persona)
        return 0
    if what == "coaching":
        coaching_note_add(review=review, actor=lead, body=_COACHING[persona.language])
        return 0
    rating = (
        review.ratings.select_related("criterion").filter(value__isnull=False).order_by("value", "criterion__position").first()
    )
    if rating is None:
        return 0
    top = rating.criterion.rating_choices()[-1]
    dispute = dispute_open(
        review=review,
        actor=persona,
        argument=_ARGUMENT[persona.language],
        items=[ContestedCriterion(rating.criterion_id, proposed_value=top)],
    )
    if what == "dispute_overdue":
        dispute_comment(dispute=dispute, actor=persona, body=_REMINDER[persona.language])
    elif what in ("dispute_accepted", "dispute_rejected"):
        accepted: dict[int, int | bool | None] = {rating.criterion_id: True} if what == "dispute_accepted" else {}
        dispute_decide(dispute=dispute, actor=users["qa"], accepted=accepted, note=_DECISION[what][persona.language])
    return 1


def _move_back(*, review: Review, to: datetime) -> None:
    """Move a story review and what happened to it after submission back so that it was submitted at `to`."""
    review.refresh_from_db()
    if review.submitted_at is None:
        return
    offset = to - review.submitted_at
    shift = {
        "submitted_at": F("submitted_at") + offset,
        "created_at": F("created_at") + offset,
        "updated_at": F("updated_at") + offset,
    }
    Review.objects.filter(pk=review.pk).update(**shift)
    Review.objects.filter(pk=review.pk, acknowledged_at__isnull=False).update(acknowledged_at=F("acknowledged_at") + offset)
    disputes = Dispute.objects.filter(review=review)
    disputes.update(created_at=F("created_at") + offset, due_at=F("due_at") + offset)
    disputes.filter(decided_at__isnull=False).update(decided_at=F("decided_at") + offset)
    DisputeMessage.objects.filter(dispute__review=review).update(created_at=F("created_at") + offset)
    ReviewRevision.objects.filter(review=review).update(created_at=F("created_at") + offset)
    CoachingNote.objects.filter(review=review).update(created_at=F("created_at") + offset)


def _queues(*, users: dict[str, User], end: datetime, taken: set[int]) -> int:
    """Every demo reviewer's queue: recent interactions in their language, two overdue, one due today."""
    now = timezone.now()
    pool = _handled(before=end, taken=taken)
    total = 0
    for name in cat.REVIEWERS:
        reviewer = users[name]
        mine = [i for i in pool if i.language == reviewer.language and i.pk not in taken][:QUEUE_SIZE]
        mine += [i for i in pool if i.pk not in taken and i not in mine][: QUEUE_SIZE - len(mine)]
        dues = [now - timedelta(days=2), now - timedelta(hours=3), now + timedelta(hours=1)] + [
            now + timedelta(days=3)
        ] * QUEUE_SIZE
        for interaction, due in zip(mine, dues, strict=False):
            taken.add(interaction.pk)
            total += len(assignments_create(interactions=[interaction], reviewer=reviewer, actor=users["qa"], due_at=due))
    return total


def _calibration(
    *,
    users: dict[str, User],
    version: ScorecardVersion,
    end: datetime,
    taken: set[int],
    rate: Callable[[Interaction, User], dict[int, RatingInput]],
) -> int:
    """A closed session everyone scored, with its agreement, and an open one just started."""
    pool = _handled(before=end, taken=taken)
    people = [users[n] for n in ("reviewer1", "reviewer2", "reviewer3")]
    made = 0
    for title, size, close in ((SESSION_TITLES[0], 3, True), (SESSION_TITLES[1], 2, False)):
        interactions = [pool.pop(0) for _ in range(min(size, len(pool)))]
        if not interactions:
            break
        taken.update(i.pk for i in interactions)
        session = calibration_session_create(
            actor=users["qa"],
            title=title,
            scorecard_version=version,
            interactions=interactions,
            participants=people,
            deadline=timezone.now() + timedelta(days=3 if not close else 1),
            blind=True,
            hide_agent=True,
            benchmark_reviewer=users["qa"],
        )
        items = list(session.items.select_related("interaction__agent").order_by("position"))
        # The closed session: everyone scored everything. The open one: reviewer2 has scored its first item only.
        scorers = [*people, users["qa"]] if close else [users["reviewer2"]]
        for item in items if close else items[:1]:
            for person in scorers:
                given = rate(item.interaction, person)
                values = {pk: r.value for pk, r in given.items()}
                if values:
                    calibration_score_submit(item=item, actor=person, ratings=_complete(values, version))
        if close:
            calibration_session_close(session=session, actor=users["qa"], note="")
        made += 1
    return made


def _complete(values: dict[int, int | None], version: ScorecardVersion) -> dict[int, int | None]:
    """Every criterion of the version rated (N/A where the demo ratings left one out)."""
    return {c.pk: values.get(c.pk) for c in Criterion.objects.filter(section__version=version)}


def _sampling(*, users: dict[str, User], end: datetime, seed: int) -> tuple[int, int]:
    """Two plans, each drawn for its last two complete periods before the end."""
    settings = (
        (PLAN_NAMES[0], "week", 1, ["reviewer1", "reviewer2"], 7),
        (PLAN_NAMES[1], "day", 1, ["reviewer3", "qa"], 2),
    )
    runs = 0
    for n, (name, period, per_agent, reviewers, due_days) in enumerate(settings):
        plan = sampling_plan_create(
            actor=users["qa"],
            reviewers=[users[r] for r in reviewers],
            name=name,
            n_per_agent=per_agent,
            period=period,
            seed=seed * 10 + n,
            due_days=due_days,
        )
        last = last_complete_period(period, timezone.localtime(end).date())
        before = period_floor(period, last - timedelta(days=1))
        for start in (before, last):
            if sampling_plan_run(plan=plan, actor=users["qa"], period_start=start) is not None:
                runs += 1
    return len(settings), runs


def _notifications_read(*, users: dict[str, User]) -> None:
    """Everyone has read all but their three newest notifications: the bell shows a few, not dozens."""
    from qadesk.notifications.models import Notification

    for user in users.values():
        newest = list(Notification.objects.filter(recipient=user).order_by("-created_at", "-pk").values_list("pk", flat=True))
        if len(newest) > 3:
            notifications_mark_read(recipient=user, ids=newest[3:])


def demo_story_delete() -> None:
    """Remove what an earlier story wrote that deleting the demo interactions would not (sessions, plans)."""
    CalibrationSession.objects.filter(items__interaction__source=cat.SOURCE).distinct().delete()
    SamplingPlan.objects.filter(name__in=PLAN_NAMES).delete()


_COACHING = {
    "it": "Ottima gestione del cliente. Ricorda di riepilogare i prossimi passi prima di chiudere.",
    "fr": "Bonne prise en charge. Pense à récapituler les prochaines étapes avant de conclure.",
    "en": "Good handling. Remember to sum up the next steps before closing.",
}
_ARGUMENT = {
    "it": "Ho seguito la procedura: il cliente aveva già ricevuto le istruzioni via e-mail.",
    "fr": "J'ai suivi la procédure : le client avait déjà reçu les instructions par e-mail.",
    "en": "I followed the procedure: the customer had already received the instructions by e-mail.",
}
_REMINDER = {
    "it": "Potete darmi una risposta?",
    "fr": "Pouvez-vous me donner une réponse ?",
    "en": "Could you give me an answer?",
}
_DECISION = {
    "dispute_accepted": {
        "it": "Confermato: le istruzioni erano nell'e-mail precedente.",
        "fr": "Confirmé : les instructions figuraient dans l'e-mail précédent.",
        "en": "Confirmed: the instructions were in the earlier e-mail.",
    },
    "dispute_rejected": {
        "it": "La procedura chiede di ripeterle in conversazione.",
        "fr": "La procédure demande de les répéter pendant l'échange.",
        "en": "The procedure asks to repeat them in the conversation.",
    },
}
