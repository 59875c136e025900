"""Reading reviews: the list, one review with its ratings, and a draft its reviewer may edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from qadesk.accounts.models import User
from qadesk.core.days import day_start, next_day_start
from qadesk.core.lists import parse_sort, sort_ordering
from qadesk.reviews.models import AssignmentStatus, Rating, Review, ReviewAssignment, ReviewStatus

# What a row of the review list (page and API) shows: the review's own columns and the names of what it points to, not
# every column of the interaction, the reviewer's account, the scorecard version's conditions and the message body.
LIST_COLUMNS = (
    *(f.name for f in Review._meta.concrete_fields),
    "interaction__external_id",
    "reviewer__username",
    "reviewer__first_name",
    "reviewer__last_name",
    "agent__username",
    "agent__display_name",
    "scorecard_version__number",
    "scorecard_version__scorecard__code",
    "scorecard_version__scorecard__name",
)


# Sort keys people click in the review list (page and API) -> columns; the id breaks ties (core.lists.sort_ordering).
REVIEW_SORTS = {
    "id": ("id",),
    "date": ("submitted_at", "created_at"),
    "score": ("score",),
    "status": ("status",),
    "agent": ("agent__display_name", "agent__username"),
    "reviewer": ("reviewer__first_name", "reviewer__last_name", "reviewer__username"),
    "interaction": ("interaction__external_id",),
    "errors": ("high_impact_errors", "low_impact_errors"),
}
DEFAULT_REVIEW_SORT = "-id"
_NULLABLE_SORT_COLUMNS = frozenset({"submitted_at", "score"})


def review_list(*, actor: User, filters: dict[str, Any] | None = None, sort: str | None = None) -> QuerySet[Review]:
    """Reviews the actor may see, filtered and sorted (newest first by default), with the columns a list row shows
    (LIST_COLUMNS).

    Filters: status, agent (id), reviewer (id), interaction (id), team and site (the interaction's, ids), date_from and
    date_to (inclusive local dates of submission: drafts have none), score_min and score_max (inclusive), high_impact
    (bool: with high-impact errors) and q (text in the interaction's external id or subject, or the agent's name).
    `sort`: a key of REVIEW_SORTS, "-" for descending; unknown keys give the default."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    reviews = Review.objects.visible_to(actor).select_related("interaction", "reviewer", "agent", "scorecard_version__scorecard")
    lookups = {
        "status": "status",
        "agent": "agent_id",
        "reviewer": "reviewer_id",
        "interaction": "interaction_id",
        "team": "interaction__team_id",
        "site": "interaction__site_id",
        "score_min": "score__gte",
        "score_max": "score__lte",
    }
    reviews = reviews.filter(**{lookups[k]: v for k, v in filters.items() if k in lookups})
    if "date_from" in filters:
        reviews = reviews.filter(submitted_at__gte=day_start(filters["date_from"]))
    if "date_to" in filters:
        reviews = reviews.filter(submitted_at__lt=next_day_start(filters["date_to"]))
    if "high_impact" in filters:
        reviews = reviews.filter(high_impact_errors__gt=0) if filters["high_impact"] else reviews.filter(high_impact_errors=0)
    if "q" in filters:
        text = str(filters["q"]).strip()
        reviews = reviews.filter(
            Q(interaction__external_id__icontains=text)
            | Q(interaction__subject__icontains=text)
            | Q(agent__display_name__icontains=text)
            | Q(agent__username__icontains=text)
        )
    ordering = sort_ordering(parse_sort(sort, REVIEW_SORTS, DEFAULT_REVIEW_SORT), REVIEW_SORTS, _NULLABLE_SORT_COLUMNS)
    return reviews.only(*LIST_COLUMNS).order_by(*ordering)


def review_detail(*, actor: User, pk: int) -> Review:
    """One review the actor may see with its ratings in form order; 404 otherwise."""
    ratings = Rating.objects.select_related("criterion__section").order_by("criterion__section__position", "criterion__position")
    reviews = Review.objects.visible_to(actor).select_related(
        "interaction", "reviewer", "agent", "scorecard_version__scorecard", "message"
    )
    return get_object_or_404(reviews.prefetch_related(Prefetch("ratings", queryset=ratings)), pk=pk)


def review_own(*, actor: User, pk: int) -> Review:
    """A review of the actor's own making (only its reviewer may edit it); for anyone else it does not exist (404)."""
    reviews = Review.objects.visible_to(actor).filter(reviewer=actor).select_related("interaction", "agent", "message")
    return get_object_or_404(reviews.prefetch_related("ratings"), pk=pk)


def assignment_queue(*, actor: User) -> QuerySet[ReviewAssignment]:
    """The actor's open assignments, earliest due first (no due date last), with what the queue shows."""
    from django.db.models import F

    return (
        ReviewAssignment.objects.filter(reviewer=actor, status=AssignmentStatus.OPEN)
        .select_related("interaction__team", "interaction__agent", "interaction__label", "assigned_by")
        .order_by(F("due_at").asc(nulls_last=True), "created_at")
    )


def assignment_due_state(*, due_at: datetime | None, now: datetime) -> str:
    """ "overdue" (due before now), "today" (due later today, local time), or "" (later, or no due date)."""
    if due_at is None:
        return ""
    if due_at < now:
        return "overdue"
    return "today" if due_at <= timezone.localtime(now).replace(hour=23, minute=59, second=59) else ""


@dataclass(frozen=True)
class QueueCounts:
    """The figures above a reviewer's queue: open assignments, of them overdue and due today, drafts started."""

    open: int
    overdue: int
    today: int
    drafts: int


def assignment_queue_counts(*, actor: User, now: datetime | None = None) -> QueueCounts:
    """The queue's counts as the queue page shows them (assignment_due_state decides overdue and due today)."""
    now = now or timezone.now()
    rows = list(assignment_queue(actor=actor).values_list("interaction_id", "due_at"))
    states = [assignment_due_state(due_at=due_at, now=now) for _i, due_at in rows]
    drafts = Review.objects.filter(
        reviewer=actor, status=ReviewStatus.DRAFT, message__isnull=True, interaction_id__in=[i for i, _d in rows]
    ).count()
    return QueueCounts(open=len(rows), overdue=states.count("overdue"), today=states.count("today"), drafts=drafts)


def assignment_language_gaps(*, assignments: list[ReviewAssignment], reviewer: User) -> dict[str, int]:
    """Per language subtag, the assignments in a language the reviewer does not say they review (nothing when they
    name no language: no preference)."""
    from qadesk.interactions.languages import language_primary
    from qadesk.interactions.models import Interaction

    if not reviewer.review_languages or not assignments:
        return {}
    tags = Interaction.objects.filter(pk__in=[a.interaction_id for a in assignments]).values_list("language", flat=True)
    gaps: dict[str, int] = {}
    for primary in (language_primary(tag) for tag in tags):
        if primary and primary not in reviewer.review_languages:
            gaps[primary] = gaps.get(primary, 0) + 1
    return gaps
