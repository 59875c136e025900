"""Reading interactions: the list with its filters and one interaction with its transcript."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from qadesk.accounts.models import User
from qadesk.core.days import day_start, next_day_start
from qadesk.core.lists import parse_sort, sort_ordering
from qadesk.interactions.languages import language_name
from qadesk.interactions.models import Interaction, InteractionAgent, Message, Sop
from qadesk.interactions.sops import steps_read

# Filter name -> model lookup for the filters that compare one column with the given value.
_EXACT_FILTERS = {
    "channel": "channel",
    "team": "team_id",
    "site": "site_id",
    "label": "label_id",
    "phase": "phase",
    "language": "language",
    "status": "status",
    "customer_rating": "customer_rating",
}

# Sort keys people click in the list (page and API) -> columns; the id breaks ties (core.lists.sort_ordering).
INTERACTION_SORTS = {
    "created": ("created_at",),
    "external_id": ("external_id",),
    "channel": ("channel",),
    "team": ("team__name",),
    "agent": ("agent__display_name", "agent__username"),
    "label": ("label__code",),
    "status": ("status",),
    "messages": ("message_count",),
}
# Not "score": the latest review's score is a subquery per row, and sorting by it computes it for every matching
# interaction (9 s at 1,000,000). Scores sort on the review list, where the score is a column.
_NULLABLE_SORT_COLUMNS = frozenset({"team__name", "agent__display_name", "agent__username", "label__code"})
DEFAULT_INTERACTION_SORT = "-created"

# What a row of the interaction list page shows: its columns as plain values, no model instance per row.
ROW_COLUMNS = (
    "id",
    "external_id",
    "subject",
    "created_at",
    "channel",
    "language",
    "team__name",
    "agent__username",
    "agent__display_name",
    "label__code",
    "label__name",
    "label__names",
    "phase",
    "status",
    "message_count",
    "latest_score",
)


def interaction_languages(*, actor: User) -> list[tuple[str, str]]:
    """(tag, name in the active language) of the languages the actor's interactions are in, by name."""
    tags = Interaction.objects.visible_to(actor).exclude(language="").order_by().values_list("language", flat=True).distinct()
    ui = get_language() or "en"
    return sorted(((tag, language_name(tag, ui)) for tag in tags), key=lambda pair: pair[1].casefold())


def interaction_list(*, actor: User, filters: dict[str, Any] | None = None, sort: str | None = None) -> QuerySet[Interaction]:
    """Interactions the actor may see, filtered and sorted (newest first by default), each with its latest visible
    review score (`latest_score`).

    Filters: channel, team, site, label, phase, language, status, customer_rating, agent (ids for the foreign keys),
    date_from and date_to (inclusive local dates of creation), complaint (bool), reviewed (bool: a submitted review
    exists), assigned (bool: open in someone's review queue) and q (text in external id, subject, customer id or the
    credited agent's name). `sort`: a key of INTERACTION_SORTS, "-" for descending; unknown keys give the default.
    """
    from qadesk.reviews.models import AssignmentStatus, Review, ReviewAssignment

    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    qs = _with_agent_hidden(Interaction.objects.visible_to(actor), actor)
    qs = qs.filter(**{_EXACT_FILTERS[name]: value for name, value in filters.items() if name in _EXACT_FILTERS})
    if "agent" in filters:
        # Any agent who handled it, not only the last one: a reassigned contact belongs to both.
        qs = qs.filter(pk__in=InteractionAgent.objects.filter(agent_id=filters["agent"]).values("interaction_id"))
        if _may_have_hidden_agents(actor):
            from qadesk.calibration.selectors import calibration_hidden_agent_items

            # Filtering by agent would name the hidden one.
            qs = qs.exclude(pk__in=calibration_hidden_agent_items(actor=actor).values("interaction_id"))
    if "date_from" in filters:
        qs = qs.filter(created_at__gte=day_start(filters["date_from"]))
    if "date_to" in filters:
        qs = qs.filter(created_at__lt=next_day_start(filters["date_to"]))
    if "complaint" in filters:
        qs = qs.filter(complaint=bool(filters["complaint"]))
    if "reviewed" in filters:
        reviewed = Exists(Review.objects.filter(interaction=OuterRef("pk"), status="submitted"))
        qs = qs.filter(reviewed if filters["reviewed"] else ~reviewed)
    if "assigned" in filters:
        open_ = Exists(ReviewAssignment.objects.filter(interaction=OuterRef("pk"), status=AssignmentStatus.OPEN))
        qs = qs.filter(open_ if filters["assigned"] else ~open_)
    if "q" in filters:
        text = str(filters["q"]).strip()
        match = Q(external_id__icontains=text) | Q(subject__icontains=text) | Q(customer__external_id__icontains=text)
        if not _may_have_hidden_agents(actor):  # searching by name would find a hidden agent's contacts
            match |= Q(agent__display_name__icontains=text) | Q(agent__username__icontains=text)
        qs = qs.filter(match)
    latest_score = (
        Review.objects.visible_to(actor)
        .filter(interaction=OuterRef("pk"), status="submitted")
        .order_by("-submitted_at", "-pk")
        .values("score")[:1]
    )
    qs = qs.select_related("team", "site", "label", "agent").annotate(latest_score=Subquery(latest_score))
    ordering = sort_ordering(
        parse_sort(sort, INTERACTION_SORTS, DEFAULT_INTERACTION_SORT), INTERACTION_SORTS, _NULLABLE_SORT_COLUMNS
    )
    return cast("QuerySet[Interaction]", qs.order_by(*ordering))


def open_assignments_by_interaction(interaction_ids: list[int]) -> dict[int, list[str]]:
    """Who has each of these interactions open in their review queue (names), in one query: the list's state column."""
    from qadesk.reviews.models import AssignmentStatus, ReviewAssignment

    rows = (
        ReviewAssignment.objects.filter(interaction_id__in=interaction_ids, status=AssignmentStatus.OPEN)
        .order_by("created_at")
        .values_list("interaction_id", "reviewer__first_name", "reviewer__last_name", "reviewer__username")
    )
    found: dict[int, list[str]] = {}
    for interaction_id, first, last, username in rows:
        found.setdefault(interaction_id, []).append(f"{first} {last}".strip() or username)
    return found


def interaction_detail(*, actor: User, pk: int) -> Interaction:
    """One interaction the actor may see, with handlers in order and the transcript loaded; 404 otherwise.

    `agent_hidden` is true while the actor scores it in a calibration session that hides the agent's name: pages and
    the API then name no agent (the credited one, the handlers, the transcript's authors).
    """
    qs = _with_agent_hidden(Interaction.objects.visible_to(actor), actor)
    qs = qs.select_related("customer", "team", "site", "label", "sop", "agent")
    qs = qs.prefetch_related(
        Prefetch("handlers", queryset=InteractionAgent.objects.select_related("agent").order_by("position")),
        Prefetch("messages", queryset=Message.objects.select_related("agent").order_by("position")),
    )
    return get_object_or_404(qs, pk=pk)


def _may_have_hidden_agents(actor: User) -> bool:
    """Only reviewers below QA lead take part in calibration sessions blind to the agent."""
    return bool(actor.is_authenticated and actor.can_review and not actor.sees_everything)


def _with_agent_hidden(qs: QuerySet[Interaction], actor: User) -> QuerySet[Interaction]:
    """Annotate `agent_hidden` (see interaction_detail); one EXISTS, and only for those it can concern."""
    if not _may_have_hidden_agents(actor):
        return qs
    from qadesk.calibration.selectors import calibration_hidden_agent_items

    hidden = calibration_hidden_agent_items(actor=actor).filter(interaction=OuterRef("pk"))
    return qs.annotate(agent_hidden=Exists(hidden))


def sop_list() -> QuerySet[Sop]:
    """The SOP catalogue by code, with labels and how many interactions each one serves. Every user may read it."""
    return Sop.objects.prefetch_related("labels").annotate(interaction_count=Count("interactions")).order_by("code")


def sop_catalogue_export(*, codes: list[str] | None = None) -> dict[str, Any]:
    """The catalogue (or these codes of it) in the file shape `sop import` reads back (docs/sops.md)."""
    sops = Sop.objects.prefetch_related("labels").order_by("code")
    if codes:
        sops = sops.filter(code__in=codes)
    return {
        "sops": [
            {
                "code": sop.code,
                "title": sop.title,
                "labels": sorted(label.code for label in sop.labels.all()),
                "steps": steps_read(sop.steps),
            }
            for sop in sops
        ]
    }


def interactions_to_assign(
    *, actor: User, filters: dict[str, Any], random_count: int | None = None, limit: int
) -> tuple[list[Interaction], int]:
    """For "assign all N matching" / "assign a random N of them": the interactions matching the list's filters that
    are in nobody's review queue, and how many match. All of them (when at most `limit`, else none: the caller says
    to narrow the filters) or `random_count` drawn at random among them."""
    matching = interaction_list(actor=actor, filters={**filters, "assigned": False})
    count = matching.order_by().values("pk").count()
    if random_count is not None:
        ids = list(matching.order_by("?").values_list("pk", flat=True)[: min(random_count, limit)])
    elif count <= limit:
        ids = list(matching.values_list("pk", flat=True))
    else:
        ids = []
    return [Interaction(pk=pk) for pk in ids], count
