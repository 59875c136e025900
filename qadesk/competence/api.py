"""Training and competence over the API: the rating, one agent's, training against results, courses, completions."""

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from qadesk.accounts.models import User
from qadesk.competence.exports import agent_as_dict, report_as_dict, training_results_as_dict
from qadesk.competence.models import Completion, Course, Source
from qadesk.competence.querysets import agents_visible_filter
from qadesk.competence.selectors import competence_agent, competence_report, completion_list, training_results
from qadesk.competence.services import completion_create, completions_import
from qadesk.core.api import ErrorOut, Pagination
from qadesk.core.inputs import Id

router = Router(tags=["competence"])


def _reader(request: HttpRequest) -> User:
    """The caller when they may see some competence; reviewers get 404 as on the page."""
    user: User = request.user  # type: ignore[assignment]
    if agents_visible_filter(user) is None:
        raise Http404
    return user


_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 403: ErrorOut, 409: ErrorOut}


class PeriodQuery(Schema):
    date_from: date | None = Field(None, alias="from", description="First day, YYYY-MM-DD (default: 90 days ago).")
    date_to: date | None = Field(None, alias="to", description="Last day, inclusive (default: today).")


class ResultsQuery(PeriodQuery):
    window: int = Field(30, ge=1, le=365, description="Days before and after a completion compared.")


class CourseOut(Schema):
    id: int
    code: str
    name: str
    skill: str
    language: str
    days: float
    required_roles: list[str]
    required_teams: list[int]
    criterion_codes: list[str]
    validity_days: int | None
    is_active: bool

    @staticmethod
    def resolve_required_teams(obj: Course) -> list[int]:
        return [t.pk for t in obj.required_teams.all()]


class CompletionOut(Schema):
    id: int
    agent: int = Field(alias="agent_id")
    course: str = Field(alias="course.code")
    completed_on: date
    expires_on: date | None
    source: str


class CompletionIn(Schema):
    agent: str = Field(min_length=1, max_length=150, description="The agent's id or username.")
    course: str = Field(min_length=1, max_length=50, description="The course's code.")
    completed_on: date
    expires_on: date | None = Field(None, description="Default: completion day + the course's validity, if any.")


class ImportIn(Schema):
    csv: str = Field(min_length=1, max_length=5_000_000, description="CSV: agent, course, completed_on[, expires_on].")


class ImportOut(Schema):
    created: int
    errors: list[dict[str, Any]]


@router.get("/ratings", summary="Competence ratings")
def ratings(request: HttpRequest, query: Query[PeriodQuery]) -> dict[str, Any]:
    """Each agent you may see: training score, delivery score, their points against the benchmark (50 each at the
    benchmark) and the rating (their sum; 100 = at the benchmark); team and site means."""
    user = _reader(request)
    return report_as_dict(competence_report(actor=user, date_from=query.date_from, date_to=query.date_to))


@router.get("/agents/{int:agent_id}", summary="One agent's competence")
def agent(request: HttpRequest, agent_id: int, query: Query[PeriodQuery]) -> dict[str, Any]:
    """The agent's rating and parts, the required courses missing and the criteria where points are lost with the
    courses that cover them; 404 for an agent you may not see."""
    user = _reader(request)
    return agent_as_dict(competence_agent(actor=user, agent_id=agent_id, date_from=query.date_from, date_to=query.date_to))


@router.get("/training-results", summary="Training against results")
def results(request: HttpRequest, query: Query[ResultsQuery]) -> dict[str, Any]:
    """Training days against IQS, CSAT and productivity (r with its 95 % interval) and IQS before/after each course.
    This shows association, not cause."""
    user = _reader(request)
    found = training_results(actor=user, date_from=query.date_from, date_to=query.date_to, window_days=query.window)
    return training_results_as_dict(found)


@router.get("/courses", response=list[CourseOut], summary="The training catalogue")
def courses(request: HttpRequest) -> Any:
    """Every course with whom it is required for and the criteria it covers."""
    return Course.objects.prefetch_related("required_teams").order_by("code")


@router.get("/completions", response=list[CompletionOut], summary="Training completions")
@paginate(Pagination)
def completions(request: HttpRequest, agent: Id | None = None) -> Any:
    """Completions of the agents you may see, newest first."""
    user: User = request.user  # type: ignore[assignment]
    return completion_list(actor=user, agent_id=agent)


@router.post("/completions", response={201: CompletionOut, **_ERRORS}, summary="Record a completion")
def create_completion(request: HttpRequest, payload: CompletionIn) -> tuple[int, Completion]:
    """Admins, QA leads and managers for anyone, team leads for their team."""
    user: User = request.user  # type: ignore[assignment]
    found = completion_create(
        actor=user,
        agent=payload.agent,
        course=payload.course,
        completed_on=payload.completed_on,
        expires_on=payload.expires_on,
        source=Source.API,
    )
    return 201, found


@router.post("/completions/import", response={200: ImportOut, 422: ImportOut, **_ERRORS}, summary="Import completions")
def import_completions(request: HttpRequest, payload: ImportIn) -> tuple[int, dict[str, Any]]:
    """All rows or none: 422 with each error's line and column when a row is wrong."""
    user: User = request.user  # type: ignore[assignment]
    report = completions_import(actor=user, text=payload.csv)
    body = {"created": report.created, "errors": [e.__dict__ for e in report.errors]}
    return (200 if report.committed else 422), body
