from datetime import date, datetime, timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from qadesk.interactions.models import InteractionAgent, Label
from qadesk.interactions.selectors import interaction_detail, interaction_list
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import perfect_ratings
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def test_it_lists_only_what_an_agent_handled(agent_user, interaction, other_interaction):
    assert list(interaction_list(actor=agent_user, filters={})) == [interaction]


def test_it_lists_everything_for_a_qa_lead(qa_lead, interaction, other_interaction):
    assert set(interaction_list(actor=qa_lead, filters={})) == {interaction, other_interaction}


def test_it_lists_a_team_leads_team_only(team_lead, interaction, other_interaction):
    assert list(interaction_list(actor=team_lead, filters={})) == [interaction]


def test_it_filters_by_exact_fields(qa_lead, agent, interaction):
    chat = f.make_interaction(agent, channel="chat", phase="delivery", status="resolved", language="fr")
    assert list(interaction_list(actor=qa_lead, filters={"channel": "chat"})) == [chat]
    assert list(interaction_list(actor=qa_lead, filters={"phase": "delivery", "status": "resolved", "language": "fr"})) == [chat]
    assert list(interaction_list(actor=qa_lead, filters={"team": agent.team_id, "channel": "phone"})) == []


def test_it_filters_by_label_and_site(qa_lead, interaction, other_interaction):
    label = Label.objects.create(code="refund_request")
    other_interaction.label = label
    other_interaction.save()
    assert list(interaction_list(actor=qa_lead, filters={"label": label.pk})) == [other_interaction]
    assert list(interaction_list(actor=qa_lead, filters={"site": interaction.site_id})) == [interaction]


def test_it_filters_by_any_agent_who_handled_it(qa_lead, agent, other_team_agent, other_interaction):
    InteractionAgent.objects.create(interaction=other_interaction, agent=agent, position=1)
    assert list(interaction_list(actor=qa_lead, filters={"agent": agent.pk})) == [other_interaction]


def test_it_filters_by_local_creation_dates_inclusive(qa_lead, agent):
    day = date(2026, 10, 1)
    inside = f.make_interaction(agent, created_at=timezone.make_aware(datetime(2026, 10, 1, 23, 30)))
    f.make_interaction(agent, created_at=timezone.make_aware(datetime(2026, 10, 2, 0, 30)))
    f.make_interaction(agent, created_at=timezone.make_aware(datetime(2026, 9, 30, 23, 59)))
    assert list(interaction_list(actor=qa_lead, filters={"date_from": day, "date_to": day})) == [inside]


def test_it_searches_external_id_and_subject(qa_lead, agent):
    by_id = f.make_interaction(agent, external_id="ZD-4711")
    by_subject = f.make_interaction(agent, subject="Pacco danneggiato")
    assert list(interaction_list(actor=qa_lead, filters={"q": "zd-47"})) == [by_id]
    assert list(interaction_list(actor=qa_lead, filters={"q": "danneggiato"})) == [by_subject]


def test_it_ignores_empty_filters(qa_lead, interaction):
    assert list(interaction_list(actor=qa_lead, filters={"channel": "", "team": None})) == [interaction]


def test_it_orders_newest_first(qa_lead, agent):
    old = f.make_interaction(agent, created_at=timezone.now() - timedelta(days=5))
    new = f.make_interaction(agent, created_at=timezone.now() - timedelta(hours=1))
    assert list(interaction_list(actor=qa_lead, filters={})) == [new, old]


def test_it_annotates_the_latest_submitted_score_visible_to_the_actor(reviewer, qa_lead, default_scorecard, interaction):
    draft = review_create(interaction=interaction, actor=reviewer)
    assert interaction_list(actor=qa_lead, filters={}).get().latest_score is None
    review_save(review=draft, actor=reviewer, ratings=perfect_ratings(default_scorecard))
    review_submit(review=draft, actor=reviewer)
    assert interaction_list(actor=qa_lead, filters={}).get().latest_score == 100.0
    # Another reviewer does not see dario's review, so not its score either.
    other_reviewer = f.make_user("gina", "reviewer")
    assert interaction_list(actor=other_reviewer, filters={}).get().latest_score is None


def test_it_returns_the_detail_with_handlers_and_messages_loaded(qa_lead, interaction, django_assert_num_queries):
    with django_assert_num_queries(3):
        found = interaction_detail(actor=qa_lead, pk=interaction.pk)
        assert [h.agent.username for h in found.handlers.all()] == ["a.rossi"]
        assert [m.author_role for m in found.messages.all()] == ["customer", "agent"]
        assert found.messages.all()[1].agent.username == "a.rossi"


def test_it_hides_another_teams_interaction_from_an_agent(agent_user, other_interaction):
    with pytest.raises(Http404):
        interaction_detail(actor=agent_user, pk=other_interaction.pk)
