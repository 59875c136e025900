"""Dispute pages per persona: who sees what (404 otherwise), the forms, escaping, CSRF and pinned query counts."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from qadesk.accounts.models import Agent, Role, User
from qadesk.disputes.models import Dispute, DisputeMessage, DisputeStatus, Outcome
from qadesk.disputes.services import ContestedCriterion, dispute_comment, dispute_decide, dispute_open
from qadesk.interactions.models import Interaction
from qadesk.reviews.models import Review
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import criteria_by_code, perfect_ratings
from qadesk.scorecards.models import ScorecardVersion
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def submitted(reviewer: User, interaction: Interaction, version: ScorecardVersion, **overrides: int | None) -> Review:
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(version, **overrides), comment="ok")
    return review_submit(review=review, actor=reviewer)


@pytest.fixture
def review(reviewer: User, interaction: Interaction, default_scorecard: ScorecardVersion) -> Review:
    return submitted(reviewer, interaction, default_scorecard, empathy=1, right_tools=1)


@pytest.fixture
def dispute(review: Review, agent_user: User, default_scorecard: ScorecardVersion) -> Dispute:
    c = criteria_by_code(default_scorecard)
    return dispute_open(
        review=review,
        actor=agent_user,
        argument="I <script>alert(1)</script> did empathise",
        items=[ContestedCriterion(c["empathy"].pk, 4), ContestedCriterion(c["right_tools"].pk, None)],
    )


def _get(client: Client, user: User, url: str) -> Any:
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("agent_user", 200),
        ("team_lead", 200),
        ("reviewer", 200),
        ("qa_lead", 200),
        ("manager", 200),
        ("other_team_agent_user", 404),
    ],
)
def test_it_shows_the_dispute_only_to_those_who_may_see_it(client, request, dispute, persona, status, other_team_agent):
    assert _get(client, request.getfixturevalue(persona), reverse("disputes:detail", args=[dispute.pk])).status_code == status


def test_it_hides_the_dispute_from_a_team_lead_of_another_team(client, dispute, other_team):
    lead = f.make_user("olga", Role.TEAM_LEAD, other_team)
    assert _get(client, lead, reverse("disputes:detail", args=[dispute.pk])).status_code == 404
    assert f"#{dispute.pk}<" not in _get(client, lead, reverse("disputes:list")).content.decode()


def test_it_escapes_the_argument_and_the_thread(client, dispute, agent_user, reviewer):
    dispute_comment(dispute=dispute, actor=reviewer, body="<script>evil()</script> look at line 3")
    body = _get(client, agent_user, reverse("disputes:detail", args=[dispute.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;script&gt;evil()&lt;/script&gt; look at line 3" in body


def test_it_lets_the_agent_open_a_dispute_through_the_form(client, review, agent_user, default_scorecard):
    empathy = criteria_by_code(default_scorecard)["empathy"]
    url = reverse("disputes:open", args=[review.pk])
    form = _get(client, agent_user, url).content.decode()
    assert f'name="c{empathy.pk}"' in form
    response = client.post(url, {"kind": "criteria", f"c{empathy.pk}": "on", f"p{empathy.pk}": "4", "argument": "I was kind"})
    dispute = Dispute.objects.get()
    assert response["Location"] == reverse("disputes:detail", args=[dispute.pk])
    assert [(i.criterion_id, i.original_value, i.proposed_value) for i in dispute.items.all()] == [(empathy.pk, 1, 4)]


def test_it_keeps_the_form_and_shows_the_rule_when_nothing_is_contested(client, review, agent_user):
    response = _get(client, agent_user, reverse("disputes:open", args=[review.pk]))
    response = client.post(reverse("disputes:open", args=[review.pk]), {"kind": "criteria", "argument": "keep this text"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one criterion to contest." in body
    assert "keep this text" in body
    assert not Dispute.objects.exists()


def test_it_answers_404_to_a_dispute_form_on_someone_elses_review(client, review, team_lead, other_team_agent_user):
    assert _get(client, team_lead, reverse("disputes:open", args=[review.pk])).status_code == 404
    assert _get(client, other_team_agent_user, reverse("disputes:open", args=[review.pk])).status_code == 404


def test_it_lets_the_qa_lead_partially_accept(client, dispute, qa_lead, default_scorecard):
    c = criteria_by_code(default_scorecard)
    empathy, tools = c["empathy"], c["right_tools"]
    page = _get(client, qa_lead, reverse("disputes:detail", args=[dispute.pk])).content.decode()
    assert "Record the decision" in page
    data = {
        f"d{empathy.pk}": "accept",
        f"v{empathy.pk}": "4",
        f"d{tools.pk}": "reject",
        f"v{tools.pk}": "1",
        "note": "Half right",
    }
    response = client.post(reverse("disputes:decide", args=[dispute.pk]), data)
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.status, dispute.outcome) == (DisputeStatus.DECIDED, Outcome.PARTIAL)
    assert dispute.review.ratings.get(criterion=empathy).value == 4
    after = client.get(reverse("disputes:detail", args=[dispute.pk])).content.decode()
    assert "Partially accepted" in after and "revised from" in after


def test_it_requires_a_reason_to_reject_and_keeps_the_form(client, dispute, reviewer, default_scorecard):
    c = criteria_by_code(default_scorecard)
    data = {f"d{c['empathy'].pk}": "reject", f"d{c['right_tools'].pk}": "reject", "note": ""}
    client.force_login(reviewer)
    response = client.post(reverse("disputes:decide", args=[dispute.pk]), data)
    assert response.status_code == 400
    assert "Give the reason for rejecting the dispute." in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN


def test_no_decision_is_chosen_beforehand_and_an_undecided_criterion_is_named(client, dispute, qa_lead, default_scorecard):
    c = criteria_by_code(default_scorecard)
    page = _get(client, qa_lead, reverse("disputes:detail", args=[dispute.pk])).content.decode()
    assert 'value="accept"' in page and "checked" not in page  # neither accept nor reject is preselected
    response = client.post(reverse("disputes:decide", args=[dispute.pk]), {f"d{c['empathy'].pk}": "accept", "note": "ok"})
    assert response.status_code == 400
    form = response.context["decide_form"]
    assert list(form.errors) == [f"d{c['right_tools'].pk}"]
    assert "Choose whether to accept or reject this criterion." in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN


@pytest.mark.parametrize(("persona", "opened"), [("qa_lead", True), ("agent_user", False)])
def test_the_dispute_page_shows_the_transcript_the_argument_cites(client, dispute, persona, opened, request):
    page = _get(client, request.getfixturevalue(persona), reverse("disputes:detail", args=[dispute.pk])).content.decode()
    assert page.count('<details class="card transcript-card" id="transcript" open>') == int(opened)  # open to decide
    assert "Hello, my order is late." in page and "Sorry! Let me check." in page


def test_it_does_not_let_the_agent_decide(client, dispute, agent_user, default_scorecard):
    page = _get(client, agent_user, reverse("disputes:detail", args=[dispute.pk])).content.decode()
    assert "Record the decision" not in page
    c = criteria_by_code(default_scorecard)
    response = client.post(
        reverse("disputes:decide", args=[dispute.pk]), {f"d{c['empathy'].pk}": "accept", "note": "me"}, follow=True
    )
    assert "Only the person assigned" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN


def test_it_posts_a_reply_and_escalates(client, dispute, agent_user, qa_lead):
    client.force_login(agent_user)
    reply = client.post(reverse("disputes:comment", args=[dispute.pk]), {"body": "Please look again"})
    assert reply["Location"].endswith("#thread")
    assert DisputeMessage.objects.get().body == "Please look again"
    client.post(reverse("disputes:escalate", args=[dispute.pk]))
    dispute.refresh_from_db()
    assert (dispute.status, dispute.assignee) == (DisputeStatus.ESCALATED, qa_lead)


def test_it_refuses_a_reply_from_a_team_lead(client, dispute, team_lead):
    client.force_login(team_lead)
    response = client.post(reverse("disputes:comment", args=[dispute.pk]), {"body": "hi"})
    assert response.status_code == 400
    assert not DisputeMessage.objects.exists()


@pytest.mark.parametrize("name", ["disputes:comment", "disputes:escalate", "disputes:decide", "disputes:open"])
def test_it_rejects_posts_without_a_csrf_token(dispute, agent_user, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent_user)
    pk = dispute.review_id if name == "disputes:open" else dispute.pk
    assert client.post(reverse(name, args=[pk]), {"body": "x", "argument": "x"}).status_code == 403


def test_it_filters_the_list_and_marks_overdue_disputes(client, dispute, qa_lead, reviewer, other_interaction, default_scorecard):
    Dispute.objects.filter(pk=dispute.pk).update(due_at=dispute.created_at.replace(year=2020))
    other = submitted(reviewer, other_interaction, default_scorecard, empathy=1)
    bob = Agent.objects.get(pk=other.agent_id).user
    later = dispute_open(
        review=other, actor=bob, argument="no", items=[ContestedCriterion(criteria_by_code(default_scorecard)["empathy"].pk)]
    )
    client.force_login(qa_lead)
    everything = client.get(reverse("disputes:list")).content.decode()
    assert f">#{dispute.pk}</a>" in everything and f">#{later.pk}</a>" in everything
    assert 'class="overdue"' in everything
    overdue = client.get(reverse("disputes:list"), {"overdue": "on"}).content.decode()
    assert f">#{dispute.pk}</a>" in overdue and f">#{later.pk}</a>" not in overdue
    by_team = client.get(reverse("disputes:list"), {"team": other_interaction.team_id}).content.decode()
    assert f">#{later.pk}</a>" in by_team and f">#{dispute.pk}</a>" not in by_team


def test_it_shows_only_the_agents_own_disputes_in_the_list(client, dispute, other_team_agent_user):
    body = _get(client, other_team_agent_user, reverse("disputes:list")).content.decode()
    assert "No dispute matches these filters." in body


def test_it_pins_the_queries_of_the_list(client, qa_lead, reviewer, default_scorecard, django_assert_max_num_queries):
    empathy = criteria_by_code(default_scorecard)["empathy"]
    for i in range(6):
        user = f.make_user(f"agent{i}", Role.AGENT)
        review = submitted(reviewer, f.make_interaction(f.make_agent(f"ag{i}", user=user)), default_scorecard, empathy=1)
        dispute_open(review=review, actor=user, argument="no", items=[ContestedCriterion(empathy.pk, 5)])
    client.force_login(qa_lead)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("disputes:list"))
    assert response.content.decode().count('class="row-link"') == 6


def test_it_pins_the_queries_of_the_dashboard_and_flags_the_overturned_reviewer(
    client, qa_lead, reviewer, default_scorecard, django_assert_max_num_queries
):
    empathy = criteria_by_code(default_scorecard)["empathy"]
    strict = f.make_user("strict", Role.REVIEWER)
    for i in range(12):
        who = reviewer if i % 2 else strict
        user = f.make_user(f"agent{i}", Role.AGENT)
        review = submitted(who, f.make_interaction(f.make_agent(f"ag{i}", user=user)), default_scorecard, empathy=1)
        dispute = dispute_open(review=review, actor=user, argument="no", items=[ContestedCriterion(empathy.pk, 5)])
        # strict's findings are all overturned, dario's all upheld.
        dispute_decide(dispute=dispute, actor=qa_lead, accepted={empathy.pk: True} if who == strict else {}, note="n")
    client.force_login(qa_lead)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("disputes:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    first_row = body.split('aria-labelledby="by-reviewer"')[1].split("<tbody>")[1].split("</tr>")[0]
    assert "strict" in first_row and "Often overturned" in first_row and "100 %" in first_row


@pytest.mark.parametrize(("persona", "status"), [("agent_user", 404), ("team_lead", 200), ("manager", 200), ("qa_lead", 200)])
def test_it_gives_the_dashboard_to_everyone_but_agents(client, request, persona, status):
    assert _get(client, request.getfixturevalue(persona), reverse("disputes:dashboard")).status_code == status
