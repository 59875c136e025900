"""The daily counts the database keeps for the costs page (PostgreSQL, migration costs 0003) stay equal to a fresh count
through every kind of write, and the page that reads them gives exactly the report of the page that reads the contacts
(SQLite's path)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from qadesk.accounts.models import Agent, Team, User
from qadesk.costs import rollup, selectors
from qadesk.costs.models import Revenue, SegmentCustomers
from qadesk.costs.rollup import work_rollup_rebuild, work_rollup_usable, work_rollup_verify
from qadesk.costs.selectors import GROUPINGS, cost_report
from qadesk.costs.tests.data import november
from qadesk.imports.services import interactions_import
from qadesk.imports.tests.helpers import record
from qadesk.interactions.models import Customer, Interaction, Label
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db

NOV_FROM, NOV_TO = date(2026, 11, 1), date(2026, 11, 30)
PERIODS = [(NOV_FROM, NOV_TO), (date(2026, 11, 10), date(2026, 11, 10)), (date(2025, 12, 1), NOV_TO)]
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps no rollup: nothing to verify")


def _reports(actor: User, by: str, period: tuple[date, date]) -> tuple[str, str]:
    """The report as the page reads it (from the rollup on PostgreSQL), and as it reads the contacts."""
    fast = cost_report(actor=actor, date_from=period[0], date_to=period[1], by=by)
    rollup.ENABLED = False
    try:
        slow = cost_report(actor=actor, date_from=period[0], date_to=period[1], by=by)
    finally:
        rollup.ENABLED = True
    return repr(fast), repr(slow)


def _assert_same(actor: User) -> None:
    assert work_rollup_verify() == 0
    cost_report(actor=actor)  # the first report creates the settings row (its Decimals then read back as stored)
    for by in GROUPINGS:
        for period in PERIODS:
            fast, slow = _reports(actor, by, period)
            assert fast == slow, (by, period)


def _valued() -> None:
    Revenue.objects.create(month=NOV_FROM, revenue=Decimal(9000), gross_margin=Decimal(8100))
    for segment, customers in (("gold", 4), ("silver", 20), ("", 50)):
        SegmentCustomers.objects.create(month=NOV_FROM, segment=segment, customers=customers, gross_margin=Decimal(900))


def _contact(agent: Agent, at: datetime, **fields: object) -> Interaction:
    fields.setdefault("resolved_at", at + timedelta(hours=1))
    return f.make_interaction(agent, created_at=at, **fields)


def test_the_rollup_is_read_on_postgresql_only() -> None:
    assert work_rollup_usable() is (connection.vendor == "postgresql")


def test_the_report_from_the_rollup_equals_the_report_from_the_contacts(
    manager: User, agent: Agent, other_team_agent: Agent
) -> None:
    november(agent)
    _valued()
    silver, blank = Customer.objects.create(external_id="C-S", segment="silver"), Customer.objects.create(external_id="C-B")
    late = Label.objects.create(code="late")
    # Around local midnight (Europe/Rome, UTC+1 in November): 23:30 UTC on the 30th is 1 December locally.
    _contact(agent, datetime(2026, 11, 30, 22, 30, tzinfo=UTC), resolved_at=datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    _contact(other_team_agent, datetime(2026, 10, 31, 23, 30, tzinfo=UTC), channel="chat", label=late, phase="delivery")
    _contact(other_team_agent, datetime(2026, 11, 10, 8, tzinfo=UTC), customer=silver, talk_seconds=0, hold_seconds=40)
    _contact(other_team_agent, datetime(2026, 11, 10, 8, tzinfo=UTC), customer=silver, abandoned=True, talk_seconds=50)
    _contact(agent, datetime(2026, 11, 12, 8, tzinfo=UTC), customer=blank, resolved_at=None)
    _contact(agent, datetime(2026, 11, 12, 8, tzinfo=UTC), customer=blank, label=late)
    _contact(agent, datetime(2026, 1, 12, 8, tzinfo=UTC), customer=silver)  # earlier in the year
    _assert_same(manager)
    report = cost_report(actor=manager, date_from=NOV_FROM, date_to=NOV_TO, by="team")
    assert report.resolved == 4 + 3 and report.contacts == 4 + 5  # the 23:30 UTC resolution counts in December
    assert {s.segment: s.incidents for s in report.segments} == {"gold": 4, "silver": 1, "": 1}


def test_the_rollup_follows_every_kind_of_write(manager: User, agent: Agent, other_team_agent: Agent) -> None:
    november(agent)
    _valued()
    gold = Customer.objects.get(external_id="C-GOLD")
    at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    first = _contact(agent, at, customer=gold, talk_seconds=30)
    Interaction.objects.bulk_create(
        Interaction(source="bulk", external_id=f"B-{n}", channel="chat", created_at=at + timedelta(days=n), customer=gold,
                    resolved_at=at + timedelta(days=n, hours=1), acw_seconds=10 * n)
        for n in range(3)
    )  # fmt: skip
    _assert_same(manager)
    # One by one, and set-based: the handle time, the resolution, abandonment, the customer, the team.
    first.talk_seconds, first.resolved_at = 300, at + timedelta(days=15)
    first.save()
    Interaction.objects.filter(source="bulk", external_id="B-0").update(resolved_at=None)
    Interaction.objects.filter(source="bulk", external_id="B-1").update(abandoned=True)
    Interaction.objects.filter(source="bulk").update(customer=None, team=other_team_agent.team)
    Interaction.objects.filter(pk=first.pk).update(subject="nothing counted changes")
    _assert_same(manager)
    # A customer changes segment; a team and a customer are deleted (their contacts keep going, without them).
    gold.segment = "silver"
    gold.save()
    assert {
        s.segment: s.incidents for s in cost_report(actor=manager, by="team", date_from=NOV_FROM, date_to=NOV_TO).segments
    } == {
        "gold": 0,
        "silver": 4,
        "": 0,
    }
    Customer.objects.filter(pk=gold.pk).update(segment="gold")
    assert other_team_agent.team is not None
    Team.objects.filter(pk=other_team_agent.team.pk).delete()
    gold.delete()
    _assert_same(manager)
    # Raw SQL, then the ORM's delete.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Interaction._meta.db_table} SET hold_seconds = 7, created_at = %s WHERE source = %s",  # noqa: S608
            [datetime(2026, 10, 31, 23, 30, tzinfo=UTC), "bulk"],
        )
    _assert_same(manager)
    Interaction.objects.filter(channel="email").delete()
    _assert_same(manager)


def test_the_rollup_follows_the_import_first_and_again(manager: User) -> None:
    _valued()
    rows = [
        record(n, created_at=f"2026-11-{n:02d}T09:00:00Z", resolved_at=f"2026-11-{n:02d}T10:00:00Z", customer=f"C-{n % 3}",
               customer_segment=("gold", "silver", "")[n % 3], talk_seconds=60 * n, channel=("email", "phone")[n % 2])
        for n in range(1, 13)
    ]  # fmt: skip
    report = interactions_import(rows=enumerate(rows, 1))
    assert report.as_dict()["created"] == 12
    _assert_same(manager)
    changed = [{**row, "resolved_at": None} if n % 4 == 0 else {**row, "talk_seconds": 5} for n, row in enumerate(rows, 1)]
    changed[0] = {**changed[0], "customer": "C-NEW", "customer_segment": "silver"}
    interactions_import(rows=enumerate(changed, 1))
    _assert_same(manager)
    november_resolved = cost_report(actor=manager, date_from=NOV_FROM, date_to=NOV_TO, by="channel").resolved
    assert november_resolved == 12 - 3


@postgresql_only
def test_the_rollup_is_emptied_with_the_contacts(agent: Agent) -> None:
    november(agent)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred key checks pending: TRUNCATE refuses them
        cursor.execute(f"TRUNCATE {Interaction._meta.db_table} CASCADE")
        cursor.execute(f"SELECT (SELECT count(*) FROM {rollup.schema.DAYS}) + (SELECT count(*) FROM {rollup.schema.CUSTOMERS})")  # noqa: S608
        assert cursor.fetchone()[0] == 0
    assert work_rollup_verify() == 0


@postgresql_only
def test_the_verification_finds_a_count_the_triggers_did_not_make_and_a_rebuild_repairs_it(agent: Agent) -> None:
    november(agent)
    assert work_rollup_verify() == 0
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {rollup.schema.DAYS} SET resolved = resolved + 1 WHERE dim = 1")  # noqa: S608
        cursor.execute(f"UPDATE {rollup.schema.CUSTOMERS} SET incidents = 99")  # noqa: S608
    assert work_rollup_verify() == 2
    # One day: a team, a site, two channels, no label, no phase, one segment; one customer.
    assert work_rollup_rebuild() == {"days": 7, "customers": 1}
    assert work_rollup_verify() == 0


@postgresql_only
def test_another_time_zone_reads_the_contacts_until_the_rollup_is_rebuilt_for_it(manager: User, agent: Agent) -> None:
    november(agent)
    _contact(agent, datetime(2026, 11, 30, 23, 30, tzinfo=UTC))  # 30 November in New York, 1 December in Rome
    with override_settings(TIME_ZONE="America/New_York"):
        assert not work_rollup_usable()
        assert cost_report(actor=manager, date_from=NOV_FROM, date_to=NOV_TO, by="team").contacts == 5
        work_rollup_rebuild()
        assert work_rollup_usable() and work_rollup_verify() == 0
        assert cost_report(actor=manager, date_from=NOV_FROM, date_to=NOV_TO, by="team").contacts == 5
    assert not work_rollup_usable()
    assert cost_report(actor=manager, date_from=NOV_FROM, date_to=NOV_TO, by="team").contacts == 4


@pytest.mark.parametrize("candidates_max", [0, 1000])
def test_the_costly_customers_are_the_same_counted_either_way(
    manager: User, agent: Agent, candidates_max: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0: the period's contacts counted per customer; 1000: only the customers with enough incidents of all time."""
    monkeypatch.setattr(selectors, "CANDIDATES_MAX", candidates_max)
    november(agent)
    _valued()
    at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    counts = {("C-A", "gold"): 3, ("C-B", "gold"): 2, ("C-C", "silver"): 2, ("C-D", "silver"): 1, ("C-E", "bronze"): 9}
    for (external_id, segment), n in counts.items():
        customer = Customer.objects.create(external_id=external_id, segment=segment)
        for k in range(n):
            _contact(agent, at - timedelta(days=300 * (k % 2)), customer=customer)  # every other one last January
    found = selectors.customer_incidents(NOV_FROM, NOV_TO, {"gold": (2, 1.5), "silver": (1, 0.4)}, resolved=100)
    assert list(found.past_threshold.items()) == [
        (("C-GOLD", "gold"), 4),  # 2.5 past the value
        (("C-C", "silver"), 1),  # 0.6
        (("C-D", "silver"), 1),
        (("C-A", "gold"), 2),  # 0.5; C-B has one incident in November
    ]
    assert found.by_segment == {"gold": 4 + 2 + 1, "silver": 2, "bronze": 5}
    _assert_same(manager)


@postgresql_only
def test_report_verify_finds_a_tampered_count_and_fix_rebuilds_it(agent: Agent) -> None:
    november(agent)
    out = io.StringIO()
    call_command("qreport", "verify", stdout=out)
    assert "The costs rollup agrees with the contacts." in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {rollup.schema.DAYS} WHERE dim = 3")  # noqa: S608 — the channels' rows
    with pytest.raises(CommandError, match="differences between the costs rollup and the contacts"):
        call_command("qreport", "verify", stdout=io.StringIO())
    out = io.StringIO()
    call_command("qreport", "verify", "--fix", stdout=out)
    assert "the costs rollup was rebuilt and now agrees with the contacts" in out.getvalue()
    assert work_rollup_verify() == 0
