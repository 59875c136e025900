"""The agent's side of a review: my reviews and trend, acknowledge, dispute button, coaching notes, history, audit, reopen."""

import pytest
from django.test import Client
from django.urls import reverse

from qadesk.accounts.models import OrgSettings, Role, User
from qadesk.disputes.services import ContestedCriterion, dispute_decide, dispute_open
from qadesk.disputes.tests.test_views import submitted
from qadesk.interactions.models import Interaction
from qadesk.reviews.models import CoachingNote, Review
from qadesk.reviews.services import coaching_note_add
from qadesk.reviews.tests.helpers import criteria_by_code
from qadesk.scorecards.models import ScorecardVersion
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(reviewer: User, interaction: Interaction, default_scorecard: ScorecardVersion) -> Review:
    return submitted(reviewer, interaction, default_scorecard, empathy=1)


def _page(client: Client, user: User, review: Review) -> str:
    client.force_login(user)
    response = client.get(reverse("reviews:detail", args=[review.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_the_agents_own_reviews_with_their_trend(
    client, review, agent_user, other_interaction, reviewer, default_scorecard
):
    submitted(reviewer, other_interaction, default_scorecard)  # bob's review: not alice's
    client.force_login(agent_user)
    body = client.get(reverse("reviews:mine")).content.decode()
    assert f'href="{reverse("reviews:detail", args=[review.pk])}"' in body
    assert other_interaction.external_id not in body
    assert 'id="trend-data"' in body and "chart.umd.min.js" in body
    assert "New" in body  # not yet acknowledged


def test_it_shows_the_dispute_status_on_my_reviews(client, review, agent_user, default_scorecard):
    empathy = criteria_by_code(default_scorecard)["empathy"]
    dispute_open(review=review, actor=agent_user, argument="x", items=[ContestedCriterion(empathy.pk, 5)])
    client.force_login(agent_user)
    assert 'badge-info">Open</span>' in client.get(reverse("reviews:mine")).content.decode()


def test_it_lets_the_agent_acknowledge_once(client, review, agent_user):
    assert "I have read it" in _page(client, agent_user, review)
    response = client.post(reverse("reviews:acknowledge", args=[review.pk]))
    assert response["Location"] == reverse("reviews:detail", args=[review.pk])
    review.refresh_from_db()
    assert review.acknowledged_at is not None
    page = _page(client, agent_user, review)
    assert "I have read it" not in page and "Read by the agent" in page


def test_it_offers_acknowledge_and_dispute_only_to_the_credited_agent(client, review, team_lead, qa_lead):
    for user in (team_lead, qa_lead):
        page = _page(client, user, review)
        assert "I have read it" not in page
        assert reverse("disputes:open", args=[review.pk]) not in page
    client.force_login(team_lead)
    client.post(reverse("reviews:acknowledge", args=[review.pk]))
    review.refresh_from_db()
    assert review.acknowledged_at is None


def test_it_hides_the_dispute_button_once_the_window_closed(client, review, agent_user):
    assert reverse("disputes:open", args=[review.pk]) in _page(client, agent_user, review)
    Review.objects.filter(pk=review.pk).update(submitted_at=review.submitted_at.replace(year=2020))
    page = _page(client, agent_user, review)
    assert reverse("disputes:open", args=[review.pk]) not in page
    assert "The dispute window closed" in page


@pytest.mark.parametrize(("persona", "status"), [("agent_user", 200), ("team_lead", 200), ("other_team_agent_user", 404)])
def test_it_shows_the_review_only_to_those_who_may_see_it(client, request, review, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == status


def test_it_hides_the_review_from_a_team_lead_of_another_team(client, review, other_team):
    client.force_login(f.make_user("olga", Role.TEAM_LEAD, other_team))
    assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 404
    assert client.post(reverse("reviews:coaching_note_add", args=[review.pk]), {"body": "x"}).status_code == 404


def test_it_lets_the_team_lead_add_a_coaching_note_the_agent_sees(client, review, team_lead, agent_user):
    assert "Add a coaching note" in _page(client, team_lead, review)
    response = client.post(reverse("reviews:coaching_note_add", args=[review.pk]), {"body": "Try <b>naming</b> the customer"})
    assert response["Location"].endswith("#coaching")
    page = _page(client, agent_user, review)
    assert "Try &lt;b&gt;naming&lt;/b&gt; the customer" in page
    assert "Add a coaching note" not in page  # the agent reads, does not write


def test_it_keeps_an_empty_coaching_note_refused_and_says_why(client, review, team_lead):
    client.force_login(team_lead)
    response = client.post(reverse("reviews:coaching_note_add", args=[review.pk]), {"body": "   "}, follow=True)
    assert "Write the coaching note first." in response.content.decode()
    assert not CoachingNote.objects.exists()


def test_it_refuses_a_coaching_note_from_the_reviewer(client, review, reviewer):
    assert "Add a coaching note" not in _page(client, reviewer, review)
    response = client.post(reverse("reviews:coaching_note_add", args=[review.pk]), {"body": "x"}, follow=True)
    assert "Only the agent&#x27;s team lead or a QA lead" in response.content.decode()


def test_it_shows_the_revision_history_and_audit_trail(client, review, agent_user, qa_lead, default_scorecard):
    empathy = criteria_by_code(default_scorecard)["empathy"]
    original = review.score
    dispute = dispute_open(review=review, actor=agent_user, argument="x", items=[ContestedCriterion(empathy.pk, 5)])
    dispute_decide(dispute=dispute, actor=qa_lead, accepted={empathy.pk: True}, note="Fair <point>")
    coaching_note_add(review=review, actor=qa_lead, body="Well done")
    page = _page(client, agent_user, review)
    assert "revised from" in page and f"<s>{original:g}</s>" in page
    assert "Revision history" in page and reverse("disputes:detail", args=[dispute.pk]) in page
    assert "Empathy: 1 → 5" in page  # audit summary of the revision
    for label in ("submitted", "disputed", "revised", "decided the dispute", "added a coaching note"):
        assert label in page
    assert "Fair &lt;point&gt;" in page and "Fair <point>" not in page


def test_it_lets_only_a_qa_lead_reopen_locked_scores(client, review, agent_user, reviewer, qa_lead, default_scorecard):
    empathy = criteria_by_code(default_scorecard)["empathy"]
    dispute = dispute_open(review=review, actor=agent_user, argument="x", items=[ContestedCriterion(empathy.pk, 5)])
    dispute_decide(dispute=dispute, actor=reviewer, accepted={}, note="No: the customer asked twice")
    assert "Reopen" not in _page(client, reviewer, review)
    client.post(reverse("reviews:reopen", args=[review.pk]))
    review.refresh_from_db()
    assert review.scores_locked
    assert "Reopen" in _page(client, qa_lead, review)
    client.post(reverse("reviews:reopen", args=[review.pk]))
    review.refresh_from_db()
    assert not review.scores_locked


@pytest.mark.parametrize("name", ["reviews:acknowledge", "reviews:coaching_note_add", "reviews:reopen"])
def test_it_rejects_posts_without_a_csrf_token(review, qa_lead, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(qa_lead)
    assert client.post(reverse(name, args=[review.pk]), {"body": "x"}).status_code == 403


def test_it_pins_the_queries_of_the_review_page(
    client, review, agent_user, qa_lead, default_scorecard, django_assert_max_num_queries
):
    empathy = criteria_by_code(default_scorecard)["empathy"]
    dispute = dispute_open(review=review, actor=agent_user, argument="x", items=[ContestedCriterion(empathy.pk, 5)])
    dispute_decide(dispute=dispute, actor=qa_lead, accepted={empathy.pk: 3}, note="ok")
    for i in range(5):
        coaching_note_add(review=review, actor=qa_lead, body=f"note {i}")
    client.force_login(agent_user)
    with django_assert_max_num_queries(16):  # 12, the transcript's interaction, handlers and messages, the survey responses
        assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 200


def test_it_pins_the_queries_of_my_reviews(client, agent, agent_user, reviewer, default_scorecard, django_assert_max_num_queries):
    for _ in range(8):
        submitted(reviewer, f.make_interaction(agent), default_scorecard)
    OrgSettings.load()  # the settings row exists in a running install; creating it is not the page's cost
    client.force_login(agent_user)
    with django_assert_max_num_queries(16):  # 15th: the trend's check that the report's rollup is usable; 16th: ratings
        body = client.get(reverse("reviews:mine")).content.decode()
    assert body.count('class="row-link"') == 8
