"""Automatic QA over the API: the results on one interaction, a run on demand, and a run's progress."""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from qadesk.accounts.models import User
from qadesk.autoqa.selectors import autoqa_results, evidence_quoted, result_name
from qadesk.autoqa.services import JOB_KIND, autoqa_check_allowed, autoqa_enqueue, message_text
from qadesk.core.api import ErrorOut
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
    return [
        {
            "detector": r.detector,
            "name": result_name(r.detector),
            "version": r.version,
            "criterion": r.criterion,
            "language": r.language,
            "verdict": r.verdict,
            "confidence": r.confidence,
            "impact": r.impact,
            "evidence": evidence_quoted(r, texts),
            "created_at": r.created_at,
        }
        for r in autoqa_results(actor=actor, interaction=interaction)
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
    detector: str
    criterion: str
    language: str
    passed: int
    failed: int
    not_applicable: int
    aqs: ShareOut
    conclusive: bool = Field(description="False below the organisation's minimum n")


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


@router.get("/aqs", response={200: list[AqsOut], 404: ErrorOut})
def aqs(request: HttpRequest) -> list[dict[str, Any]]:
    """The automatic quality score by detector and language, the first row over every check (QA leads and admins;
    404 for anyone else). Never mixed with the human IQS."""
    from qadesk.accounts.models import OrgSettings
    from qadesk.autoqa.reports import aqs_rows

    total, rows = aqs_rows(actor=_lead_or_404(request), minimum_n=OrgSettings.load().minimum_n)
    return [
        {
            "detector": r.detector,
            "criterion": r.criterion,
            "language": r.language,
            "passed": r.passed,
            "failed": r.failed,
            "not_applicable": r.na,
            "aqs": {"value": r.score.value, "interval": r.score.interval},
            "conclusive": r.conclusive,
        }
        for r in [total, *rows]
    ]


@router.get("/accuracy", response={200: list[AccuracyOut], 404: ErrorOut})
def accuracy(request: HttpRequest) -> list[dict[str, Any]]:
    """Each detector's accuracy against the submitted reviews, per language (QA leads and admins; 404 otherwise)."""
    from qadesk.autoqa.reports import accuracy_rows, as_dict

    return [as_dict(row) for row in accuracy_rows(actor=_lead_or_404(request))]
