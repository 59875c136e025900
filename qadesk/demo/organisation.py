"""Writing the demo organisation: sites, teams, agents, the persona logins, labels and the SOP catalogue."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from qadesk.accounts.models import Agent, OrgSettings, Site, Team, User
from qadesk.demo import catalogue as cat
from qadesk.demo.generator import DemoAgent
from qadesk.interactions.models import Label, Sop
from qadesk.interactions.sops import steps_read


def demo_organisation_create(*, roster: list[DemoAgent]) -> dict[str, User]:
    """Create or refresh the organisation the demo interactions happen in; returns the persona users by username."""
    OrgSettings.load()
    sites = {
        name: Site.objects.update_or_create(name=name, defaults={"country": country})[0] for name, country in cat.SITES.items()
    }
    teams = {
        name: Team.objects.update_or_create(name=name, defaults={"site": sites[site]})[0]
        for name, (site, *_rest) in cat.TEAMS.items()
    }
    agents = {}
    for demo_agent in roster:
        agents[demo_agent.username] = Agent.objects.update_or_create(
            username=demo_agent.username,
            defaults={
                "display_name": demo_agent.display_name,
                "team": teams[demo_agent.team],
                "site": sites[demo_agent.site],
                "is_active": True,
            },
        )[0]
    users = _personas_create(roster=roster, teams=teams, agents=agents)
    _catalogue_create()
    return users


def _personas_create(*, roster: list[DemoAgent], teams: dict[str, Team], agents: dict[str, Agent]) -> dict[str, User]:
    password = make_password(cat.PASSWORD)  # hashing is slow on purpose: hash once, share it
    users = {}
    for persona in cat.PERSONAS:
        first, last = persona.first_name, persona.last_name
        agent = None
        if persona.username in cat.AGENT_LOGINS:
            agent = agents[[a.username for a in roster if a.team == persona.team][cat.AGENT_LOGINS[persona.username]]]
            first, last = agent.display_name.split(" ", 1)
        user, _created = User.objects.update_or_create(
            username=persona.username,
            defaults={
                "password": password,
                "role": persona.role,
                "language": persona.language,
                "first_name": first,
                "last_name": last,
                "team": teams[persona.team] if persona.team else None,
                "is_staff": persona.role == "admin",
                "is_superuser": persona.role == "admin",
                "is_active": True,
            },
        )
        if agent is not None and agent.user_id != user.pk:
            Agent.objects.filter(user=user).exclude(pk=agent.pk).update(user=None)
            agent.user = user
            agent.save(update_fields=["user"])
        users[persona.username] = user
    return users


def _catalogue_create() -> None:
    labels = {
        label.code: Label.objects.update_or_create(
            code=label.code, defaults={"name": label.name, "names": {"en": label.name, **cat.LABEL_NAMES[label.code]}}
        )[0]
        for label in cat.LABELS
    }
    for code, (title, steps) in cat.SOPS.items():
        sop = Sop.objects.update_or_create(code=code, defaults={"title": title, "steps": steps_read(steps)})[0]
        sop.labels.set([labels[label.code] for label in cat.LABELS if label.sop == code])
