"""Audit sampling over the API: plans (QA leads manage them), run now, runs with counts, coverage."""

from datetime import date, datetime
from typing import Any, Literal

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from qadesk.accounts.models import User
from qadesk.core.api import ErrorOut
from qadesk.core.exports import EXPORT_OPENAPI, ExportFormat, export_response
from qadesk.core.inputs import INT_MAX, Id
from qadesk.core.models import JobRun, JobStatus
from qadesk.core.selectors import worker_status
from qadesk.sampling.exports import coverage_table
from qadesk.sampling.models import SamplingPlan, SamplingRun
from qadesk.sampling.selectors import sampling_coverage, sampling_plan_list, sampling_run_list
from qadesk.sampling.services import sampling_plan_create, sampling_plan_enqueue, sampling_plan_update

router = Router(tags=["sampling"])

_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 403: ErrorOut}


class PlanIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    n_per_agent: int = Field(5, ge=1, le=INT_MAX)
    period: Literal["day", "week", "month"] = "week"
    strata: dict[str, Any] = Field(default_factory=dict, description='{"by": ["channel"], "proportions": {"phone": 0.6}}')
    filters: dict[str, Any] = Field(default_factory=dict)
    risk_boosts: dict[str, float] = Field(default_factory=dict)
    reviewers: list[Id] = Field(default_factory=list, description="User ids.")
    exclude_own_team: bool = False
    due_days: int = Field(7, ge=0, le=INT_MAX)
    seed: int | None = None
    auto_run: bool = Field(False, description="Draw each period automatically once it has ended.")
    is_active: bool = True


class PlanOut(Schema):
    id: int
    name: str
    n_per_agent: int
    period: str
    strata: dict[str, Any]
    filters: dict[str, Any]
    risk_boosts: dict[str, Any]
    reviewers: list[int]
    exclude_own_team: bool
    due_days: int
    seed: int
    auto_run: bool
    is_active: bool

    @staticmethod
    def resolve_reviewers(obj: SamplingPlan) -> list[int]:
        return [u.pk for u in obj.reviewers.all()]


class RunIn(Schema):
    period_start: date | None = None


class JobOut(Schema):
    id: int
    kind: str
    status: str
    counts: dict[str, Any]
    progress: int
    log: str
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    warning: str | None = Field(None, description="Set while the job waits and no background worker has been seen lately.")

    @staticmethod
    def resolve_warning(obj: JobRun) -> str | None:
        if obj.status not in {JobStatus.QUEUED, JobStatus.RUNNING} or not worker_status().missing:
            return None
        return _("No background worker has been seen lately: start one with `qadesk worker`.")


class RunOut(Schema):
    id: int
    plan: int = Field(alias="plan_id")
    period_start: date
    period_end: date
    seed: int
    candidates: int
    drawn: int
    assigned: int
    per_stratum: dict[str, Any]
    job: int | None = Field(None, alias="job_id")
    created_at: datetime


class CoverageRow(Schema):
    key: str
    label: str = Field(description="What people call it: the agent's name, the channel's label in the caller's language.")
    planned: int
    done: int
    coverage: float | None = Field(description="Reviews done / planned × 100 (percent); null when nothing is planned.")


class StratumOut(Schema):
    stratum: str
    interactions: int


class CoverageOut(Schema):
    plan: int
    groups: dict[str, list[CoverageRow]]
    never_sampled: list[StratumOut]


def _reviewers(ids: list[int]) -> list[User]:
    return list(User.objects.filter(pk__in=ids))


@router.get("/plans", response=list[PlanOut])
def plans(request: HttpRequest) -> QuerySet[SamplingPlan]:
    return sampling_plan_list(actor=request.user)  # type: ignore[arg-type]


@router.post("/plans", response={201: PlanOut, **_ERRORS})
def plan_create(request: HttpRequest, payload: PlanIn) -> tuple[int, SamplingPlan]:
    data = payload.dict()
    reviewers = _reviewers(data.pop("reviewers"))
    return 201, sampling_plan_create(actor=request.user, reviewers=reviewers, **data)  # type: ignore[arg-type]


@router.get("/plans/{int:plan_id}", response=PlanOut)
def plan_detail(request: HttpRequest, plan_id: int) -> SamplingPlan:
    return get_object_or_404(sampling_plan_list(actor=request.user), pk=plan_id)  # type: ignore[arg-type]


@router.put("/plans/{int:plan_id}", response={200: PlanOut, **_ERRORS})
def plan_update(request: HttpRequest, plan_id: int, payload: PlanIn) -> SamplingPlan:
    plan = get_object_or_404(sampling_plan_list(actor=request.user), pk=plan_id)  # type: ignore[arg-type]
    data = payload.dict()
    reviewers = _reviewers(data.pop("reviewers"))
    return sampling_plan_update(plan=plan, actor=request.user, reviewers=reviewers, **data)  # type: ignore[arg-type]


@router.delete("/plans/{int:plan_id}", response={200: PlanOut, **_ERRORS})
def plan_deactivate(request: HttpRequest, plan_id: int) -> SamplingPlan:
    """Plans are deactivated, not deleted: their runs stay on record."""
    plan = get_object_or_404(sampling_plan_list(actor=request.user), pk=plan_id)  # type: ignore[arg-type]
    return sampling_plan_update(plan=plan, actor=request.user, is_active=False)  # type: ignore[arg-type]


@router.post("/plans/{int:plan_id}/run", response={202: JobOut, **_ERRORS})
def plan_run(request: HttpRequest, plan_id: int, payload: RunIn) -> tuple[int, JobRun]:
    """Queue a draw of the plan (default: its last complete period); follow it at /sampling/jobs/{id}."""
    plan = get_object_or_404(sampling_plan_list(actor=request.user), pk=plan_id)  # type: ignore[arg-type]
    with transaction.atomic():
        job = sampling_plan_enqueue(plan=plan, actor=request.user, period_start=payload.period_start)  # type: ignore[arg-type]
    job.refresh_from_db()
    return 202, job


@router.get("/runs", response=list[RunOut])
def runs(request: HttpRequest, plan: Id | None = None) -> QuerySet[SamplingRun]:
    return sampling_run_list(actor=request.user, plan_id=plan)  # type: ignore[arg-type]


@router.get("/jobs/{int:job_id}", response=JobOut)
def job_detail(request: HttpRequest, job_id: int) -> JobRun:
    """A sampling job's status, counts and log (QA leads, admins, managers)."""
    jobs = JobRun.objects.filter(kind="sampling") if request.user.sees_everything else JobRun.objects.none()  # type: ignore[union-attr]
    return get_object_or_404(jobs, pk=job_id)


@router.get("/plans/{int:plan_id}/coverage", response=CoverageOut)
def coverage(request: HttpRequest, plan_id: int, run: Id | None = None) -> dict[str, Any]:
    """Reviews done against planned per agent, team, site and channel, and strata never sampled."""
    plan = get_object_or_404(sampling_plan_list(actor=request.user), pk=plan_id)  # type: ignore[arg-type]
    chosen = get_object_or_404(plan.runs, pk=run) if run else None
    return sampling_coverage(plan=plan, run=chosen)


@router.get("/plans/{int:plan_id}/coverage/export", openapi_extra=EXPORT_OPENAPI, summary="Coverage as CSV or xlsx")
def coverage_export(request: HttpRequest, plan_id: int, run: Id | None = None, format: ExportFormat = "csv") -> HttpResponseBase:
    """The coverage table, one row per agent, team, site and channel, as a file (`format=csv|xlsx`)."""
    plan = get_object_or_404(sampling_plan_list(actor=request.user), pk=plan_id)  # type: ignore[arg-type]
    chosen = get_object_or_404(plan.runs, pk=run) if run else None
    return export_response(coverage_table(coverage=sampling_coverage(plan=plan, run=chosen)), fmt=format)
