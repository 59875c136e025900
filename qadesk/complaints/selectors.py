"""Reading the complaint register: the list with its filters and sorting, one complaint with its timeline, the report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import BooleanField, Case, Count, ExpressionWrapper, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from qadesk.accounts.models import OrgSettings, User
from qadesk.audit.models import AuditEvent
from qadesk.complaints.models import CLOSED_STATUSES, Complaint, ComplaintAction, ComplaintCategory
from qadesk.complaints.querysets import OPEN_STATUSES
from qadesk.complaints.stats import (
    ResolutionTimes,
    WithinTarget,
    hours_between,
    repeat_complainants,
    resolution_times,
    within_target,
)
from qadesk.interactions.models import Interaction, JourneyPhase
from qadesk.surveys.outcome import outcome_figure, outcome_ratings

# Sort keys offered by the list (page and API): a leading "-" sorts descending.
SORTS = {
    "created": "created_at",
    "due": "due_at",
    "severity": "severity_rank",
    "status": "status",
    "category": "category__code",
}
DIMENSIONS = ("category", "phase", "team", "period")


def complaint_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[Complaint]:
    """Complaints the actor may see; filters: status, category (id), team (id), overdue (bool), sort (a SORTS key, "-"
    first for descending; default newest first)."""
    filters = filters or {}
    complaints = Complaint.objects.visible_to(actor).select_related("category", "team", "owner", "customer")
    if filters.get("status"):
        complaints = complaints.filter(status=filters["status"])
    if filters.get("category"):
        complaints = complaints.filter(category_id=filters["category"])
    if filters.get("team"):
        complaints = complaints.filter(team_id=filters["team"])
    now = timezone.now()
    if filters.get("overdue") is True:
        complaints = complaints.open().filter(due_at__lt=now)
    elif filters.get("overdue") is False:
        complaints = complaints.exclude(status__in=OPEN_STATUSES, due_at__lt=now)
    overdue = ExpressionWrapper(Q(status__in=OPEN_STATUSES) & Q(due_at__lt=now), output_field=BooleanField())
    rank = Case(
        *(When(severity=code, then=Value(i)) for i, code in enumerate(("low", "medium", "high", "critical"))),
        output_field=IntegerField(),
    )
    complaints = complaints.annotate(is_overdue=overdue, severity_rank=rank, n_interactions=Count("links", distinct=True))
    sort = str(filters.get("sort") or "-created")
    key = SORTS.get(sort.lstrip("-"), "created_at")
    order = f"-{key}" if sort.startswith("-") else key
    return complaints.order_by(order, "-pk")  # type: ignore[return-value]


def complaint_detail(*, actor: User, pk: int) -> Complaint:
    """One complaint the actor may see, with its contacts and timeline; 404 otherwise."""
    actions = ComplaintAction.objects.select_related("actor")
    interactions = Interaction.objects.select_related("agent", "team").order_by("created_at")
    complaints = Complaint.objects.visible_to(actor).select_related(
        "category", "team", "owner", "customer", "created_by", "closed_by"
    )
    return get_object_or_404(
        complaints.prefetch_related(Prefetch("actions", queryset=actions), Prefetch("interactions", queryset=interactions)),
        pk=pk,
    )


def complaint_audit(*, complaint: Complaint) -> list[AuditEvent]:
    """The complaint's audit trail, oldest first (whoever may see the complaint may see its trail)."""
    return list(AuditEvent.objects.filter(complaint=complaint).select_related("actor").order_by("created_at", "pk"))


def complaint_is_overdue(complaint: Complaint, *, now: datetime | None = None) -> bool:
    """Still open past its due date."""
    return complaint.status in OPEN_STATUSES and complaint.due_at < (now or timezone.now())


def categories_active() -> QuerySet[ComplaintCategory]:
    return ComplaintCategory.objects.filter(active=True).order_by("code")


@dataclass
class ReportRow:
    """One group of the register report."""

    key: str
    label: str
    logged: int = 0
    open: int = 0
    overdue: int = 0
    closed: int = 0
    times: ResolutionTimes | None = None
    target: WithinTarget | None = None
    outcome: Any = None  # satisfaction with the outcome: surveys.figures.Figure (CSAT of the outcome survey's answers)


@dataclass
class ComplaintReport:
    """Counts per group, time to resolve, share closed within target and repeat complainants, over one period."""

    by: str
    date_from: date | None
    date_to: date | None
    total: ReportRow
    rows: list[ReportRow]
    repeat: list[tuple[str, int]] = field(default_factory=list)
    minimum_n: int = 5


def complaint_report(
    *, actor: User, by: str = "category", date_from: date | None = None, date_to: date | None = None
) -> ComplaintReport:
    """The register report over complaints logged from `date_from` to `date_to` (inclusive local days) that the actor may
    see, grouped by category, phase, team or period (month)."""
    if by not in DIMENSIONS:
        raise ValueError(by)
    complaints = Complaint.objects.visible_to(actor).select_related("category", "team", "customer")
    tz = timezone.get_current_timezone()
    if date_from:
        complaints = complaints.filter(created_at__gte=datetime.combine(date_from, time.min, tz))
    if date_to:
        complaints = complaints.filter(created_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tz))
    minimum_n = OrgSettings.load().minimum_n
    now = timezone.now()
    groups: dict[str, list[Complaint]] = defaultdict(list)
    labels: dict[str, str] = {}
    everything = list(complaints.order_by("created_at", "pk"))
    ratings = outcome_ratings(c.pk for c in everything)
    for complaint in everything:
        key, label = _group(complaint, by)
        groups[key].append(complaint)
        labels[key] = label
    rows = [_row(key, labels[key], items, now, minimum_n, ratings) for key, items in groups.items()]
    rows.sort(key=lambda r: r.key if by == "period" else (-r.logged, r.label))
    repeat = repeat_complainants(c.customer.external_id if c.customer else None for c in everything)
    return ComplaintReport(
        by=by,
        date_from=date_from,
        date_to=date_to,
        total=_row("", "", everything, now, minimum_n, ratings),
        rows=rows,
        repeat=sorted(repeat.items(), key=lambda item: (-item[1], item[0])),
        minimum_n=minimum_n,
    )


def _group(complaint: Complaint, by: str) -> tuple[str, str]:
    if by == "category":
        return complaint.category.code, str(complaint.category)
    if by == "phase":
        return complaint.phase or "", str(JourneyPhase(complaint.phase).label) if complaint.phase else ""
    if by == "team":
        return (str(complaint.team_id), complaint.team.name) if complaint.team else ("", "")
    month = timezone.localtime(complaint.created_at).strftime("%Y-%m")
    return month, month


def _row(key: str, label: str, items: list[Complaint], now: datetime, minimum_n: int, ratings: dict[int, int]) -> ReportRow:
    closed = [c for c in items if c.status in CLOSED_STATUSES and c.closed_at is not None]
    open_ = [c for c in items if c.status in OPEN_STATUSES]
    return ReportRow(
        key=key,
        label=label,
        logged=len(items),
        open=len(open_),
        overdue=sum(1 for c in open_ if c.due_at < now),
        closed=len(closed),
        times=resolution_times(hours_between(c.created_at, c.closed_at) for c in closed if c.closed_at),
        target=within_target(((c.closed_at, c.due_at) for c in closed if c.closed_at), minimum_n=minimum_n),
        outcome=outcome_figure((ratings[c.pk] for c in items if c.pk in ratings), minimum_n=minimum_n),
    )


def report_as_dict(report: ComplaintReport) -> dict[str, Any]:
    """The report as plain JSON-ready data (API and CLI)."""

    def row(r: ReportRow) -> dict[str, Any]:
        times, target = r.times, r.target
        return {
            "key": r.key,
            "label": r.label,
            "logged": r.logged,
            "open": r.open,
            "overdue": r.overdue,
            "closed": r.closed,
            "median_hours_to_resolve": _round(times.median_hours if times else None),
            "p90_hours_to_resolve": _round(times.p90_hours if times else None),
            "closed_within_target": target.within if target else 0,
            "within_target_percent": _round(target.share if target else None),
            "within_target_low": _round(target.low if target else None),
            "within_target_high": _round(target.high if target else None),
            "conclusive": bool(target and target.conclusive),
            "outcome_responses": r.outcome.n if r.outcome else 0,
            "outcome_csat": r.outcome.value if r.outcome else None,
            "outcome_csat_low": r.outcome.ci_low if r.outcome else None,
            "outcome_csat_high": r.outcome.ci_high if r.outcome else None,
            "outcome_conclusive": bool(r.outcome and r.outcome.conclusive),
        }

    return {
        "by": report.by,
        "from": report.date_from.isoformat() if report.date_from else None,
        "to": report.date_to.isoformat() if report.date_to else None,
        "minimum_n": report.minimum_n,
        "total": row(report.total),
        "rows": [row(r) for r in report.rows],
        "repeat_complainants": [{"customer": str(c), "complaints": n} for c, n in report.repeat],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
