"""Interactions through the API door: filters, transcript, visibility."""

import pytest
from django.test import Client

from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def test_it_lists_visible_interactions_with_filters(client: Client, interaction, other_interaction, qa_lead, agent_user) -> None:
    phone = f.make_interaction(interaction.agent, channel="phone")
    client.force_login(qa_lead)
    body = client.get("/api/v1/interactions").json()
    assert body["count"] == 3
    assert [i["id"] for i in client.get("/api/v1/interactions?channel=phone").json()["items"]] == [phone.pk]
    client.force_login(agent_user)
    assert {i["id"] for i in client.get("/api/v1/interactions").json()["items"]} == {interaction.pk, phone.pk}


def test_it_returns_the_transcript_in_order_and_verbatim(client: Client, agent, reviewer) -> None:
    interaction = f.make_interaction(agent, messages=[("customer", "<script>alert(1)</script>"), ("agent", "Ciao!")])
    client.force_login(reviewer)
    body = client.get(f"/api/v1/interactions/{interaction.pk}").json()
    assert [(m["author_role"], m["body"]) for m in body["messages"]] == [
        ("customer", "<script>alert(1)</script>"),
        ("agent", "Ciao!"),
    ]
    assert body["agents"] == [agent.username]
    assert body["messages"][1]["agent"] == agent.username


def test_an_unseen_interaction_is_404(client: Client, other_interaction, agent_user, team_lead) -> None:
    for user in (agent_user, team_lead):
        client.force_login(user)
        assert client.get(f"/api/v1/interactions/{other_interaction.pk}").status_code == 404


def test_the_list_costs_the_same_queries_for_few_interactions_or_many(agent, qa_lead, reviewer) -> None:
    """The token, the count, the page with its names and latest scores: nothing per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qadesk.testing.clients import api_client

    def queries(client: Client) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            items = client.get("/api/v1/interactions").json()["items"]
        return len(items), len(ctx.captured_queries)

    for _ in range(2):
        f.make_interaction(agent)
    for user in (qa_lead, reviewer):  # a reviewer's list also asks which agents a blind calibration hides
        client = api_client(user)
        client.get("/api/v1/interactions")  # the token's first use writes its last_used_at (at most once a minute)
        few = queries(client)
        for _ in range(10):
            f.make_interaction(agent)
        many = queries(client)
        assert many[0] > few[0]
        assert many[1] == few[1] <= 3 + (connection.vendor == "postgresql")  # PostgreSQL: the page's ids, then its rows
