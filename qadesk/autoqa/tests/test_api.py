"""Automatic results and runs over the API, per persona."""

from __future__ import annotations

import pytest

from qadesk.autoqa.engine import detectors
from qadesk.autoqa.services import autoqa_run
from qadesk.core.models import JobRun
from qadesk.testing import factories as f
from qadesk.testing.clients import api_client

pytestmark = pytest.mark.django_db
URL = "/api/v1/autoqa"


def test_it_returns_the_results_with_quoted_evidence(qa_lead, agent) -> None:
    interaction = f.make_interaction(agent, messages=[("customer", "My card is 4111 1111 1111 1111"), ("agent", "Thanks!")])
    autoqa_run()
    results = {r["detector"]: r for r in api_client(qa_lead).get(f"{URL}/interactions/{interaction.pk}/results").json()}
    sensitive = results["sensitive_data"]
    assert sensitive["verdict"] == "fail" and sensitive["impact"] == "high"
    assert [(e["text"], e["note"]) for e in sensitive["evidence"]] == [("4111 1111 1111 1111", "card")]
    assert results["courtesy"]["verdict"] == "pass"


def test_an_interaction_one_may_not_see_is_not_found(agent_user, team_lead, interaction, other_interaction) -> None:
    autoqa_run()
    assert api_client(agent_user).get(f"{URL}/interactions/{other_interaction.pk}/results").status_code == 404
    assert api_client(team_lead).get(f"{URL}/interactions/{other_interaction.pk}/results").status_code == 404
    assert len(api_client(agent_user).get(f"{URL}/interactions/{interaction.pk}/results").json()) == len(detectors())


def test_a_qa_lead_queues_a_run_for_a_date_range(qa_lead) -> None:
    response = api_client(qa_lead).post(
        f"{URL}/runs", {"date_from": "2026-11-01", "date_to": "2026-11-30"}, content_type="application/json"
    )
    assert response.status_code == 202, response.content
    job = JobRun.objects.get(pk=response.json()["id"])
    assert job.params == {"date_from": "2026-11-01", "date_to": "2026-11-30"} and job.status == "queued"
    assert api_client(qa_lead).get(f"{URL}/runs/{job.pk}").json()["status"] == "queued"


@pytest.mark.parametrize("persona", ["reviewer", "agent_user", "manager"])
def test_nobody_else_may_queue_a_run_or_read_it(persona, request) -> None:
    client = api_client(request.getfixturevalue(persona))
    assert client.post(f"{URL}/runs", {}, content_type="application/json").status_code == 403
    job = JobRun.objects.create(kind="autoqa")
    assert client.get(f"{URL}/runs/{job.pk}").status_code == 404
