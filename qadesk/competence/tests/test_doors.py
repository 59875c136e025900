"""Through the user's doors: pages, API and CLI, with who may see and record what."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from qadesk.accounts.models import User
from qadesk.competence.models import CompetenceSettings, Completion
from qadesk.competence.tests.conftest import Scene
from qadesk.testing.clients import api_client

pytestmark = pytest.mark.django_db
API = "/api/v1/competence"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_a_manager_every_agent_and_the_agents_below_the_benchmark(scene: Scene, manager: User) -> None:
    response = _client(manager).get("/competence/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Below the benchmark" in page and str(scene.other) in page and str(scene.agent) in page
    assert _client(manager).get("/competence/?by=site").status_code == 200
    assert "Lyon" in _client(manager).get("/competence/?by=team").content.decode()


def test_an_agent_sees_their_own_page_and_not_a_colleague(scene: Scene, agent_user: User) -> None:
    client = _client(agent_user)
    page = client.get("/competence/").content.decode()
    assert str(scene.agent) in page and str(scene.other) not in page
    assert client.get(f"/competence/agents/{scene.agent.pk}/").status_code == 200
    assert client.get(f"/competence/agents/{scene.other.pk}/").status_code == 404
    assert client.get("/competence/completions/new/").status_code == 404
    assert client.get("/competence/settings/").status_code == 404


def test_a_reviewer_gets_404(scene: Scene, reviewer: User) -> None:
    assert _client(reviewer).get("/competence/").status_code == 404
    assert _client(reviewer).get("/competence/results/").status_code == 404
    assert api_client(reviewer).get(f"{API}/ratings").status_code == 404


def test_the_results_page_warns_that_it_shows_association_not_cause(scene: Scene, qa_lead: User) -> None:
    page = _client(qa_lead).get("/competence/results/?window=15").content.decode()
    assert "Association, not cause:" in page


def test_a_team_lead_records_a_completion_for_their_team_only(scene: Scene, team_lead: User) -> None:
    client = _client(team_lead)
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        "/competence/completions/new/", {"kind": "one", "agent": scene.agent.pk, "course": scene.sop.pk, "completed_on": day}
    )
    assert response.status_code == 302
    assert Completion.objects.filter(agent=scene.agent, completed_on=day).exists()
    refused = client.post(
        "/competence/completions/new/", {"kind": "one", "agent": scene.other.pk, "course": scene.sop.pk, "completed_on": day}
    )
    assert refused.status_code == 200 and not Completion.objects.filter(agent=scene.other, completed_on=day).exists()


def test_a_csv_with_a_bad_row_imports_nothing_and_names_line_and_column(scene: Scene, manager: User) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = "agent,course,completed_on,expires_on\na.rossi,sop,2026-01-05,\nb.martin,nope,2026-01-05,\na.rossi,tools,05/01/2026,\n"
    upload = SimpleUploadedFile("c.csv", text.encode(), content_type="text/csv")
    before = Completion.objects.count()
    page = _client(manager).post("/competence/completions/new/", {"kind": "csv", "file": upload}).content.decode()
    assert Completion.objects.count() == before
    assert "Line 3, course" in page and "Line 4, completed_on" in page


def test_the_admin_sets_the_benchmark(scene: Scene, admin_user: User, manager: User) -> None:
    form = {"mode": "organisation", "training_benchmark": "75", "delivery_benchmark": "70", "survey_question_code": "agent_skill"}
    assert _client(manager).post("/competence/settings/", form).status_code == 404
    assert _client(admin_user).post("/competence/settings/", form).status_code == 302
    assert CompetenceSettings.load().mode == "organisation"


def test_the_api_gives_ratings_by_visibility(scene: Scene, manager: User, agent_user: User) -> None:
    body = api_client(manager).get(f"{API}/ratings").json()
    assert {a["agent_id"] for a in body["agents"]} == {scene.agent.pk, scene.other.pk}
    bob = next(a for a in body["agents"] if a["agent_id"] == scene.other.pk)
    assert bob["training_score"] == 40.0 and bob["missing_courses"] == ["tools"] and bob["below_benchmark"]
    mine = api_client(agent_user).get(f"{API}/ratings").json()
    assert [a["agent_id"] for a in mine["agents"]] == [scene.agent.pk]
    assert api_client(agent_user).get(f"{API}/agents/{scene.other.pk}").status_code == 404
    losses = api_client(manager).get(f"{API}/agents/{scene.agent.pk}").json()["losses"]
    assert losses == [{"criterion": "right_sop", "mean": 80.0, "n": 2, "courses": ["sop"]}]
    assert "association, not cause" in api_client(manager).get(f"{API}/training-results").json()["note"].lower()


def test_the_api_records_and_imports_completions(scene: Scene, manager: User, agent_user: User) -> None:
    client = api_client(manager)
    created = client.post(
        f"{API}/completions",
        {"agent": "a.rossi", "course": "tools", "completed_on": "2026-01-02"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["expires_on"] == "2026-02-01"  # 30 days' validity
    refused = api_client(agent_user).post(
        f"{API}/completions",
        {"agent": "a.rossi", "course": "tools", "completed_on": "2026-01-03"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    bad = client.post(
        f"{API}/completions/import", {"csv": "agent,course,completed_on\nzz,sop,2026-01-01\n"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["errors"] == [
        {"line": 2, "field": "agent", "message": "No agent zz you may record training for."}
    ]
    listed = client.get(f"{API}/completions?agent={scene.agent.pk}").json()
    assert listed["count"] == 3


def test_the_cli_prints_json_and_csv(scene: Scene) -> None:
    out = io.StringIO()
    call_command("qreport", "competence", stdout=out)
    assert len(json.loads(out.getvalue())["agents"]) == 2
    out = io.StringIO()
    call_command("qreport", "competence", "--by", "site", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("label,training_score") and len(lines) == 3
