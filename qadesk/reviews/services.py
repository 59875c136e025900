"""Writing reviews: create, save a draft, submit. The score comes only from scorecards.scoring."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import Agent, OrgSettings, User
from qadesk.core.errors import ApplicationError, PermissionDenied
from qadesk.interactions.models import Interaction, Message
from qadesk.reviews.models import Rating, Review, ReviewStatus
from qadesk.scorecards.models import ScorecardVersion, VersionStatus
from qadesk.scorecards.scoring import ScoringError, criterion_score, score_review
from qadesk.scorecards.selectors import scorecard_versions_for


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
    return Review.objects.create(
        interaction=interaction, message=message, scorecard_version=scorecard_version, reviewer=actor, agent=agent
    )


def _credited_agent(interaction: Interaction) -> Agent | None:
    if interaction.agent_id:
        return interaction.agent
    handler = interaction.handlers.select_related("agent").order_by("-position").first()
    return handler.agent if handler else None


@transaction.atomic
def review_save(*, review: Review, actor: User, ratings: dict[int, RatingInput], comment: str | None = None) -> Review:
    """Save a draft's ratings (criterion id -> input); unknown criteria and out-of-range ratings are refused."""
    _check_editable(review=review, actor=actor)
    criteria = {c.pk: c for c in _criteria(review)}
    unknown = set(ratings) - set(criteria)
    if unknown:
        raise ApplicationError(_("These criteria are not on the review's scorecard: {ids}").format(ids=sorted(unknown)))
    existing = {r.criterion_id: r for r in Rating.objects.filter(review=review)}
    for criterion_id, given in ratings.items():
        criterion = criteria[criterion_id]
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
        rating = existing.get(criterion_id) or Rating(review=review, criterion=criterion)
        rating.value = given.value
        rating.comment = given.comment
        rating.root_causes = list(given.root_causes)
        rating.root_cause_text = given.root_cause_text
        rating.save()
    if comment is not None:
        review.comment = comment
    review.save()
    return review


@transaction.atomic
def review_submit(*, review: Review, actor: User) -> Review:
    """Score the review with the pure scoring function and submit it; every criterion needs a rating or N/A."""
    _check_editable(review=review, actor=actor)
    criteria = _criteria(review)
    ratings = {r.criterion_id: r for r in Rating.objects.filter(review=review)}
    missing = [str(c) for c in criteria if c.pk not in ratings]
    if missing:
        raise ApplicationError(
            _("Rate every criterion (or mark it N/A) before submitting: {names}").format(names=", ".join(missing))
        )
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
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = timezone.now()
    review.save()
    return review


def _check_editable(*, review: Review, actor: User) -> None:
    if review.reviewer_id != actor.pk:
        raise PermissionDenied(_("Only the reviewer who started this review can change it."))
    if review.status != ReviewStatus.DRAFT:
        raise ApplicationError(_("This review has been submitted and can no longer be edited."))


def _criteria(review: Review) -> list:  # type: ignore[type-arg]
    from qadesk.scorecards.models import Criterion

    return list(
        Criterion.objects.filter(section__version_id=review.scorecard_version_id)
        .select_related("section")
        .order_by("section__position", "position")
    )
