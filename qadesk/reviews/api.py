"""Reviews over the API: list and read what you may see, create a draft, rate, submit; the reviewer's queue,
acknowledgement, coaching notes, revisions, the audit trail and reopening locked scores.

Paths with a review id use the `int` converter so `/assignments` is never taken for a review id.
"""

from datetime import date, datetime
from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from qadesk.accounts.models import OrgSettings, User
from qadesk.audit.models import AuditEvent
from qadesk.core.api import ErrorOut, Pagination, paged_rows
from qadesk.core.exports import EXPORT_OPENAPI, ExportFormat, export_response
from qadesk.core.inputs import SMALL_INT_MAX, Id, parse_id
from qadesk.disputes.services import review_reopen
from qadesk.interactions.models import Interaction
from qadesk.reviews.exports import ratings_table, reviews_table
from qadesk.reviews.models import AssignmentStatus, CoachingNote, Review, ReviewAssignment, ReviewRevision
from qadesk.reviews.selectors import assignment_queue, review_detail, review_list
from qadesk.reviews.services import (
    RatingInput,
    assignments_check_allowed,
    assignments_create,
    coaching_note_add,
    review_acknowledge,
    review_create,
    review_save,
    review_submit,
)
from qadesk.scorecards.models import ScorecardVersion

router = Router(tags=["reviews"])
ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 403: ErrorOut, 409: ErrorOut}


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
    reviewer: str
    agent: str
    status: str
    comment: str
    score: float | None
    high_impact_errors: int
    low_impact_errors: int
    created_at: datetime
    submitted_at: datetime | None
    revision: int = Field(description="0 while draft, 1 as submitted, +1 per revision (e.g. after a dispute).")
    original_score: float | None = Field(description="The score as first submitted, before any revision.")
    acknowledged_at: datetime | None = Field(description="When the agent confirmed reading the review.")
    scores_locked: bool = Field(description="True after a rejected dispute, until a QA lead reopens the review.")
    transcript: int | None = Field(
        None,
        description="The transcript revision the review scored, when a re-import revised the transcript after it "
        "(GET /interactions/{id}/transcripts/{number}); null: the current transcript.",
    )

    # Resolvers, not dotted aliases ("agent.username"): ninja resolves an alias through Django's template Variable.
    @staticmethod
    def resolve_reviewer(obj: Any) -> str:
        return str(obj.reviewer.username)

    @staticmethod
    def resolve_agent(obj: Any) -> str:
        return str(obj.agent.username)

    @staticmethod
    def resolve_transcript(obj: Any) -> int | None:
        return int(obj.transcript.number) if obj.transcript_id else None


class ReviewDetailOut(ReviewOut):
    ratings: list[RatingOut]

    @staticmethod
    def resolve_ratings(obj: Review) -> list[object]:
        return list(obj.ratings.all())


class ReviewIn(Schema):
    interaction: Id
    scorecard_version: Id | None = None
    message: Id | None = None


class RatingIn(Schema):
    criterion: Id
    value: int | None = Field(None, ge=-SMALL_INT_MAX, le=SMALL_INT_MAX)
    comment: str = ""
    root_causes: list[str] = []
    root_cause_text: str = Field("", max_length=300)


class RatingsIn(Schema):
    ratings: list[RatingIn]
    comment: str | None = None
    submit: bool = False


def _detail(request: HttpRequest, review_id: int) -> Review:
    return review_detail(actor=request.user, pk=review_id)  # type: ignore[arg-type]


class ReviewFilters(Schema):
    status: str | None = None
    agent: str | None = Field(None, description="The agent's username")
    interaction: Id | None = None
    reviewer: str | None = Field(None, description="The reviewer's username")
    team: Id | None = None
    site: Id | None = None
    date_from: date | None = Field(None, description="Submitted on or after this local date (drafts have no date)")
    date_to: date | None = Field(None, description="Submitted on or before this local date")
    score_min: float | None = None
    score_max: float | None = None
    high_impact: bool | None = Field(None, description="true: with high-impact errors; false: without")
    q: str | None = Field(
        None, max_length=300, description="Text in the interaction's external id or subject, or the agent's name"
    )
    sort: str | None = Field(
        None,
        max_length=30,
        description="id (default: -id), date, score, status, agent, reviewer, interaction or errors; "
        "a leading - sorts descending; ties are broken by id",
    )


class PagedReviewOut(Schema):
    items: list[ReviewOut]
    count: int


_LIST_COLUMNS = (
    "id",
    "interaction_id",
    "message_id",
    "scorecard_version_id",
    "reviewer__username",
    "agent__username",
    "status",
    "comment",
    "score",
    "high_impact_errors",
    "low_impact_errors",
    "created_at",
    "submitted_at",
    "revision",
    "original_score",
    "acknowledged_at",
    "scores_locked",
    "transcript__number",
)


def _item(row: dict[str, Any]) -> dict[str, Any]:
    """One ReviewOut from a values() row."""
    return {
        "id": row["id"],
        "interaction": row["interaction_id"],
        "message": row["message_id"],
        "scorecard_version": row["scorecard_version_id"],
        "reviewer": row["reviewer__username"],
        "agent": row["agent__username"],
        "status": row["status"],
        "comment": row["comment"],
        "score": row["score"],
        "high_impact_errors": row["high_impact_errors"],
        "low_impact_errors": row["low_impact_errors"],
        "created_at": row["created_at"],
        "submitted_at": row["submitted_at"],
        "revision": row["revision"],
        "original_score": row["original_score"],
        "acknowledged_at": row["acknowledged_at"],
        "scores_locked": row["scores_locked"],
        "transcript": row["transcript__number"],
    }


@router.get("", response=PagedReviewOut)
def list_reviews(request: HttpRequest, filters: Query[ReviewFilters], page: Query[Pagination.Input]) -> HttpResponse:
    """Reviews you may see, newest first unless `sort` says otherwise, filtered like the review list page."""
    return paged_rows(_filtered_reviews(request, filters), page, columns=_LIST_COLUMNS, item=_item)


def _filtered_reviews(request: HttpRequest, filters: ReviewFilters) -> QuerySet[Review]:
    """The reviews the list (and its exports) show for these filters: visible to the user, filtered, sorted."""
    query = filters.model_dump(exclude_none=True)
    sort = query.pop("sort", None)
    agent, reviewer = query.pop("agent", None), query.pop("reviewer", None)
    reviews = review_list(actor=request.user, filters=query, sort=sort)  # type: ignore[arg-type]
    if agent:
        reviews = reviews.filter(agent__username=agent)
    if reviewer:
        reviews = reviews.filter(reviewer__username=reviewer)
    return reviews


@router.get("/export", openapi_extra=EXPORT_OPENAPI, summary="Reviews as CSV or xlsx")
def export_reviews(request: HttpRequest, filters: Query[ReviewFilters], format: ExportFormat = "csv") -> HttpResponseBase:
    """The reviews `GET /reviews` lists (same filters), every one of them, as a file (`format=csv|xlsx`)."""
    reviews = _filtered_reviews(request, filters)
    return export_response(reviews_table(reviews=reviews, pass_mark=OrgSettings.load().pass_mark), fmt=format)


@router.get("/ratings/export", openapi_extra=EXPORT_OPENAPI, summary="Ratings as CSV or xlsx")
def export_ratings(request: HttpRequest, filters: Query[ReviewFilters], format: ExportFormat = "csv") -> HttpResponseBase:
    """The ratings of the reviews `GET /reviews` lists, one row per review × criterion, as a file (`format=csv|xlsx`)."""
    return export_response(ratings_table(reviews=_filtered_reviews(request, filters)), fmt=format)


@router.get("/{int:review_id}", response=ReviewDetailOut)
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


@router.put("/{int:review_id}/ratings", response={200: ReviewDetailOut, **ERRORS})
def rate_review(request: HttpRequest, review_id: int, payload: RatingsIn) -> Review:
    """Save ratings (value null = N/A) and the overall comment of a draft; `submit: true` also submits it.

    409 when the review has been submitted meanwhile (another tab, a double click): nothing of this call is saved."""
    review = _detail(request, review_id)
    ratings = {
        r.criterion: RatingInput(value=r.value, comment=r.comment, root_causes=r.root_causes, root_cause_text=r.root_cause_text)
        for r in payload.ratings
    }
    review_save(review=review, actor=request.user, ratings=ratings, comment=payload.comment)  # type: ignore[arg-type]
    if payload.submit:
        review_submit(review=review, actor=request.user)  # type: ignore[arg-type]
    return _detail(request, review_id)


@router.post("/{int:review_id}/submit", response={200: ReviewDetailOut, **ERRORS})
def submit_review(request: HttpRequest, review_id: int) -> Review:
    """Score and submit a draft. Submitting a submitted review answers 409 (a double submit submits once)."""
    review_submit(review=_detail(request, review_id), actor=request.user)  # type: ignore[arg-type]
    return _detail(request, review_id)


# --- The reviewer's queue -------------------------------------------------------------------------------------------


class AssignmentsIn(Schema):
    interactions: list[Id] = Field(min_length=1, description="Ids of the interactions to put in the queue.")
    reviewer: str = Field(max_length=150, description="The reviewer's username or id.")
    due_at: datetime | None = None


class AssignmentOut(Schema):
    id: int
    interaction: int = Field(alias="interaction_id")
    external_id: str = Field(alias="interaction.external_id")
    reviewer: str = Field(alias="reviewer.username")
    assigned_by: str = Field(alias="assigned_by.username")
    status: str
    due_at: datetime | None
    review: int | None = Field(alias="review_id")
    created_at: datetime


def _user(ref: str) -> User:
    """A user by username, or by id when the reference is a number."""
    pk = parse_id(ref)
    return get_object_or_404(User, is_active=True, **({"pk": pk} if pk is not None else {"username": ref}))


@router.post("/assignments", response={201: list[AssignmentOut], **ERRORS}, summary="Assign interactions")
def create_assignments(request: HttpRequest, payload: AssignmentsIn) -> tuple[int, list[ReviewAssignment]]:
    """Put interactions in a reviewer's queue (QA leads and admins). Ones already open for that reviewer are skipped:
    the answer lists only the assignments created (two leads assigning the same one at once make one). Interactions
    credited to the reviewer's own agent are refused (403) unless self-review is allowed."""
    assignments_check_allowed(actor=request.user)  # type: ignore[arg-type]  # before looking anything up
    ids = set(payload.interactions)
    interactions = list(Interaction.objects.visible_to(request.user).filter(pk__in=ids))  # type: ignore[arg-type]
    if len(interactions) != len(ids):
        raise Http404
    created = assignments_create(
        interactions=interactions,
        reviewer=_user(payload.reviewer),
        actor=request.user,  # type: ignore[arg-type]
        due_at=payload.due_at,
    )
    assignments = ReviewAssignment.objects.filter(pk__in=[a.pk for a in created])
    return 201, list(assignments.select_related("interaction", "reviewer", "assigned_by"))


@router.get("/assignments", response=list[AssignmentOut], summary="Review queue")
@paginate(Pagination)
def list_assignments(request: HttpRequest, mine: bool = True) -> QuerySet[ReviewAssignment]:
    """Open assignments, earliest due first: the caller's queue, or (`mine=false`, QA leads and managers) everyone's."""
    user: User = request.user  # type: ignore[assignment]
    if not mine and user.sees_everything:
        everyone = ReviewAssignment.objects.filter(status=AssignmentStatus.OPEN)
        return everyone.select_related("interaction", "reviewer", "assigned_by").order_by(
            F("due_at").asc(nulls_last=True), "created_at"
        )
    return assignment_queue(actor=user).select_related("reviewer")


# --- Acknowledgement, coaching, revisions, audit, reopening ------------------------------------------------------------


class CoachingNoteIn(Schema):
    body: str


class CoachingNoteOut(Schema):
    id: int
    author: str = Field(alias="author.username")
    body: str
    created_at: datetime


class RevisionRatingOut(Schema):
    criterion: int
    code: str
    value: int | None
    score: float | None
    failed: bool


class RevisionOut(Schema):
    number: int
    score: float | None
    high_impact_errors: int
    low_impact_errors: int
    ratings: list[RevisionRatingOut]
    reason: str
    dispute: int | None = Field(alias="dispute_id")
    created_by: str = Field(alias="created_by.username")
    created_at: datetime


class AuditEventOut(Schema):
    id: int
    created_at: datetime
    actor: str | None = Field(None, alias="actor.username")
    action: str
    dispute: int | None = Field(alias="dispute_id")
    changes: dict[str, Any]


@router.post("/{int:review_id}/acknowledge", response={200: ReviewOut, **ERRORS})
def acknowledge_review(request: HttpRequest, review_id: int) -> Review:
    """The credited agent confirms having read the review; acknowledging again changes nothing and records nothing."""
    return review_acknowledge(review=_detail(request, review_id), actor=request.user)  # type: ignore[arg-type]


@router.get("/{int:review_id}/coaching-notes", response=list[CoachingNoteOut])
def list_coaching_notes(request: HttpRequest, review_id: int) -> QuerySet[CoachingNote]:
    return _detail(request, review_id).coaching_notes.select_related("author")


@router.post("/{int:review_id}/coaching-notes", response={201: CoachingNoteOut, **ERRORS})
def add_coaching_note(request: HttpRequest, review_id: int, payload: CoachingNoteIn) -> tuple[int, CoachingNote]:
    """A team lead of the agent's team, or a QA lead, adds a note the agent will see; only on a submitted review (409
    on a draft)."""
    note = coaching_note_add(review=_detail(request, review_id), actor=request.user, body=payload.body)  # type: ignore[arg-type]
    return 201, note


@router.get("/{int:review_id}/revisions", response=list[RevisionOut])
def list_revisions(request: HttpRequest, review_id: int) -> QuerySet[ReviewRevision]:
    """Every revision of the scores, the original (number 1) first."""
    return _detail(request, review_id).revisions.select_related("created_by").order_by("number")


@router.get("/{int:review_id}/audit", response=list[AuditEventOut])
def list_audit_events(request: HttpRequest, review_id: int) -> QuerySet[AuditEvent]:
    """The review's audit trail, oldest first: who did what, when, and what changed."""
    review = _detail(request, review_id)
    events = AuditEvent.objects.visible_to(request.user).filter(review=review)  # type: ignore[arg-type]
    return events.select_related("actor").order_by("created_at", "id")


@router.post("/{int:review_id}/reopen", response={200: ReviewOut, **ERRORS})
def reopen_review(request: HttpRequest, review_id: int) -> Review:
    """A QA lead lets the agent dispute the review again: scores locked by a rejected dispute are unlocked and criteria
    already decided in a dispute may be contested once more. 409 when there is nothing to reopen; 403 on one's own
    review."""
    return review_reopen(review=_detail(request, review_id), actor=request.user)  # type: ignore[arg-type]
