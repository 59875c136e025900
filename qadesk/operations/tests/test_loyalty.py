"""FCR's "came back" (pure and in SQL), "does resolution bring loyalty?" (pure, selector, page, API, CLI) and editing
targets on the page and the API, on small data worked by hand."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from qadesk.accounts.models import Agent, User
from qadesk.interactions.models import Customer, Interaction, Label
from qadesk.operations import kpis
from qadesk.operations import loyalty as lf
from qadesk.operations.kpis import KpiSettings, Visit
from qadesk.operations.models import KpiTarget
from qadesk.operations.selectors import kpi_report, loyalty
from qadesk.operations.sql import came_back_ids
from qadesk.testing import factories as f
from qadesk.testing.clients import api_client, page_client

T0 = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


# --- came back: the pure function ----------------------------------------------------------------------------------


def _visits() -> list[Visit]:
    """Customer 1, reason 10: a contact resolved on day 1, another created exactly 7 days after that resolution (it
    counts), one created at the very same instant as the first (a peer, not later: it does not count for the first).
    Customer 2: back 7 days and 1 second after the resolution (too late). Customer 3: back on another reason."""
    return [
        Visit(1, customer=1, reason=10, created_at=T0, resolved_at=T0 + DAY),
        Visit(2, customer=1, reason=10, created_at=T0, resolved_at=T0 + timedelta(hours=1)),
        Visit(3, customer=1, reason=10, created_at=T0 + 8 * DAY),
        Visit(4, customer=2, reason=10, created_at=T0, resolved_at=T0 + DAY),
        Visit(5, customer=2, reason=10, created_at=T0 + 8 * DAY + timedelta(seconds=1)),
        Visit(6, customer=3, reason=10, created_at=T0, resolved_at=T0 + DAY),
        Visit(7, customer=3, reason=11, created_at=T0 + 2 * DAY),
        Visit(8, customer=None, reason=10, created_at=T0, resolved_at=T0 + DAY),
    ]


def test_came_back_counts_a_later_contact_up_to_n_days_after_the_resolution() -> None:
    # 1: contact 3 comes exactly 7 × 24 h after its resolution; 2: resolved at 10:00, contact 3 is 8 days later.
    assert kpis.came_back(_visits(), days=7) == {1}
    assert kpis.came_back(_visits(), days=8) == {1, 2, 4}


def test_a_contact_at_the_same_instant_is_not_a_later_one() -> None:
    visits = [Visit(1, 1, 10, T0, T0 + DAY), Visit(2, 1, 10, T0)]
    assert kpis.came_back(visits, days=7) == set()


# --- came back: the window query agrees ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_window_query_finds_the_same_contacts_as_the_pure_function(agent: Agent) -> None:
    labels = {10: Label.objects.create(code="r10"), 11: Label.objects.create(code="r11")}
    customers = {n: Customer.objects.create(external_id=f"cb-{n}") for n in (1, 2, 3)}
    ids = {}
    for v in _visits():
        row = f.make_interaction(
            agent,
            created_at=v.created_at,
            resolved_at=v.resolved_at,
            customer=customers.get(v.customer) if v.customer else None,
            label=labels[v.reason] if v.reason else None,
        )
        ids[row.pk] = v.key
    for days in (7, 8):
        sql, params = came_back_ids(fcr_days=days, since=T0 - DAY)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = {ids[pk] for (pk,) in cursor.fetchall()}
        assert found == kpis.came_back(_visits(), days=days)
    # and through the report: FCR of the resolved contacts decided by 30 November
    figures = kpi_report(
        actor=User(username="system", role="admin", is_superuser=True),
        by="channel",
        date_from=date(2026, 10, 5),
        date_to=date(2026, 10, 5),
        settings=KpiSettings(fcr_days=7),
        now=datetime(2026, 11, 30, tzinfo=UTC),
    ).totals
    assert (figures.fcr_decided, figures.fcr_rate) == (5, 80.0)  # 1 came back; 2, 4, 6, 8 did not


# --- loyalty: pure functions ---------------------------------------------------------------------------------------

NOW = datetime(2026, 12, 31, tzinfo=UTC)


def test_cohorts_share_returned_with_interval_and_curve() -> None:
    histories = [
        lf.History(T0, first_contact_resolved=True, bad_experiences=0, returned_after_days=1.0),
        lf.History(T0, first_contact_resolved=True, bad_experiences=0, returned_after_days=None),
        lf.History(T0, first_contact_resolved=False, bad_experiences=1, returned_after_days=3.5),
        lf.History(T0, first_contact_resolved=False, bad_experiences=2, returned_after_days=31.0),
        lf.History(NOW - DAY, first_contact_resolved=True, bad_experiences=0, returned_after_days=None),  # not watched
    ]
    found = {c.key: c for c in lf.cohorts(histories, days=30, now=NOW)}
    assert [c.key for c in lf.cohorts(histories, days=30, now=NOW)] == list(lf.COHORTS)
    fcr = found["fcr"]
    assert (fcr.customers, fcr.returned, fcr.return_rate) == (2, 1, 50.0)
    assert fcr.return_rate_low is not None and fcr.return_rate_low < 50.0 < (fcr.return_rate_high or 0)
    assert fcr.curve[0] == 50.0 and len(fcr.curve) == 30  # returned by the end of day 1
    not_fcr = found["not_fcr"]
    assert (not_fcr.customers, not_fcr.returned) == (2, 1)  # 31 days is outside the 30-day window
    assert not_fcr.curve[2] == 0.0 and not_fcr.curve[3] == 50.0  # 3.5 days: counted from day 4
    assert [(found[k].customers, found[k].returned) for k in ("bad_0", "bad_1", "bad_repeated")] == [(2, 1), (1, 1), (1, 0)]


def test_an_empty_group_has_no_rate() -> None:
    empty = lf.cohort("fcr", [], days=30)
    assert (empty.customers, empty.return_rate, empty.curve) == (0, None, ())


def test_the_next_contact_on_another_reason_counts_a_contact_without_reason() -> None:
    later = [(T0 + DAY, 10), (T0 + 2 * DAY, None), (T0 - DAY, 11)]
    assert lf.next_other_reason_days(T0, 10, later) == 2.0
    assert lf.next_other_reason_days(T0, 10, [(T0 + DAY, 10)]) is None


# --- loyalty: the selector and its doors ---------------------------------------------------------------------------


@pytest.fixture
def customers(agent: Agent, other_team_agent: Agent) -> dict[str, Interaction]:
    """Four customers in October (report range 1–31 October):
    - happy: resolved at first contact on 5 October, back on another reason 40 days later (in November);
    - reopened: resolved but reopened (not resolved at first contact; no bad experience as the issue lists them);
    - angry: a complaint on 3 October, an unresolved contact on 6 October (two bad experiences), then a contact on
      another reason on 11 October, resolved: their last contact in the range;
    - repeat: resolved on 5 October, back on the same reason on 7 October (the first is not FCR), the last resolved."""
    reason, other = Label.objects.create(code="delivery"), Label.objects.create(code="billing")
    made = {}

    def contact(name: str, when: datetime, label: Label, **extra: object) -> Interaction:
        customer, _ = Customer.objects.get_or_create(external_id=name)
        return f.make_interaction(agent, created_at=when, customer=customer, label=label, **extra)

    made["happy"] = contact("happy", T0, reason, resolved_at=T0 + DAY)
    f.make_interaction(agent, created_at=T0 + 40 * DAY, customer=made["happy"].customer, label=other)  # outside the range
    made["reopened"] = contact("reopened", T0, reason, resolved_at=T0 + DAY, reopens=1)
    contact("angry", T0 - 2 * DAY, reason, resolved_at=T0, complaint=True)
    made["angry"] = contact("angry", T0 + DAY, reason)
    f.make_interaction(agent, created_at=T0 + 6 * DAY, customer=made["angry"].customer, label=other, resolved_at=T0 + 7 * DAY)
    contact("repeat", T0, reason, resolved_at=T0 + DAY)
    made["repeat"] = contact("repeat", T0 + 2 * DAY, reason, resolved_at=T0 + 3 * DAY)
    return made


@pytest.mark.django_db
def test_loyalty_reads_each_customer_at_their_last_contact(qa_lead: User, customers: dict[str, Interaction]) -> None:
    report = loyalty(actor=qa_lead, date_from=date(2026, 10, 1), date_to=date(2026, 10, 31), days=30, now=NOW)
    got = {c.key: (c.customers, c.returned) for c in report.cohorts}
    # Last contacts: happy's (FCR; back after 40 days: outside 30), reopened's (not FCR), angry's of 11 October (FCR,
    # two bad experiences before it), repeat's second (FCR: nothing after it).
    assert report.customers == 4 and report.watched == 4
    assert got["fcr"] == (3, 0) and got["not_fcr"] == (1, 0)
    assert got["bad_0"] == (3, 0) and got["bad_1"] == (0, 0) and got["bad_repeated"] == (1, 0)
    wider = loyalty(actor=qa_lead, date_from=date(2026, 10, 1), date_to=date(2026, 10, 31), days=45, now=NOW)
    assert {c.key: c.returned for c in wider.cohorts}["fcr"] == 1  # happy, back after 40 days
    assert "another contact reason" in report.proxy


@pytest.mark.django_db
def test_loyalty_refuses_a_bad_window(qa_lead: User) -> None:
    from qadesk.core.errors import ApplicationError

    with pytest.raises(ApplicationError, match="1 to 365"):
        loyalty(actor=qa_lead, days=0)


@pytest.mark.django_db
def test_loyalty_page_api_and_cli(qa_lead: User, agent_user: User, customers: dict[str, Interaction]) -> None:
    query = {"date_from": "2026-10-01", "date_to": "2026-10-31", "days": "45"}
    page = page_client(qa_lead).get("/operations/loyalty/", query)
    text = page.content.decode()
    assert page.status_code == 200 and "Resolved at first contact" in text and "Repeated bad experiences" in text
    assert page_client(agent_user).get("/operations/loyalty/").status_code == 404
    data = api_client(qa_lead).get("/api/v1/operations/loyalty", {"from": "2026-10-01", "to": "2026-10-31", "days": 45})
    assert data.status_code == 200
    cohorts = {c["key"]: c for c in data.json()["cohorts"]}
    assert (cohorts["fcr"]["customers"], cohorts["fcr"]["returned"], len(cohorts["fcr"]["curve"])) == (3, 1, 45)
    assert api_client(agent_user).get("/api/v1/operations/loyalty").status_code == 404
    assert api_client(qa_lead).get("/api/v1/operations/loyalty", {"days": 0}).status_code in (400, 422)
    out = io.StringIO()
    call_command("qreport", "kpis", "--loyalty", "--loyalty-days", "45", "--from", "2026-10-01", "--to", "2026-10-31", stdout=out)
    assert {c["key"]: c["returned"] for c in json.loads(out.getvalue())["cohorts"]}["fcr"] == 1


# --- editing targets -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_manager_changes_a_target_on_the_page_and_a_team_lead_may_not(manager: User, team_lead: User) -> None:
    target = KpiTarget.objects.create(kpi="asa_seconds", value=30, period="week")
    form = {"kpi": "asa_seconds", "value": "25", "channel": "phone", "site": "", "period": "week"}
    form |= {"threshold_seconds": "20", "alert_after": "3"}
    client = page_client(manager)
    assert "Change" in client.get("/operations/targets/").content.decode()
    assert client.get(f"/operations/targets/{target.pk}/").status_code == 200
    assert client.post(f"/operations/targets/{target.pk}/", form).status_code == 302
    target.refresh_from_db()
    assert (target.value, target.channel, target.alert_after) == (25.0, "phone", 3)
    lead = page_client(team_lead)
    assert lead.get(f"/operations/targets/{target.pk}/").status_code == 404
    assert lead.post(f"/operations/targets/{target.pk}/", {**form, "value": "1"}).status_code == 404
    target.refresh_from_db()
    assert target.value == 25.0


@pytest.mark.django_db
def test_a_change_that_clashes_or_breaks_a_rule_is_refused_naming_it(qa_lead: User) -> None:
    KpiTarget.objects.create(kpi="fcr_rate", value=70, period="week")
    target = KpiTarget.objects.create(kpi="fcr_rate", value=70, period="month")
    form = {"kpi": "fcr_rate", "value": "70", "channel": "", "site": "", "period": "week"}
    form |= {"threshold_seconds": "20", "alert_after": "2"}
    text = page_client(qa_lead).post(f"/operations/targets/{target.pk}/", form, follow=True).content.decode()
    assert "exists already" in text
    too_high = page_client(qa_lead).post(f"/operations/targets/{target.pk}/", {**form, "period": "month", "value": "120"})
    assert "between 0 and 100" in too_high.content.decode()
    target.refresh_from_db()
    assert (target.period, target.value) == ("month", 70.0)


@pytest.mark.django_db
def test_the_api_changes_a_target(manager: User, team_lead: User) -> None:
    target = KpiTarget.objects.create(kpi="service_level", value=80, period="week")
    body = {"kpi": "service_level", "value": 85, "period": "week", "threshold_seconds": 30}
    assert (
        api_client(team_lead).put(f"/api/v1/operations/targets/{target.pk}", body, content_type="application/json").status_code
        == 403
    )
    response = api_client(manager).put(f"/api/v1/operations/targets/{target.pk}", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["threshold_seconds"] == 30
    target.refresh_from_db()
    assert target.value == 85.0
    assert api_client(manager).put("/api/v1/operations/targets/999999", body, content_type="application/json").status_code == 404


# --- staffing: forecast per interval -------------------------------------------------------------------------------


def test_the_forecast_is_the_mean_of_the_same_weekday_and_interval() -> None:
    from qadesk.operations import forecast as fc

    day = date(2026, 11, 30)  # a Monday
    counts = {(date(2026, 11, 23), 540): 10, (date(2026, 11, 16), 540): 20, (date(2026, 11, 24), 540): 99}
    assert fc.forecast(counts, day=day, weeks=2, slots=[540, 600]) == [15.0, 0.0]
    assert fc.forecast(counts, day=day, weeks=4, slots=[540]) == [7.5]  # two weeks without contacts count 0
    rows = fc.staffing_rows(
        slots=[540, 600],
        expected=[100.0, 0.0],
        actual={540: (90, 11, 9, 80)},
        interval_seconds=1800,
        aht_seconds=180,
        target_seconds=20,
        target_level=0.8,
        shrinkage=0.3,
    )
    # Call Centre Helper's example: 100 calls in 30 min at 180 s → 14 agents, 20 with 30 % shrinkage
    assert (rows[0].needed, rows[0].needed_with_shrinkage, rows[0].under_staffed, rows[0].abandonment_rate) == (
        14,
        20,
        True,
        11.2,
    )
    assert (rows[1].needed, rows[1].under_staffed, rows[1].time) == (0, False, "10:00")


@pytest.mark.django_db
def test_the_staffing_page_forecasts_from_the_history(manager: User, agent: Agent, agent_user: User) -> None:
    day = date(2026, 11, 30)
    for weeks_back in (1, 2):
        for n in range(4):
            f.make_interaction(
                agent, channel="phone", created_at=datetime(2026, 11, 30 - 7 * weeks_back, 9, n, tzinfo=UTC), talk_seconds=300
            )
    f.make_interaction(
        agent,
        channel="phone",
        created_at=datetime(2026, 11, 30, 9, 5, tzinfo=UTC),
        queued_at=datetime(2026, 11, 30, 9, 5, tzinfo=UTC),
        abandoned=True,
    )
    query = {
        "f-day": day.isoformat(),
        "f-weeks": 2,
        "f-interval_minutes": 60,
        "f-channel": "phone",
        "f-target_seconds": 20,
        "f-target_level": 80,
    }
    text = page_client(manager).get("/operations/staffing/", query).content.decode()
    assert 'id="forecast-table"' in text and "10:00" in text  # 09:00 UTC is 10:00 in Rome
    assert "4.0" in text and "under-staffed" in text  # 4 expected, 1 agent needed; the day's only contact was abandoned
    assert page_client(agent_user).get("/operations/staffing/", query).status_code == 404


def _forecast_history(agent: Agent) -> None:
    for weeks_back in (1, 2):
        for n in range(4):
            f.make_interaction(
                agent, channel="phone", created_at=datetime(2026, 11, 30 - 7 * weeks_back, 9, n, tzinfo=UTC), talk_seconds=300
            )
    at = datetime(2026, 11, 30, 9, 5, tzinfo=UTC)
    f.make_interaction(agent, channel="phone", created_at=at, queued_at=at, abandoned=True)


@pytest.mark.django_db
def test_the_forecast_api_gives_needed_against_logged_in_per_interval(
    manager: User, agent: Agent, agent_user: User, team_lead: User
) -> None:
    _forecast_history(agent)
    query = {"day": "2026-11-30", "weeks": 2, "interval_minutes": 60, "channel": "phone", "target_level": 0.8}
    data = api_client(manager).get("/api/v1/operations/staffing/forecast", query).json()
    assert data["aht_seconds"] == 300.0 and data["day"] == "2026-11-30"
    assert [(i["time"], i["forecast"], i["actual_contacts"], i["abandoned"]) for i in data["intervals"]] == [
        ("10:00", 4.0, 1, 1)  # 09:00 UTC is 10:00 in Rome; the day's only contact was abandoned
    ]
    first = data["intervals"][0]
    # 4 calls an hour of 300 s: 1 agent answers 68 % within 20 s, 2 are needed for 80 %; 1 worked
    assert (first["needed"], first["logged_in"], first["under_staffed"]) == (2, 1, True)
    assert api_client(agent_user).get("/api/v1/operations/staffing/forecast", query).status_code == 404
    lead = api_client(team_lead).get("/api/v1/operations/staffing/forecast", query).json()
    assert lead["intervals"] == data["intervals"]  # the lead's own team: the agent's contacts
    bad = api_client(manager).get("/api/v1/operations/staffing/forecast", {**query, "interval_minutes": 20})
    assert bad.status_code == 400


@pytest.mark.django_db
def test_the_forecast_command_prints_json_and_csv(agent: Agent) -> None:
    _forecast_history(agent)
    args = ["staffing", "forecast", "--day", "2026-11-30", "--weeks", "2", "--interval-minutes", "60"]
    out = io.StringIO()
    call_command(*args, "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert [(i["time"], i["forecast"], i["actual_contacts"]) for i in data["intervals"]] == [("10:00", 4.0, 1)]
    out = io.StringIO()
    call_command(*args, "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("time,forecast,needed,") and lines[1].startswith("10:00,4.0,")
