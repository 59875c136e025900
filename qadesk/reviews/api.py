"""Reviews over the API: list and read what you may see, create a draft, rate, submit."""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from qadesk.interactions.models import Interaction
from qadesk.reviews.models import Review
from qadesk.reviews.selectors import review_detail, review_list
from qadesk.reviews.services import RatingInput, review_create, review_save, review_submit
from qadesk.scorecards.models import ScorecardVersion

router = Router(tags=["reviews"])


class RatingOut(Schema):
    criterion: int = Field(alias="criterion_id")
    criterion_code: str = Field(alias="criterion.code")
    value: int | None
    score: float | None
    failed: bool
    comment: str
    root_causes: list[str]
    root_cause_text: str


class ReviewOut(Schema):
    id: int
    interaction: int = Field(alias="interaction_id")
    message: int | None = Field(alias="message_id")
    scorecard_version: int = Field(alias="scorecard_version_id")
    reviewer: str = Field(alias="reviewer.username")
    agent: str = Field(alias="agent.username")
    status: str
    comment: str
    score: float | None
    high_impact_errors: int
    low_impact_errors: int
    created_at: datetime
    submitted_at: datetime | None


class ReviewDetailOut(ReviewOut):
    ratings: list[RatingOut]

    @staticmethod
    def resolve_ratings(obj: Review) -> list[object]:
        return list(obj.ratings.all())


class ReviewIn(Schema):
    interaction: int
    scorecard_version: int | None = None
    message: int | None = None


class RatingIn(Schema):
    criterion: int
    value: int | None = None
    comment: str = ""
    root_causes: list[str] = []
    root_cause_text: str = ""


class RatingsIn(Schema):
    ratings: list[RatingIn]
    comment: str | None = None
    submit: bool = False


def _detail(request: HttpRequest, review_id: int) -> Review:
    return review_detail(actor=request.user, pk=review_id)  # type: ignore[arg-type]


@router.get("", response=list[ReviewOut])
@paginate(LimitOffsetPagination)
def list_reviews(request: HttpRequest, status: str | None = None, agent: str | None = None, interaction: int | None = None):  # type: ignore[no-untyped-def]
    filters = {"status": status, "interaction": interaction}
    reviews = review_list(actor=request.user, filters=filters)  # type: ignore[arg-type]
    return reviews.filter(agent__username=agent) if agent else reviews


@router.get("/{review_id}", response=ReviewDetailOut)
def get_review(request: HttpRequest, review_id: int) -> Review:
    return _detail(request, review_id)


@router.post("", response={201: ReviewDetailOut})
def create_review(request: HttpRequest, payload: ReviewIn) -> tuple[int, Review]:
    """Start a draft review of an interaction, or of one agent message of it."""
    interaction = get_object_or_404(Interaction.objects.visible_to(request.user), pk=payload.interaction)  # type: ignore[arg-type]
    version = get_object_or_404(ScorecardVersion, pk=payload.scorecard_version) if payload.scorecard_version else None
    message = get_object_or_404(interaction.messages, pk=payload.message) if payload.message else None
    review = review_create(interaction=interaction, actor=request.user, scorecard_version=version, message=message)  # type: ignore[arg-type]
    return 201, _detail(request, review.pk)


@router.put("/{review_id}/ratings", response=ReviewDetailOut)
def rate_review(request: HttpRequest, review_id: int, payload: RatingsIn) -> Review:
    """Save ratings (value null = N/A) and the overall comment of a draft; `submit: true` also submits it."""
    review = _detail(request, review_id)
    ratings = {
        r.criterion: RatingInput(value=r.value, comment=r.comment, root_causes=r.root_causes, root_cause_text=r.root_cause_text)
        for r in payload.ratings
    }
    review_save(review=review, actor=request.user, ratings=ratings, comment=payload.comment)  # type: ignore[arg-type]
    if payload.submit:
        review_submit(review=review, actor=request.user)  # type: ignore[arg-type]
    return _detail(request, review_id)


@router.post("/{review_id}/submit", response=ReviewDetailOut)
def submit_review(request: HttpRequest, review_id: int) -> Review:
    review_submit(review=_detail(request, review_id), actor=request.user)  # type: ignore[arg-type]
    return _detail(request, review_id)
