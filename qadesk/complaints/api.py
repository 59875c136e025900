"""The complaint register over the API: list, read, log, edit, link contacts, record actions, move the status, report."""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from qadesk.accounts.models import Team, User
from qadesk.complaints.exports import complaints_table
from qadesk.complaints.models import Complaint, ComplaintAction, ComplaintCategory
from qadesk.complaints.querysets import OPEN_STATUSES
from qadesk.complaints.selectors import SORTS, complaint_detail, complaint_list, complaint_report, report_as_dict
from qadesk.complaints.services import (
    complaint_act,
    complaint_create,
    complaint_link,
    complaint_transition,
    complaint_unlink,
    complaint_update,
)
from qadesk.core.api import ErrorOut, Pagination
from qadesk.core.errors import InvalidInput
from qadesk.core.exports import EXPORT_OPENAPI, ExportFormat, export_response
from qadesk.core.i18n import pick
from qadesk.core.inputs import Id
from qadesk.interactions.models import Customer, Interaction

router = Router(tags=["complaints"])

_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 403: ErrorOut, 409: ErrorOut}
Status = Literal["open", "in_progress", "resolved", "rejected"]
SeverityIn = Literal["low", "medium", "high", "critical"]
PhaseIn = Literal["demand", "purchase", "delivery", "reception", "evaluation", ""]
SortIn = Literal[tuple(s for key in SORTS for s in (key, f"-{key}"))]  # type: ignore[valid-type]


class ComplaintFilters(Schema):
    status: Status | None = None
    category: Id | None = None
    team: Id | None = None
    overdue: bool | None = Field(None, description="true: still open past the due date; false: the others.")
    sort: SortIn | None = Field(None, description="created, due, severity, status or category; '-' first: descending.")  # type: ignore[valid-type]

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.dict().items() if v is not None}


class CategoryOut(Schema):
    id: int
    code: str
    name: str = Field(description="In the caller's language.")
    names: dict[str, str] = Field(description="The name in each language.")
    target_hours: int
    active: bool

    @staticmethod
    def resolve_name(obj: ComplaintCategory) -> str:
        return pick(obj.name) or obj.code

    @staticmethod
    def resolve_names(obj: ComplaintCategory) -> dict[str, str]:
        return dict(obj.name)


class ComplaintOut(Schema):
    id: int
    source: str
    external_id: str
    customer: str | None = Field(None, alias="customer.external_id")
    category: str = Field(alias="category.code")
    severity: str
    phase: str
    team: int | None = Field(None, alias="team_id")
    owner: str | None = Field(None, alias="owner.username")
    status: str
    created_at: datetime
    due_at: datetime
    closed_at: datetime | None
    overdue: bool

    @staticmethod
    def resolve_overdue(obj: Complaint) -> bool:
        return obj.status in OPEN_STATUSES and obj.due_at < timezone.now()


class ActionOut(Schema):
    id: int
    actor: str | None = Field(None, alias="actor.username")
    kind: str
    body: str
    created_at: datetime


class ComplaintDetailOut(ComplaintOut):
    description: str
    root_cause: str
    outcome: str
    interactions: list[int]
    actions: list[ActionOut]

    @staticmethod
    def resolve_interactions(obj: Complaint) -> list[int]:
        return [i.pk for i in obj.interactions.all()]

    @staticmethod
    def resolve_actions(obj: Complaint) -> list[ComplaintAction]:
        return list(obj.actions.all())


class ComplaintIn(Schema):
    category: str = Field(max_length=50, description="The category's code.")
    description: str = Field(min_length=1, max_length=20_000)
    severity: SeverityIn = "medium"
    phase: PhaseIn = Field("", description="Default: the first linked interaction's phase.")
    customer: str | None = Field(None, max_length=100, description="The customer's external id; default: the interaction's.")
    interactions: list[Id] = Field([], max_length=100, description="Ids of the interactions the complaint is about.")
    owner: str | None = Field(None, max_length=150, description="Username of who handles it.")
    team: Id | None = None


class ComplaintPatch(Schema):
    category: str | None = Field(None, max_length=50)
    description: str | None = Field(None, min_length=1, max_length=20_000)
    severity: SeverityIn | None = None
    phase: PhaseIn | None = None
    customer: str | None = Field(None, max_length=100)
    owner: str | None = Field(None, max_length=150)
    team: Id | None = None


class ActionIn(Schema):
    kind: Literal["note", "contact", "remedy", "escalation"] = "note"
    body: str = Field(min_length=1, max_length=10_000)


class TransitionIn(Schema):
    status: Status
    root_cause: str = Field("", max_length=10_000)
    outcome: str = Field("", max_length=10_000)
    note: str = Field("", max_length=2000)


class LinkIn(Schema):
    interaction: Id


class ReportQuery(Schema):
    by: Literal["category", "phase", "team", "period"] = "category"
    date_from: date | None = Field(None, alias="from")
    date_to: date | None = Field(None, alias="to")


def _complaint(request: HttpRequest, complaint_id: int) -> Complaint:
    return complaint_detail(actor=request.user, pk=complaint_id)  # type: ignore[arg-type]


def _category(code: str, field: tuple[str, ...]) -> ComplaintCategory:
    found = ComplaintCategory.objects.filter(code=code).first()
    if found is None:
        raise InvalidInput(_("no category with the code {code}").format(code=code), field=field)
    return found


def _owner(username: str) -> User:
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise InvalidInput(_("no active user {name}").format(name=username), field=("body", "payload", "owner"))
    return found


def _customer(ref: str | None) -> Customer | None:
    return Customer.objects.get_or_create(external_id=ref)[0] if ref else None


@router.get("", response=list[ComplaintOut], summary="List complaints")
@paginate(Pagination)
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilters]) -> Any:
    """Complaints you may see, newest first unless `sort` says otherwise."""
    return complaint_list(actor=request.user, filters=filters.as_dict())  # type: ignore[arg-type]


@router.get("/export", openapi_extra=EXPORT_OPENAPI, summary="Complaints as CSV or xlsx")
def export_complaints(request: HttpRequest, filters: Query[ComplaintFilters], format: ExportFormat = "csv") -> HttpResponseBase:
    """The complaints `GET /complaints` lists (same filters), every one of them, as a file (`format=csv|xlsx`)."""
    complaints = complaint_list(actor=request.user, filters=filters.as_dict())  # type: ignore[arg-type]
    return export_response(complaints_table(complaints=complaints), fmt=format)


@router.get("/categories", response=list[CategoryOut], summary="List complaint categories")
def list_categories(request: HttpRequest) -> Any:
    """The categories an admin defined, with their resolution targets in hours."""
    return ComplaintCategory.objects.order_by("code")


@router.get("/report", summary="The complaint register report")
def report(request: HttpRequest, query: Query[ReportQuery]) -> dict[str, Any]:
    """Counts by category, phase, team or month (`period`) over complaints logged from `from` to `to` (inclusive);
    median and 90th percentile hours to resolve; share closed within target with its Wilson 95 % interval; repeat
    complainants."""
    found = complaint_report(actor=request.user, by=query.by, date_from=query.date_from, date_to=query.date_to)  # type: ignore[arg-type]
    return report_as_dict(found)


@router.get("/{int:complaint_id}", response=ComplaintDetailOut, summary="Read a complaint")
def get_complaint(request: HttpRequest, complaint_id: int) -> Complaint:
    """A complaint with its linked interactions and its timeline of actions."""
    return _complaint(request, complaint_id)


@router.post("", response={201: ComplaintDetailOut, **_ERRORS}, summary="Log a complaint")
def create_complaint(request: HttpRequest, payload: ComplaintIn) -> tuple[int, Complaint]:
    """Log a complaint; the interactions must be ones you may see (404 otherwise). The due date follows the category's
    resolution target; the owner is notified."""
    user: User = request.user  # type: ignore[assignment]
    interactions = [get_object_or_404(Interaction.objects.visible_to(user), pk=pk) for pk in dict.fromkeys(payload.interactions)]
    complaint = complaint_create(
        actor=user,
        category=_category(payload.category, ("body", "payload", "category")),
        description=payload.description,
        severity=payload.severity,
        phase=payload.phase,
        customer=_customer(payload.customer),
        interactions=interactions,
        owner=_owner(payload.owner) if payload.owner else None,
        team=get_object_or_404(Team, pk=payload.team) if payload.team else None,
    )
    return 201, _complaint(request, complaint.pk)


@router.patch("/{int:complaint_id}", response={200: ComplaintDetailOut, **_ERRORS}, summary="Edit a complaint")
def update_complaint(request: HttpRequest, complaint_id: int, payload: ComplaintPatch) -> Complaint:
    """Change what the body names; a new category moves the due date, a new owner is notified. 409 once closed."""
    sent = payload.model_fields_set
    fields: dict[str, Any] = {}
    for name in ("description", "severity", "phase"):
        if name in sent and getattr(payload, name) is not None:
            fields[name] = getattr(payload, name)
    if "category" in sent and payload.category:
        fields["category"] = _category(payload.category, ("body", "payload", "category"))
    if "customer" in sent:
        fields["customer"] = _customer(payload.customer)
    if "owner" in sent:
        fields["owner"] = _owner(payload.owner) if payload.owner else None
    if "team" in sent:
        fields["team"] = get_object_or_404(Team, pk=payload.team) if payload.team else None
    complaint_update(complaint=_complaint(request, complaint_id), actor=request.user, **fields)  # type: ignore[arg-type]
    return _complaint(request, complaint_id)


@router.post("/{int:complaint_id}/actions", response={201: ActionOut, **_ERRORS}, summary="Record an action")
def add_action(request: HttpRequest, complaint_id: int, payload: ActionIn) -> tuple[int, ComplaintAction]:
    """Add an entry to the complaint's timeline (note, contact with the customer, remedy, escalation)."""
    action = complaint_act(complaint=_complaint(request, complaint_id), actor=request.user, kind=payload.kind, body=payload.body)  # type: ignore[arg-type]
    return 201, action


@router.post("/{int:complaint_id}/status", response={200: ComplaintDetailOut, **_ERRORS}, summary="Move a complaint's status")
def move_status(request: HttpRequest, complaint_id: int, payload: TransitionIn) -> Complaint:
    """open → in_progress → resolved | rejected (open → rejected too). Closing needs root_cause and outcome (400); a move
    the current status does not allow — e.g. closing a complaint someone closed meanwhile — is 409."""
    complaint_transition(complaint=_complaint(request, complaint_id), actor=request.user, **payload.dict())  # type: ignore[arg-type]
    return _complaint(request, complaint_id)


@router.post("/{int:complaint_id}/interactions", response={200: ComplaintDetailOut, **_ERRORS}, summary="Link an interaction")
def link_interaction(request: HttpRequest, complaint_id: int, payload: LinkIn) -> Complaint:
    """Link an interaction you may see; it gets the complaint flag the sampling plans use. Linking twice changes nothing."""
    interaction = get_object_or_404(Interaction.objects.visible_to(request.user), pk=payload.interaction)  # type: ignore[arg-type]
    complaint_link(complaint=_complaint(request, complaint_id), actor=request.user, interaction=interaction)  # type: ignore[arg-type]
    return _complaint(request, complaint_id)


@router.delete(
    "/{int:complaint_id}/interactions/{int:interaction_id}",
    response={200: ComplaintDetailOut, **_ERRORS},
    summary="Unlink an interaction",
)
def unlink_interaction(request: HttpRequest, complaint_id: int, interaction_id: int) -> Complaint:
    """Remove the link; with no complaint left on it, the interaction's complaint flag goes back to what it was."""
    complaint = _complaint(request, complaint_id)
    interaction = get_object_or_404(complaint.interactions.all(), pk=interaction_id)
    complaint_unlink(complaint=complaint, actor=request.user, interaction=interaction)  # type: ignore[arg-type]
    return _complaint(request, complaint_id)
