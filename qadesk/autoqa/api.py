"""Automatic QA over the API: the results on one interaction, a run on demand, and a run's progress."""

from datetime import date, datetime
from typing import Any, Literal

from django.db import transaction
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from qadesk.accounts.models import User
from qadesk.autoqa.aqs import AqsGroup, AqsReport, aqs_report
from qadesk.autoqa.exports import aqs_report_table
from qadesk.autoqa.selectors import autoqa_results, evidence_quoted, result_names
from qadesk.autoqa.services import JOB_KIND, autoqa_check_allowed, autoqa_enqueue, message_text
from qadesk.core.api import ErrorOut
from qadesk.core.exports import EXPORT_OPENAPI, ExportFormat, export_response
from qadesk.core.inputs import Id
from qadesk.core.models import JobRun
from qadesk.interactions.models import Interaction, Message

router = Router(tags=["autoqa"])


class EvidenceOut(Schema):
    message: int = Field(description="Message id")
    start: int = Field(description="First character of the span in the message's text (an HTML body without its tags)")
    end: int = Field(description="One past the span's last character")
    note: str = Field(description="What the span is, as a code: card, iban, codice_fiscale, nir, email, phone, upset…")
    text: str = Field(description="The characters the span points at")


class ResultOut(Schema):
    detector: str
    name: str = Field(description="The detector's name in the caller's language")
    version: int
    criterion: str
    language: str
    verdict: str = Field(description="pass, fail or na")
    confidence: float
    impact: str = Field(description='"high", "low" or "" (a fail is not an error by itself)')
    evidence: list[EvidenceOut]
    created_at: datetime


class RunIn(Schema):
    interaction: Id | None = None
    date_from: date | None = Field(None, description="Interactions created from this local date, inclusive")
    date_to: date | None = Field(None, description="… to this local date, inclusive")


class JobOut(Schema):
    id: int
    status: str
    params: dict[str, Any]
    counts: dict[str, Any]
    progress: int
    log: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@router.get("/interactions/{int:interaction_id}/results", response={200: list[ResultOut], 404: ErrorOut})
def interaction_results(request: HttpRequest, interaction_id: int) -> list[dict[str, Any]]:
    """The current detectors' verdicts on an interaction, with their evidence; 404 for an interaction one may not see."""
    actor: User = request.user  # type: ignore[assignment]
    interaction = get_object_or_404(Interaction.objects.visible_to(actor), pk=interaction_id)
    texts = {
        pk: message_text(body, fmt)
        for pk, body, fmt in Message.objects.filter(interaction=interaction).values_list("pk", "body", "body_format")
    }
    results = autoqa_results(actor=actor, interaction=interaction)
    names = result_names(r.detector for r in results)
    return [
        {
            "detector": r.detector,
            "name": names[r.detector],
            "version": r.version,
            "criterion": r.criterion,
            "language": r.language,
            "verdict": r.verdict,
            "confidence": r.confidence,
            "impact": r.impact,
            "evidence": evidence_quoted(r, texts),
            "created_at": r.created_at,
        }
        for r in results
    ]


@router.post("/runs", response={202: JobOut, 403: ErrorOut, 404: ErrorOut})
def run(request: HttpRequest, payload: RunIn) -> tuple[int, JobRun]:
    """Queue a run over the interactions still due among those named (QA leads and admins); follow it at
    /autoqa/runs/{id}. Interactions already checked by the current detector versions are not checked again."""
    actor: User = request.user  # type: ignore[assignment]
    autoqa_check_allowed(actor=actor)
    if payload.interaction is not None:
        get_object_or_404(Interaction.objects.visible_to(actor), pk=payload.interaction)
    params = {k: str(v) for k, v in payload.dict().items() if v is not None}
    with transaction.atomic():
        job = autoqa_enqueue(actor=actor, params=params)
    job.refresh_from_db()
    return 202, job


@router.get("/runs/{int:job_id}", response={200: JobOut, 404: ErrorOut})
def run_detail(request: HttpRequest, job_id: int) -> JobRun:
    """A run's status, progress, counts and log (QA leads and admins)."""
    user: User = request.user  # type: ignore[assignment]
    allowed = user.is_superuser or user.role in {"admin", "qa_lead"}
    return get_object_or_404(JobRun.objects.filter(kind=JOB_KIND) if allowed else JobRun.objects.none(), pk=job_id)


class ShareOut(Schema):
    value: float | None = Field(description="A share 0–1; null when nothing to count")
    interval: tuple[float, float] | None = Field(description="Its Wilson 95 % interval")


class AqsOut(Schema):
    key: str = Field(description="The group's id or code (by=…), the check's code (per check); \"\" for the total")
    label: str = Field(description="The group's or the check's name in the caller's language")
    detector: str = Field(description='Per check: the detector; "" for a group and the total')
    criterion: str
    language: str
    n: int = Field(description="Interactions with at least one applicable automatic verdict")
    passed: int = Field(description="Automatic checks passed on them")
    failed: int
    not_applicable: int
    aqs: ShareOut = Field(
        description="The mean of the interactions' AQS (each: checks passed / applicable checks) as a share 0–1, with the "
        "IQS's 95 % interval (two-part); per check, the share of interactions passing it (Wilson)"
    )
    conclusive: bool = Field(description="n ≥ the organisation's minimum n and the interval at most its maximum width wide")


class AqsQuery(Schema):
    by: Literal["agent", "team", "site", "channel", "label", "phase", "period"] | None = Field(
        None,
        description="Group by the interaction's (last) agent, team, …, or creation period; none: per check and language "
        "(QA leads and admins)",
    )
    date_from: date | None = Field(None, alias="from", description="Interactions created from this local date, inclusive")
    date_to: date | None = Field(None, alias="to", description="… to this local date, inclusive")
    period: Literal["day", "week", "month"] = Field("month", description="Bucket size when by=period")


class AccuracyOut(Schema):
    detector: str
    criterion: str
    language: str
    n: int = Field(description="Interactions both the detector and a review judged pass or fail")
    not_applicable: int = Field(description="Pairs where either said not applicable (left out)")
    confusion: dict[str, int] = Field(description="tp both fail, fp machine only, fn human only, tn both pass")
    agreement: float | None
    agreement_interval: tuple[float, float] | None
    precision: float | None
    precision_interval: tuple[float, float] | None
    recall: float | None
    recall_interval: tuple[float, float] | None
    f1: float | None
    kappa: float | None = Field(description="Cohen's kappa")
    alpha: float | None = Field(description="Krippendorff's alpha, nominal")
    reliable: bool | None = Field(description="kappa ≥ the QA lead's threshold; null when kappa is undefined")


def _lead_or_404(request: HttpRequest) -> User:
    actor: User = request.user  # type: ignore[assignment]
    if not (actor.is_superuser or actor.role in {"admin", "qa_lead"}):
        raise Http404
    return actor


def _share(points: float | None) -> float | None:
    return None if points is None else round(points / 100, 4)


def _group_out(group: AqsGroup) -> dict[str, Any]:
    low, high = _share(group.ci_low), _share(group.ci_high)
    return {
        "key": group.key,
        "label": group.label,
        "detector": "",
        "criterion": "",
        "language": "",
        "n": group.n,
        "passed": group.passed,
        "failed": group.failed,
        "not_applicable": group.na,
        "aqs": {"value": _share(group.aqs), "interval": None if low is None or high is None else (low, high)},
        "conclusive": group.conclusive,
    }


def _aqs_report(request: HttpRequest, query: AqsQuery) -> AqsReport:
    return aqs_report(
        actor=request.user,  # type: ignore[arg-type]
        by=query.by,
        date_from=query.date_from,
        date_to=query.date_to,
        period=query.period,
    )


@router.get("/aqs", response={200: list[AqsOut], 400: ErrorOut, 404: ErrorOut})
def aqs(request: HttpRequest, query: Query[AqsQuery]) -> list[dict[str, Any]]:
    """The automatic quality score, the first row over every interaction the caller may see (created in the range).

    With `by`: one row per group, for everyone over what they may see (an agent: themself; a team lead: their team).
    Without: one row per check and language, for QA leads and admins (404 for anyone else). Never mixed with the IQS."""
    from qadesk.accounts.models import OrgSettings
    from qadesk.autoqa.reports import aqs_rows

    if query.by is not None:
        report = _aqs_report(request, query)
        return [_group_out(group) for group in [report.totals, *report.groups]]
    actor = _lead_or_404(request)
    total = _aqs_report(request, query).totals
    rows = aqs_rows(actor=actor, minimum_n=OrgSettings.load().minimum_n, date_from=query.date_from, date_to=query.date_to)
    names = result_names(r.detector for r in rows)
    return [_group_out(total)] + [
        {
            "key": r.detector,
            "label": names[r.detector],
            "detector": r.detector,
            "criterion": r.criterion,
            "language": r.language,
            "n": r.passed + r.failed,
            "passed": r.passed,
            "failed": r.failed,
            "not_applicable": r.na,
            "aqs": {"value": r.score.value, "interval": r.score.interval},
            "conclusive": r.conclusive,
        }
        for r in rows
    ]


@router.get("/aqs/export", openapi_extra=EXPORT_OPENAPI, summary="AQS by group as CSV or xlsx")
def aqs_export(request: HttpRequest, query: Query[AqsQuery], format: ExportFormat = "csv") -> HttpResponseBase:
    """The groups of `GET /autoqa/aqs?by=…` (same query; by team when not given), AQS in points 0–100."""
    if query.by is None:
        query.by = "team"
    return export_response(aqs_report_table(_aqs_report(request, query)), fmt=format)


@router.get("/accuracy", response={200: list[AccuracyOut], 404: ErrorOut})
def accuracy(request: HttpRequest) -> list[dict[str, Any]]:
    """Each detector's accuracy against the submitted reviews, per language (QA leads and admins; 404 otherwise)."""
    from qadesk.autoqa.reports import accuracy_rows, as_dict

    return [as_dict(row) for row in accuracy_rows(actor=_lead_or_404(request))]
