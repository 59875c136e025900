"""Disputes over the API: list and read the disputes you may see, open one, discuss, escalate, decide."""

from datetime import datetime
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from qadesk.accounts.models import Agent, User
from qadesk.core.api import ErrorOut, Pagination
from qadesk.core.exports import EXPORT_OPENAPI, ExportFormat, export_response
from qadesk.core.inputs import SMALL_INT_MAX, Id, parse_id
from qadesk.disputes.exports import disputes_table
from qadesk.disputes.models import Dispute, DisputeMessage, DisputeStatus
from qadesk.disputes.selectors import dispute_list
from qadesk.disputes.services import ContestedCriterion, dispute_comment, dispute_decide, dispute_escalate, dispute_open
from qadesk.reviews.models import Review

router = Router(tags=["disputes"])

_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 403: ErrorOut, 409: ErrorOut}


class DisputeFilters(Schema):
    status: Literal["open", "escalated", "decided"] | None = None
    overdue: bool | None = Field(None, description="true: undecided past the decision date; false: the others.")


class DisputeOut(Schema):
    id: int
    review: int = Field(alias="review_id")
    agent: str = Field(alias="review.agent.username")
    raised_by: str = Field(alias="raised_by.username")
    assignee: str = Field(alias="assignee.username")
    kind: str
    status: str
    outcome: str
    created_at: datetime
    due_at: datetime
    decided_at: datetime | None
    overdue: bool

    @staticmethod
    def resolve_overdue(obj: Dispute) -> bool:
        return obj.status != DisputeStatus.DECIDED and obj.due_at < timezone.now()


class DisputeItemOut(Schema):
    criterion: int = Field(alias="criterion_id")
    criterion_code: str = Field(alias="criterion.code")
    original_value: int | None
    proposed_value: int | None
    accepted: bool | None
    decided_value: int | None


class DisputeMessageOut(Schema):
    id: int
    author: str = Field(alias="author.username")
    body: str
    created_at: datetime


class DisputeDetailOut(DisputeOut):
    argument: str
    decision_note: str
    decided_by: str | None = Field(None, alias="decided_by.username")
    items: list[DisputeItemOut]
    thread: list[DisputeMessageOut]

    @staticmethod
    def resolve_items(obj: Dispute) -> list[object]:
        return list(obj.items.all())

    @staticmethod
    def resolve_thread(obj: Dispute) -> list[object]:
        return list(obj.thread.all())


class ContestedIn(Schema):
    criterion: Id
    proposed_value: int | None = Field(
        None, ge=-SMALL_INT_MAX, le=SMALL_INT_MAX, description="The rating the agent proposes; omit for no proposal."
    )


class DisputeIn(Schema):
    review: Id
    kind: Literal["criteria", "wrong_agent"] = "criteria"
    argument: str
    items: list[ContestedIn] = []


class MessageIn(Schema):
    body: str


class AcceptedIn(Schema):
    criterion: Id
    value: int | None = Field(
        None,
        ge=-SMALL_INT_MAX,
        le=SMALL_INT_MAX,
        description="The rating to set; omit it to accept the agent's proposal, send null to set N/A.",
    )


class DecisionIn(Schema):
    accepted: list[AcceptedIn] = Field([], description="Contested criteria accepted; the others are rejected.")
    note: str = ""
    credit_agent: str | None = Field(
        None, max_length=150, description="For a wrong-agent dispute: the agent (username or id) to credit."
    )


def _disputes(request: HttpRequest) -> QuerySet[Dispute]:
    return Dispute.objects.visible_to(request.user).select_related(  # type: ignore[arg-type]
        "review__agent", "raised_by", "assignee", "decided_by"
    )


def _detail(request: HttpRequest, dispute_id: int) -> Dispute:
    disputes = _disputes(request).prefetch_related("items__criterion", "thread__author")
    return get_object_or_404(disputes, pk=dispute_id)


@router.get("", response=list[DisputeOut], summary="List disputes")
@paginate(Pagination)
def list_disputes(request: HttpRequest, filters: Query[DisputeFilters]) -> QuerySet[Dispute]:
    """Disputes you may see, newest first; `overdue=true` lists the undecided ones past their decision date."""
    disputes = _disputes(request)
    if filters.status:
        disputes = disputes.filter(status=filters.status)
    if filters.overdue is not None:
        late = disputes.exclude(status=DisputeStatus.DECIDED).filter(due_at__lt=timezone.now())
        disputes = late if filters.overdue else disputes.exclude(pk__in=late.values("pk"))
    return disputes.order_by("-created_at", "-id")


@router.get("/export", openapi_extra=EXPORT_OPENAPI, summary="Disputes as CSV or xlsx")
def export_disputes(request: HttpRequest, filters: Query[DisputeFilters], format: ExportFormat = "csv") -> HttpResponseBase:
    """The disputes `GET /disputes` lists (same filters), every one of them, as a file (`format=csv|xlsx`)."""
    disputes = dispute_list(actor=request.user, filters={"status": filters.status, "overdue": filters.overdue})  # type: ignore[arg-type]
    if filters.overdue is False:
        late = disputes.exclude(status=DisputeStatus.DECIDED).filter(due_at__lt=timezone.now())
        disputes = disputes.exclude(pk__in=late.values("pk"))
    return export_response(disputes_table(disputes=disputes), fmt=format)


@router.get("/{int:dispute_id}", response=DisputeDetailOut, summary="Read a dispute")
def get_dispute(request: HttpRequest, dispute_id: int) -> Dispute:
    """A dispute with its contested criteria, its discussion and, once decided, the outcome."""
    return _detail(request, dispute_id)


@router.post("", response={201: DisputeDetailOut, **_ERRORS}, summary="Open a dispute")
def open_dispute(request: HttpRequest, payload: DisputeIn) -> tuple[int, Dispute]:
    """The agent credited with a submitted review contests criteria of it, or the crediting, within the dispute window.

    One undecided dispute per review (409 while one is open), and each finding once: criteria already decided in a
    dispute, or the crediting, cannot be contested again (400) unless a QA lead reopens the review."""
    review = get_object_or_404(Review.objects.visible_to(request.user), pk=payload.review)  # type: ignore[arg-type]
    dispute = dispute_open(
        review=review,
        actor=request.user,  # type: ignore[arg-type]
        argument=payload.argument,
        items=[ContestedCriterion(criterion_id=i.criterion, proposed_value=i.proposed_value) for i in payload.items],
        kind=payload.kind,
    )
    return 201, _detail(request, dispute.pk)


@router.post("/{int:dispute_id}/messages", response={201: DisputeMessageOut, **_ERRORS}, summary="Write in a dispute")
def add_message(request: HttpRequest, dispute_id: int, payload: MessageIn) -> tuple[int, DisputeMessage]:
    return 201, dispute_comment(dispute=_detail(request, dispute_id), actor=request.user, body=payload.body)  # type: ignore[arg-type]


@router.post("/{int:dispute_id}/escalate", response={200: DisputeDetailOut, **_ERRORS}, summary="Escalate a dispute")
def escalate_dispute(request: HttpRequest, dispute_id: int) -> Dispute:
    """Hand the dispute to a QA lead (the agent or the reviewer may ask)."""
    dispute_escalate(dispute=_detail(request, dispute_id), actor=request.user)  # type: ignore[arg-type]
    return _detail(request, dispute_id)


@router.post("/{int:dispute_id}/decide", response={200: DisputeDetailOut, **_ERRORS}, summary="Decide a dispute")
def decide_dispute(request: HttpRequest, dispute_id: int, payload: DecisionIn) -> Dispute:
    """Accept some, all or none of the contested criteria; accepted changes revise the review, a rejection locks it.

    409 when the dispute was decided meanwhile (the first decision stands). A wrong-agent decision credits one of the
    agents who handled the contact, never the review's own reviewer nor the person deciding (unless self-review is
    allowed), and nobody decides a dispute they raised (403)."""
    user: User = request.user  # type: ignore[assignment]
    accepted: dict[int, int | bool | None] = {
        a.criterion: a.value if "value" in a.model_fields_set else True for a in payload.accepted
    }
    credit = _agent(user, payload.credit_agent) if payload.credit_agent else None
    dispute_decide(dispute=_detail(request, dispute_id), actor=user, accepted=accepted, note=payload.note, credit_agent=credit)
    return _detail(request, dispute_id)


def _agent(user: User, ref: str) -> Agent:
    pk = parse_id(ref)
    return get_object_or_404(Agent.objects.visible_to(user), **({"pk": pk} if pk is not None else {"username": ref}))
