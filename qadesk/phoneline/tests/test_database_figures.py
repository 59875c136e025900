"""The reports' figures summed in the database equal the pure functions' over the same calls loaded into Python
(`selectors.IN_DATABASE = False`, the definition): on hand-made edge cases, on random calls, per grouping and interval,
in compliance, through the page, the API and the CLI, and for every persona. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from qadesk.accounts.models import User
from qadesk.phoneline import selectors
from qadesk.phoneline.models import CallRecord, DeliveryLevel, Parameter, Tariff
from qadesk.testing.clients import api_client, page_client

pytestmark = pytest.mark.django_db
COUNTS = ("attempts", "busy", "answered", "abandoned", "measured_mos", "low_mos", "noise_known", "noisy")


def _call(n: int, offered_at: datetime, outcome: str = "answered", **fields: Any) -> CallRecord:
    values = {"queue": "Q1", "trunk": "t1", "wait_seconds": None, "talk_seconds": None, "hold_seconds": None, **fields}
    return CallRecord.objects.create(call_id=f"c{n}", offered_at=offered_at, outcome=outcome, **values)


def _in_python(run: Callable[[], Any]) -> Any:
    selectors.IN_DATABASE = False
    try:
        return run()
    finally:
        selectors.IN_DATABASE = True


def _same_figures(ours: Any, pure: Any) -> None:
    a, b = asdict(ours), asdict(pure)
    assert {k: a[k] for k in COUNTS} == {k: b[k] for k in COUNTS}
    for name in a:
        if name in COUNTS:
            continue
        if a[name] is None or b[name] is None:
            assert a[name] == b[name], name
        else:
            assert math.isclose(a[name], b[name], rel_tol=1e-9, abs_tol=1e-9 if name not in ("cost",) else 1.0001e-4), name


def _same_report(**kwargs: Any) -> selectors.PhoneReport:
    ours = selectors.phone_report(**kwargs)
    pure = _in_python(lambda: selectors.phone_report(**kwargs))
    assert [key for key, _f in ours.groups] == [key for key, _f in pure.groups]
    for (_k, mine), (_k2, theirs) in zip(ours.groups, pure.groups, strict=True):
        _same_figures(mine, theirs)
    _same_figures(ours.total, pure.total)
    return ours


def _every_shape(actor: User, **kwargs: Any) -> None:
    for by in selectors.GROUPINGS:
        for minutes in (15, 30, 60) if by == "interval" else (60,):
            for mos_below in (3.0, 3.5, 4.2):
                _same_report(actor=actor, by=by, interval_minutes=minutes, mos_below=mos_below, **kwargs)


@pytest.fixture
def restore_flag() -> Iterator[None]:
    yield
    selectors.IN_DATABASE = True


def test_no_calls_gives_no_groups_and_empty_rates(admin_user: User) -> None:
    report = _same_report(actor=admin_user, by="queue")
    assert report.groups == []
    assert (report.total.attempts, report.total.busy_rate, report.total.cost, report.total.cost_per_minute) == (0, None, 0, None)


def test_busy_calls_only_count_as_attempts_and_busy_signals(admin_user: User) -> None:
    Tariff.objects.create(trunk="t1", per_minute="1.0000")
    at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    _call(1, at, "busy", wait_seconds=20, mos=2.0, noisy=True, cost=Decimal("3.0000"))  # never connected: none of these count
    _call(2, at, "blocked")
    report = _same_report(actor=admin_user, by="trunk")
    total = report.total
    assert (total.attempts, total.busy, total.busy_rate, total.measured_mos, total.noise_known, total.cost) == (
        2,
        2,
        100.0,
        0,
        0,
        0,
    )
    assert (total.cost_per_call, total.asa_seconds, total.abandonment_rate) == (None, None, None)
    _every_shape(admin_user)


def test_calls_without_mos_noise_cost_or_tariff(admin_user: User) -> None:
    Tariff.objects.create(trunk="t1", per_minute="0.0200")
    at = datetime(2026, 11, 2, 9, 40, tzinfo=UTC)
    # the worked example of docs/phoneline.md, plus a trunk without a tariff and calls with no trunk
    _call(1, at, wait_seconds=10, talk_seconds=120, hold_seconds=20, mos=4.2, noisy=False)
    _call(2, at, wait_seconds=30, talk_seconds=60, mos=3.1, noisy=True, cost=Decimal("0.5000"))
    _call(3, at.replace(hour=10, minute=5), "abandoned", trunk="t2", wait_seconds=50, queue="Q2")
    _call(4, at.replace(hour=10, minute=15), "busy", trunk="t2", queue="Q2")
    _call(5, at.replace(hour=10, minute=31), "blocked", trunk="t2", queue="Q2")
    _call(6, at, "callback", trunk="", wait_seconds=40)  # no trunk: "—", and no tariff
    _call(7, at, "answered", trunk="t3", wait_seconds=5, talk_seconds=10, cost=Decimal("0.1234"))
    _call(8, at, "answered", trunk="t3")  # nothing measured at all
    report = _same_report(actor=admin_user, by="trunk")
    assert [key for key, _f in report.groups] == ["t1", "t2", "t3", "—"]
    groups = dict(report.groups)
    assert groups["t1"].cost == pytest.approx(0.55)  # 150 s × 0.02/60 + own 0.50
    assert groups["t2"].cost == 0  # no tariff
    assert groups["t3"].cost == pytest.approx(0.1234)
    assert (report.total.answered, report.total.abandoned, report.total.busy) == (4, 1, 2)
    assert report.total.asa_seconds == pytest.approx((10 + 30 + 5 + 0) / 4)
    _every_shape(admin_user)


@pytest.mark.parametrize("minutes", [15, 30, 60])
def test_interval_boundaries_in_the_local_time_zone(admin_user: User, minutes: int) -> None:
    # Europe/Rome is UTC+1 in November: 08:59:59 UTC is 09:59:59 local
    base = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
    for n, offset in enumerate((0, 14 * 60 + 59, 15 * 60, 29 * 60 + 59, 30 * 60, 44 * 60 + 59, 45 * 60, 59 * 60 + 59, 3600)):
        _call(n, base + timedelta(seconds=offset), wait_seconds=n)
    report = _same_report(actor=admin_user, by="interval", interval_minutes=minutes)
    counts = {key: f.attempts for key, f in report.groups}
    expected = {15: {"09:00": 2, "09:15": 2, "09:30": 2, "09:45": 2, "10:00": 1}, 30: {"09:00": 4, "09:30": 4, "10:00": 1}}
    assert counts == expected.get(minutes, {"09:00": 8, "10:00": 1})


def test_days_months_and_the_daylight_saving_change(admin_user: User) -> None:
    # 25 October 2026, Europe/Rome falls back: 02:00–03:00 local happens twice (00:00 and 01:00 UTC)
    for n, at in enumerate(
        (
            datetime(2026, 10, 24, 22, 30, tzinfo=UTC),  # 25 Oct 00:30 local (+2)
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 02:30 local, first time (+2)
            datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # 02:30 local, second time (+1)
            datetime(2026, 10, 31, 23, 30, tzinfo=UTC),  # 1 Nov 00:30 local: November's
            datetime(2026, 10, 31, 22, 59, tzinfo=UTC),  # 31 Oct 23:59 local: October's
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # 29 March, after the spring change: 03:30 local
        )
    ):
        _call(n, at, wait_seconds=n * 10, talk_seconds=60, mos=3.0 + n / 10)
    report = _same_report(actor=admin_user, by="month")
    assert {key: f.attempts for key, f in report.groups} == {"2026-03": 1, "2026-10": 4, "2026-11": 1}
    intervals = dict(_same_report(actor=admin_user, by="interval").groups)
    assert (intervals["02:00"].attempts, intervals["03:00"].attempts) == (2, 1)
    one_day = _same_report(actor=admin_user, by="queue", date_from=date(2026, 10, 25), date_to=date(2026, 10, 25))
    assert one_day.total.attempts == 3  # a 25-hour local day
    assert _same_report(actor=admin_user, by="queue", date_from=date(2026, 11, 1)).total.attempts == 1
    assert _same_report(actor=admin_user, by="queue", date_to=date(2026, 10, 31)).total.attempts == 5
    with timezone.override("America/New_York"):  # another installation's zone: other local months and hours
        months = _same_report(actor=admin_user, by="month")
        assert {key: f.attempts for key, f in months.groups} == {"2026-03": 1, "2026-10": 5}
        _every_shape(admin_user)
    _every_shape(admin_user)


@pytest.mark.parametrize("zone", ["Asia/Kathmandu", "Africa/Monrovia", "UTC"])
def test_zones_with_odd_offsets_and_calls_before_1970(admin_user: User, zone: str) -> None:
    # Kathmandu is UTC+5:45 (whole quarter hours); Monrovia was UTC-0:44:30 until 1972 (the report then converts each
    # call's time in the database); before 1970 the Unix time is negative.
    for n, at in enumerate(
        (
            datetime(1965, 6, 1, 23, 50, tzinfo=UTC),
            datetime(1971, 3, 2, 8, 7, tzinfo=UTC),
            datetime(2026, 5, 1, 23, 59, tzinfo=UTC),
        )
    ):
        _call(n, at, wait_seconds=n)
    with timezone.override(zone):
        _every_shape(admin_user)
        assert len(_same_report(actor=admin_user, by="month").groups) == 3


def _random_calls(seed: int, n: int) -> None:
    rnd = random.Random(seed)
    for trunk, rate in (("t1", "0.0120"), ("t2", "0.0333")):
        Tariff.objects.create(trunk=trunk, per_minute=rate)
    start = datetime(2026, 9, 20, tzinfo=UTC)
    rows = []
    for i in range(n):
        outcome = rnd.choice(["answered", "answered", "answered", "abandoned", "busy", "blocked", "callback"])
        rows.append(
            CallRecord(
                call_id=f"r{i}",
                queue=rnd.choice(["Q1", "Q2", "Q3"]),
                trunk=rnd.choice(["t1", "t2", "t3", ""]),
                offered_at=start + timedelta(seconds=rnd.randrange(0, 80 * 86400)),
                outcome=outcome,
                wait_seconds=rnd.choice([None, rnd.randrange(0, 400)]),
                talk_seconds=rnd.choice([None, rnd.randrange(0, 900)]),
                hold_seconds=rnd.choice([None, 0, rnd.randrange(0, 120)]),
                mos=rnd.choice([None, round(rnd.uniform(1, 5), 2), 3.5, 3.49]),
                noisy=rnd.choice([None, True, False]),
                cost=rnd.choice([None, None, Decimal(f"{rnd.uniform(0, 2):.4f}")]),
            )
        )
    CallRecord.objects.bulk_create(rows)


@pytest.mark.parametrize("seed", [1, 2])
def test_random_calls_give_the_same_figures_both_ways(admin_user: User, seed: int) -> None:
    _random_calls(seed, 400)
    _every_shape(admin_user)
    _every_shape(admin_user, date_from=date(2026, 10, 1), date_to=date(2026, 10, 31))
    _every_shape(admin_user, date_from=date(2026, 10, 25))  # from the daylight-saving change on
    _every_shape(admin_user, date_to=date(2026, 10, 24))


def test_compliance_is_the_same_both_ways(admin_user: User, qa_lead: User) -> None:
    _random_calls(3, 300)
    for parameter in Parameter:
        DeliveryLevel.objects.create(parameter=parameter, value=5)
        DeliveryLevel.objects.create(parameter=parameter, value=0.5, queue="Q2")
    DeliveryLevel.objects.create(parameter=Parameter.BUSY_RATE, value=5, queue="nobody")  # a queue without calls
    for mos_below in (3.5, 4.0):
        ours = selectors.compliance(actor=qa_lead, months=4, today=date(2026, 12, 5), mos_below=mos_below)
        pure = _in_python(
            lambda mos_below=mos_below: selectors.compliance(
                actor=qa_lead, months=4, today=date(2026, 12, 5), mos_below=mos_below
            )
        )
        assert ours[0] == pure[0]
        assert len(ours[1]) == len(pure[1]) == 15
        for mine, theirs in zip(ours[1], pure[1], strict=True):
            assert mine.level == theirs.level
            for (m1, v1, met1), (m2, v2, met2) in zip(mine.cells, theirs.cells, strict=True):
                assert (m1, met1) == (m2, met2)
                assert (v1 is None and v2 is None) or math.isclose(v1, v2, rel_tol=1e-9, abs_tol=1e-12)  # type: ignore[arg-type]
        assert any(cell[1] is not None for row in ours[1] for cell in row.cells)


@pytest.mark.parametrize("persona", ["agent_user", "reviewer", "team_lead", "qa_lead", "manager", "admin_user"])
def test_each_persona_sees_what_it_saw_before(persona: str, request: pytest.FixtureRequest) -> None:
    _random_calls(4, 60)
    DeliveryLevel.objects.create(parameter=Parameter.NOISE_RATE, value=5)
    user = request.getfixturevalue(persona)
    report = _same_report(actor=user, by="queue")
    _firsts, rows = selectors.compliance(actor=user, months=4, today=date(2026, 12, 5))
    if persona in ("qa_lead", "manager", "admin_user"):
        assert report.total.attempts == 60
        assert len(rows) == 1
    else:
        assert (report.groups, report.total.attempts, rows) == ([], 0, [])


def test_the_page_api_and_cli_show_the_same_figures_both_ways(manager: User, restore_flag: None) -> None:
    _random_calls(5, 200)
    DeliveryLevel.objects.create(parameter=Parameter.COST_PER_MINUTE, value=0.02)

    def doors() -> tuple[Any, ...]:
        query = {"by": "interval", "interval_minutes": 30, "from": "2026-10-01", "to": "2026-11-30", "mos_below": 3.6}
        api = api_client(manager).get("/api/v1/phone/report", query).json()
        compliance = api_client(manager).get("/api/v1/phone/compliance", {"months": 6}).json()
        page = page_client(manager).get("/phone/", {"by": "trunk", "date_from": "2026-10-01", "date_to": "2026-11-30"})
        out = io.StringIO()
        call_command("qreport", "calls", "--by", "month", "--format", "json", stdout=out)
        return api, compliance, page.status_code, json.loads(out.getvalue())

    ours = doors()
    selectors.IN_DATABASE = False
    pure = doors()
    selectors.IN_DATABASE = True
    assert ours[2] == pure[2] == 200
    for mine, theirs in ((ours[0], pure[0]), (ours[3], pure[3])):
        assert [g["key"] for g in mine["groups"]] == [g["key"] for g in theirs["groups"]]
        for a, b in zip([*mine["groups"], mine["total"]], [*theirs["groups"], theirs["total"]], strict=True):
            assert {k: a[k] for k in COUNTS} == {k: b[k] for k in COUNTS}
            assert a.pop("key") == b.pop("key")
            numbers = {k: v for k, v in a.items() if v is not None}
            assert {k for k, v in b.items() if v is not None} == numbers.keys()
            assert numbers == pytest.approx({k: b[k] for k in numbers}, rel=1e-9, abs=1.0001e-4)
    assert ours[1]["months"] == pure[1]["months"]
    assert [c["met"] for c in ours[1]["levels"][0]["cells"]] == [c["met"] for c in pure[1]["levels"][0]["cells"]]
