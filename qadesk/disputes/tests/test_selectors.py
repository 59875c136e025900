"""Dispute selectors: list filters and visibility, the review's feedback panel, and the dashboard's SQL aggregation."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qadesk.accounts.models import Role
from qadesk.disputes.models import Dispute
from qadesk.disputes.selectors import dispute_dashboard, dispute_list, review_feedback, reviews_of_agent
from qadesk.disputes.services import ContestedCriterion, dispute_decide, dispute_open
from qadesk.disputes.tests.test_views import submitted
from qadesk.reviews.tests.helpers import criteria_by_code
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def test_it_lists_only_visible_disputes_and_filters_overdue(
    reviewer, agent_user, interaction, other_team_agent_user, default_scorecard
):
    empathy = criteria_by_code(default_scorecard)["empathy"]
    review = submitted(reviewer, interaction, default_scorecard, empathy=1)
    dispute = dispute_open(review=review, actor=agent_user, argument="x", items=[ContestedCriterion(empathy.pk)])
    assert list(dispute_list(actor=agent_user)) == [dispute]
    assert list(dispute_list(actor=other_team_agent_user)) == []
    assert list(dispute_list(actor=reviewer, filters={"overdue": True})) == []
    Dispute.objects.filter(pk=dispute.pk).update(due_at=timezone.now() - timedelta(hours=1))
    [row] = dispute_list(actor=reviewer, filters={"overdue": True})
    assert row.is_overdue and row.n_items == 1


def test_it_tells_the_review_page_what_each_persona_may_do(
    reviewer, agent_user, team_lead, qa_lead, interaction, default_scorecard
):
    review = submitted(reviewer, interaction, default_scorecard, empathy=1)
    as_agent = review_feedback(actor=agent_user, review=review)
    assert (as_agent.can_acknowledge, as_agent.can_dispute, as_agent.can_coach, as_agent.can_reopen) == (True, True, False, False)
    as_lead = review_feedback(actor=team_lead, review=review)
    assert (as_lead.can_acknowledge, as_lead.can_dispute, as_lead.can_coach) == (False, False, True)
    assert review_feedback(actor=reviewer, review=review).can_coach is False
    assert [r.number for r in as_agent.revisions] == [1]
    assert [e.action for e in as_agent.audit] == ["create", "save", "submit"]


def test_it_names_the_criteria_each_revision_changed(reviewer, agent_user, qa_lead, interaction, default_scorecard):
    c = criteria_by_code(default_scorecard)
    review = submitted(reviewer, interaction, default_scorecard, empathy=1, right_tools=1)
    items = [ContestedCriterion(c["empathy"].pk, 5), ContestedCriterion(c["right_tools"].pk, 3)]
    dispute = dispute_open(review=review, actor=agent_user, argument="x", items=items)
    dispute_decide(dispute=dispute, actor=qa_lead, accepted={c["empathy"].pk: True}, note="half")
    feedback = review_feedback(actor=agent_user, review=review)
    assert feedback.changed == {2: [("Empathy", 1, 5)]}
    assert feedback.can_dispute is True  # a partial acceptance does not lock the scores


def test_it_lists_the_agents_own_reviews_only(reviewer, agent_user, team_lead, interaction, other_interaction, default_scorecard):
    mine = submitted(reviewer, interaction, default_scorecard)
    submitted(reviewer, other_interaction, default_scorecard)
    assert list(reviews_of_agent(actor=agent_user)) == [mine]
    assert list(reviews_of_agent(actor=team_lead)) == []  # a team lead has no reviews of their own here


def test_it_aggregates_the_dashboard_by_criterion_reviewer_and_team(qa_lead, reviewer, default_scorecard, team, other_team):
    c = criteria_by_code(default_scorecard)
    empathy, tools = c["empathy"], c["right_tools"]
    # Three disputes, each contesting empathy and right_tools:
    #   team A: empathy accepted, tools rejected; empathy accepted, tools accepted.  team B: both rejected.
    plans = [(team, {empathy.pk: True}), (team, {empathy.pk: True, tools.pk: True}), (other_team, {})]
    for i, (which, accepted) in enumerate(plans):
        user = f.make_user(f"ag{i}", Role.AGENT, which)
        review = submitted(
            reviewer, f.make_interaction(f.make_agent(f"a{i}", which, user)), default_scorecard, empathy=1, right_tools=1
        )
        items = [ContestedCriterion(empathy.pk, 5), ContestedCriterion(tools.pk, 3)]
        dispute = dispute_open(review=review, actor=user, argument="x", items=items)
        dispute_decide(dispute=dispute, actor=qa_lead, accepted=accepted, note="why")
    dash = dispute_dashboard(actor=qa_lead)
    assert (dash.total, dash.open, dash.overdue, dash.decided) == (3, 0, 0, 3)
    assert dash.outcomes == {"accepted": 1, "partial": 1, "rejected": 1}
    assert dash.median_hours is not None and dash.median_hours < 1
    assert (dash.overall.n, dash.overall.accepted) == (6, 3)
    assert [(r.key, r.n, r.accepted) for r in dash.by_criterion] == [("empathy", 3, 2), ("right_tools", 3, 1)]
    assert {r.label: (r.n, r.accepted) for r in dash.by_team} == {"Milano Ordini": (4, 3), "Lyon Livraisons": (2, 0)}
    assert [(r.label, r.n, r.accepted) for r in dash.by_reviewer] == [("dario", 6, 3)]
    # Every rate has its Wilson interval: 3 of 6 → 18.8–81.2 %, shown on the page as well.
    assert (round(dash.overall.rate_low, 1), round(dash.overall.rate_high, 1)) == (18.8, 81.2)
    client = Client()
    client.force_login(qa_lead)
    assert "19–81 %" in client.get(reverse("disputes:dashboard")).content.decode()


def test_it_scopes_the_dashboard_to_what_a_team_lead_sees(
    qa_lead, reviewer, team_lead, interaction, other_interaction, default_scorecard
):
    empathy = criteria_by_code(default_scorecard)["empathy"]
    for inter in (interaction, other_interaction):
        review = submitted(reviewer, inter, default_scorecard, empathy=1)
        dispute_open(review=review, actor=inter.agent.user, argument="x", items=[ContestedCriterion(empathy.pk)])
    assert dispute_dashboard(actor=qa_lead).open == 2
    assert dispute_dashboard(actor=team_lead).open == 1
