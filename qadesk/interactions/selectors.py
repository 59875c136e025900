"""Reading interactions: the list with its filters and one interaction with its transcript."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from qadesk.accounts.models import User
from qadesk.core.days import day_start, next_day_start
from qadesk.interactions.languages import language_name
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


def interaction_languages(*, actor: User) -> list[tuple[str, str]]:
    """(tag, name in the active language) of the languages the actor's interactions are in, by name."""
    tags = Interaction.objects.visible_to(actor).exclude(language="").order_by().values_list("language", flat=True).distinct()
    ui = get_language() or "en"
    return sorted(((tag, language_name(tag, ui)) for tag in tags), key=lambda pair: pair[1].casefold())


def interaction_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[Interaction]:
    """Interactions the actor may see, newest first, filtered, each with its latest visible review score.

    Filters: channel, team, site, label, phase, language, status, agent (ids for the foreign keys),
    date_from and date_to (inclusive local dates of creation) and q (text in external id or subject).
    """
    from qadesk.reviews.models import Review

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
