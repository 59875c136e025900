"""The register over the API: visibility (404), logging, editing, guarded moves (409), links, export, report."""

import pytest

from qadesk.complaints.models import Complaint
from qadesk.complaints.tests.factories import make_category, make_complaint
from qadesk.interactions.models import Interaction
from qadesk.testing.clients import api_client, body

pytestmark = pytest.mark.django_db
API = "/api/v1/complaints"


def test_it_logs_a_complaint_on_a_visible_interaction(team_lead, interaction, reviewer) -> None:
    make_category("late", hours=24)
    client = api_client(team_lead)
    payload = {"category": "late", "description": "Never arrived", "interactions": [interaction.pk], "owner": "dario"}
    response = client.post(API, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["category"], data["status"], data["interactions"], data["owner"]) == ("late", "open", [interaction.pk], "dario")
    assert data["team"] == interaction.team_id
    assert Interaction.objects.get(pk=interaction.pk).complaint is True


def test_it_names_the_unknown_category_and_refuses_an_invisible_interaction(other_team_agent_user, interaction) -> None:
    client = api_client(other_team_agent_user)
    response = client.post(API, {"category": "nope", "description": "x"}, content_type="application/json")
    assert response.status_code == 422 and "nope" in response.content.decode()
    make_category("late")
    response = client.post(
        API, {"category": "late", "description": "x", "interactions": [interaction.pk]}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not Complaint.objects.exists()


def test_visibility_on_read_list_and_export(qa_lead, agent_user, other_team_agent_user, interaction) -> None:
    complaint = make_complaint(qa_lead, interactions=[interaction])
    assert api_client(agent_user).get(f"{API}/{complaint.pk}").status_code == 200
    outsider = api_client(other_team_agent_user)
    assert outsider.get(f"{API}/{complaint.pk}").status_code == 404
    assert outsider.get(API).json()["items"] == []
    assert outsider.post(f"{API}/{complaint.pk}/actions", {"body": "x"}, content_type="application/json").status_code == 404
    assert complaint.description not in body(outsider.get(f"{API}/export")).decode("utf-8-sig")
    assert complaint.description in body(api_client(agent_user).get(f"{API}/export?format=csv")).decode("utf-8-sig")


def test_a_second_close_is_409_and_closing_needs_root_cause_and_outcome(qa_lead) -> None:
    complaint = make_complaint(qa_lead)
    client = api_client(qa_lead)

    def move(**data):
        return client.post(f"{API}/{complaint.pk}/status", data, content_type="application/json")

    assert move(status="resolved", root_cause="a", outcome="b").status_code == 409  # open → resolved is not a move
    assert move(status="in_progress").status_code == 200
    assert move(status="resolved").status_code == 400
    done = move(status="resolved", root_cause="Carrier", outcome="Refund")
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    again = move(status="rejected", root_cause="x", outcome="y")
    assert again.status_code == 409 and "cannot become" in again.json()["detail"]


def test_it_edits_links_unlinks_and_records_actions(qa_lead, interaction, other_interaction) -> None:
    complaint = make_complaint(qa_lead, interactions=[interaction])
    client = api_client(qa_lead)
    patched = client.patch(f"{API}/{complaint.pk}", {"severity": "critical", "owner": None}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["severity"] == "critical"
    linked = client.post(
        f"{API}/{complaint.pk}/interactions", {"interaction": other_interaction.pk}, content_type="application/json"
    )
    assert sorted(linked.json()["interactions"]) == sorted([interaction.pk, other_interaction.pk])
    unlinked = client.delete(f"{API}/{complaint.pk}/interactions/{interaction.pk}")
    assert unlinked.json()["interactions"] == [other_interaction.pk]
    assert Interaction.objects.get(pk=interaction.pk).complaint is False
    action = client.post(f"{API}/{complaint.pk}/actions", {"kind": "remedy", "body": "Voucher"}, content_type="application/json")
    assert action.status_code == 201 and action.json()["actor"] == qa_lead.username
    assert client.get(f"{API}/{complaint.pk}").json()["actions"][-1]["body"] == "Voucher"


def test_the_list_filters_and_sorts(qa_lead) -> None:
    low = make_complaint(qa_lead, severity="low")
    high = make_complaint(qa_lead, severity="high")
    client = api_client(qa_lead)
    assert [c["id"] for c in client.get(f"{API}?sort=-severity").json()["items"]] == [high.pk, low.pk]
    assert [c["id"] for c in client.get(f"{API}?category={low.category_id}").json()["items"]] == [low.pk]
    assert client.get(f"{API}?sort=nonsense").status_code == 422


def test_the_categories_and_the_report(qa_lead) -> None:
    category = make_category("late", hours=24, en="Late", it="In ritardo", fr="En retard")
    make_complaint(qa_lead, category=category)
    client = api_client(qa_lead)
    listed = {c["code"]: c for c in client.get(f"{API}/categories").json()}
    assert listed["late"]["target_hours"] == 24 and listed["late"]["names"]["it"] == "In ritardo"
    report = client.get(f"{API}/report?by=category").json()
    row = next(r for r in report["rows"] if r["key"] == "late")
    assert (row["logged"], row["open"], row["closed"]) == (1, 1, 0)
    assert report["total"]["logged"] == 1
