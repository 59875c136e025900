"""Scorecards through the API door."""

import pytest
from django.test import Client

from qadesk.scorecards.services import scorecard_version_export

pytestmark = pytest.mark.django_db


def test_it_lists_and_reads_the_current_version(client: Client, default_scorecard, reviewer) -> None:
    client.force_login(reviewer)
    assert client.get("/api/v1/scorecards").json() == [
        {"code": "default", "name": default_scorecard.scorecard.name, "is_active": True, "current_version": 1}
    ]
    body = client.get("/api/v1/scorecards/default").json()
    assert [s["code"] for s in body["sections"]] == ["process", "communication"]
    right_sop = body["sections"][0]["criteria"][1]
    assert (right_sop["code"], right_sop["critical"], right_sop["impact"], right_sop["weight"]) == (
        "right_sop",
        True,
        "high",
        3.0,
    )
    assert right_sop["level"] == "nominal"  # pass/fail: nominal by default
    assert body["sections"][1]["criteria"][0]["level"] == "ordinal"  # a 5-point scale: ordinal by default
    assert client.get(f"/api/v1/scorecards/versions/{default_scorecard.pk}").json()["number"] == 1
    assert client.get("/api/v1/scorecards/nope").status_code == 404


def test_export_and_import_through_the_api(client: Client, default_scorecard, qa_lead, reviewer) -> None:
    client.force_login(qa_lead)
    exported = client.get("/api/v1/scorecards/default/export").json()
    assert exported == scorecard_version_export(version=default_scorecard)
    exported["sections"][0]["criteria"][0]["weight"] = 5
    created = client.post("/api/v1/scorecards/import", exported, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["number"] == 2
    assert client.get("/api/v1/scorecards/default").json()["sections"][0]["criteria"][0]["weight"] == 5


def test_import_refuses_reviewers_and_bad_definitions(client: Client, default_scorecard, qa_lead, reviewer) -> None:
    client.force_login(reviewer)
    assert client.post("/api/v1/scorecards/import", {"code": "x"}, content_type="application/json").status_code == 403
    client.force_login(qa_lead)
    bad = client.post(
        "/api/v1/scorecards/import", {"code": "x", "name": {"en": "X"}, "sections": []}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert "sections" in bad.json()["detail"]
