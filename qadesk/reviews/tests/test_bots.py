"""Bots as reviewees (issue 12): a bot or virtual agent is credited like a person, so a contact only a bot answered can
be reviewed, and the quality report shows people and bots apart (page, API, CLI)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from qadesk.accounts.models import Agent
from qadesk.imports.services import interactions_import
from qadesk.interactions.models import Interaction
from qadesk.reviews.models import Review
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import perfect_ratings

pytestmark = pytest.mark.django_db

BOT_ONLY = {
    "external_id": "B-1",
    "source": "intercom",
    "channel": "chat",
    "created_at": "2026-10-01T09:00:00Z",
    "messages": [{"author": "customer", "body": "Where is my parcel?"}, {"author": "bot", "body": "It ships tomorrow."}],
}


def test_a_contact_only_a_bot_answered_is_credited_to_the_sources_bot() -> None:
    interactions_import(rows=[(1, BOT_ONLY)])
    interaction = Interaction.objects.get()
    assert interaction.agent.username == "intercom:bot" and interaction.agent.is_bot
    assert [h.agent.username for h in interaction.handlers.all()] == ["intercom:bot"]


def test_a_named_bot_hands_over_to_the_agents_who_are_credited() -> None:
    rows = [
        (1, {**BOT_ONLY, "bot": "Fin"}),
        (2, {**BOT_ONLY, "external_id": "B-2", "bot": "Fin", "agents": ["a.rossi"]}),
        (3, {**BOT_ONLY, "external_id": "B-3", "agents": ["a.rossi"]}),  # a person took it: no default bot
    ]
    report = interactions_import(rows=rows)
    assert report.committed and report.created == 3
    one, two, three = Interaction.objects.order_by("external_id")
    assert one.agent.username == "Fin" and Agent.objects.get(username="Fin").is_bot
    assert [h.agent.username for h in two.handlers.all()] == ["Fin", "a.rossi"] and two.agent.username == "a.rossi"
    assert [h.agent.username for h in three.handlers.all()] == ["a.rossi"]
    assert not Agent.objects.get(username="a.rossi").is_bot and not Agent.objects.filter(username="intercom:bot").exists()


def test_a_reviewer_reviews_a_bot_only_contact_on_the_page(client: Client, reviewer, default_scorecard) -> None:
    interactions_import(rows=[(1, BOT_ONLY)])
    client.force_login(reviewer)
    created = client.post(reverse("reviews:create"), {"interaction": Interaction.objects.get().pk})
    review = Review.objects.get()
    assert created["Location"] == reverse("reviews:edit", args=[review.pk])
    assert review.agent.username == "intercom:bot"
    assert "Credited to intercom:bot" in client.get(created["Location"]).content.decode()


def _submitted(interaction: Interaction, reviewer, version, **ratings: int) -> Review:
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(version, **ratings))
    return review_submit(review=review, actor=reviewer)


@pytest.fixture
def reviewed(reviewer, default_scorecard) -> tuple[Review, Review]:
    interactions_import(rows=[(1, BOT_ONLY), (2, {**BOT_ONLY, "external_id": "P-1", "agents": ["a.rossi"]})])
    bot_contact, person_contact = Interaction.objects.order_by("external_id")
    bot_review = _submitted(bot_contact, reviewer, default_scorecard, empathy=2)
    return bot_review, _submitted(person_contact, reviewer, default_scorecard)


def test_the_quality_report_shows_bots_and_people_apart(client: Client, qa_lead, reviewed) -> None:
    bot_review, person_review = reviewed
    assert bot_review.agent.is_bot
    client.force_login(qa_lead)
    everyone = client.get("/api/v1/reports/quality", {"by": "agent"}).json()
    assert everyone["totals"]["n"] == 2
    bots = client.get("/api/v1/reports/quality", {"by": "agent", "reviewee": "bots"}).json()
    assert [(g["label"], g["n"]) for g in bots["groups"]] == [("intercom:bot", 1)] and bots["filters"] == {"reviewee": "bots"}
    people = client.get("/api/v1/reports/quality", {"by": "team", "reviewee": "people"}).json()
    assert people["totals"]["n"] == 1 and people["totals"]["iqs"] == float(person_review.score)
    assert client.get("/api/v1/reports/quality", {"reviewee": "robots"}).status_code == 422

    page = client.get(reverse("analytics:quality"), {"by": "agent", "reviewee": "bots"}).content.decode()
    assert 'name="reviewee"' in page and "intercom:bot" in page and "a.rossi" not in page.split("report-form-title")[1]


def test_the_report_command_filters_bots(reviewed) -> None:
    out = StringIO()
    call_command("qreport", "quality", "--by", "agent", "--reviewee", "bots", stdout=out)
    assert [g["label"] for g in json.loads(out.getvalue())["groups"]] == ["intercom:bot"]
