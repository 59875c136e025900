"""Surveys over the API: definitions (list, export, import), results with downloads, invitations, responses."""

from datetime import date, datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Body, Field, Query, Router, Schema
from ninja.pagination import paginate

from qadesk.accounts.models import OrgSettings, Role, User
from qadesk.core.api import ErrorOut, Pagination
from qadesk.core.errors import PermissionDenied
from qadesk.core.exports import EXPORT_OPENAPI, ExportFormat, export_response
from qadesk.core.inputs import Id
from qadesk.interactions.models import Interaction
from qadesk.surveys.exports import gap_as_dict, results_as_dict, results_table, trend_as_dict
from qadesk.surveys.gap_selectors import gap_report
from qadesk.surveys.models import Survey, SurveyResponse
from qadesk.surveys.selectors import (
    response_detail,
    response_list,
    survey_get,
    survey_list,
    survey_results,
    survey_trend,
)
from qadesk.surveys.services import invitation_create, survey_version_create, survey_version_export

router = Router(tags=["surveys"])
_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 403: ErrorOut}
LEADS = {Role.ADMIN, Role.QA_LEAD}
Dimension = Literal["agent", "team", "site", "channel", "label", "phase"]


class SurveyOut(Schema):
    id: int
    code: str
    name: dict[str, str]
    kind: str
    anonymous: bool
    open_link: bool
    responses: int = Field(description="Responses the caller may see.")
    current_version: int | None

    @staticmethod
    def resolve_responses(obj: Any) -> int:
        return int(getattr(obj, "n_responses", 0))

    @staticmethod
    def resolve_current_version(obj: Survey) -> int | None:
        version = obj.current_version()
        return version.number if version else None


class VersionOut(Schema):
    survey: int
    code: str
    number: int
    status: str


class InvitationIn(Schema):
    interaction: Id | None = None
    language: str = Field("", max_length=8)
    email: str = Field("", max_length=254)
    valid_days: int = Field(30, ge=1, le=365)


class InvitationOut(Schema):
    id: int
    url: str = Field(description="The personal link to hand to the customer.")
    expires_at: datetime | None


class AnswerOut(Schema):
    question: str
    kind: str
    value: int | None
    choices: list[str]
    text: str


class ResponseOut(Schema):
    id: int
    survey: int = Field(alias="survey_id")
    version: int
    interaction: int | None = Field(None, alias="interaction_id")
    source: str
    language: str
    started_at: datetime
    completed_at: datetime | None
    answers: list[AnswerOut]

    @staticmethod
    def resolve_version(obj: SurveyResponse) -> int:
        return obj.version.number

    @staticmethod
    def resolve_answers(obj: SurveyResponse) -> list[dict[str, Any]]:
        return [
            {"question": a.question.code, "kind": a.question.kind, "value": a.value, "choices": a.choices, "text": a.text}
            for a in obj.answers.all()
        ]


def _lead(user: Any) -> None:
    if user.role not in LEADS and not user.is_superuser:
        raise PermissionDenied(_("Only QA leads and admins can change surveys or invite customers."))


@router.get("", response=list[SurveyOut])
def surveys(request: HttpRequest) -> QuerySet[Survey]:
    return survey_list(actor=request.user)  # type: ignore[arg-type]


@router.post("/import", response={201: VersionOut, **_ERRORS})
def survey_import(request: HttpRequest, definition: dict[str, Any] = Body(...), publish: bool = True) -> tuple[int, Any]:
    """Create the next version of a survey from a definition (the export format; docs/surveys.md)."""
    _lead(request.user)
    version = survey_version_create(data=definition, publish=publish)
    return 201, {"survey": version.survey_id, "code": version.survey.code, "number": version.number, "status": version.status}


@router.get("/{int:survey_id}/definition", response=dict[str, Any])
def survey_definition(request: HttpRequest, survey_id: int, version: Id | None = None) -> dict[str, Any]:
    """A version's definition (default: the published one), as YAML/JSON files and /import take it."""
    survey = survey_get(actor=request.user, survey_id=survey_id)  # type: ignore[arg-type]
    found = get_object_or_404(survey.versions, number=version) if version else survey.current_version()
    if found is None:
        found = get_object_or_404(survey.versions.order_by("-number")[:1])
    return survey_version_export(version=found)


@router.get("/{int:survey_id}/results", response={200: dict[str, Any], 400: ErrorOut})
def results(
    request: HttpRequest,
    survey_id: int,
    by: Dimension | None = None,
    date_from: date | None = Query(None, alias="from"),
    date_to: date | None = Query(None, alias="to"),
) -> dict[str, Any]:
    """CSAT, NPS, CES (each with its definition, n, 95 % interval, conclusive) and the response rate, overall and per
    group, over the responses the caller may see; each question's distribution."""
    survey = survey_get(actor=request.user, survey_id=survey_id)  # type: ignore[arg-type]
    found = survey_results(actor=request.user, survey=survey, by=by, date_from=date_from, date_to=date_to)  # type: ignore[arg-type]
    return results_as_dict(found)


@router.get("/{int:survey_id}/trends", response={200: dict[str, Any], 400: ErrorOut})
def trends(
    request: HttpRequest,
    survey_id: int,
    period: Literal["week", "month"] = "month",
    date_from: date | None = Query(None, alias="from"),
    date_to: date | None = Query(None, alias="to"),
) -> dict[str, Any]:
    """CSAT, NPS and CES per week (starting Monday) or month of the responses' start, each with its definition, n, 95 %
    interval and conclusive, over the responses the caller may see: the results page's trend table. Periods without a
    rating are left out."""
    user: User = request.user  # type: ignore[assignment]
    survey = survey_get(actor=user, survey_id=survey_id)
    rows = survey_trend(actor=user, survey=survey, period=period, date_from=date_from, date_to=date_to)
    return trend_as_dict(
        survey_id=survey.pk,
        code=survey.code,
        period=period,
        date_from=date_from,
        date_to=date_to,
        minimum_n=OrgSettings.load().minimum_n,
        rows=rows,
    )


@router.get("/gap", response={200: dict[str, Any], 400: ErrorOut, 404: ErrorOut})
def gap(
    request: HttpRequest,
    by: Literal["agent", "team", "label", "phase"] = "team",
    rating: Literal["csat", "nps"] = "csat",
    date_from: date | None = Query(None, alias="from"),
    date_to: date | None = Query(None, alias="to"),
) -> dict[str, Any]:
    """Internal vs customer (seed 003): IQS and pass rate beside CSAT, NPS and expectations met, over the period and over
    the same interactions, Spearman's rho with its 95 % interval, the discrepancy list and the planned / delivered /
    received panel per team. QA staff, managers and team leads (their team); 404 for agents and reviewers."""
    found = gap_report(actor=request.user, by=by, rating=rating, date_from=date_from, date_to=date_to)  # type: ignore[arg-type]
    return gap_as_dict(found)


@router.get("/{int:survey_id}/results/export", openapi_extra=EXPORT_OPENAPI, summary="Survey results as CSV or xlsx")
def results_export(
    request: HttpRequest,
    survey_id: int,
    by: Dimension | None = None,
    date_from: date | None = Query(None, alias="from"),
    date_to: date | None = Query(None, alias="to"),
    format: ExportFormat = "csv",
) -> HttpResponseBase:
    survey = survey_get(actor=request.user, survey_id=survey_id)  # type: ignore[arg-type]
    found = survey_results(actor=request.user, survey=survey, by=by, date_from=date_from, date_to=date_to)  # type: ignore[arg-type]
    return export_response(results_table(found), fmt=format)


@router.post("/{int:survey_id}/invitations", response={201: InvitationOut, **_ERRORS})
def invitation(request: HttpRequest, survey_id: int, payload: InvitationIn) -> tuple[int, dict[str, Any]]:
    """A personal link to the survey, about an interaction (QA leads and admins)."""
    survey = survey_get(actor=request.user, survey_id=survey_id)  # type: ignore[arg-type]
    _lead(request.user)
    interaction = None
    if payload.interaction is not None:
        interaction = get_object_or_404(Interaction.objects.visible_to(request.user), pk=payload.interaction)  # type: ignore[arg-type]
    created = invitation_create(
        survey=survey, interaction=interaction, language=payload.language, email=payload.email, valid_days=payload.valid_days
    )
    url = request.build_absolute_uri(f"/s/{created.token}/")
    return 201, {"id": created.pk, "url": url, "expires_at": created.expires_at}


@router.get("/responses", response=list[ResponseOut])
@paginate(Pagination)
def responses(request: HttpRequest, survey: Id | None = None) -> QuerySet[SurveyResponse]:
    """Responses the caller may see, newest first: an agent their own customers', a team lead their team's."""
    chosen = Survey.objects.filter(pk=survey).first() if survey else None
    if survey and chosen is None:
        return SurveyResponse.objects.none()
    found = response_list(actor=request.user, survey=chosen)  # type: ignore[arg-type]
    return found.select_related("version").prefetch_related("answers__question")


@router.get("/responses/{int:response_id}", response=ResponseOut)
def response(request: HttpRequest, response_id: int) -> SurveyResponse:
    user: User = request.user  # type: ignore[assignment]
    return response_detail(actor=user, response_id=response_id)
