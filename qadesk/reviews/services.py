"""Writing reviews: create, save a draft, submit. The score comes only from scorecards.scoring.

Every change of state is a guarded transition: inside its transaction the service re-reads the review under a row lock
(`review_lock`) and checks the state it finds there, never the object the caller loaded before the transaction. Two requests
racing for the same review are thus serialised (on PostgreSQL by the row lock, on SQLite by the IMMEDIATE transaction's
write lock) and the one that comes second sees what the first did: it gets a `Conflict` (409) saying so, and nothing of
it is applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qadesk.accounts.models import Agent, OrgSettings, Role, User
from qadesk.analytics.rollup import quality_rollup_refresh, review_slice
from qadesk.audit.models import Action
from qadesk.audit.services import audit_record
from qadesk.core.errors import ApplicationError, Conflict, PermissionDenied
from qadesk.interactions.models import Interaction, InteractionAgent, Message
from qadesk.notifications.services import notify
from qadesk.reviews.models import AssignmentStatus, CoachingNote, Rating, Review, ReviewAssignment, ReviewRevision, ReviewStatus
from qadesk.scorecards.models import ScorecardVersion, VersionStatus
from qadesk.scorecards.scoring import ScoringError, criterion_score, score_review
from qadesk.scorecards.selectors import scorecard_versions_for

if TYPE_CHECKING:
    from qadesk.disputes.models import Dispute


@dataclass(frozen=True)
class RatingInput:
    """What a reviewer enters for one criterion; value None means N/A."""

    value: int | None
    comment: str = ""
    root_causes: list[str] = field(default_factory=list)
    root_cause_text: str = ""


@transaction.atomic
def review_create(
    *,
    interaction: Interaction,
    actor: User,
    scorecard_version: ScorecardVersion | None = None,
    message: Message | None = None,
) -> Review:
    """Start a draft review of a whole interaction (credited to its agent) or of one agent message."""
    if not actor.can_review:
        raise PermissionDenied(_("Your role cannot review interactions."))
    if message is not None and (message.interaction_id != interaction.pk or message.agent_id is None):
        raise ApplicationError(_("Only a message written by an agent of this interaction can be reviewed."))
    agent = message.agent if message is not None else _credited_agent(interaction)
    if agent is None:
        raise ApplicationError(_("This interaction has no agent to credit the review to."))
    if agent.user_id == actor.pk and not OrgSettings.load().allow_self_review:
        raise PermissionDenied(_("You cannot review your own work."))
    if scorecard_version is None:
        versions = scorecard_versions_for(interaction=interaction)
        if not versions:
            raise ApplicationError(_("No published scorecard applies to this interaction."))
        scorecard_version = versions[0]
    elif scorecard_version.status != VersionStatus.PUBLISHED:
        raise ApplicationError(_("Reviews can only use a published scorecard version."))
    review = Review.objects.create(
        interaction=interaction, message=message, scorecard_version=scorecard_version, reviewer=actor, agent=agent
    )
    audit_record(actor=actor, action=Action.CREATE, review=review, scorecard_version=scorecard_version.pk, agent=agent.username)
    return review


@transaction.atomic
def review_start(*, interaction: Interaction, actor: User) -> Review:
    """The actor's draft review of the whole interaction: the one already started, else a new one ("Start review")."""
    draft = Review.objects.filter(
        interaction=interaction, reviewer=actor, status=ReviewStatus.DRAFT, message__isnull=True
    ).first()
    return draft if draft is not None else review_create(interaction=interaction, actor=actor)


def _credited_agent(interaction: Interaction) -> Agent | None:
    if interaction.agent_id:
        return interaction.agent
    handler = interaction.handlers.select_related("agent").order_by("-position").first()
    return handler.agent if handler else None


@transaction.atomic
def review_save(*, review: Review, actor: User, ratings: dict[int, RatingInput], comment: str | None = None) -> Review:
    """Save a draft's ratings (criterion id -> input); unknown criteria and out-of-range ratings are refused.

    A save that changes something writes one SAVE event listing what changed (ratings before → after, criteria whose
    comment or root causes changed, the overall comment); an autosave that changes nothing writes none.
    """
    review = review_lock(review=review)
    if review.reviewer_id != actor.pk:
        raise PermissionDenied(_("Only the reviewer who started this review can change it."))
    if review.status != ReviewStatus.DRAFT:
        raise Conflict(_("This review was submitted; your last change was not saved."))
    criteria = {c.pk: c for c in _criteria(review)}
    unknown = set(ratings) - set(criteria)
    if unknown:
        raise ApplicationError(_("These criteria are not on the review's scorecard: {ids}").format(ids=sorted(unknown)))
    existing = {r.criterion_id: r for r in Rating.objects.filter(review=review)}
    changed: dict[str, Any] = {}
    for criterion_id, given in ratings.items():
        criterion = criteria[criterion_id]
        _check_rating(criterion, given)
        rating = existing.get(criterion_id)
        if rating is None:
            changed.setdefault("rated", {})[str(criterion_id)] = given.value
            rating = Rating(review=review, criterion=criterion)
        elif rating.value != given.value:
            changed.setdefault("ratings", {})[str(criterion_id)] = [rating.value, given.value]
        elif (rating.comment, rating.root_causes, rating.root_cause_text) == (
            given.comment,
            list(given.root_causes),
            given.root_cause_text,
        ):
            continue
        else:
            changed.setdefault("notes", []).append(criterion_id)
        rating.value = given.value
        rating.comment = given.comment
        rating.root_causes = list(given.root_causes)
        rating.root_cause_text = given.root_cause_text
        rating.save()
    if comment is not None and comment != review.comment:
        review.comment = comment
        changed["comment"] = True
    review.save(update_fields=["comment", "updated_at"])
    if changed:
        audit_record(actor=actor, action=Action.SAVE, review=review, **changed)
    return review


def _check_rating(criterion: Any, given: RatingInput) -> None:
    if given.value is not None:
        try:
            criterion_score(criterion.scale, given.value)
        except ScoringError as exc:
            raise ApplicationError(
                _("Rating {value} is not on the scale of “{criterion}”.").format(value=given.value, criterion=criterion)
            ) from exc
    known_causes = {rc["code"] for rc in criterion.root_causes}
    if set(given.root_causes) - known_causes:
        raise ApplicationError(_("Unknown root cause for “{criterion}”.").format(criterion=criterion))


@transaction.atomic
def review_change_scorecard(*, review: Review, actor: User, scorecard_version: ScorecardVersion) -> Review:
    """Move a draft with no ratings yet to another published scorecard version that applies to its interaction."""
    review = review_lock(review=review)
    _check_editable(review=review, actor=actor)
    if review.scorecard_version_id == scorecard_version.pk:
        return review
    if Rating.objects.filter(review=review).exists():
        raise ApplicationError(_("The scorecard can only be changed before the first rating."))
    if scorecard_version.pk not in {v.pk for v in scorecard_versions_for(interaction=review.interaction)}:
        raise ApplicationError(_("This scorecard does not apply to this interaction."))
    before = review.scorecard_version_id
    review.scorecard_version = scorecard_version
    review.save(update_fields=["scorecard_version", "updated_at"])
    audit_record(actor=actor, action=Action.SAVE, review=review, scorecard_version=[before, scorecard_version.pk])
    return review


@transaction.atomic
def review_submit(*, review: Review, actor: User) -> Review:
    """Score the review with the pure scoring function and submit it; every criterion needs a rating or N/A.

    Submitting twice (a double click, two tabs) submits once: the second answers a Conflict.
    """
    review = review_lock(review=review)
    if review.reviewer_id != actor.pk:
        raise PermissionDenied(_("Only the reviewer who started this review can change it."))
    if review.status != ReviewStatus.DRAFT:
        raise Conflict(_("This review has already been submitted."))
    criteria = _criteria(review)
    ratings = {r.criterion_id: r for r in Rating.objects.filter(review=review)}
    missing = [str(c) for c in criteria if c.pk not in ratings]
    if missing:
        raise ApplicationError(
            _("Rate every criterion (or mark it N/A) before submitting: {names}").format(names=", ".join(missing))
        )
    _score(review=review, criteria=criteria, ratings=ratings)
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = timezone.now()
    review.revision = 1
    review.original_score = review.score
    review.original_high_impact_errors = review.high_impact_errors
    review.original_low_impact_errors = review.low_impact_errors
    review.save(update_fields=[*_SCORE_FIELDS, "status", "submitted_at", "revision", *_ORIGINAL_FIELDS, "updated_at"])
    quality_rollup_refresh(slices=[review_slice(review)])
    _snapshot(review=review, actor=actor, ratings=ratings, criteria=criteria)
    ReviewAssignment.objects.filter(interaction_id=review.interaction_id, reviewer=actor, status=AssignmentStatus.OPEN).update(
        status=AssignmentStatus.DONE, review=review, done_at=review.submitted_at
    )
    audit_record(actor=actor, action=Action.SUBMIT, review=review, score=review.score)
    agent_user = review.agent.user
    if agent_user is not None:
        notify(
            recipient=agent_user,
            kind="review_submitted",
            subject=gettext_noop("A review of your work is ready: {score}"),
            params={"score": _format_score(review.score)},
            url=reverse("reviews:detail", args=[review.pk]),
        )
    return review


@transaction.atomic
def review_revise(
    *,
    review: Review,
    actor: User,
    values: dict[int, int | None],
    reason: str,
    dispute: Dispute | None = None,
    agent: Agent | None = None,
) -> Review:
    """Change ratings (criterion id -> value, None = N/A) or the credited agent of a submitted review.

    The review is rescored by the one scoring function and a new revision records the result; earlier
    revisions, including the original, stay as they were. Scores locked by a rejected dispute are never revised, and the
    review is never credited to its own reviewer unless self-review is allowed.
    """
    review = review_lock(review=review)
    if review.status != ReviewStatus.SUBMITTED:
        raise Conflict(_("Only a submitted review can be revised."))
    if review.scores_locked:
        raise Conflict(_("A dispute on this review was rejected: its scores are locked unless a QA lead reopens it."))
    if agent is not None and agent.pk != review.agent_id:
        check_not_self_review(reviewer_id=review.reviewer_id, agent=agent)
    criteria = _criteria(review)
    ratings = {r.criterion_id: r for r in Rating.objects.filter(review=review)}
    unknown = set(values) - set(ratings)
    if unknown:
        raise ApplicationError(_("These criteria are not on the review's scorecard: {ids}").format(ids=sorted(unknown)))
    slice_before = review_slice(review)
    before = {cid: ratings[cid].value for cid in values}
    for criterion_id, value in values.items():
        ratings[criterion_id].value = value
    Rating.objects.bulk_update([ratings[cid] for cid in values], ["value"])
    _score(review=review, criteria=criteria, ratings=ratings)
    changes: dict[str, Any] = {"ratings": {str(cid): [before[cid], v] for cid, v in values.items()}}
    if agent is not None and agent.pk != review.agent_id:
        changes["agent"] = [review.agent.username, agent.username]
        review.agent = agent
    review.revision += 1
    review.save(update_fields=[*_SCORE_FIELDS, "agent", "revision", "updated_at"])
    quality_rollup_refresh(slices=[slice_before, review_slice(review)])  # the old agent's slice too, if credit moved
    _snapshot(review=review, actor=actor, ratings=ratings, criteria=criteria, reason=reason, dispute=dispute)
    audit_record(actor=actor, action=Action.REVISE, review=review, dispute=dispute, score=review.score, reason=reason, **changes)
    return review


@transaction.atomic
def review_acknowledge(*, review: Review, actor: User) -> Review:
    """The credited agent confirms having read the review (once: acknowledging again changes nothing and records nothing)."""
    review = review_lock(review=review)
    if review.agent.user_id != actor.pk:
        raise PermissionDenied(_("Only the agent credited with this review can acknowledge it."))
    if review.status != ReviewStatus.SUBMITTED:
        raise ApplicationError(_("Only a submitted review can be acknowledged."))
    if review.acknowledged_at is None:
        review.acknowledged_at = timezone.now()
        review.save(update_fields=["acknowledged_at", "updated_at"])
        audit_record(actor=actor, action=Action.ACKNOWLEDGE, review=review)
    return review


@transaction.atomic
def coaching_note_add(*, review: Review, actor: User, body: str) -> CoachingNote:
    """A team lead (of the agent's team) or a QA lead adds a coaching note the agent will see.

    Only on a submitted review: a draft may still change and the agent cannot see it, so a note on it (and its
    notification) would point the agent at a page they cannot open.
    """
    review = review_lock(review=review)
    allowed = actor.role in {Role.QA_LEAD, Role.ADMIN} or (
        actor.role == Role.TEAM_LEAD and actor.team_id is not None and actor.team_id == review.agent.team_id
    )
    if not allowed:
        raise PermissionDenied(_("Only the agent's team lead or a QA lead can add coaching notes."))
    if review.status != ReviewStatus.SUBMITTED:
        raise Conflict(_("Coaching notes can be added once the review is submitted."))
    if not body.strip():
        raise ApplicationError(_("Write the coaching note first."))
    note = CoachingNote.objects.create(review=review, author=actor, body=body.strip())
    audit_record(actor=actor, action=Action.COACH, review=review, note=note.pk)
    if review.agent.user is not None:
        notify(
            recipient=review.agent.user,
            kind="coaching_note",
            subject=gettext_noop("{author} added a coaching note to your review"),
            params={"author": actor.get_full_name() or actor.username},
            url=reverse("reviews:detail", args=[review.pk]),
        )
    return note


def assignments_check_allowed(*, actor: User) -> None:
    """Only QA leads and admins assign reviews (checked before the API looks up what the request names)."""
    if actor.role not in {Role.QA_LEAD, Role.ADMIN}:
        raise PermissionDenied(_("Only QA leads can assign reviews."))


# "Assign all N matching" and "a random N" take at most this many interactions at a time.
BULK_MAX = 1000


@transaction.atomic
def assignments_create(
    *,
    interactions: list[Interaction],
    reviewer: User,
    actor: User,
    due_at: datetime | None = None,
    open_elsewhere: Literal["refuse", "skip"] = "refuse",
) -> list[ReviewAssignment]:
    """Put interactions in a reviewer's queue (QA leads and admins); ones already open for them are skipped.

    An interaction stays in one queue at a time: one already open in ANOTHER reviewer's queue is refused
    (`open_elsewhere="refuse"`, a Conflict naming who has it, and nothing is assigned) or left where it is
    (`"skip"`, what a sampling run does).
    Interactions credited to the reviewer's own agent are refused unless self-review is allowed.
    """
    assignments_check_allowed(actor=actor)
    if not reviewer.can_review:
        raise ApplicationError(_("{user} cannot review interactions.").format(user=reviewer.username))
    # The reviewer's row lock serialises assignments to one reviewer (two QA leads assigning the same interaction at
    # once, a sampling run beside a manual assignment): the "already open" check below then sees the other's rows.
    User.objects.select_for_update(no_key=True).filter(pk=reviewer.pk).first()
    _check_not_own_interactions(interactions=interactions, reviewer=reviewer)
    ids = [i.pk for i in interactions]
    # The interactions' row locks, in id order, serialise assignments of one interaction to two DIFFERENT reviewers
    # (two leads at once): the "open elsewhere" check below then sees the other's row (tests/concurrency).
    list(Interaction.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    already = set(
        ReviewAssignment.objects.filter(reviewer=reviewer, status=AssignmentStatus.OPEN, interaction_id__in=ids).values_list(
            "interaction_id", flat=True
        )
    )
    elsewhere = list(
        ReviewAssignment.objects.filter(status=AssignmentStatus.OPEN, interaction_id__in=ids)
        .exclude(reviewer=reviewer)
        .order_by("interaction__external_id")
        .values_list(
            "interaction_id", "interaction__external_id", "reviewer__first_name", "reviewer__last_name", "reviewer__username"
        )
    )
    if elsewhere and open_elsewhere == "refuse":
        raise Conflict(_open_elsewhere_message(elsewhere))
    skip = already | {row[0] for row in elsewhere}
    created = ReviewAssignment.objects.bulk_create(
        ReviewAssignment(interaction=i, reviewer=reviewer, assigned_by=actor, due_at=due_at)
        for i in dict.fromkeys(interactions)
        if i.pk not in skip
    )
    if created:
        notify(
            recipient=reviewer,
            kind="assigned",
            subject=gettext_noop("{count} interactions were added to your review queue"),
            params={"count": len(created)},
            url=reverse("reviews:queue"),
        )
    return created


def _open_elsewhere_message(rows: list[tuple[int, str, str, str, str]]) -> str:
    """ "INT-1 is already in Anna Rossi's queue; …": the first three by name, then how many more."""
    shown = [
        _("{interaction} is already in {name}'s review queue").format(
            interaction=external_id, name=f"{first} {last}".strip() or username
        )
        for _pk, external_id, first, last, username in rows[:3]
    ]
    text = "; ".join(shown)
    if len(rows) > 3:
        text += " " + _("(and {count} more)").format(count=len(rows) - 3)
    return text + ". " + _("Nothing was assigned: an interaction stays in one queue at a time.")


def _score(*, review: Review, criteria: list[Any], ratings: dict[int, Rating]) -> None:
    """Score with the pure function and store the figures on the review and its ratings (not saved: caller saves)."""
    try:
        result = score_review(
            [c.spec() for c in criteria],
            {str(cid): r.value for cid, r in ratings.items()},
            allow_above_100=review.scorecard_version.allow_above_100,
        )
    except ScoringError as exc:
        raise ApplicationError(_("A criterion that must be rated was marked N/A.")) from exc
    for criterion_id, rating in ratings.items():
        rating.score = result.criterion_scores[str(criterion_id)]
        rating.failed = str(criterion_id) in result.failed
    Rating.objects.bulk_update(ratings.values(), ["score", "failed"])
    review.score = result.score
    review.high_impact_errors = result.high_impact_errors
    review.low_impact_errors = result.low_impact_errors


def _snapshot(
    *,
    review: Review,
    actor: User,
    ratings: dict[int, Rating],
    criteria: list[Any],
    reason: str = "",
    dispute: Dispute | None = None,
) -> ReviewRevision:
    codes = {c.pk: c.code for c in criteria}
    return ReviewRevision.objects.create(
        review=review,
        number=review.revision,
        score=review.score,
        high_impact_errors=review.high_impact_errors,
        low_impact_errors=review.low_impact_errors,
        ratings=[
            {"criterion": cid, "code": codes[cid], "value": r.value, "score": r.score, "failed": r.failed}
            for cid, r in sorted(ratings.items())
        ],
        reason=reason,
        dispute=dispute,
        created_by=actor,
    )


_SCORE_FIELDS = ("score", "high_impact_errors", "low_impact_errors")
_ORIGINAL_FIELDS = ("original_score", "original_high_impact_errors", "original_low_impact_errors")


def review_lock(*, review: Review) -> Review:
    """Lock the review's row inside the caller's (atomic) transaction and re-read it in place: the caller's object then
    holds the state as it is now, not as it was loaded before the transaction.

    On PostgreSQL the lock (FOR NO KEY UPDATE: rows referencing the review can still be inserted) makes a racing
    transaction wait until this one commits, then read what it wrote; on SQLite select_for_update is a no-op, but the
    IMMEDIATE transaction already holds the database's write lock, so the read is just as fresh.
    """
    review.refresh_from_db(from_queryset=Review.objects.select_for_update(no_key=True))
    return review


def check_not_self_review(*, reviewer_id: int, agent: Agent) -> None:
    """Refuse to credit a review to the agent of its own reviewer, unless the organisation allows self-review."""
    if agent.user_id is not None and agent.user_id == reviewer_id and not OrgSettings.load().allow_self_review:
        raise PermissionDenied(_("A review cannot be credited to its own reviewer: self-review is not allowed."))


def _check_not_own_interactions(*, interactions: list[Interaction], reviewer: User) -> None:
    """Refuse interactions whose credited agent is the reviewer's own (self-review off), as review_create would."""
    if OrgSettings.load().allow_self_review:
        return
    ids = [i.pk for i in interactions]
    own = Interaction.objects.filter(pk__in=ids, agent__user=reviewer)
    last_handlers = InteractionAgent.objects.filter(interaction_id__in=ids, interaction__agent__isnull=True).order_by(
        "interaction_id", "-position"
    )
    mine = set(own.values_list("external_id", flat=True))
    seen: set[int] = set()
    for handler in last_handlers.select_related("agent", "interaction"):
        if handler.interaction_id not in seen:
            seen.add(handler.interaction_id)
            if handler.agent.user_id == reviewer.pk:
                mine.add(handler.interaction.external_id)
    if mine:
        raise PermissionDenied(
            _("{user} handled these interactions and cannot review their own work: {ids}").format(
                user=reviewer.username, ids=", ".join(sorted(mine))
            )
        )


def _format_score(score: float | None) -> float | str:
    """The score as `notify` writes it in the recipient's language (one decimal), or a dash when there is none."""
    return "—" if score is None else float(score)


def _check_editable(*, review: Review, actor: User) -> None:
    if review.reviewer_id != actor.pk:
        raise PermissionDenied(_("Only the reviewer who started this review can change it."))
    if review.status != ReviewStatus.DRAFT:
        raise Conflict(_("This review has been submitted and can no longer be edited."))


def _criteria(review: Review) -> list:  # type: ignore[type-arg]
    from qadesk.scorecards.models import Criterion

    return list(
        Criterion.objects.filter(section__version_id=review.scorecard_version_id)
        .select_related("section")
        .order_by("section__position", "position")
    )
