"""The KPI report, the targets and Erlang C through the doors people use: pages, API, CLI; who may see them."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from qadesk.accounts.models import Agent, User
from qadesk.interactions.models import Interaction
from qadesk.operations.models import KpiTarget
from qadesk.operations.tests.data import worked_rows
from qadesk.testing import factories as f
from qadesk.testing.clients import api_client, body, page_client

pytestmark = pytest.mark.django_db
RANGE = {"from": "2026-11-02", "to": "2026-11-03"}


@pytest.fixture
def worked(agent: Agent, other_team_agent: Agent) -> dict[str, Interaction]:
    return worked_rows(agent, other_team_agent)


# --- who may see what ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["qa_lead", "manager", "team_lead", "admin_user"])
@pytest.mark.parametrize("url", ["/operations/", "/operations/targets/", "/operations/staffing/"])
def test_leads_and_managers_open_the_pages(persona: str, url: str, request: pytest.FixtureRequest) -> None:
    assert page_client(request.getfixturevalue(persona)).get(url).status_code == 200


@pytest.mark.parametrize("persona", ["agent_user", "reviewer"])
@pytest.mark.parametrize(
    "url", ["/operations/", "/operations/export/", "/operations/targets/", "/operations/staffing/?calls=10&aht_seconds=60"]
)
def test_agents_and_reviewers_get_404_on_every_page(persona: str, url: str, request: pytest.FixtureRequest) -> None:
    assert page_client(request.getfixturevalue(persona)).get(url).status_code == 404


@pytest.mark.parametrize("persona", ["agent_user", "reviewer"])
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/operations/kpis",
        "/api/v1/operations/kpis/export",
        "/api/v1/operations/targets",
        "/api/v1/operations/staffing/erlang?calls=10&aht_seconds=60",
    ],
)
def test_agents_and_reviewers_get_404_from_the_api(persona: str, url: str, request: pytest.FixtureRequest) -> None:
    assert api_client(request.getfixturevalue(persona)).get(url).status_code == 404


def test_a_team_lead_reads_only_their_team_through_the_api(team_lead: User, agent: Agent, other_team_agent: Agent) -> None:
    f.make_interaction(agent)
    f.make_interaction(other_team_agent)
    data = api_client(team_lead).get("/api/v1/operations/kpis", {"by": "team"}).json()
    assert [(g["label"], g["contacts"]) for g in data["groups"]] == [("Milano Ordini", 1)]


# --- the page ------------------------------------------------------------------------------------------------------


def test_the_page_shows_the_worked_figures_and_marks_a_missed_target(qa_lead: User, worked: dict[str, Interaction]) -> None:
    KpiTarget.objects.create(kpi="service_level", value=80, period="day")
    page = page_client(qa_lead).get("/operations/", {"by": "channel", **{"date_from": RANGE["from"], "date_to": RANGE["to"]}})
    text = page.content.decode()
    assert page.status_code == 200
    assert "33.3 %" in text  # the phone service level
    assert "0:20" in text  # ASA 20 s
    assert "5:50" in text  # AHT 350 s
    assert "missed 1 period in a row" in text
    assert 'title="Target missed"' in text


def test_the_page_writes_numbers_the_italian_way(qa_lead: User, worked: dict[str, Interaction]) -> None:
    qa_lead.language = "it"
    qa_lead.save()
    text = page_client(qa_lead).get("/operations/", {"by": "channel", "date_from": RANGE["from"], "date_to": RANGE["to"]})
    assert "33,3 %" in text.content.decode()


def test_the_page_downloads_csv_and_xlsx(qa_lead: User, worked: dict[str, Interaction]) -> None:
    client = page_client(qa_lead)
    params = {"by": "channel", "date_from": RANGE["from"], "date_to": RANGE["to"]}
    rows = list(csv.reader(io.StringIO(body(client.get("/operations/export/", params)).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Code", "Group", "Contacts"]
    assert [r[1] for r in rows[1:]] == ["Phone", "E-mail", "All contacts"]
    workbook = load_workbook(io.BytesIO(body(client.get("/operations/export/", {**params, "format": "xlsx"}))))
    sheet = workbook.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("Service level (%)") + 1).value == pytest.approx(33.33)


def test_a_bad_range_is_told_on_the_page(qa_lead: User) -> None:
    response = page_client(qa_lead).get("/operations/", {"date_from": "2026-12-01", "date_to": "2026-11-01"})
    assert "The start date is after the end date." in response.content.decode()


# --- the API -------------------------------------------------------------------------------------------------------


def test_the_api_answers_the_report(qa_lead: User, worked: dict[str, Interaction]) -> None:
    data = api_client(qa_lead).get("/api/v1/operations/kpis", {"by": "channel", **RANGE}).json()
    totals = data["totals"]
    assert (totals["contacts"], totals["asa_seconds"], totals["service_level"], totals["fcr_rate"]) == (6, 20.0, 33.33, 33.33)
    assert (totals["first_response_median"], totals["first_response_p90"]) == (30.0, 5766.0)
    assert data["paths"] == [{"from_team": "Milano Ordini", "to_team": "Lyon Livraisons", "label": "late_delivery", "count": 1}]


def test_the_service_level_threshold_is_configurable(qa_lead: User, worked: dict[str, Interaction]) -> None:
    data = api_client(qa_lead).get("/api/v1/operations/kpis", {"by": "channel", "service_level_seconds": 30, **RANGE}).json()
    assert data["totals"]["service_level"] == 66.67  # c1 (10 s) and c2 (30 s) of 3 offered


def test_the_api_exports_csv(qa_lead: User, worked: dict[str, Interaction]) -> None:
    response = api_client(qa_lead).get("/api/v1/operations/kpis/export", {"by": "team", **RANGE})
    assert response.status_code == 200
    assert "Milano Ordini" in body(response).decode("utf-8-sig")


def test_a_qa_lead_sets_and_removes_a_target_through_the_api(qa_lead: User) -> None:
    client = api_client(qa_lead)
    response = client.post(
        "/api/v1/operations/targets", {"kpi": "service_level", "value": 80, "period": "week"}, content_type="application/json"
    )
    assert response.status_code == 201
    again = client.post(
        "/api/v1/operations/targets", {"kpi": "service_level", "value": 85, "period": "week"}, content_type="application/json"
    )
    assert again.status_code == 400  # a double submit makes no second target
    assert KpiTarget.objects.count() == 1
    assert client.delete(f"/api/v1/operations/targets/{response.json()['id']}").status_code == 204
    assert not KpiTarget.objects.exists()


def test_a_percentage_target_above_100_is_refused(qa_lead: User) -> None:
    response = api_client(qa_lead).post(
        "/api/v1/operations/targets", {"kpi": "fcr_rate", "value": 120}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "between 0 and 100" in response.json()["detail"]


@pytest.mark.parametrize("persona", ["team_lead"])
def test_team_leads_may_not_set_targets(persona: str, request: pytest.FixtureRequest) -> None:
    response = api_client(request.getfixturevalue(persona)).post(
        "/api/v1/operations/targets", {"kpi": "fcr_rate", "value": 70}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not KpiTarget.objects.exists()


def test_the_api_computes_erlang_c(manager: User) -> None:
    query = {"calls": 100, "interval_minutes": 30, "aht_seconds": 180, "target_seconds": 20, "target_level": 0.8}
    data = api_client(manager).get("/api/v1/operations/staffing/erlang", {**query, "shrinkage": 0.3}).json()
    assert (data["traffic_erlangs"], data["agents"], data["agents_with_shrinkage"]) == (10.0, 14, 20)
    overloaded = api_client(manager).get("/api/v1/operations/staffing/erlang", {**query, "agents": 9}).json()
    assert (overloaded["service_level"], overloaded["asa_seconds"]) == (0.0, None)


# --- targets page --------------------------------------------------------------------------------------------------


def test_a_qa_lead_adds_a_target_on_the_page_and_a_team_lead_only_reads(qa_lead: User, team_lead: User) -> None:
    form = {"kpi": "asa_seconds", "value": "30", "channel": "phone", "site": "", "period": "week"}
    form |= {"threshold_seconds": "20", "alert_after": "2"}
    response = page_client(qa_lead).post("/operations/targets/", form)
    assert response.status_code == 302
    target = KpiTarget.objects.get()
    assert (target.kpi, target.value, target.channel, target.created_by) == ("asa_seconds", 30.0, "phone", qa_lead)
    lead = page_client(team_lead)
    assert "Average speed of answer" in lead.get("/operations/targets/").content.decode()
    assert lead.post("/operations/targets/", form).status_code == 404
    assert lead.post(f"/operations/targets/{target.pk}/delete/").status_code == 404
    assert KpiTarget.objects.count() == 1


def test_the_staffing_page_answers_the_worked_example(manager: User) -> None:
    form = {"calls": 100, "interval_minutes": 30, "aht_seconds": 180, "target_seconds": 20, "target_level": 80}
    text = page_client(manager).get("/operations/staffing/", {**form, "shrinkage": 30, "max_occupancy": 85}).content.decode()
    assert "<dd>14</dd>" in text and "<dd>20</dd>" in text


# --- the CLI -------------------------------------------------------------------------------------------------------


def test_the_cli_prints_the_report_as_json_and_csv(worked: dict[str, Interaction]) -> None:
    out = io.StringIO()
    call_command("qreport", "kpis", "--by", "channel", "--from", RANGE["from"], "--to", RANGE["to"], stdout=out)
    data = json.loads(out.getvalue())
    assert (data["totals"]["contacts"], data["groups"][0]["key"], data["date_from"]) == (6, "phone", "2026-11-02")
    out = io.StringIO()
    call_command("qreport", "kpis", "--by", "team", "--from", RANGE["from"], "--to", RANGE["to"], "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["label"], r["contacts"], r["service_level"]) for r in rows] == [
        ("Milano Ordini", "6", "33.33"),
        ("All contacts", "6", "33.33"),
    ]


def test_the_cli_reports_as_a_user_with_their_visibility(agent_user: User, worked: dict[str, Interaction]) -> None:
    out = io.StringIO()
    call_command("qreport", "kpis", "--user", agent_user.username, stdout=out)
    assert json.loads(out.getvalue())["totals"]["contacts"] == 0


def test_the_cli_refuses_a_reversed_range() -> None:
    with pytest.raises(CommandError, match="start date is after"):
        call_command("qreport", "kpis", "--from", "2026-12-01", "--to", "2026-11-01", stdout=io.StringIO())


def test_the_cli_computes_erlang_c() -> None:
    out = io.StringIO()
    call_command(
        "staffing", "erlang", "--calls", "100", "--interval-minutes", "30", "--aht-seconds", "180", "--target-seconds", "20",
        "--target-level", "0.8", "--shrinkage", "0.3", "--format", "json", stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())
    assert list(data) == [
        "traffic_erlangs", "agents", "agents_with_shrinkage", "probability_wait", "service_level", "asa_seconds", "occupancy"
    ]  # fmt: skip
    assert (data["agents"], data["agents_with_shrinkage"], round(data["probability_wait"], 4)) == (14, 20, 0.1741)


def test_the_cli_refuses_an_impossible_target_level() -> None:
    with pytest.raises(CommandError, match="target level"):
        call_command("staffing", "erlang", "--calls", "10", "--aht-seconds", "60", "--target-level", "1.5", stdout=io.StringIO())


def test_the_date_filter_is_by_local_creation_day(qa_lead: User, worked: dict[str, Interaction]) -> None:
    data = api_client(qa_lead).get("/api/v1/operations/kpis", {"from": "2026-11-04", "to": str(date(2026, 11, 30))}).json()
    assert data["totals"]["contacts"] == 1  # only the customer's new contact of 6 November


def test_the_page_makes_the_same_number_of_queries_whatever_the_groups_and_targets(
    qa_lead: User, worked: dict[str, Interaction], agent: Agent
) -> None:
    client = page_client(qa_lead)
    params = {"by": "agent", "date_from": RANGE["from"], "date_to": RANGE["to"]}
    KpiTarget.objects.create(kpi="service_level", value=80, period="day")
    KpiTarget.objects.create(kpi="asa_seconds", value=20, period="day", threshold_seconds=20)
    client.get("/operations/", params)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get("/operations/", params)
    for n in range(8):  # more agents, more groups; another target of the same scope
        f.make_interaction(f.make_agent(f"more{n}", agent.team), created_at=worked["c1"].created_at)
    KpiTarget.objects.create(kpi="fcr_rate", value=70, period="day")
    with CaptureQueriesContext(connection) as many:
        client.get("/operations/", params)
    assert len(many) == len(few)
