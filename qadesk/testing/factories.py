"""Small factories for tests: plain functions with sensible defaults, keyword overrides."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from qadesk.accounts.models import Agent, Role, Site, Team, User
from qadesk.interactions.models import Interaction, InteractionAgent, Message

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_site(name: str | None = None) -> Site:
    return Site.objects.get_or_create(name=name or f"Site {next(_seq)}")[0]


def make_team(name: str | None = None, site: Site | None = None) -> Team:
    return Team.objects.get_or_create(name=name or f"Team {next(_seq)}", defaults={"site": site or make_site()})[0]


def make_user(
    username: str | None = None, role: str = Role.AGENT, team: Team | None = None, language: str = "en", **extra: Any
) -> User:
    return User.objects.create_user(
        username=username or f"user{next(_seq)}", password=PASSWORD, role=role, team=team, language=language, **extra
    )


def make_agent(username: str | None = None, team: Team | None = None, user: User | None = None) -> Agent:
    team = team or make_team()
    return Agent.objects.create(
        username=username or f"agent{next(_seq)}",
        display_name=(username or "Agent").title(),
        team=team,
        site=team.site,
        user=user,
    )


def make_interaction(
    agent: Agent | None = None,
    *,
    channel: str = "email",
    created_at: datetime | None = None,
    messages: list[tuple[str, str]] | None = None,
    **extra: Any,
) -> Interaction:
    agent = agent or make_agent()
    created = created_at or timezone.now() - timedelta(days=1)
    interaction = Interaction.objects.create(
        external_id=extra.pop("external_id", f"T-{next(_seq)}"),
        source=extra.pop("source", "test"),
        channel=channel,
        language=extra.pop("language", "en"),
        team=extra.pop("team", agent.team),
        site=extra.pop("site", agent.site),
        agent=agent,
        created_at=created,
        **extra,
    )
    InteractionAgent.objects.create(interaction=interaction, agent=agent, position=0)
    pairs = messages if messages is not None else [("customer", "Hello, my order is late."), ("agent", "Sorry! Let me check.")]
    Message.objects.bulk_create(
        Message(
            interaction=interaction,
            position=i,
            author_role=role,
            agent=agent if role == "agent" else None,
            sent_at=created + timedelta(minutes=i),
            body=body,
        )
        for i, (role, body) in enumerate(pairs)
    )
    interaction.message_count = len(pairs)
    interaction.save(update_fields=["message_count"])
    return interaction
