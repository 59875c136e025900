"""The costs page reads the period's contacts in a fixed number of queries, and its two passes (`period_work` per
group, `customer_incidents` per customer) give the same figures as the separate selectors they replaced."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qadesk.accounts.models import Agent, User
from qadesk.costs.models import Revenue, SegmentCustomers
from qadesk.costs.selectors import (
    GROUPINGS,
    contacts_received,
    cost_report,
    customer_incidents,
    period_work,
    work_by_group,
)
from qadesk.costs.tests.data import november
from qadesk.interactions.models import Customer
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db

NOV_FROM, NOV_TO = date(2026, 11, 1), date(2026, 11, 30)


def _report_queries(actor: User) -> int:
    with CaptureQueriesContext(connection) as queries:
        cost_report(actor=actor, date_from=NOV_FROM, date_to=NOV_TO, by="team")
    # On SQLite the period's contacts are read twice: once per group for incidents, handle time and contacts, once per
    # customer for the incidents per segment and the costly customers (which need the cost per incident the first
    # gives). On PostgreSQL the groups and segments come from the daily rollup (costs/rollup.py), and only the costly
    # customers read contacts. A last read joins only the reviewed contacts (the mistake cost's measured shares; with
    # none of them reviewed, their customers' contacts are not read).
    reads = [q["sql"] for q in queries.captured_queries if "interactions_interaction" in q["sql"]]
    passes = 1 if connection.vendor == "postgresql" else 2
    assert len(reads) == passes + 1 and sum("reviews_review" in sql for sql in reads) == 1
    return len(queries)


def _with_value() -> None:
    Revenue.objects.create(month=NOV_FROM, revenue=Decimal(9000), gross_margin=Decimal(8100))
    SegmentCustomers.objects.create(month=NOV_FROM, segment="gold", customers=4, gross_margin=Decimal(8000))


def test_the_pages_query_count_does_not_grow_with_teams_or_segments(manager: User, agent: Agent) -> None:
    november(agent)
    _with_value()
    _report_queries(manager)  # the first call creates the cost settings row
    before = _report_queries(manager)
    when = datetime(2026, 11, 20, 9, tzinfo=UTC)
    for i in range(4):
        other = f.make_agent(team=f.make_team(f"Extra team {i}"))
        segment = f"segment-{i}"
        SegmentCustomers.objects.create(month=NOV_FROM, segment=segment, customers=2, gross_margin=Decimal(10))
        customer = Customer.objects.create(external_id=f"C-{i}", segment=segment)
        for _ in range(3):
            f.make_interaction(other, channel="chat", created_at=when, resolved_at=when, talk_seconds=60, customer=customer)
    report = cost_report(actor=manager, date_from=NOV_FROM, date_to=NOV_TO, by="team")
    assert len(report.groups) == 5 and len(report.segments) == 5 and report.costly_customers  # the new rows are read
    assert _report_queries(manager) == before


@pytest.mark.parametrize("by", list(GROUPINGS))
def test_the_merged_pass_gives_what_the_separate_queries_give(agent: Agent, other_team_agent: Agent, by: str) -> None:
    november(agent)
    gold = Customer.objects.get(external_id="C-GOLD")
    blank = Customer.objects.create(external_id="C-BLANK", segment="")
    before, inside, after = (datetime(2026, m, d, 9, tzinfo=UTC) for m, d in ((10, 30), (11, 15), (12, 2)))
    rows = [
        (agent, before, inside, gold, False),  # created before, resolved in the period: an incident, not a contact
        (other_team_agent, inside, after, blank, False),  # received in the period, resolved after: a contact only
        (other_team_agent, inside, None, None, False),  # received, unresolved, no customer
        (other_team_agent, inside, inside, None, False),  # resolved, no customer: no segment
        (other_team_agent, inside, inside, blank, False),  # a customer without a segment counts under ""
        (agent, inside, inside, gold, True),  # abandoned: neither
        (agent, after, after, gold, False),  # outside
    ]
    for who, created, resolved, customer, abandoned in rows:
        f.make_interaction(
            who, channel="chat", created_at=created, resolved_at=resolved, customer=customer, abandoned=abandoned, hold_seconds=30
        )
    work = period_work(NOV_FROM, NOV_TO, by)
    assert work.groups == work_by_group(NOV_FROM, NOV_TO, by)
    assert work.contacts == contacts_received(NOV_FROM, NOV_TO) == 4 + 4  # November's 4 and 4 of these rows
    assert customer_incidents(NOV_FROM, NOV_TO).by_segment == {"gold": 5, "": 1}


def test_the_customers_pass_lists_those_past_their_segments_threshold_furthest_first(agent: Agent) -> None:
    when = datetime(2026, 11, 20, 9, tzinfo=UTC)
    counts = {("C-A", "gold"): 3, ("C-B", "gold"): 2, ("C-C", "silver"): 2, ("C-D", "silver"): 1, ("C-E", "bronze"): 9}
    for (external_id, segment), n in counts.items():
        customer = Customer.objects.create(external_id=external_id, segment=segment)
        for _ in range(n):
            f.make_interaction(agent, channel="chat", created_at=when, resolved_at=when, customer=customer)
    f.make_interaction(agent, channel="chat", created_at=when, resolved_at=when, customer=customer, abandoned=True)
    # gold: 2 incidents needed, equal at 1.5; silver: 2 needed, equal at 0.4; bronze has no value (not listed).
    found = customer_incidents(NOV_FROM, NOV_TO, {"gold": (2, 1.5), "silver": (2, 0.4)})
    assert found.by_segment == {"gold": 5, "silver": 3, "bronze": 9}
    assert found.past_threshold == {("C-A", "gold"): 3, ("C-C", "silver"): 2, ("C-B", "gold"): 2}
    assert list(found.past_threshold) == [("C-C", "silver"), ("C-A", "gold"), ("C-B", "gold")]  # 1.6, 1.5, 0.5 past
    assert customer_incidents(NOV_FROM, NOV_TO).past_threshold == {}
