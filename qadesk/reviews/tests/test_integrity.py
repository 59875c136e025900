"""Guarded review transitions, one request after another: a request holding an object loaded before someone else's
change (a second tab, the autosave of a page opened earlier) gets a Conflict and changes nothing. The same races fired
at once against a real server are in tests/concurrency."""

import pytest
from django.test import Client
from django.urls import reverse

from qadesk.accounts.models import OrgSettings, Role
from qadesk.accounts.services import api_token_create
from qadesk.audit.models import Action, AuditEvent
from qadesk.core.errors import Conflict, PermissionDenied
from qadesk.notifications.models import Notification
from qadesk.reviews.models import AssignmentStatus, CoachingNote, Review, ReviewAssignment, ReviewStatus
from qadesk.reviews.services import (
    RatingInput,
    assignments_create,
    coaching_note_add,
    review_acknowledge,
    review_create,
    review_save,
    review_submit,
)
from qadesk.reviews.tests.helpers import criteria_by_code, perfect_ratings
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
JSON = "application/json"


def bearer(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='test')[1]}")


@pytest.fixture
def draft(default_scorecard, interaction, reviewer) -> Review:
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard, empathy=2))
    return review


def stale(review: Review) -> Review:
    """The review as a request loaded it before another one changed it."""
    return Review.objects.get(pk=review.pk)


def test_it_submits_once_and_answers_the_second_submit_with_a_conflict(draft, reviewer) -> None:
    second_tab = stale(draft)
    review_submit(review=draft, actor=reviewer)
    with pytest.raises(Conflict, match="already been submitted"):
        review_submit(review=second_tab, actor=reviewer)
    assert (second_tab.status, second_tab.revision) == (ReviewStatus.SUBMITTED, 1)  # re-read, not trusted
    assert list(draft.revisions.values_list("number", flat=True)) == [1]
    assert AuditEvent.objects.filter(review=draft, action=Action.SUBMIT).count() == 1


def test_an_autosave_loaded_before_the_submit_saves_nothing_and_never_reverts_it(draft, reviewer, default_scorecard) -> None:
    page = stale(draft)  # the scoring page's autosave still holds the draft
    review_submit(review=draft, actor=reviewer)
    with pytest.raises(Conflict, match="your last change was not saved"):
        review_save(review=page, actor=reviewer, ratings=perfect_ratings(default_scorecard, empathy=0), comment="late")
    review = Review.objects.get(pk=draft.pk)
    assert (review.status, review.revision, review.comment) == (ReviewStatus.SUBMITTED, 1, "")
    assert review.ratings.get(criterion__code="empathy").value == 2
    assert not AuditEvent.objects.filter(review=draft, action=Action.SAVE, changes__has_key="ratings").exists()


def test_the_api_answers_409_to_a_double_submit_and_a_late_autosave_in_the_users_language(draft, reviewer) -> None:
    reviewer.language = "it"
    reviewer.save()
    api = bearer(reviewer)
    assert api.post(f"/api/v1/reviews/{draft.pk}/submit").status_code == 200
    again = api.post(f"/api/v1/reviews/{draft.pk}/submit")
    assert again.status_code == 409 and again.json()["detail"] == "Questa valutazione è già stata inviata."
    late = api.put(f"/api/v1/reviews/{draft.pk}/ratings", {"ratings": []}, content_type=JSON)
    assert late.status_code == 409 and "non è stata salvata" in late.json()["detail"]


def test_the_scoring_page_answers_a_late_autosave_with_409_and_a_link_to_the_review(client, draft, reviewer) -> None:
    client.force_login(reviewer)
    review_submit(review=draft, actor=reviewer)
    response = client.post(reverse("reviews:edit", args=[draft.pk]), {"comment": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "This review was submitted; your last change was not saved." in body
    assert reverse("reviews:detail", args=[draft.pk]) in body


def test_a_full_page_save_of_a_review_submitted_meanwhile_shows_why_on_the_review(
    client, draft, reviewer, default_scorecard
) -> None:
    client.force_login(reviewer)
    form = {f"c{c.pk}_value": str(c.rating_choices()[-1]) for c in criteria_by_code(default_scorecard).values()}
    url = reverse("reviews:edit", args=[draft.pk])
    page = client.get(url)  # the form is open...
    assert page.status_code == 200
    review_submit(review=draft, actor=reviewer)  # ...when another tab submits
    response = client.post(url, {**form, "submit": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reviews:detail", args=[draft.pk])
    assert "This review was submitted; your last change was not saved." in response.content.decode()
    assert Review.objects.get(pk=draft.pk).ratings.get(criterion__code="empathy").value == 2


def test_it_records_what_each_draft_save_changed_and_nothing_for_a_save_that_changed_nothing(
    default_scorecard, interaction, reviewer
) -> None:
    criteria = criteria_by_code(default_scorecard)
    empathy, warmth = str(criteria["empathy"].pk), criteria["warmth"].pk
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings={criteria["empathy"].pk: RatingInput(value=2)})
    review_save(review=review, actor=reviewer, ratings={criteria["empathy"].pk: RatingInput(value=2)})  # autosave, no change
    review_save(review=review, actor=reviewer, ratings={criteria["empathy"].pk: RatingInput(value=4)}, comment="Good")
    review_save(review=review, actor=reviewer, ratings={criteria["empathy"].pk: RatingInput(value=4, comment="Warm tone")})
    review_save(review=review, actor=reviewer, ratings={warmth: RatingInput(value=None)})
    saves = [e.changes for e in AuditEvent.objects.filter(review=review, action=Action.SAVE).order_by("id")]
    assert saves == [
        {"rated": {empathy: 2}},
        {"ratings": {empathy: [2, 4]}, "comment": True},
        {"notes": [int(empathy)]},
        {"rated": {str(warmth): None}},
    ]


def test_a_coaching_note_on_a_draft_is_refused_and_tells_the_agent_nothing(draft, qa_lead, agent_user) -> None:
    with pytest.raises(Conflict, match="once the review is submitted"):
        coaching_note_add(review=draft, actor=qa_lead, body="Mind the greeting.")
    assert not CoachingNote.objects.exists()
    assert not Notification.objects.filter(recipient=agent_user).exists()


def test_acknowledging_twice_records_one_event(draft, reviewer, agent_user) -> None:
    review_submit(review=draft, actor=reviewer)
    other_tab = stale(draft)
    first = review_acknowledge(review=draft, actor=agent_user)
    second = review_acknowledge(review=other_tab, actor=agent_user)
    assert second.acknowledged_at == first.acknowledged_at
    assert AuditEvent.objects.filter(review=draft, action=Action.ACKNOWLEDGE).count() == 1


def test_it_refuses_to_assign_a_reviewer_an_interaction_of_their_own_agent(team, qa_lead) -> None:
    reviewer = f.make_user("rita", Role.REVIEWER, team)
    own = f.make_interaction(f.make_agent("r.verdi", team, reviewer))
    other = f.make_interaction(f.make_agent("s.neri", team))
    with pytest.raises(PermissionDenied, match=own.external_id):
        assignments_create(interactions=[other, own], reviewer=reviewer, actor=qa_lead)
    assert not ReviewAssignment.objects.exists()
    OrgSettings.objects.filter(pk=OrgSettings.load().pk).update(allow_self_review=True)
    assert len(assignments_create(interactions=[other, own], reviewer=reviewer, actor=qa_lead)) == 2


def test_assigning_what_is_already_in_the_queue_makes_nothing_new(interaction, reviewer, qa_lead) -> None:
    assert len(assignments_create(interactions=[interaction], reviewer=reviewer, actor=qa_lead)) == 1
    assert assignments_create(interactions=[interaction], reviewer=reviewer, actor=qa_lead) == []
    assert ReviewAssignment.objects.filter(status=AssignmentStatus.OPEN).count() == 1
