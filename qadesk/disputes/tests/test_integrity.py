"""Guarded dispute transitions and the rules that keep them honest: one decision per dispute, one undecided dispute per
review, each finding disputed once, no self-review through a decision, credit only to an agent who handled the contact.
Requests holding objects loaded before someone else's change get a Conflict and change nothing; the same races fired
at once against a real server are in tests/concurrency."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from qadesk.accounts.models import OrgSettings, Role
from qadesk.audit.models import Action, AuditEvent
from qadesk.core.errors import ApplicationError, Conflict, PermissionDenied
from qadesk.disputes.models import Dispute, DisputeKind, DisputeStatus, Outcome
from qadesk.disputes.services import dispute_decide, dispute_escalate, dispute_open, review_reopen
from qadesk.disputes.tests.test_services import contest, submitted
from qadesk.interactions.models import InteractionAgent
from qadesk.notifications.models import Notification
from qadesk.reviews.models import Review
from qadesk.reviews.services import review_revise
from qadesk.reviews.tests.helpers import criteria_by_code
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(default_scorecard, interaction, reviewer):
    return submitted(default_scorecard, interaction, reviewer, empathy=2, warmth=3)


@pytest.fixture
def criteria(default_scorecard):
    return criteria_by_code(default_scorecard)


def self_review(allowed: bool) -> None:
    OrgSettings.objects.update_or_create(pk=1, defaults={"allow_self_review": allowed})


def wrong_agent(review, agent_user) -> Dispute:
    return dispute_open(review=review, actor=agent_user, argument="Not me.", items=[], kind=DisputeKind.WRONG_AGENT)


def handled_by(review, agent) -> None:
    InteractionAgent.objects.create(interaction=review.interaction, agent=agent, position=1)


# --- Races, one request after the other ----------------------------------------------------------------------------------


def test_a_second_decision_of_the_same_dispute_is_a_conflict_and_changes_nothing(
    review, agent_user, reviewer, qa_lead, criteria
) -> None:
    dispute = contest(review, agent_user, criteria, "empathy")
    other_tab = Dispute.objects.get(pk=dispute.pk)  # the QA lead opened the page before the reviewer decided
    dispute_decide(dispute=dispute, actor=reviewer, accepted={}, note="The transcript says otherwise.")
    with pytest.raises(Conflict, match="already been decided"):
        dispute_decide(dispute=other_tab, actor=qa_lead, accepted={criteria["empathy"].pk: True}, note="Fair.")
    review.refresh_from_db()
    assert (Dispute.objects.get(pk=dispute.pk).outcome, review.scores_locked, review.revision) == (Outcome.REJECTED, True, 1)
    assert AuditEvent.objects.filter(dispute=dispute, action=Action.DECIDE).count() == 1


def test_the_decide_page_of_a_dispute_decided_meanwhile_says_so(client, review, agent_user, reviewer, qa_lead, criteria):
    dispute = contest(review, agent_user, criteria, "empathy")
    client.force_login(qa_lead)
    dispute_decide(dispute=dispute, actor=reviewer, accepted={}, note="No.")
    form = {f"d{criteria['empathy'].pk}": "accept", f"v{criteria['empathy'].pk}": "5", "note": "Yes."}
    response = client.post(reverse("disputes:decide", args=[dispute.pk]), form, follow=True)
    assert response.redirect_chain[-1][0] == reverse("disputes:detail", args=[dispute.pk])
    assert "This dispute has already been decided." in response.content.decode()
    assert Dispute.objects.get(pk=dispute.pk).outcome == Outcome.REJECTED


def test_a_second_dispute_while_one_is_open_is_a_conflict(review, agent_user, criteria) -> None:
    contest(review, agent_user, criteria, "empathy")
    with pytest.raises(Conflict, match="already has an open dispute"):
        contest(review, agent_user, criteria, "warmth")


def test_the_database_itself_refuses_two_undecided_disputes_on_one_review(review, agent_user, criteria) -> None:
    first = contest(review, agent_user, criteria, "empathy")
    with pytest.raises(IntegrityError), transaction.atomic():
        Dispute.objects.create(
            review=review, raised_by=agent_user, assignee=first.assignee, argument="again", due_at=first.due_at
        )


def test_a_rejected_dispute_locks_the_scores_against_any_revision(review, agent_user, reviewer, criteria) -> None:
    dispute = contest(review, agent_user, criteria, "empathy")
    dispute_decide(dispute=dispute, actor=reviewer, accepted={}, note="No.")
    with pytest.raises(Conflict, match="locked"):
        review_revise(review=review, actor=reviewer, values={criteria["empathy"].pk: 5}, reason="changed my mind")
    assert Review.objects.get(pk=review.pk).revision == 1


def test_an_escalation_after_the_decision_is_a_conflict(review, agent_user, reviewer, criteria) -> None:
    dispute = contest(review, agent_user, criteria, "empathy")
    other_tab = Dispute.objects.get(pk=dispute.pk)
    dispute_decide(dispute=dispute, actor=reviewer, accepted={criteria["empathy"].pk: True}, note="")
    with pytest.raises(Conflict):
        dispute_escalate(dispute=other_tab, actor=agent_user)
    assert Dispute.objects.get(pk=dispute.pk).status == DisputeStatus.DECIDED


# --- Each finding is disputed once ----------------------------------------------------------------------------------------


def test_after_a_partial_acceptance_decided_criteria_cannot_be_disputed_again_but_others_can(
    review, agent_user, reviewer, qa_lead, criteria
) -> None:
    first = contest(review, agent_user, criteria, "empathy", "warmth")
    dispute_decide(dispute=first, actor=reviewer, accepted={criteria["empathy"].pk: True}, note="Warmth stays.")
    assert Dispute.objects.get(pk=first.pk).outcome == Outcome.PARTIAL
    for codes in (("warmth",), ("empathy",), ("warmth", "assertive")):
        with pytest.raises(ApplicationError, match="Already decided in an earlier dispute"):
            contest(review, agent_user, criteria, *codes)
    second = contest(review, agent_user, criteria, "assertive")  # never contested: still open to dispute
    dispute_decide(dispute=second, actor=reviewer, accepted={}, note="No.")
    review.refresh_from_db()
    review_reopen(review=review, actor=qa_lead)  # a QA lead's reopening lifts both the lock and the settled criteria
    assert contest(review, agent_user, criteria, "warmth").status == DisputeStatus.OPEN


def test_who_is_credited_is_disputed_once(review, agent_user, reviewer, agent) -> None:
    dispute_decide(dispute=wrong_agent(review, agent_user), actor=reviewer, accepted={}, note="It was you.", credit_agent=agent)
    Review.objects.filter(pk=review.pk).update(scores_locked=False)  # even without the lock of the rejection
    review.refresh_from_db()
    with pytest.raises(ApplicationError, match="Who is credited was already decided"):
        wrong_agent(review, agent_user)


def test_a_qa_lead_may_reopen_a_review_after_a_partial_decision_but_not_twice(
    review, agent_user, reviewer, qa_lead, criteria
) -> None:
    dispute = contest(review, agent_user, criteria, "empathy", "warmth")
    dispute_decide(dispute=dispute, actor=reviewer, accepted={criteria["empathy"].pk: True}, note="")
    review.refresh_from_db()
    assert not review.scores_locked
    review_reopen(review=review, actor=qa_lead)
    with pytest.raises(Conflict, match="nothing to reopen"):
        review_reopen(review=review, actor=qa_lead)


# --- Self-review and crediting ------------------------------------------------------------------------------------------


def test_a_reviewer_cannot_credit_their_own_review_to_their_own_agent(review, agent_user, reviewer, team) -> None:
    mine = f.make_agent("d.reviewer", team, reviewer)  # the reviewer also answers contacts
    handled_by(review, mine)
    dispute = wrong_agent(review, agent_user)
    with pytest.raises(PermissionDenied, match="self-review"):
        dispute_decide(dispute=dispute, actor=reviewer, accepted={}, note="Mine.", credit_agent=mine)
    review.refresh_from_db()
    assert (review.agent.username, review.revision, Dispute.objects.get(pk=dispute.pk).status) == ("a.rossi", 1, "open")
    self_review(True)
    dispute_decide(dispute=dispute, actor=reviewer, accepted={}, note="Mine.", credit_agent=mine)
    assert Review.objects.get(pk=review.pk).agent == mine


def test_a_qa_lead_cannot_credit_a_review_to_themselves(review, agent_user, qa_lead, team) -> None:
    theirs = f.make_agent("e.lead", team, qa_lead)
    handled_by(review, theirs)
    with pytest.raises(PermissionDenied, match="yourself"):
        dispute_decide(dispute=wrong_agent(review, agent_user), actor=qa_lead, accepted={}, note="x", credit_agent=theirs)


def test_the_credited_agent_must_have_handled_the_contact(review, agent_user, reviewer, team) -> None:
    stranger = f.make_agent("z.stranger", team)
    with pytest.raises(ApplicationError, match="did not handle this contact"):
        dispute_decide(dispute=wrong_agent(review, agent_user), actor=reviewer, accepted={}, note="x", credit_agent=stranger)
    assert Review.objects.get(pk=review.pk).agent.username == "a.rossi"


def test_the_decide_form_offers_only_the_other_agents_who_handled_the_contact(client, review, agent_user, reviewer, team) -> None:
    colleague = f.make_agent("c.bianchi", team)
    handled_by(review, colleague)
    f.make_agent("z.stranger", team)
    dispute = wrong_agent(review, agent_user)
    client.force_login(reviewer)
    page = client.get(reverse("disputes:detail", args=[dispute.pk])).content.decode()
    assert "C.Bianchi" in page and "Z.Stranger" not in page


def test_a_criteria_dispute_cannot_change_who_is_credited(review, agent_user, reviewer, team, criteria) -> None:
    colleague = f.make_agent("c.bianchi", team)
    handled_by(review, colleague)
    dispute = contest(review, agent_user, criteria, "empathy")
    with pytest.raises(ApplicationError, match="Only a wrong-agent dispute"):
        dispute_decide(dispute=dispute, actor=reviewer, accepted={}, note="x", credit_agent=colleague)


def test_nobody_decides_a_dispute_they_raised(default_scorecard, reviewer, team) -> None:
    lead_and_agent = f.make_user("ugo", Role.QA_LEAD, team)
    review = submitted(default_scorecard, f.make_interaction(f.make_agent("u.lead", team, lead_and_agent)), reviewer)
    dispute = wrong_agent(review, lead_and_agent)
    with pytest.raises(PermissionDenied, match="you raised"):
        dispute_decide(dispute=dispute, actor=lead_and_agent, accepted={}, note="Mine to decide?")


def test_an_escalation_never_goes_to_the_qa_lead_who_raised_the_dispute(default_scorecard, reviewer, team) -> None:
    lead_and_agent = f.make_user("ugo", Role.QA_LEAD, team)
    other_lead = f.make_user("vera", Role.QA_LEAD)
    assert lead_and_agent.pk < other_lead.pk  # the first QA lead by id would otherwise be chosen
    review = submitted(default_scorecard, f.make_interaction(f.make_agent("u.lead", team, lead_and_agent)), reviewer)
    assert dispute_escalate(dispute=wrong_agent(review, lead_and_agent), actor=reviewer).assignee == other_lead


def test_a_qa_lead_cannot_reopen_a_review_of_their_own_work(default_scorecard, reviewer, team) -> None:
    lead_and_agent = f.make_user("ugo", Role.QA_LEAD, team)
    review = submitted(default_scorecard, f.make_interaction(f.make_agent("u.lead", team, lead_and_agent)), reviewer)
    Review.objects.filter(pk=review.pk).update(scores_locked=True)
    with pytest.raises(PermissionDenied, match="your own work"):
        review_reopen(review=review, actor=lead_and_agent)


def test_after_a_wrong_agent_decision_both_agents_open_what_they_were_told_about(review, agent_user, reviewer, team) -> None:
    colleague_user = f.make_user("carlo", Role.AGENT, team)
    colleague = f.make_agent("c.bianchi", team, colleague_user)
    handled_by(review, colleague)
    dispute = wrong_agent(review, agent_user)
    dispute_decide(dispute=dispute, actor=reviewer, accepted={}, note="Carlo answered.", credit_agent=colleague)
    for user, kind in ((agent_user, "dispute_decided"), (colleague_user, "review_credited")):
        note = Notification.objects.get(recipient=user, kind=kind)
        client = Client()
        client.force_login(user)
        assert client.get(note.url).status_code == 200, (user, note.url)
    client = Client()
    client.force_login(agent_user)
    page = client.get(reverse("disputes:detail", args=[dispute.pk])).content.decode()
    assert "now credited to another agent" in page and reverse("reviews:detail", args=[review.pk]) not in page
    assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 404
