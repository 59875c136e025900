"""Custom fields and tags on interactions: declared by admins (API), shown on the page, filtered in the list and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qadesk.interactions.models import CustomField, Interaction
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
FIELDS = "/api/v1/custom-fields"


def test_an_admin_declares_custom_fields_and_others_may_only_read_them(client, admin_user, qa_lead):
    client.force_login(qa_lead)
    assert client.put(f"{FIELDS}/plan", {"type": "text"}, content_type="application/json").status_code == 403
    client.force_login(admin_user)
    response = client.put(
        f"{FIELDS}/plan",
        {"label": "Plan", "type": "choice", "choices": ["gold", "silver", "gold"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"key": "plan", "label": "Plan", "type": "choice", "choices": ["gold", "silver"], "names": {}}
    bad = client.put(f"{FIELDS}/tier", {"type": "choice"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "choices"
    assert client.put(f"{FIELDS}/bad key", {"type": "text"}, content_type="application/json").status_code == 422
    client.force_login(qa_lead)
    assert [row["key"] for row in client.get(FIELDS).json()] == ["plan"]
    assert client.delete(f"{FIELDS}/plan").status_code == 403
    client.force_login(admin_user)
    assert client.delete(f"{FIELDS}/plan").status_code == 204
    assert not CustomField.objects.exists()


def test_the_list_filters_by_tag_and_by_a_custom_fields_value(client, qa_lead, agent):
    CustomField.objects.create(key="order_value", label="Order value", type="number")
    CustomField.objects.create(key="plan", label="Plan", type="choice", choices=["gold", "silver"])
    gold = f.make_interaction(agent, external_id="GOLD", custom_fields={"plan": "gold", "order_value": 12}, tags=["vip"])
    silver = f.make_interaction(
        agent, external_id="SILVER", custom_fields={"plan": "silver", "order_value": 12.5}, tags=["refund"]
    )
    f.make_interaction(agent, external_id="NONE")
    client.force_login(qa_lead)
    url = reverse("interactions:list")
    assert client.get(url, {"tag": "vip"}).context["page_obj"].ids == [gold.pk]
    assert client.get(url, {"field": "plan", "field_value": "silver"}).context["page_obj"].ids == [silver.pk]
    assert client.get(url, {"field": "order_value", "field_value": "12"}).context["page_obj"].ids == [gold.pk]
    assert client.get(url, {"field": "order_value", "field_value": "12.50"}).context["page_obj"].ids == [silver.pk]
    assert client.get(url, {"field": "order_value", "field_value": "twelve"}).context["page_obj"].ids == []
    page = client.get(url).content.decode()
    assert '<option value="plan">Plan</option>' in page
    api = client.get("/api/v1/interactions", {"tag": "refund"}).json()
    assert [item["external_id"] for item in api["items"]] == ["SILVER"]
    api = client.get("/api/v1/interactions", {"field": "plan", "field_value": "gold"}).json()
    assert [item["external_id"] for item in api["items"]] == ["GOLD"]


def test_an_agent_finds_by_tag_only_their_own_contacts(client, agent_user, agent, other_team_agent):
    mine = f.make_interaction(agent, tags=["vip"])
    f.make_interaction(other_team_agent, tags=["vip"])
    client.force_login(agent_user)
    api = client.get("/api/v1/interactions", {"tag": "vip"}).json()
    assert [item["id"] for item in api["items"]] == [mine.pk]


def test_the_page_and_the_api_show_custom_fields_and_tags(client, qa_lead, other_team_agent_user, agent):
    CustomField.objects.create(key="delivery", label="Delivery date", type="date")
    CustomField.objects.create(key="order_value", label="Order value", type="number")
    interaction = f.make_interaction(
        agent, custom_fields={"delivery": "2026-10-03", "order_value": 49.9, "region": "Nord"}, tags=["vip", "<b>"]
    )
    client.force_login(qa_lead)
    qa_lead.language = "it"
    qa_lead.save(update_fields=["language"])
    page = client.get(reverse("interactions:detail", args=[interaction.pk])).content.decode()
    facts = page.split("data-custom-fields")[1].split("</dl>")[0]
    assert "<dt>Delivery date</dt><dd>03 ottobre 2026</dd>" in facts  # a date in the user's format
    assert "<dt>Order value</dt><dd>49,9</dd>" in facts  # no decimal point in Italian
    assert "<dt>region</dt><dd>Nord</dd>" in facts  # undeclared: by its key
    assert '<span class="badge">&lt;b&gt;</span>' in facts
    detail = client.get(f"/api/v1/interactions/{interaction.pk}").json()
    assert detail["custom_fields"] == {"delivery": "2026-10-03", "order_value": 49.9, "region": "Nord"}
    assert detail["tags"] == ["vip", "<b>"]
    client.force_login(other_team_agent_user)
    assert client.get(f"/api/v1/interactions/{interaction.pk}").status_code == 404


def test_an_interaction_without_custom_fields_shows_none(client, qa_lead, interaction):
    client.force_login(qa_lead)
    assert "data-custom-fields" not in client.get(reverse("interactions:detail", args=[interaction.pk])).content.decode()
    assert Interaction.objects.get(pk=interaction.pk).custom_fields == {}
