"""Reading disputes: the list with its filters, one dispute with its thread, a review's feedback panel, the dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from qadesk.accounts.models import OrgSettings, Role, User
from qadesk.audit.models import AuditEvent
from qadesk.core.i18n import pick
from qadesk.disputes.models import Dispute, DisputeItem, DisputeMessage, DisputeStatus
from qadesk.disputes.stats import AcceptanceRow, acceptance_rate, acceptance_rows, median_resolution_hours, overturn_flag
from qadesk.reviews.models import CoachingNote, Review, ReviewRevision, ReviewStatus
from qadesk.scorecards.models import Criterion, Scale


def dispute_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[Dispute]:
    """Disputes the actor may see, newest first; filters: status, overdue (bool), assignee (id), team (id)."""
    filters = filters or {}
    disputes = Dispute.objects.visible_to(actor).select_related(
        "review__agent__team", "review__interaction", "review__reviewer", "raised_by", "assignee"
    )
    if filters.get("status"):
        disputes = disputes.filter(status=filters["status"])
    if filters.get("overdue"):
        disputes = disputes.open().filter(due_at__lt=timezone.now())
    if filters.get("assignee"):
        disputes = disputes.filter(assignee_id=filters["assignee"])
    if filters.get("team"):
        disputes = disputes.filter(review__agent__team_id=filters["team"])
    overdue = ExpressionWrapper(~Q(status=DisputeStatus.DECIDED) & Q(due_at__lt=timezone.now()), output_field=BooleanField())
    return disputes.annotate(n_items=Count("items"), is_overdue=overdue).order_by("-created_at", "-pk")  # type: ignore[return-value]


def dispute_detail(*, actor: User, pk: int) -> Dispute:
    """One dispute the actor may see with its contested criteria and thread; 404 otherwise."""
    items = DisputeItem.objects.select_related("criterion__section")
    thread = DisputeMessage.objects.select_related("author")
    disputes = Dispute.objects.visible_to(actor).select_related(
        "review__agent__team",
        "review__interaction",
        "review__reviewer",
        "review__scorecard_version__scorecard",
        "raised_by",
        "assignee",
        "decided_by",
    )
    return get_object_or_404(
        disputes.prefetch_related(Prefetch("items", queryset=items), Prefetch("thread", queryset=thread)), pk=pk
    )


def dispute_is_overdue(dispute: Dispute) -> bool:
    """Undecided past its due date."""
    return dispute.status != DisputeStatus.DECIDED and dispute.due_at < timezone.now()


def settled_disputes(*, review: Review) -> QuerySet[Dispute]:
    """The review's decided disputes that still count: those decided since a QA lead last reopened it. What they
    contested (criteria, or who is credited) cannot be disputed again."""
    decided = Dispute.objects.filter(review=review, status=DisputeStatus.DECIDED)
    return decided.filter(decided_at__gt=review.reopened_at) if review.reopened_at else decided


def settled_criterion_ids(*, review: Review) -> set[int]:
    """The criteria of the review already decided in a dispute that still counts (see settled_disputes)."""
    items = DisputeItem.objects.filter(dispute__in=settled_disputes(review=review))
    return set(items.values_list("criterion_id", flat=True))


@dataclass
class ReviewFeedback:
    """What the review page shows around the scores: revisions, audit trail, coaching, disputes and what the viewer may do."""

    revisions: list[ReviewRevision]
    changed: dict[int, list[tuple[str, Any, Any]]]
    audit: list[AuditEvent]
    notes: list[CoachingNote]
    disputes: list[Dispute]
    open_dispute: Dispute | None
    is_agent: bool
    can_acknowledge: bool
    can_dispute: bool
    window_closes: Any
    can_coach: bool
    can_reopen: bool
    criteria_titles: dict[str, str] = field(default_factory=dict)
    coaching_draft: str = ""
    binary_criteria: set[str] = field(default_factory=set)  # the audit trail writes their ratings Yes/No
    names: dict[str, str] = field(default_factory=dict)  # username -> the name people read, for the audit trail


def review_feedback(*, actor: User, review: Review) -> ReviewFeedback:
    """Everything the review page needs beyond the ratings, in a fixed number of queries."""
    org = OrgSettings.load()
    revisions = list(review.revisions.select_related("created_by", "dispute").order_by("number"))
    audit = list(AuditEvent.objects.visible_to(actor).filter(review=review).select_related("actor").order_by("created_at", "pk"))
    notes = list(review.coaching_notes.select_related("author").order_by("created_at", "pk"))
    disputes = list(Dispute.objects.visible_to(actor).filter(review=review).select_related("assignee").order_by("-created_at"))
    open_dispute = next((d for d in disputes if d.status != DisputeStatus.DECIDED), None)
    criteria = list(Criterion.objects.filter(section__version_id=review.scorecard_version_id))
    titles = {str(c.pk): pick(c.title) for c in criteria}
    people = [e.actor for e in audit] + [d.assignee for d in disputes] + [r.created_by for r in revisions]
    names = {u.username: u.get_full_name() or u.username for u in people if u is not None}
    names.update({review.agent.username: str(review.agent)})
    is_agent = review.agent.user_id == actor.pk
    submitted = review.status == ReviewStatus.SUBMITTED and review.submitted_at is not None
    reopened = review.reopened_at
    settled = any(d.status == DisputeStatus.DECIDED and (not reopened or (d.decided_at or reopened) > reopened) for d in disputes)
    closes = review.submitted_at + timedelta(days=org.dispute_window_days) if review.submitted_at else None
    return ReviewFeedback(
        revisions=revisions,
        changed=_changed_criteria(revisions, titles),
        audit=audit,
        notes=notes,
        disputes=disputes,
        open_dispute=open_dispute,
        is_agent=is_agent,
        can_acknowledge=is_agent and submitted and review.acknowledged_at is None,
        can_dispute=is_agent
        and submitted
        and not review.scores_locked
        and open_dispute is None
        and closes is not None
        and timezone.now() <= closes,
        window_closes=closes,
        can_coach=submitted and _can_coach(actor, review),
        can_reopen=(review.scores_locked or settled) and actor.role in {Role.QA_LEAD, Role.ADMIN} and not is_agent,
        criteria_titles=titles,
        binary_criteria={str(c.pk) for c in criteria if c.scale == Scale.BINARY},
        names=names,
    )


def _can_coach(actor: User, review: Review) -> bool:
    if actor.role in {Role.QA_LEAD, Role.ADMIN}:
        return True
    return actor.role == Role.TEAM_LEAD and actor.team_id is not None and actor.team_id == review.agent.team_id


def _changed_criteria(revisions: list[ReviewRevision], titles: dict[str, str]) -> dict[int, list[tuple[str, Any, Any]]]:
    """Per revision number, (criterion title, before, after) for each rating that differs from the revision before."""
    changed: dict[int, list[tuple[str, Any, Any]]] = {}
    previous: dict[str, Any] | None = None
    for revision in revisions:
        values = {str(r["criterion"]): r.get("value") for r in revision.ratings}
        if previous is not None:
            changed[revision.number] = [
                (titles.get(cid, cid), previous[cid], v) for cid, v in values.items() if cid in previous and previous[cid] != v
            ]
        previous = values
    return changed


def reviews_of_agent(*, actor: User) -> QuerySet[Review]:
    """The actor's own submitted reviews (as the credited agent), newest first, with their latest dispute's status."""
    return (
        Review.objects.visible_to(actor)
        .submitted()
        .filter(agent__user=actor)
        .select_related("interaction", "reviewer", "scorecard_version__scorecard")
        .prefetch_related(Prefetch("disputes", queryset=Dispute.objects.order_by("-created_at")))
        .order_by("-submitted_at", "-pk")
    )


@dataclass(frozen=True)
class DisputeDashboard:
    """The disputes dashboard's figures over the disputes the actor may see."""

    total: int
    open: int
    overdue: int
    decided: int
    outcomes: dict[str, int]
    median_hours: float | None
    overall: AcceptanceRow | None
    by_criterion: list[AcceptanceRow]
    by_reviewer: list[AcceptanceRow]
    by_team: list[AcceptanceRow]
    flagged: set[str]
    minimum_n: int


def dispute_dashboard(*, actor: User) -> DisputeDashboard:
    """Counts and rates aggregated in SQL; median and rates from disputes.stats."""
    minimum_n = OrgSettings.load().minimum_n
    disputes = Dispute.objects.visible_to(actor)
    now = timezone.now()
    counts = disputes.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(status=DisputeStatus.DECIDED)),
        overdue=Count("pk", filter=~Q(status=DisputeStatus.DECIDED) & Q(due_at__lt=now)),
        decided=Count("pk", filter=Q(status=DisputeStatus.DECIDED)),
        accepted=Count("pk", filter=Q(outcome="accepted")),
        partial=Count("pk", filter=Q(outcome="partial")),
        rejected=Count("pk", filter=Q(outcome="rejected")),
    )
    spans = disputes.filter(status=DisputeStatus.DECIDED, decided_at__isnull=False).values_list("created_at", "decided_at")
    items = DisputeItem.objects.filter(dispute__in=disputes, accepted__isnull=False)
    by_criterion = _grouped_by_criterion(items)
    by_reviewer = _grouped(items, "dispute__review__reviewer_id", "dispute__review__reviewer__username")
    by_team = _grouped(items, "dispute__review__agent__team_id", "dispute__review__agent__team__name")
    total_n = sum(n for _k, _l, n, _a in by_reviewer)
    total_accepted = sum(a for _k, _l, _n, a in by_reviewer)
    overall = acceptance_rows([("", "", total_n, total_accepted)], minimum_n=minimum_n)
    rows = {
        name: acceptance_rows(groups, minimum_n=minimum_n)
        for name, groups in (("criterion", by_criterion), ("reviewer", by_reviewer), ("team", by_team))
    }
    rate = acceptance_rate(total_accepted, total_n)
    flagged = {f"{name}:{r.key}" for name, group in rows.items() for r in group if overturn_flag(r, overall_rate=rate)}
    return DisputeDashboard(
        total=counts["total"],
        open=counts["open"],
        overdue=counts["overdue"],
        decided=counts["decided"],
        outcomes={k: counts[k] for k in ("accepted", "partial", "rejected")},
        median_hours=median_resolution_hours(spans),
        overall=overall[0] if overall else None,
        by_criterion=rows["criterion"],
        by_reviewer=rows["reviewer"],
        by_team=rows["team"],
        flagged=flagged,
        minimum_n=minimum_n,
    )


def _grouped(items: QuerySet[DisputeItem], key: str, label: str) -> list[tuple[str, str, int, int]]:
    """One GROUP BY: (key, label, n decided, n accepted) per group."""
    rows = items.values(key, label).annotate(n=Count("pk"), accepted=Count("pk", filter=Q(accepted=True))).order_by()
    return [(str(r[key] or ""), str(r[label] or "—"), r["n"], r["accepted"]) for r in rows]


def _grouped_by_criterion(items: QuerySet[DisputeItem]) -> list[tuple[str, str, int, int]]:
    """Criteria group by code, so one criterion across scorecard versions is one row."""
    rows = list(_grouped(items, "criterion__code", "criterion__code"))
    titles = (
        {c.code: pick(c.title) for c in Criterion.objects.filter(code__in=[r[0] for r in rows]).order_by("pk")} if rows else {}
    )
    return [(code, titles.get(code) or code, n, accepted) for code, _label, n, accepted in rows]
