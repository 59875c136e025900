"""GET /api/v1/reports/quality through the HTTP door, with session and token authentication."""

import pytest
from django.test import Client

from qadesk.accounts.models import ApiToken, User

from .conftest import ReportData

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/quality"


def test_it_answers_the_whole_report_as_json(client: Client, qa_lead: User, report_data: ReportData) -> None:
    client.force_login(qa_lead)
    response = client.get(URL, {"by": "agent", "from": "2026-09-01", "to": "2026-11-30"})
    assert response.status_code == 200
    body = response.json()
    assert (body["by"], body["date_from"], body["minimum_n"], body["totals"]["n"], body["totals"]["iqs"]) == (
        "agent",
        "2026-09-01",
        5,
        7,
        87.14,
    )
    first = body["groups"][0]
    assert (first["label"], first["n"], first["iqs"], first["ci_low"], first["ci_high"], first["conclusive"]) == (
        "A.Rossi",
        5,
        90.0,
        50.31,
        99.82,
        True,
    )
    assert body["groups"][1]["conclusive"] is False
    assert [c["code"] for c in body["failed_criteria"]] == ["right_label", "right_sop"]
    assert body["root_causes"][0] == {
        "criterion_code": "right_label",
        "criterion_title": "Correct label",
        "code": "reason_misread",
        "title": "Reason misread",
        "count": 2,
    }


def test_it_groups_by_period_and_filters_by_team(client: Client, qa_lead: User, report_data: ReportData) -> None:
    client.force_login(qa_lead)
    body = client.get(URL, {"by": "period", "period": "day", "team": "Milano Ordini"}).json()
    assert [g["key"] for g in body["groups"]] == ["2026-09-01", "2026-09-02", "2026-09-03", "2026-09-04", "2026-09-05"]
    assert body["filters"] == {"team": "Milano Ordini"}


def test_it_rejects_an_unknown_grouping_with_a_clear_message(client: Client, qa_lead: User) -> None:
    client.force_login(qa_lead)
    response = client.get(URL, {"by": "reviewer"})
    assert response.status_code == 422
    assert "agent" in str(response.json()["detail"])


def test_it_rejects_a_reversed_date_range_with_400(client: Client, qa_lead: User) -> None:
    client.force_login(qa_lead)
    response = client.get(URL, {"from": "2026-10-01", "to": "2026-09-01"})
    assert (response.status_code, response.json()) == (400, {"detail": "The start date is after the end date."})


def test_an_agent_gets_only_their_own_figures_by_token(client: Client, agent_user: User, report_data: ReportData) -> None:
    key = ApiToken.generate_key()
    ApiToken.objects.create(user=agent_user, name="test", prefix=key[:8], digest=ApiToken.hash(key))
    body = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert (body["totals"]["n"], [g["label"] for g in body["groups"]]) == (5, ["A.Rossi"])


def test_it_requires_authentication(client: Client) -> None:
    assert client.get(URL).status_code == 401
