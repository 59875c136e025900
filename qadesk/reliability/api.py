"""Reliability over the API: `GET /api/v1/reliability/report` and the service promises.

Like the page, only admins, QA leads and managers read them; anyone else gets 404."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from qadesk.accounts.models import User
from qadesk.core.api import ErrorOut
from qadesk.core.errors import InvalidInput
from qadesk.interactions.models import Label
from qadesk.reliability import promises as p
from qadesk.reliability.models import ServicePromise
from qadesk.reliability.querysets import sees_reliability
from qadesk.reliability.selectors import reliability_report
from qadesk.reliability.services import promise_delete, promise_save

router = Router(tags=["reliability"])


def _reader(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not sees_reliability(user):
        raise Http404
    return user


class ReportQuery(Schema):
    date_from: date | None = Field(None, alias="from", description="First day of creation (local); default 180 days back.")
    date_to: date | None = Field(None, alias="to", description="Last day, inclusive; default today.")
    period: Literal["month", "week"] = "month"


class ShareOut(Schema):
    part: int
    whole: int
    percent: float | None


class FiguresOut(Schema):
    period: date | None = Field(description="First day of the period; null for the whole range.")
    promised: float
    delivered: ShareOut = Field(description="Contacts whose promise was kept, of those judged.")
    expected: ShareOut = Field(description="Customers whose expectations were met or exceeded, of those who answered.")
    promise_gap: float | None = Field(description="Delivered − promised, in points.")
    expectation_gap: float | None = Field(description="Expectations met − delivered, in points.")


class PromiseOut(Schema):
    id: int
    text: str
    measure: str
    within_hours: float
    promised_percent: float
    channel: str
    label: str | None


class PromiseReportOut(Schema):
    promise: PromiseOut
    total: FiguresOut
    periods: list[FiguresOut]


def _share(share: p.Share) -> dict[str, object]:
    return {"part": share.part, "whole": share.whole, "percent": share.percent}


def _figures(period: date | None, promised: float, delivered: p.Share, expected: p.Share, gaps: p.Gaps) -> dict[str, object]:
    return {
        "period": period,
        "promised": promised,
        "delivered": _share(delivered),
        "expected": _share(expected),
        "promise_gap": gaps.promise_gap,
        "expectation_gap": gaps.expectation_gap,
    }


def _promise(promise: ServicePromise) -> dict[str, object]:
    return {
        "id": promise.pk,
        "text": promise.text,
        "measure": promise.measure,
        "within_hours": promise.within_hours,
        "promised_percent": promise.promised_percent,
        "channel": promise.channel,
        "label": promise.label.code if promise.label else None,
    }


@router.get("/report", response={200: list[PromiseReportOut], 400: ErrorOut, 404: ErrorOut}, summary="Promises kept")
def report(request: HttpRequest, query: Query[ReportQuery]) -> object:
    """Per active promise and period: promised, delivered, expected and the two gaps (docs/reliability.md)."""
    actor = _reader(request)
    date_to = query.date_to or timezone.localdate()
    date_from = query.date_from or date_to - timedelta(days=180)
    out = []
    for r in reliability_report(actor=actor, date_from=date_from, date_to=date_to, period=query.period):
        promised = r.promise.promised_percent
        out.append(
            {
                "promise": _promise(r.promise),
                "total": _figures(None, promised, r.delivered, r.expected, r.gaps),
                "periods": [_figures(f.period, promised, f.delivered, f.expected, f.gaps) for f in r.periods],
            }
        )
    return out


class PromiseIn(Schema):
    text: str = Field(min_length=1, max_length=200)
    measure: Literal["answer", "first_response", "resolution"]
    within_hours: float = Field(gt=0, le=24 * 365)
    promised_percent: float = Field(90, ge=0, le=100)
    channel: Literal["", "phone", "email", "chat", "social", "self_service"] = ""
    label: str | None = Field(None, max_length=100, description="Label code; empty: every label.")


@router.get("/promises", response={200: list[PromiseOut], 404: ErrorOut}, summary="Service promises")
def promises(request: HttpRequest) -> object:
    return [_promise(x) for x in ServicePromise.objects.visible_to(_reader(request)).select_related("label")]


@router.post(
    "/promises", response={201: PromiseOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, summary="Add a promise"
)
def promise_create(request: HttpRequest, body: PromiseIn) -> object:
    """Admins and QA leads."""
    actor = _reader(request)
    label = None
    if body.label:
        label = Label.objects.filter(code=body.label).first()
        if label is None:
            raise InvalidInput(_("No label with the code {code}.").format(code=body.label), field=("body", "label"))
    return 201, _promise(promise_save(actor=actor, label=label, **body.dict(exclude={"label"})))


@router.delete("/promises/{promise_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="Remove a promise")
def promise_remove(request: HttpRequest, promise_id: int) -> object:
    actor = _reader(request)
    promise_delete(actor=actor, promise=get_object_or_404(ServicePromise.objects.visible_to(actor), pk=promise_id))
    return 204, None
