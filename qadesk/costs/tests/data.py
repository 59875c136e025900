"""A November worked by hand (docs/value.md): two agents, one priced, four incidents resolved, one tools bill."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from qadesk.accounts.models import Agent
from qadesk.costs.models import LabourCost, SupportCost
from qadesk.interactions.models import Customer
from qadesk.testing import factories as f

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def november(agent: Agent) -> None:
    """The Milano site costs 3,000 a month from October; the agent's own record raises them to 3,600 from 16 November:
    November's labour = 1,500 + 1,800 = 3,300; with tools at 400 the support cost is 3,700. One call of 900 s and three
    e-mails of 100 s are resolved: 3,700 / 4 = 925 per incident; by channel 2,775 for the call, 308.33 per e-mail."""
    assert agent.site is not None
    LabourCost.objects.create(
        valid_from=date(2026, 10, 1), site=agent.site, salary=Decimal(2400), taxes=Decimal(600), paid_hours=150
    )
    LabourCost.objects.create(
        valid_from=date(2026, 11, 16), agent=agent, salary=Decimal(3000), taxes=Decimal(600), paid_hours=150
    )
    SupportCost.objects.create(month=date(2026, 11, 1), category="tools", amount=Decimal(400))
    gold = Customer.objects.create(external_id="C-GOLD", segment="gold")
    when = datetime(2026, 11, 10, 9, tzinfo=UTC)
    resolved = datetime(2026, 11, 10, 11, tzinfo=UTC)
    f.make_interaction(agent, channel="phone", created_at=when, resolved_at=resolved, talk_seconds=900, customer=gold)
    for _ in range(3):
        f.make_interaction(agent, channel="email", created_at=when, resolved_at=resolved, acw_seconds=100, customer=gold)
