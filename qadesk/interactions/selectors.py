"""Reading interactions: the list with its filters and one interaction with its transcript."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from qadesk.accounts.models import User
from qadesk.core.days import day_start, next_day_start
from qadesk.interactions.models import Interaction, InteractionAgent, Message

# Filter name -> model lookup for the filters that compare one column with the given value.
_EXACT_FILTERS = {
    "channel": "channel",
    "team": "team_id",
    "site": "site_id",
    "label": "label_id",
    "phase": "phase",
    "language": "language",
    "status": "status",
}


def interaction_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[Interaction]:
    """Interactions the actor may see, newest first, filtered, each with its latest visible review score.

    Filters: channel, team, site, label, phase, language, status, agent (ids for the foreign keys),
    date_from and date_to (inclusive local dates of creation) and q (text in external id or subject).
    """
    from qadesk.reviews.models import Review

    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    qs = Interaction.objects.visible_to(actor)
    qs = qs.filter(**{_EXACT_FILTERS[name]: value for name, value in filters.items() if name in _EXACT_FILTERS})
    if "agent" in filters:
        # Any agent who handled it, not only the last one: a reassigned contact belongs to both.
        qs = qs.filter(pk__in=InteractionAgent.objects.filter(agent_id=filters["agent"]).values("interaction_id"))
    if "date_from" in filters:
        qs = qs.filter(created_at__gte=day_start(filters["date_from"]))
    if "date_to" in filters:
        qs = qs.filter(created_at__lt=next_day_start(filters["date_to"]))
    if "q" in filters:
        text = str(filters["q"]).strip()
        qs = qs.filter(Q(external_id__icontains=text) | Q(subject__icontains=text))
    latest_score = (
        Review.objects.visible_to(actor)
        .filter(interaction=OuterRef("pk"), status="submitted")
        .order_by("-submitted_at", "-pk")
        .values("score")[:1]
    )
    qs = qs.select_related("team", "site", "label", "agent").annotate(latest_score=Subquery(latest_score))
    return cast("QuerySet[Interaction]", qs.order_by("-created_at", "-id"))


def interaction_detail(*, actor: User, pk: int) -> Interaction:
    """One interaction the actor may see, with handlers in order and the transcript loaded; 404 otherwise."""
    qs = Interaction.objects.visible_to(actor).select_related("customer", "team", "site", "label", "sop", "agent")
    qs = qs.prefetch_related(
        Prefetch("handlers", queryset=InteractionAgent.objects.select_related("agent").order_by("position")),
        Prefetch("messages", queryset=Message.objects.select_related("agent").order_by("position")),
    )
    return get_object_or_404(qs, pk=pk)
