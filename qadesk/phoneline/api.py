"""The phone line over the API: `GET /api/v1/phone/report`, `/phone/compliance` and the reasonable levels.

Like the page, only admins, QA leads and managers read them; anyone else gets 404."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from pydantic import BeforeValidator

from qadesk.accounts.models import User
from qadesk.core.api import ErrorOut
from qadesk.phoneline.figures import DEFAULT_MOS_BELOW
from qadesk.phoneline.models import DeliveryLevel
from qadesk.phoneline.querysets import sees_phoneline
from qadesk.phoneline.selectors import compliance, phone_report
from qadesk.phoneline.services import level_delete, level_save

router = Router(tags=["phone line"])
ParameterCode = Literal[
    "busy_rate", "abandonment_rate", "asa_seconds", "low_mos_rate", "noise_rate", "cost_per_call", "cost_per_minute"
]


def _reader(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not sees_phoneline(user):
        raise Http404
    return user


class ReportQuery(Schema):
    by: Literal["queue", "trunk", "month", "interval"] = "queue"
    date_from: date | None = Field(None, alias="from", description="First day (local), inclusive.")
    date_to: date | None = Field(None, alias="to", description="Last day (local), inclusive.")
    mos_below: float = Field(DEFAULT_MOS_BELOW, ge=1, le=5, description="A measured call with a MOS below this is poor.")
    # A query string's "30" is a string: made a number before the choice is checked (it was refused with 422).
    interval_minutes: Annotated[Literal[15, 30, 60], BeforeValidator(lambda v: int(v) if str(v).isdigit() else v)] = Field(
        60, description="The interval of the day with by=interval."
    )


class FiguresOut(Schema):
    key: str
    attempts: int
    busy: int
    busy_rate: float | None = Field(description="Busy or blocked / attempts, in percent.")
    answered: int
    abandoned: int
    abandonment_rate: float | None = Field(description="Abandoned / (answered + abandoned), in percent.")
    asa_seconds: float | None = Field(description="Mean wait of the answered calls.")
    measured_mos: int
    low_mos: int
    low_mos_rate: float | None = Field(description="Calls with MOS below mos_below / calls with a MOS, in percent.")
    mean_mos: float | None
    noise_known: int
    noisy: int
    noise_rate: float | None = Field(description="Noisy / calls with a noise flag, in percent.")
    cost: float
    billed_minutes: float
    cost_per_call: float | None = Field(description="Cost / connected calls (not busy or blocked).")
    cost_per_minute: float | None


class ReportOut(Schema):
    by: str
    mos_below: float
    groups: list[FiguresOut]
    total: FiguresOut


@router.get("/report", response={200: ReportOut, 400: ErrorOut, 404: ErrorOut}, summary="Phone line delivery figures")
def report(request: HttpRequest, query: Query[ReportQuery]) -> object:
    """Busy signals, waits, abandonment, poor-quality and noisy calls, cost per call and minute, per group
    (docs/phoneline.md)."""
    result = phone_report(
        actor=_reader(request),
        by=query.by,
        date_from=query.date_from,
        date_to=query.date_to,
        mos_below=query.mos_below,
        interval_minutes=query.interval_minutes,
    )
    return {
        "by": result.by,
        "mos_below": result.mos_below,
        "groups": [{"key": key, **asdict(f)} for key, f in result.groups],
        "total": {"key": "total", **asdict(result.total)},
    }


class LevelIn(Schema):
    parameter: ParameterCode
    value: float = Field(ge=0, le=1e9)
    queue: str = Field("", max_length=100, description="Empty: all queues.")


class LevelOut(Schema):
    id: int
    parameter: str
    value: float
    queue: str


class CellOut(Schema):
    month: date
    value: float | None
    met: bool | None = Field(description="Null when nothing was measured that month.")


class ComplianceLevelOut(LevelOut):
    kept: int
    judged: int
    cells: list[CellOut]


class ComplianceQuery(Schema):
    months: int = Field(6, ge=1, le=36, description="How many months, the current one last.")


class ComplianceOut(Schema):
    months: list[date]
    levels: list[ComplianceLevelOut]


@router.get("/compliance", response={200: ComplianceOut, 404: ErrorOut}, summary="Levels kept, month by month")
def compliance_view(request: HttpRequest, query: Query[ComplianceQuery]) -> object:
    """Each reasonable level's measured value and verdict for the last `months` months (the current one so far)."""
    firsts, rows = compliance(actor=_reader(request), months=query.months)
    levels = [
        {
            "id": row.level.pk,
            "parameter": row.level.parameter,
            "value": row.level.value,
            "queue": row.level.queue,
            "kept": row.kept,
            "judged": row.judged,
            "cells": [{"month": m, "value": v, "met": met} for m, v, met in row.cells],
        }
        for row in rows
    ]
    return {"months": firsts, "levels": levels}


@router.get("/levels", response={200: list[LevelOut], 404: ErrorOut}, summary="Reasonable levels")
def levels(request: HttpRequest) -> object:
    return list(DeliveryLevel.objects.visible_to(_reader(request)))


@router.post("/levels", response={201: LevelOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="Set a level")
def level_create(request: HttpRequest, body: LevelIn) -> object:
    """Admins and QA leads; one level per parameter and queue (a second answers 400)."""
    return 201, level_save(actor=_reader(request), **body.dict())


@router.delete("/levels/{level_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="Remove a level")
def level_remove(request: HttpRequest, level_id: int) -> object:
    actor = _reader(request)
    level_delete(actor=actor, level=get_object_or_404(DeliveryLevel.objects.visible_to(actor), pk=level_id))
    return 204, None
