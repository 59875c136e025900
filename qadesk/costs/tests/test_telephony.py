"""Telephony from the call records (issue 10: "telephony — from the call records where they exist"): a month whose
calls are priced takes its telephony from them and leaves its entered telephony out; other months keep the entered
amount. Worked by hand on the November of data.py (labour 3,300, tools 400, four incidents resolved)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from qadesk.accounts.models import Agent, User
from qadesk.costs.models import SupportCost
from qadesk.costs.selectors import cost_per_incident, cost_report, support_costs
from qadesk.costs.tests.data import NOVEMBER, november
from qadesk.phoneline import figures as fig
from qadesk.phoneline.models import CallRecord, Tariff
from qadesk.phoneline.selectors import call_costs_by_month
from qadesk.testing.clients import api_client, page_client

pytestmark = pytest.mark.django_db


def _call(n: int, at: datetime, *, trunk: str = "TIM-01", outcome: str = "answered", cost: str | None = None, **s: int) -> None:
    CallRecord.objects.create(
        call_id=f"T{n}", queue="Q", trunk=trunk, offered_at=at, outcome=outcome, cost=cost and Decimal(cost), **s
    )


@pytest.fixture
def calls(agent: Agent) -> None:
    """November: entered telephony 500 (to be left out) and four calls — one with its own cost 2.50; one answered on
    TIM-01 at 0.03 a minute, 30 s waiting + 240 s talking + 30 s on hold = 5 minutes = 0.15; one busy on TIM-01 (never
    connected: 0); one on a trunk without a tariff and no cost (unpriced: 0, and said so). Telephony = 2.65.
    October: entered telephony 300 and no calls (kept). December: a call of 9.99 outside both periods."""
    november(agent)
    Tariff.objects.create(trunk="TIM-01", per_minute=Decimal("0.03"))
    SupportCost.objects.create(month=date(2026, 11, 1), category="telephony", amount=Decimal(500))
    SupportCost.objects.create(month=date(2026, 10, 1), category="telephony", amount=Decimal(300))
    nov = datetime(2026, 11, 12, 10, tzinfo=UTC)
    _call(1, nov, cost="2.50", talk_seconds=6000)
    _call(2, nov, wait_seconds=30, talk_seconds=240, hold_seconds=30)
    _call(3, nov, outcome="busy", wait_seconds=100)
    _call(4, nov, trunk="NO-TARIFF", talk_seconds=600)
    _call(5, datetime(2026, 12, 2, 10, tzinfo=UTC), cost="9.99")


def test_a_month_with_priced_calls_takes_its_telephony_from_them(calls: None) -> None:
    costs = support_costs(date(2026, 11, 1), date(2026, 11, 30))
    assert costs.by_category == {"tools": Decimal(400), "telephony": Decimal("2.65")}
    assert costs.entered_not_counted == Decimal(500)
    assert [(m.month, m.calls, m.priced) for m in costs.from_calls] == [(date(2026, 11, 1), 4, 3)]
    assert costs.unpriced_calls == 1
    # The executive summary's figure reads the same costs: (3,300 + 400 + 2.65) / 4 incidents.
    assert cost_per_incident(date(2026, 11, 1), date(2026, 11, 30)) == Decimal("3702.65") / 4


def test_a_month_without_calls_keeps_what_was_entered(calls: None) -> None:
    costs = support_costs(date(2026, 10, 1), date(2026, 11, 30))
    assert costs.by_category["telephony"] == Decimal(300) + Decimal("2.65")
    assert [m.month for m in costs.from_calls] == [date(2026, 11, 1)]


def test_unpriced_calls_alone_leave_the_entered_telephony(agent: Agent) -> None:
    november(agent)
    SupportCost.objects.create(month=date(2026, 11, 1), category="telephony", amount=Decimal(500))
    _call(1, datetime(2026, 11, 12, 10, tzinfo=UTC), trunk="NO-TARIFF", talk_seconds=600)
    costs = support_costs(date(2026, 11, 1), date(2026, 11, 30))
    assert costs.by_category["telephony"] == Decimal(500) and costs.from_calls == []


def test_each_month_costs_what_the_phone_report_says_its_calls_cost(calls: None) -> None:
    """The same rule as the phone line's own figures (figures.call_cost), read through one GROUP BY."""
    rates = {t.trunk: float(t.per_minute) for t in Tariff.objects.all()}
    rows = CallRecord.objects.filter(offered_at__month=11)
    expected = sum(
        fig.call_cost(
            fig.Call(
                queue=r.queue,
                trunk=r.trunk,
                offered_at=r.offered_at,
                outcome=r.outcome,
                wait_seconds=r.wait_seconds,
                talk_seconds=r.talk_seconds,
                hold_seconds=r.hold_seconds,
                cost=float(r.cost) if r.cost is not None else None,
            ),
            rates,
        )
        for r in rows
    )
    zone = timezone.get_current_timezone()
    start, end = datetime(2026, 11, 1, tzinfo=zone), datetime(2026, 12, 1, tzinfo=zone)
    [month] = call_costs_by_month(start, end)
    assert float(month.cost) == pytest.approx(expected) and month.cost == Decimal("2.65")


def test_the_page_says_where_telephony_came_from_in_italian(manager: User, calls: None) -> None:
    manager.language = "it"
    manager.save()
    page = page_client(manager).get("/costs/", NOVEMBER).content.decode()
    assert 'id="telephony-source"' in page
    assert "novembre 2026" in page and "4 registrazioni di chiamata" in page and "500,00\xa0€" in page
    assert "3.702,65\xa0€" in page  # the support cost: labour 3,300 + tools 400 + calls 2.65
    assert "1 registrazione di chiamata non ha costo" in page  # the unpriced call, said in the missing notes


def test_the_api_gives_the_months_from_calls(manager: User, calls: None) -> None:
    data = api_client(manager).get("/api/v1/costs/report", NOVEMBER).json()
    assert data["other_costs"]["telephony"] == "2.65"
    assert data["telephony"] == {
        "from_calls": [{"month": "2026-11-01", "calls": 4, "priced": 3, "cost": "2.65"}],
        "entered_not_counted": "500.00",
    }
    assert data["total_cost"] == "3702.65"


def test_without_call_records_the_report_has_no_telephony_source(manager: User, agent: Agent) -> None:
    november(agent)
    report = cost_report(actor=manager, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    assert report.telephony is None
    assert api_client(manager).get("/api/v1/costs/report", NOVEMBER).json()["telephony"] is None
