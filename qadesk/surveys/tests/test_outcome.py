"""The complaint-outcome survey: sent when a complaint closes, read back on the complaint and in the register report."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from qadesk.complaints.services import complaint_transition
from qadesk.complaints.tests.factories import make_complaint
from qadesk.interactions.models import Customer, Interaction
from qadesk.surveys.models import Survey, SurveyContact, SurveyInvitation
from qadesk.surveys.outcome import complaint_outcome_invite
from qadesk.surveys.services import response_answer, response_for_invitation
from qadesk.testing import factories as f
from qadesk.testing.clients import api_client, page_client


@pytest.fixture
def customer(db: None) -> Customer:
    found = Customer.objects.create(external_id="C-77")
    SurveyContact.objects.create(customer=found, email="c77@example.com")
    return found


@pytest.fixture
def outcome_survey(templates: dict[str, Survey]) -> Survey:
    return templates["complaint_outcome"]


def close(complaint: Any, actor: Any, capture: Any, status: str = "resolved") -> None:
    with capture(execute=True):
        if complaint.status == "open" and status == "resolved":
            complaint_transition(complaint=complaint, actor=actor, status="in_progress")
        complaint_transition(complaint=complaint, actor=actor, status=status, root_cause="Late courier", outcome="Refunded")


def answer_outcome(invitation: SurveyInvitation, rating: int, comment: str = "") -> None:
    response = response_for_invitation(invitation=invitation)
    questions = {q.code: q for q in response.version.questions.all()}
    response_answer(response=response, question=questions["csat"], raw=str(rating))
    if comment:
        response_answer(response=response, question=questions["comment"], raw=comment)


def test_closing_a_complaint_emails_the_outcome_survey_once(
    outcome_survey, customer, qa_lead, agent, django_capture_on_commit_callbacks
) -> None:
    interaction = f.make_interaction(agent, customer=customer)
    complaint = make_complaint(qa_lead, interactions=[interaction], customer=customer)
    close(complaint, qa_lead, django_capture_on_commit_callbacks)
    invitation = SurveyInvitation.objects.get(complaint=complaint)
    assert (invitation.survey, invitation.email, invitation.interaction) == (outcome_survey, "c77@example.com", interaction)
    assert complaint_outcome_invite(complaint=complaint) is None  # the hook heard twice: the customer is asked once
    assert SurveyInvitation.objects.filter(complaint=complaint).count() == 1


@pytest.mark.parametrize("why", ["no_contact", "opted_out", "no_survey"])
def test_nothing_is_sent_without_a_way_to_ask(why, templates, customer, qa_lead, django_capture_on_commit_callbacks) -> None:
    if why == "no_contact":
        SurveyContact.objects.all().delete()
    elif why == "opted_out":
        SurveyContact.objects.update(opted_out_at=timezone.now())
    else:
        templates["complaint_outcome"].versions.update(status="retired")
    complaint = make_complaint(qa_lead, customer=customer)
    close(complaint, qa_lead, django_capture_on_commit_callbacks)
    assert not SurveyInvitation.objects.filter(complaint=complaint).exists()
    page = page_client(qa_lead).get(f"/complaints/{complaint.pk}/").content.decode()
    assert "No outcome survey was sent" in page


def test_the_answer_shows_on_the_complaint_and_in_the_report(
    outcome_survey, customer, qa_lead, agent, django_capture_on_commit_callbacks
) -> None:
    complaints = [make_complaint(qa_lead, customer=customer) for _ in range(3)]
    for complaint in complaints:
        close(complaint, qa_lead, django_capture_on_commit_callbacks)
    invitations = {i.complaint_id: i for i in SurveyInvitation.objects.filter(complaint__in=complaints)}
    page = page_client(qa_lead).get(f"/complaints/{complaints[0].pk}/").content.decode()
    assert "no answer yet" in page
    answer_outcome(invitations[complaints[0].pk], 2, "<b>Too slow</b>")
    answer_outcome(invitations[complaints[1].pk], 5)
    page = page_client(qa_lead).get(f"/complaints/{complaints[0].pk}/").content.decode()
    assert "Rated 2 out of 5" in page and "&lt;b&gt;Too slow&lt;/b&gt;" in page and "<b>Too slow</b>" not in page
    data = api_client(qa_lead).get("/api/v1/complaints/report").json()
    assert data["total"]["outcome_responses"] == 2 and data["total"]["outcome_csat"] == 50  # one of 2 and 5 in the top two
    report = page_client(qa_lead).get("/complaints/report/").content.decode()
    assert "Satisfied with the outcome" in report


def test_who_may_not_see_the_complaint_does_not_see_its_outcome(
    outcome_survey, customer, qa_lead, other_team_agent_user, django_capture_on_commit_callbacks
) -> None:
    complaint = make_complaint(qa_lead, customer=customer)
    close(complaint, qa_lead, django_capture_on_commit_callbacks)
    assert page_client(other_team_agent_user).get(f"/complaints/{complaint.pk}/").status_code == 404
    assert api_client(other_team_agent_user).get("/api/v1/complaints/report").json()["total"]["outcome_responses"] == 0


def test_an_interaction_less_complaint_still_gets_its_survey(
    outcome_survey, customer, qa_lead, django_capture_on_commit_callbacks
) -> None:
    complaint = make_complaint(qa_lead, customer=customer)
    close(complaint, qa_lead, django_capture_on_commit_callbacks)
    invitation = SurveyInvitation.objects.get(complaint=complaint)
    assert invitation.interaction is None and isinstance(invitation.token, str)
    assert Interaction.objects.count() == 0
