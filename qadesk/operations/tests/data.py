"""A small contact set worked by hand (docs/operations.md, "A worked example"), as plain contacts and as rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from qadesk.accounts.models import Agent
from qadesk.interactions.models import Customer, Interaction, InteractionAgent, Label
from qadesk.operations.kpis import Contact
from qadesk.testing import factories as f

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def seconds(n: float) -> datetime:
    return T0 + timedelta(seconds=n)


# name: (channel, fields, handler teams)
WORKED: dict[str, tuple[str, dict[str, Any], tuple[str, ...]]] = {
    "c1": (
        "phone",
        {
            "queued_at": T0,
            "answered_at": seconds(10),
            "first_reply_at": seconds(10),
            "resolved_at": seconds(410),
            "talk_seconds": 300,
            "hold_seconds": 60,
            "acw_seconds": 40,
        },
        ("A",),
    ),
    "c2": (
        "phone",
        {
            "queued_at": T0,
            "answered_at": seconds(30),
            "first_reply_at": seconds(30),
            "resolved_at": seconds(3600),
            "talk_seconds": 200,
            "hold_seconds": 0,
            "acw_seconds": 100,
            "reopens": 1,
        },
        ("A", "B"),
    ),
    "c3": ("phone", {"queued_at": T0, "closed_at": seconds(3), "abandoned": True}, ()),
    "c4": ("phone", {"queued_at": T0, "closed_at": seconds(60), "abandoned": True}, ()),
    "c5": ("email", {"first_reply_at": seconds(7200), "resolved_at": seconds(172_800)}, ("A",)),
    "c6": ("email", {}, ("A",)),
}


def worked_contacts() -> list[Contact]:
    """The six contacts; c5's customer wrote again on the same reason two days after its resolution."""
    return [
        Contact(created_at=T0, handler_teams=tuple(hash(t) for t in teams), came_back=name == "c5", **fields)
        for name, (_channel, fields, teams) in WORKED.items()
    ]


def worked_rows(agent: Agent, other_agent: Agent) -> dict[str, Interaction]:
    """The same six contacts in the database (agent in team A, other_agent in team B), and c5's customer coming back
    on 6 November (outside a 2–3 November report, within FCR's 7 days)."""
    label = Label.objects.create(code="late_delivery")
    made = {}
    for name, (channel, fields, teams) in WORKED.items():
        customer = Customer.objects.create(external_id=f"customer-{name}")
        row = f.make_interaction(agent, channel=channel, created_at=T0, customer=customer, label=label, **fields)
        if not teams:
            row.handlers.all().delete()
        if len(teams) > 1:
            InteractionAgent.objects.create(interaction=row, agent=other_agent, position=1)
        made[name] = row
    back = made["c5"].customer
    f.make_interaction(agent, channel="email", created_at=T0 + timedelta(days=4), customer=back, label=label, status="open")
    return made
