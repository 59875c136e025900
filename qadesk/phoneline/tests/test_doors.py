"""The phone line through its doors: page, API, CLI, the alert job; who may see it."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qadesk.accounts.models import User
from qadesk.notifications.models import Notification
from qadesk.phoneline.models import CallRecord, DeliveryLevel, LevelAlert, Tariff
from qadesk.phoneline.services import level_alerts_send, level_save
from qadesk.phoneline.tasks import send_delivery_level_alerts
from qadesk.testing.clients import api_client, page_client

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
NOV = datetime(2026, 11, 10, 9, 15, tzinfo=UTC)


@pytest.fixture
def calls() -> None:
    """Four calls in November: 1 busy of 4 attempts (25 %), two answered after 10 and 30 s, one abandoned."""
    Tariff.objects.create(trunk="t1", per_minute="0.0300")
    rows = [
        ("a", "answered", 10, 50, 4.3),
        ("b", "answered", 30, 90, 3.0),
        ("c", "abandoned", 20, None, None),
        ("d", "busy", None, None, None),
    ]
    for call_id, outcome, wait, talk, mos in rows:
        CallRecord.objects.create(
            call_id=call_id,
            queue="Ordini",
            trunk="t1",
            offered_at=NOV,
            outcome=outcome,
            wait_seconds=wait,
            talk_seconds=talk,
            mos=mos,
        )


@pytest.mark.parametrize("persona", ["qa_lead", "manager", "admin_user"])
def test_leads_and_managers_open_the_page(persona: str, request: pytest.FixtureRequest) -> None:
    page = page_client(request.getfixturevalue(persona)).get("/phone/")
    assert page.status_code == 200
    assert 'href="/phone/"' in page.content.decode()  # the sidebar entry


@pytest.mark.parametrize("persona", ["agent_user", "reviewer", "team_lead"])
@pytest.mark.parametrize("url", ["/phone/", "/api/v1/phone/report", "/api/v1/phone/levels", "/api/v1/phone/compliance"])
def test_others_get_404_everywhere(persona: str, url: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(persona)
    client = api_client(user) if url.startswith("/api/") else page_client(user)
    assert client.get(url).status_code == 404


def test_an_agent_has_no_sidebar_entry(agent_user: User) -> None:
    assert 'href="/phone/"' not in page_client(agent_user).get("/").content.decode()


def test_the_page_shows_the_figures_in_the_readers_language(qa_lead: User, calls: None) -> None:
    qa_lead.language = "it"
    qa_lead.save()
    text = page_client(qa_lead).get("/phone/", {"date_from": "2026-11-01", "date_to": "2026-11-30"}).content.decode()
    assert "Ordini" in text
    assert "25,0 %" in text  # busy signals, Italian decimal comma
    assert "33,3 %" in text  # abandoned: 1 of 3


def test_a_qa_lead_adds_a_level_on_the_page_and_a_manager_may_not(qa_lead: User, manager: User) -> None:
    response = page_client(qa_lead).post("/phone/", {"parameter": "busy_rate", "value": "5", "queue": ""})
    assert response.status_code == 302
    assert DeliveryLevel.objects.get().value == 5
    assert page_client(manager).post("/phone/", {"parameter": "asa_seconds", "value": "5"}).status_code == 404


def test_the_api_reports_the_figures_per_queue(manager: User, calls: None) -> None:
    data = api_client(manager).get("/api/v1/phone/report", {"from": "2026-11-01", "to": "2026-11-30"}).json()
    assert [g["key"] for g in data["groups"]] == ["Ordini"]
    total = data["total"]
    assert (total["attempts"], total["busy_rate"], total["asa_seconds"], total["low_mos"]) == (4, 25.0, 20.0, 1)
    assert total["cost"] == pytest.approx((60 + 120 + 20) / 60 * 0.03)


def test_the_api_sets_levels_and_shows_their_monthly_compliance(qa_lead: User, manager: User, calls: None) -> None:
    created = api_client(qa_lead).post(
        "/api/v1/phone/levels", {"parameter": "busy_rate", "value": 10}, content_type="application/json"
    )
    assert created.status_code == 201
    twice = api_client(qa_lead).post(
        "/api/v1/phone/levels", {"parameter": "busy_rate", "value": 9}, content_type="application/json"
    )
    assert twice.status_code == 400
    refused = api_client(manager).post(
        "/api/v1/phone/levels", {"parameter": "noise_rate", "value": 1}, content_type="application/json"
    )
    assert refused.status_code == 403
    data = api_client(manager).get("/api/v1/phone/compliance", {"months": 24}).json()
    cells = {c["month"]: (c["value"], c["met"]) for c in data["levels"][0]["cells"]}
    assert cells["2026-11-01"] == (25.0, False)


def test_a_missed_level_notifies_the_qa_leads_once_per_month(qa_lead: User, admin_user: User, calls: None) -> None:
    level_save(actor=qa_lead, parameter="busy_rate", value=10)
    level_save(actor=qa_lead, parameter="asa_seconds", value=60)  # kept: 20 s
    assert level_alerts_send(now=NOW) == 1
    assert level_alerts_send(now=NOW) == 0
    alert = LevelAlert.objects.get()
    assert (str(alert.month), alert.value) == ("2026-11-01", 25.0)
    note = Notification.objects.get(recipient=qa_lead)
    assert "25.0" in note.subject and note.url == "/phone/"
    assert not Notification.objects.filter(recipient=admin_user).exists()


def test_the_periodic_job_calls_the_service(qa_lead: User) -> None:
    assert send_delivery_level_alerts.call() == 0


def test_the_cli_imports_and_reports(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "call_id,queue,offered_at,outcome,wait_seconds\nx1,Q,2026-11-02T09:00:00Z,answered,8\nx2,Q,2026-11-02T09:01:00Z,busy,\n"
    )
    out = io.StringIO()
    call_command("qimport", "calls", str(path), stdout=out)
    assert "created 2" in out.getvalue()
    out = io.StringIO()
    call_command("qreport", "calls", "--by", "month", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["groups"][0]["key"], data["total"]["busy"]) == ("2026-11", 1)
    out = io.StringIO()
    call_command("qreport", "calls", "--format", "csv", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("key,attempts,busy,busy_rate")


def test_the_cli_names_the_bad_row_and_imports_nothing(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("call_id,queue,offered_at,outcome\nx1,Q,2026-11-02T09:00:00Z,dropped\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("qimport", "calls", str(path), stderr=err)
    assert "line 2: outcome" in err.getvalue()
    assert not CallRecord.objects.exists()


def test_the_cli_imports_json_lines_with_blank_and_null_numbers(tmp_path: Path) -> None:
    # Such a row stopped the import with a TypeError before the row checks moved to pydantic-core (benchmarks/README.md).
    path = tmp_path / "calls.jsonl"
    rows = [
        {"call_id": "j1", "queue": "Q", "offered_at": "2026-11-02T09:00:00Z", "outcome": "busy", "wait_seconds": ""},
        {"call_id": "j2", "queue": "Q", "offered_at": "2026-11-02T09:01:00Z", "outcome": "answered", "mos": None},
    ]
    rows[1]["noisy"] = " Yes"
    path.write_text("\n".join(json.dumps(row) for row in rows))
    out = io.StringIO()
    call_command("qimport", "calls", str(path), stdout=out)
    assert "created 2" in out.getvalue()
    assert dict(CallRecord.objects.values_list("call_id", "noisy")) == {"j1": None, "j2": True}
    path.write_text("\n".join(json.dumps({**row, "mos": 0.5}) for row in rows[1:]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("qimport", "calls", str(path), stderr=err)
    assert "line 1: mos: must be 1 or more" in err.getvalue()
