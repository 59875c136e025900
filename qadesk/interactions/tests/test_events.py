"""Actions, system events and translations in a transcript: the page, the list filter, the API, the selector."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from qadesk.interactions.models import Interaction, Message
from qadesk.interactions.selectors import InteractionEvent, interaction_event_names, interaction_events
from qadesk.interactions.transcript import Fold, transcript_blocks
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def _event(interaction: Interaction, position: int, name: str, parameters: dict[str, Any], **extra: Any) -> Message:
    """An event placed among the messages (those after it move one down)."""
    Message.objects.filter(interaction=interaction, position__gte=position).update(position=position + 1000)
    later = Message.objects.filter(interaction=interaction, position__gte=1000).order_by("position")
    for i, message in enumerate(later, position + 1):
        Message.objects.filter(pk=message.pk).update(position=i)
    return Message.objects.create(
        interaction=interaction,
        position=position,
        author_role="event",
        event_name=name,
        event_parameters=parameters,
        sent_at=interaction.created_at + timedelta(seconds=30 * position),
        body=extra.pop("body", ""),
        **extra,
    )


def test_the_transcript_shows_an_event_as_one_line_not_a_bubble(client, qa_lead, interaction, agent):
    _event(interaction, 1, "refund-issued", {"amount": 20, "note": "<b>now</b>"}, agent=agent)
    _event(interaction, 2, "transferred", {"to": "billing"}, body="Routing rule")
    client.force_login(qa_lead)
    body = client.get(reverse("interactions:detail", args=[interaction.pk])).content.decode()
    line = body.split('data-event="refund-issued"')[1].split("</li>")[0]
    assert '<code class="event-name">refund-issued</code>' in line
    assert '<span class="event-key">amount</span> 20</span>' in line
    assert "&lt;b&gt;now&lt;/b&gt;" in line and "<b>now</b>" not in line  # parameters are escaped like bodies
    assert str(agent) in line and "bubble" not in line
    transfer = body.split('data-event="transferred"')[1].split("</li>")[0]
    assert "System" in transfer and "Routing rule" in transfer and "billing" in transfer


def test_a_blind_calibration_hides_the_agent_of_an_event_too(client, qa_lead, reviewer, interaction, agent, default_scorecard):
    from django.utils import timezone

    from qadesk.calibration.services import calibration_session_create

    _event(interaction, 1, "account-lookup", {"customer": "C-1"}, agent=agent)
    calibration_session_create(
        actor=qa_lead,
        title="Blind",
        scorecard_version=default_scorecard,
        interactions=[interaction],
        participants=[reviewer, qa_lead],
        deadline=timezone.now() + timedelta(days=3),
        hide_agent=True,
    )
    client.force_login(reviewer)
    body = client.get(reverse("interactions:detail", args=[interaction.pk])).content.decode()
    line = body.split('data-event="account-lookup"')[1].split("</li>")[0]
    assert agent.username not in line and "Agent" in line
    api = client.get(f"/api/v1/interactions/{interaction.pk}").json()
    assert [m["agent"] for m in api["messages"] if m["author_role"] == "event"] == [None]


def test_long_runs_of_events_fold_like_system_lines():
    class M:
        def __init__(self, pk: int, role: str) -> None:
            self.pk, self.author_role = pk, role

    messages = [M(1, "customer"), *(M(i, "event") for i in range(2, 8)), M(8, "agent")]
    blocks = transcript_blocks(messages, focus=4)
    fold = next(b for b in blocks if isinstance(b, Fold))
    assert [m.pk for m in fold.messages] == [3, 4, 5, 6] and fold.open
    assert [b.pk for b in blocks if not isinstance(b, Fold)] == [1, 2, 7, 8]


def test_the_list_filters_by_event_and_offers_the_names_present(client, qa_lead, agent):
    refunded = f.make_interaction(agent, external_id="REFUNDED")
    transferred = f.make_interaction(agent, external_id="TRANSFERRED")
    f.make_interaction(agent, external_id="PLAIN")
    _event(refunded, 1, "refund-issued", {"amount": 20})
    _event(transferred, 1, "transferred", {"to": "billing"})
    client.force_login(qa_lead)
    response = client.get(reverse("interactions:list"), {"event": "refund-issued"})
    assert response.context["page_obj"].ids == [refunded.pk]
    assert '<option value="transferred">transferred</option>' in response.content.decode()
    api = client.get("/api/v1/interactions", {"event": "transferred"}).json()
    assert [item["external_id"] for item in api["items"]] == ["TRANSFERRED"]


def test_an_agent_is_offered_only_the_events_of_their_own_contacts(agent_user, qa_lead, agent, other_team_agent):
    _event(f.make_interaction(agent), 1, "mine", {})
    _event(f.make_interaction(other_team_agent), 1, "theirs", {})
    _event(f.make_interaction(other_team_agent), 1, "mine", {})
    mixed = f.make_interaction(agent)
    _event(mixed, 1, "a-first", {})
    _event(mixed, 2, "mine", {})
    assert interaction_event_names(actor=agent_user) == ["a-first", "mine"]
    assert interaction_event_names(actor=qa_lead) == ["a-first", "mine", "theirs"]  # each name once, in order


def test_the_api_detail_carries_events_and_translations(client, qa_lead, interaction, agent):
    _event(interaction, 1, "refund-issued", {"amount": 20.5}, agent=agent)
    Message.objects.filter(interaction=interaction, position=0).update(
        language="it", translation="Hello, my order is late.", translation_language="en"
    )
    client.force_login(qa_lead)
    messages = client.get(f"/api/v1/interactions/{interaction.pk}").json()["messages"]
    assert messages[0]["translation"] == "Hello, my order is late." and messages[0]["translation_language"] == "en"
    assert messages[0]["event_name"] == "" and messages[0]["event_parameters"] is None
    assert (messages[1]["author_role"], messages[1]["event_name"], messages[1]["event_parameters"]) == (
        "event",
        "refund-issued",
        {"amount": 20.5},
    )
    assert messages[1]["agent"] == agent.username


def test_the_events_of_an_interaction_are_hidden_from_whoever_may_not_see_it(
    client, other_team_agent_user, team_lead, interaction, other_interaction
):
    _event(interaction, 1, "refund-issued", {"amount": 20})
    for user in (other_team_agent_user,):
        client.force_login(user)
        assert client.get(reverse("interactions:detail", args=[interaction.pk])).status_code == 404
        assert client.get(f"/api/v1/interactions/{interaction.pk}").status_code == 404
        assert client.get("/api/v1/interactions", {"event": "refund-issued"}).json()["items"] == []
    client.force_login(team_lead)  # the interaction is their team's
    assert client.get(reverse("interactions:detail", args=[interaction.pk])).status_code == 200
    assert client.get(reverse("interactions:detail", args=[other_interaction.pk])).status_code == 404


def test_interaction_events_returns_the_events_in_order_for_automatic_qa(interaction, agent):
    lookup = _event(interaction, 1, "account-lookup", {"customer": "C-1"}, agent=agent)
    transfer = _event(interaction, 3, "transferred", {"to": "billing"})
    Message.objects.filter(pk=transfer.pk).update(event_parameters=None)  # made outside an import: no parameters
    assert interaction_events(interaction=interaction) == [
        InteractionEvent("account-lookup", {"customer": "C-1"}, 1, lookup.sent_at, agent.username),
        InteractionEvent("transferred", {}, 3, transfer.sent_at, None),
    ]
    assert interaction_events(interaction=interaction.pk) == interaction_events(interaction=interaction)


def test_the_transcript_toggles_between_original_and_translation_without_javascript(client, qa_lead, agent):
    interaction = f.make_interaction(agent, messages=[("customer", "Il pacco è arrivato rotto."), ("agent", "Mi dispiace!")])
    Message.objects.filter(interaction=interaction, position=0).update(
        language="it", translation="The parcel arrived broken.", translation_language="en"
    )
    client.force_login(qa_lead)
    url = reverse("interactions:detail", args=[interaction.pk])
    original = client.get(url).content.decode()
    assert 'data-text="original">Il pacco è arrivato rotto.' in original
    assert 'data-text="translation" hidden>The parcel arrived broken.' in original
    assert "?text=translation" in original and "Show the translations" in original
    translated = client.get(url, {"text": "translation"}).content.decode()
    assert 'data-text="translation">The parcel arrived broken.' in translated
    assert 'data-text="original" hidden>Il pacco è arrivato rotto.' in translated
    assert "Show the original texts" in translated
    assert "Translated (English) from Italian" in translated
    plain = f.make_interaction(agent)
    assert "Show the translations" not in client.get(reverse("interactions:detail", args=[plain.pk])).content.decode()


def test_the_list_offers_only_the_events_of_current_transcripts_not_of_kept_revisions(client, qa_lead, agent_user, agent):
    from django.utils import timezone

    from qadesk.interactions.services import transcripts_revise

    revised = f.make_interaction(agent, external_id="REVISED")
    _event(revised, 1, "escalated-old", {})
    _event(revised, 2, "refund-issued", {})
    _event(f.make_interaction(agent, external_id="OTHER"), 1, "refund-issued", {})
    transcripts_revise(interaction_ids=[revised.pk], at=timezone.now())  # its scored transcript kept as a revision
    assert Message.objects.filter(interaction__isnull=True, event_name="escalated-old").exists()
    _event(revised, 0, "transferred", {})  # the new transcript's

    assert interaction_event_names(actor=qa_lead) == ["refund-issued", "transferred"]
    assert interaction_event_names(actor=agent_user) == ["refund-issued", "transferred"]
    client.force_login(qa_lead)
    page = client.get(reverse("interactions:list")).content.decode()
    assert '<option value="transferred">transferred</option>' in page
    assert '<option value="refund-issued">refund-issued</option>' in page and "escalated-old" not in page
    listed = client.get(reverse("interactions:list"), {"event": "refund-issued"}).context["page_obj"].ids
    assert listed == [Interaction.objects.get(external_id="OTHER").pk]  # REVISED's refund is only in its revision
