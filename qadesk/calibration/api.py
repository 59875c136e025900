"""Calibration over the API: open a session, list and read, submit a score, set agreed answers, close, results."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from qadesk.accounts.models import User
from qadesk.calibration.exports import calibration_results_table
from qadesk.calibration.models import CalibrationSession
from qadesk.calibration.selectors import (
    calibration_results,
    calibration_reviewer_history,
    calibration_session_detail,
    calibration_session_list,
)
from qadesk.calibration.services import (
    calibration_agreed_answer_clear,
    calibration_agreed_answer_set,
    calibration_score_submit,
    calibration_session_close,
    calibration_session_create,
)
from qadesk.core.api import ErrorOut
from qadesk.core.exports import EXPORT_OPENAPI, ExportFormat, export_response
from qadesk.core.inputs import SMALL_INT_MAX, Id
from qadesk.interactions.models import Interaction
from qadesk.scorecards.models import Criterion, ScorecardVersion

router = Router(tags=["calibration"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 409: ErrorOut}


class CalibrationSessionIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    scorecard_version: Id
    interactions: list[Id] = Field(min_length=1)
    participants: list[Annotated[str, Field(max_length=150)]] = Field(description="Usernames of the reviewers taking part.")
    deadline: datetime
    blind: bool = True
    hide_agent: bool = True
    benchmark_reviewer: str | None = Field(
        None, max_length=150, description="Username of the expert whose scores are the benchmark."
    )
    note: str = ""


class CalibrationItemOut(Schema):
    id: int
    interaction: int = Field(alias="interaction_id")


class CalibrationSessionOut(Schema):
    id: int
    title: str
    scorecard_version: int = Field(alias="scorecard_version_id")
    created_by: str = Field(alias="created_by.username")
    deadline: datetime
    blind: bool
    hide_agent: bool
    benchmark_reviewer: str | None
    status: str
    note: str
    scorecard_revision_note: str
    created_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_benchmark_reviewer(obj: CalibrationSession) -> str | None:
        return obj.benchmark_reviewer.username if obj.benchmark_reviewer else None


class CalibrationSessionDetailOut(CalibrationSessionOut):
    participants: list[str]
    items: list[CalibrationItemOut]

    @staticmethod
    def resolve_participants(obj: CalibrationSession) -> list[str]:
        return sorted(u.username for u in obj.participants.all())

    @staticmethod
    def resolve_items(obj: CalibrationSession) -> list[Any]:
        return list(obj.items.all())


class CalibrationRatingIn(Schema):
    criterion: Id
    value: int | None = Field(
        None, ge=-SMALL_INT_MAX, le=SMALL_INT_MAX, description="A point of the criterion's scale; null = N/A."
    )


class CalibrationScoreIn(Schema):
    ratings: list[CalibrationRatingIn]
    comment: str = ""


class CalibrationScoreOut(Schema):
    id: int
    item: int = Field(alias="item_id")
    reviewer: str = Field(alias="reviewer.username")
    submitted_at: datetime


class CalibrationAgreedIn(Schema):
    item: Id
    criterion: Id
    value: int | None = Field(None, ge=-SMALL_INT_MAX, le=SMALL_INT_MAX)
    note: str = ""


class CalibrationAgreedOut(Schema):
    item: int = Field(alias="item_id")
    criterion: int = Field(alias="criterion_id")
    value: int | None
    note: str


class CalibrationCloseIn(Schema):
    note: str | None = None
    scorecard_revision_note: str | None = None


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _user(username: str) -> User:
    return get_object_or_404(User, username=username, is_active=True)


@router.post("/sessions", response={201: CalibrationSessionDetailOut, **ERRORS}, summary="Open a calibration session")
def create_session(request: HttpRequest, payload: CalibrationSessionIn) -> tuple[int, CalibrationSession]:
    """QA leads: the participants are notified."""
    ids = set(payload.interactions)
    interactions = list(Interaction.objects.visible_to(_actor(request)).filter(pk__in=ids))
    if len(interactions) != len(ids):
        raise Http404
    session = calibration_session_create(
        actor=_actor(request),
        title=payload.title,
        scorecard_version=get_object_or_404(ScorecardVersion, pk=payload.scorecard_version),
        interactions=sorted(interactions, key=lambda i: payload.interactions.index(i.pk)),
        participants=[_user(name) for name in payload.participants],
        deadline=payload.deadline,
        blind=payload.blind,
        hide_agent=payload.hide_agent,
        benchmark_reviewer=_user(payload.benchmark_reviewer) if payload.benchmark_reviewer else None,
        note=payload.note,
    )
    return 201, calibration_session_detail(actor=_actor(request), pk=session.pk)


@router.get("/sessions", response=list[CalibrationSessionOut], summary="Calibration sessions")
def list_sessions(request: HttpRequest) -> list[CalibrationSession]:
    return list(calibration_session_list(actor=_actor(request)).select_related("benchmark_reviewer"))


@router.get("/sessions/{int:session_id}", response=CalibrationSessionDetailOut, summary="A calibration session")
def get_session(request: HttpRequest, session_id: int) -> CalibrationSession:
    return calibration_session_detail(actor=_actor(request), pk=session_id)


@router.post(
    "/sessions/{int:session_id}/items/{int:item_id}/score",
    response={201: CalibrationScoreOut, **ERRORS},
    summary="Submit a score",
)
def submit_score(request: HttpRequest, session_id: int, item_id: int, payload: CalibrationScoreIn) -> tuple[int, Any]:
    """A participant's ratings of one item: every criterion, once, before the deadline."""
    session = calibration_session_detail(actor=_actor(request), pk=session_id)
    item = get_object_or_404(session.items, pk=item_id)
    ratings = {r.criterion: r.value for r in payload.ratings}
    return 201, calibration_score_submit(item=item, actor=_actor(request), ratings=ratings, comment=payload.comment)


@router.put(
    "/sessions/{int:session_id}/agreed", response={200: list[CalibrationAgreedOut], **ERRORS}, summary="Set agreed answers"
)
def set_agreed(request: HttpRequest, session_id: int, payload: list[CalibrationAgreedIn]) -> list[Any]:
    """QA leads, after discussion: the rating agreed per item and criterion; it becomes the benchmark."""
    session = calibration_session_detail(actor=_actor(request), pk=session_id)
    answers = []
    for row in payload:
        item = get_object_or_404(session.items, pk=row.item)
        criterion = get_object_or_404(Criterion.objects.select_related("section"), pk=row.criterion)
        answers.append(
            calibration_agreed_answer_set(item=item, criterion=criterion, actor=_actor(request), value=row.value, note=row.note)
        )
    return answers


@router.delete(
    "/sessions/{int:session_id}/agreed/{int:item_id}/{int:criterion_id}",
    response={204: None, **ERRORS},
    summary="Clear an agreed answer",
)
def clear_agreed(request: HttpRequest, session_id: int, item_id: int, criterion_id: int) -> tuple[int, None]:
    """QA leads: take back the agreed answer of one criterion of one item (404 when there is none)."""
    session = calibration_session_detail(actor=_actor(request), pk=session_id)
    item = get_object_or_404(session.items, pk=item_id)
    criterion = get_object_or_404(Criterion, pk=criterion_id)
    if not calibration_agreed_answer_clear(item=item, criterion=criterion, actor=_actor(request)):
        raise Http404
    return 204, None


@router.post("/sessions/{int:session_id}/close", response={200: CalibrationSessionDetailOut, **ERRORS}, summary="Close a session")
def close_session(request: HttpRequest, session_id: int, payload: CalibrationCloseIn) -> CalibrationSession:
    session = calibration_session_detail(actor=_actor(request), pk=session_id)
    calibration_session_close(
        session=session, actor=_actor(request), note=payload.note, scorecard_revision_note=payload.scorecard_revision_note
    )
    return calibration_session_detail(actor=_actor(request), pk=session_id)


@router.get("/sessions/{int:session_id}/results", response=dict[str, Any], summary="Agreement results")
def results(request: HttpRequest, session_id: int) -> dict[str, Any]:
    """Alpha and percent agreement per criterion (worst first) and overall; each reviewer's deviation and alignment."""
    session = calibration_session_detail(actor=_actor(request), pk=session_id)
    return calibration_results(session=session, actor=_actor(request))


@router.get("/sessions/{int:session_id}/results/export", openapi_extra=EXPORT_OPENAPI, summary="Agreement results as CSV or xlsx")
def results_export(
    request: HttpRequest, session_id: int, table: Literal["reviewers", "criteria"] = "reviewers", format: ExportFormat = "csv"
) -> HttpResponseBase:
    """One table of the results (`table=reviewers|criteria`) as a file (`format=csv|xlsx`); blind rules as for the results."""
    session = calibration_session_detail(actor=_actor(request), pk=session_id)
    results = calibration_results(session=session, actor=_actor(request))
    return export_response(calibration_results_table(results=results, table=table), fmt=format)


@router.get("/reviewers/{username}", response={200: dict[str, Any], 403: ErrorOut}, summary="A reviewer's calibration record")
def reviewer_history(request: HttpRequest, username: str) -> dict[str, Any]:
    """Mean signed deviation across sessions (lenient or strict), its trend, and findings overturned in disputes."""
    return calibration_reviewer_history(reviewer=_user(username), actor=_actor(request))
