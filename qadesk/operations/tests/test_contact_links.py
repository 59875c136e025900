"""The links the database keeps for the KPI report (FCR's next contact, the last handler; PostgreSQL, migration
operations 0002) stay equal to a fresh computation through every kind of write, and the report that reads them gives
exactly the figures of the report that finds them at report time (the window and the join: SQLite's path)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Case, F, Value, When

from qadesk.accounts.models import Agent, User
from qadesk.interactions.models import Customer, Interaction, InteractionAgent, Label
from qadesk.operations import selectors
from qadesk.operations.selectors import KpiReport, kpi_report
from qadesk.operations.sql import contact_links_verify
from qadesk.operations.tests.data import NOW, worked_rows
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
RANGE = {"date_from": date(2026, 11, 1), "date_to": date(2026, 11, 20)}


def _both(actor: User, by: str) -> tuple[KpiReport, KpiReport]:
    """The report reading the stored links (on PostgreSQL), and the one finding them at report time."""
    fast = kpi_report(actor=actor, by=by, now=NOW, exact=True, **RANGE)  # the scan (not the daily rollup, operations 0005)
    selectors.STORED_LINKS = False
    try:
        slow = kpi_report(actor=actor, by=by, now=NOW, exact=True, **RANGE)
    finally:
        selectors.STORED_LINKS = True
    return fast, slow


def _assert_same(actor: User) -> None:
    assert contact_links_verify() == 0
    for by in ("team", "channel", "day"):
        fast, slow = _both(actor, by)
        assert fast == slow


def test_the_stored_path_is_the_one_postgresql_takes() -> None:
    assert selectors.stored_links() is (connection.vendor == "postgresql")


def test_the_report_from_the_stored_links_equals_the_report_that_finds_them(
    qa_lead: User, agent: Agent, other_team_agent: Agent
) -> None:
    worked_rows(agent, other_team_agent)
    fast, slow = _both(qa_lead, "team")
    assert fast == slow
    assert (fast.totals.fcr_decided, fast.totals.fcr_rate, fast.totals.reassigned) == (3, 33.33, 1)  # c5 came back
    _assert_same(qa_lead)


def test_the_links_follow_every_kind_of_write(qa_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    late, refund = Label.objects.create(code="late"), Label.objects.create(code="refund")
    anna, bruno = Customer.objects.create(external_id="anna"), Customer.objects.create(external_id="bruno")

    def contact(at: timedelta, customer: Customer = anna, label: Label = late) -> Interaction:
        return f.make_interaction(
            agent, channel="email", created_at=T0 + at, customer=customer, label=label, resolved_at=T0 + at + timedelta(hours=2)
        )

    first, second = contact(timedelta(0)), contact(timedelta(days=3))
    twin = contact(timedelta(days=3))  # the same instant as `second`: neither is the other's next contact
    contact(timedelta(days=1), customer=bruno)
    _assert_same(qa_lead)
    fast, _slow = _both(qa_lead, "team")
    assert (fast.totals.fcr_decided, fast.totals.fcr_rate) == (4, 75.0)  # `first` came back, the twins and bruno's did not

    # A contact added earlier in time, in one statement with others (the import's bulk writes).
    f.make_interaction(agent, created_at=T0 - timedelta(days=1), customer=anna, label=late)
    at = [T0 + timedelta(days=i, hours=5) for i in range(1, 4)]
    Interaction.objects.bulk_create(
        Interaction(source="bulk", external_id=f"B-{n}", channel="chat", created_at=t, customer=bruno, label=late,
                    resolved_at=t + timedelta(hours=1))
        for n, t in enumerate(at)
    )  # fmt: skip
    _assert_same(qa_lead)
    # Moved to another reason, another customer, another instant; set-based and one by one.
    second.label = refund
    second.save()
    Interaction.objects.filter(pk=twin.pk).update(customer=bruno)
    Interaction.objects.filter(source="bulk").update(created_at=T0 + timedelta(days=12))
    _assert_same(qa_lead)
    # One statement over several contacts: none moved (a re-import's new subjects), then only one of them.
    Interaction.objects.filter(customer=anna).update(subject="re-imported")
    _assert_same(qa_lead)
    moved = When(external_id="B-1", then=Value(T0 + timedelta(days=2)))
    Interaction.objects.filter(source="bulk").update(created_at=Case(moved, default=F("created_at")))
    _assert_same(qa_lead)
    # Handlers: a reassignment, then its removal; a contact deleted (its handlers first, as the ORM does).
    InteractionAgent.objects.create(interaction=first, agent=other_team_agent, position=1)
    _assert_same(qa_lead)
    assert _both(qa_lead, "team")[0].totals.reassigned == 1
    InteractionAgent.objects.filter(interaction=first, position=1).update(position=2)
    _assert_same(qa_lead)
    InteractionAgent.objects.filter(interaction=first, position=2).delete()
    second.delete()
    _assert_same(qa_lead)
    assert _both(qa_lead, "team")[0].totals.reassigned == 0
