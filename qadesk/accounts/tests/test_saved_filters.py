"""Saved filters on the interactions and reviews lists: per person, named, one click, safe to save twice."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qadesk.accounts.models import SavedFilter
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_qa_lead_saves_the_interaction_filters_and_applies_them_in_one_click(qa_lead, agent) -> None:
    f.make_interaction(agent, channel="chat", external_id="CHAT-1")
    f.make_interaction(agent, channel="phone", external_id="PHONE-1")
    client = _client(qa_lead)
    response = client.post(
        reverse("accounts:filter_save", args=["interactions"]),
        {"saved_name": "Chats", "query": "channel=chat&page=3&q="},
    )
    assert response.status_code == 302 and response["Location"] == reverse("interactions:list") + "?channel=chat"
    page = client.get(reverse("interactions:list")).content.decode()
    link = f'href="{reverse("interactions:list")}?channel=chat"'
    assert link in page and ">Chats</a>" in page
    filtered = client.get(reverse("interactions:list") + "?channel=chat").content.decode()
    assert "CHAT-1" in filtered and "PHONE-1" not in filtered and 'aria-current="true">Chats' in filtered
    # Saving again under the same name replaces it; htmx sends the filter form's current fields instead.
    response = client.post(
        reverse("accounts:filter_save", args=["interactions"]),
        {"saved_name": "Chats", "query": "channel=chat", "channel": "phone", "status": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("interactions:list") + "?channel=phone"
    assert list(SavedFilter.objects.values_list("name", "query")) == [("Chats", "channel=phone")]


def test_saved_filters_are_their_owners_alone(qa_lead, reviewer) -> None:
    mine = SavedFilter.objects.create(user=qa_lead, page="reviews", name="Mine", query="status=submitted")
    other = _client(reviewer)
    assert "Mine" not in other.get(reverse("reviews:list")).content.decode()
    assert other.post(reverse("accounts:filter_delete", args=[mine.pk])).status_code == 404
    assert other.post(reverse("accounts:filter_delete", args=[987654])).status_code == 404
    owner = _client(qa_lead)
    assert "Mine" in owner.get(reverse("reviews:list")).content.decode()
    assert owner.post(reverse("accounts:filter_delete", args=[mine.pk]))["Location"] == reverse("reviews:list")
    assert not SavedFilter.objects.exists()


def test_a_filter_needs_a_name_said_in_the_users_language(qa_lead) -> None:
    qa_lead.language = "it"
    qa_lead.save()
    response = _client(qa_lead).post(
        reverse("accounts:filter_save", args=["reviews"]), {"saved_name": "  ", "query": "status=draft"}, follow=True
    )
    assert "Dai un nome al filtro." in response.content.decode()
    assert not SavedFilter.objects.exists()
    assert _client(qa_lead).post(reverse("accounts:filter_save", args=["elsewhere"]), {"saved_name": "x"}).status_code == 404
