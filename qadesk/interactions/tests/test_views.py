import pytest
from django.urls import reverse

from qadesk.accounts.models import OrgSettings
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def test_it_lists_interactions_for_a_qa_lead(client, qa_lead, interaction, other_interaction):
    client.force_login(qa_lead)
    response = client.get(reverse("interactions:list"))
    assert response.status_code == 200
    assert interaction.external_id in response.content.decode()
    assert other_interaction.external_id in response.content.decode()


def test_it_lists_only_the_agents_own_interactions(client, agent_user, interaction, other_interaction):
    client.force_login(agent_user)
    page = list(client.get(reverse("interactions:list")).context["page_obj"])
    assert page == [interaction]


def test_it_filters_and_returns_only_the_table_to_htmx(client, qa_lead, agent):
    chat = f.make_interaction(agent, channel="chat", external_id="CHAT-1")
    f.make_interaction(agent, channel="email", external_id="MAIL-1")
    client.force_login(qa_lead)
    response = client.get(reverse("interactions:list"), {"channel": "chat"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert list(response.context["page_obj"]) == [chat]
    assert "<html" not in body
    assert "CHAT-1" in body
    assert "MAIL-1" not in body


def test_it_ignores_invalid_filter_values(client, qa_lead, interaction):
    client.force_login(qa_lead)
    response = client.get(reverse("interactions:list"), {"team": "not-a-number", "date_from": "yesterday"})
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [interaction]


def test_it_paginates_by_50(client, qa_lead, agent):
    for _ in range(51):
        f.make_interaction(agent, messages=[])
    client.force_login(qa_lead)
    first = client.get(reverse("interactions:list"))
    second = client.get(reverse("interactions:list"), {"page": 2})
    assert len(first.context["page_obj"]) == 50
    assert len(second.context["page_obj"]) == 1


def test_it_keeps_the_list_query_count_flat(client, qa_lead, agent, django_assert_max_num_queries):
    for _ in range(30):
        f.make_interaction(agent)
    client.force_login(qa_lead)
    OrgSettings.load()  # created once per install, not per request
    # session, user, org settings, 4 filter choice lists, count, page
    with django_assert_max_num_queries(9):
        assert client.get(reverse("interactions:list")).status_code == 200


def test_it_shows_the_detail_with_the_transcript(client, qa_lead, interaction):
    client.force_login(qa_lead)
    response = client.get(reverse("interactions:detail", args=[interaction.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hello, my order is late." in body
    assert "Review this interaction" in body
    assert "Review this message" in body


def test_it_escapes_message_bodies(client, qa_lead, agent):
    hostile = f.make_interaction(agent, messages=[("customer", "<script>alert(1)</script>\nsecond line")])
    client.force_login(qa_lead)
    body = client.get(reverse("interactions:detail", args=[hostile.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>second line" in body
    assert "<script>alert(1)" not in body


def test_it_keeps_the_detail_query_count_flat(client, qa_lead, agent, django_assert_max_num_queries):
    busy = f.make_interaction(agent, messages=[("customer", "hi"), ("agent", "hello")] * 20)
    client.force_login(qa_lead)
    OrgSettings.load()  # created once per install, not per request
    # session, user, interaction, handlers, messages, reviews, org settings
    with django_assert_max_num_queries(7):
        assert client.get(reverse("interactions:detail", args=[busy.pk])).status_code == 200


def test_it_hides_another_teams_interaction_from_an_agent(client, agent_user, other_interaction):
    client.force_login(agent_user)
    assert client.get(reverse("interactions:detail", args=[other_interaction.pk])).status_code == 404


def test_it_hides_another_teams_interaction_from_a_team_lead(client, team_lead, other_interaction, interaction):
    client.force_login(team_lead)
    assert client.get(reverse("interactions:detail", args=[other_interaction.pk])).status_code == 404
    assert client.get(reverse("interactions:detail", args=[interaction.pk])).status_code == 200


def test_it_offers_no_review_buttons_to_an_agent(client, agent_user, interaction):
    client.force_login(agent_user)
    body = client.get(reverse("interactions:detail", args=[interaction.pk])).content.decode()
    assert "Review this interaction" not in body
    assert "Review this message" not in body
