from datetime import timedelta

import pytest
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qadesk.accounts.models import OrgSettings, User
from qadesk.core.errors import ApplicationError
from qadesk.core.i18n import pick
from qadesk.interactions.models import Interaction
from qadesk.reviews.models import Review, ReviewAssignment, ReviewStatus
from qadesk.reviews.services import (
    RatingInput,
    assignments_create,
    review_change_scorecard,
    review_create,
    review_save,
    review_submit,
)
from qadesk.reviews.tests.helpers import criteria_by_code, perfect_ratings
from qadesk.scorecards.models import ScorecardVersion
from qadesk.scorecards.scoring import score_review
from qadesk.scorecards.services import scorecard_version_create, scorecard_version_export
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def _form_data(version: ScorecardVersion, **values: int | str) -> dict[str, str]:
    """POST data rating every criterion at its top, except the codes given ("na" or a number)."""
    data = {}
    for code, criterion in criteria_by_code(version).items():
        data[f"c{criterion.pk}_value"] = str(values.get(code, criterion.rating_choices()[-1]))
    return data


def _submitted(reviewer: User, interaction: Interaction, version: ScorecardVersion, **overrides: int | None) -> Review:
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(version, **overrides), comment="ok")
    return review_submit(review=review, actor=reviewer)


def test_it_runs_the_whole_review_flow_through_http(client, reviewer, default_scorecard, interaction):
    client.force_login(reviewer)
    created = client.post(reverse("reviews:create"), {"interaction": interaction.pk})
    review = Review.objects.get()
    assert created["Location"] == reverse("reviews:edit", args=[review.pk])

    edit = client.get(created["Location"])
    assert edit.status_code == 200
    assert "Hello, my order is late." in edit.content.decode()

    criteria = criteria_by_code(default_scorecard)
    data = _form_data(default_scorecard, right_tools=1, empathy=3, warmth="na")
    wrong = criteria["right_tools"]
    data |= {f"c{wrong.pk}_comment": "Refund done by hand", f"c{wrong.pk}_causes": ["tool_skipped"], "comment": "Mostly fine"}
    saved = client.post(created["Location"], data)
    assert saved["Location"] == created["Location"]
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    assert review.comment == "Mostly fine"
    assert review.ratings.get(criterion=wrong).root_causes == ["tool_skipped"]

    submitted = client.post(created["Location"], data | {"submit": "1"})
    assert submitted["Location"] == reverse("reviews:detail", args=[review.pk])
    review.refresh_from_db()
    expected = score_review(
        [c.spec() for c in criteria.values()],
        {str(c.pk): (None if data[f"c{c.pk}_value"] == "na" else int(data[f"c{c.pk}_value"])) for c in criteria.values()},
    )
    assert review.status == ReviewStatus.SUBMITTED
    assert review.score == expected.score
    detail = client.get(submitted["Location"]).content.decode()
    assert f">{floatformat(expected.score, -2)}</span>" in detail
    assert "1 high-impact error" in detail
    assert "Tool skipped" in detail
    assert "Refund done by hand" in detail


def test_it_shows_the_service_error_and_keeps_the_entered_values(client, reviewer, default_scorecard, interaction):
    client.force_login(reviewer)
    review = review_create(interaction=interaction, actor=reviewer)
    data = _form_data(default_scorecard)
    empathy = criteria_by_code(default_scorecard)["empathy"]
    del data[f"c{empathy.pk}_value"]
    data["comment"] = "keep me"
    response = client.post(reverse("reviews:edit", args=[review.pk]), data | {"submit": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rate every criterion" in body
    assert "keep me" in body
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT


def test_it_refuses_a_comment_without_a_rating(client, reviewer, default_scorecard, interaction):
    client.force_login(reviewer)
    review = review_create(interaction=interaction, actor=reviewer)
    empathy = criteria_by_code(default_scorecard)["empathy"]
    response = client.post(reverse("reviews:edit", args=[review.pk]), {f"c{empathy.pk}_comment": "cold tone"})
    assert "Choose a rating (or N/A)" in response.content.decode()
    assert not review.ratings.exists()


def test_it_refuses_self_review_with_the_reason(client, default_scorecard, team):
    lead = f.make_user("qalead", "qa_lead", team)
    own = f.make_interaction(f.make_agent("q.lead", team, lead))
    client.force_login(lead)
    response = client.post(reverse("reviews:create"), {"interaction": own.pk}, follow=True)
    assert "You cannot review your own work." in response.content.decode()
    assert not Review.objects.exists()


def test_it_reviews_one_agent_message(client, reviewer, default_scorecard, interaction):
    message = interaction.messages.get(author_role="agent")
    client.force_login(reviewer)
    client.post(reverse("reviews:create"), {"interaction": interaction.pk, "message": message.pk})
    review = Review.objects.get()
    assert review.message == message
    assert (
        f'id="message-{message.pk}" class="msg msg-agent msg-focus'
        in client.get(reverse("reviews:edit", args=[review.pk])).content.decode()
    )


def test_it_does_not_let_an_agent_start_a_review(client, agent_user, default_scorecard, interaction):
    client.force_login(agent_user)
    response = client.post(reverse("reviews:create"), {"interaction": interaction.pk}, follow=True)
    assert "Your role cannot review" in response.content.decode()
    assert not Review.objects.exists()


def test_it_answers_404_for_an_interaction_or_message_one_cannot_see(
    client, agent_user, reviewer, other_interaction, interaction
):
    client.force_login(agent_user)
    assert client.post(reverse("reviews:create"), {"interaction": other_interaction.pk}).status_code == 404
    client.force_login(reviewer)
    foreign = other_interaction.messages.first()
    assert client.post(reverse("reviews:create"), {"interaction": interaction.pk, "message": foreign.pk}).status_code == 404
    assert client.post(reverse("reviews:create"), {"interaction": "x"}).status_code == 404


def test_it_lets_only_the_reviewer_edit_a_draft(client, reviewer, qa_lead, default_scorecard, interaction):
    review = review_create(interaction=interaction, actor=reviewer)
    other = f.make_user("gina", "reviewer")
    for person in (other, qa_lead):
        client.force_login(person)
        assert client.get(reverse("reviews:edit", args=[review.pk])).status_code == 404
        assert client.post(reverse("reviews:edit", args=[review.pk]), _form_data(default_scorecard)).status_code == 404
    assert not review.ratings.exists()


def test_it_sends_the_edit_of_a_submitted_review_to_its_detail(client, reviewer, default_scorecard, interaction):
    review = _submitted(reviewer, interaction, default_scorecard)
    client.force_login(reviewer)
    response = client.get(reverse("reviews:edit", args=[review.pk]))
    assert response["Location"] == reverse("reviews:detail", args=[review.pk])


def test_it_shows_a_submitted_review_to_its_agent_and_hides_it_from_others(
    client, reviewer, agent_user, other_team_agent_user, default_scorecard, interaction
):
    review = _submitted(reviewer, interaction, default_scorecard, right_sop=0)
    client.force_login(agent_user)
    body = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "Below the pass mark" in body
    assert "High-impact error" in body
    assert 'id="transcript"' in body and "Sorry! Let me check." in body  # the contact the ratings judge
    assert '<details class="card transcript-card" id="transcript" open>' in body  # open: the agent reads it first
    client.force_login(other_team_agent_user)
    assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 404


def test_it_hides_a_draft_from_the_agent(client, reviewer, agent_user, default_scorecard, interaction):
    review = review_create(interaction=interaction, actor=reviewer)
    client.force_login(agent_user)
    assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 404


def test_it_marks_pass_against_the_configured_pass_mark(client, reviewer, default_scorecard, interaction):
    review = _submitted(reviewer, interaction, default_scorecard, empathy=3)
    client.force_login(reviewer)
    settings = OrgSettings.load()
    settings.pass_mark = review.score + 1
    settings.save()
    assert "Below the pass mark" in client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    settings.pass_mark = review.score
    settings.save()
    assert "score-pass" in client.get(reverse("reviews:detail", args=[review.pk])).content.decode()


def test_it_lists_visible_reviews_with_filters(client, reviewer, agent_user, default_scorecard, interaction, other_interaction):
    mine = _submitted(reviewer, interaction, default_scorecard)
    other = _submitted(reviewer, other_interaction, default_scorecard)
    draft = review_create(interaction=interaction, actor=reviewer)
    client.force_login(reviewer)
    assert set(client.get(reverse("reviews:list")).context["page_obj"].ids) == {mine.pk, other.pk, draft.pk}
    drafts = client.get(reverse("reviews:list"), {"status": "draft"}, headers={"HX-Request": "true"})
    assert drafts.context["page_obj"].ids == [draft.pk]
    assert "<html" not in drafts.content.decode()
    by_agent = client.get(reverse("reviews:list"), {"agent": other.agent_id})
    assert by_agent.context["page_obj"].ids == [other.pk]
    client.force_login(agent_user)
    assert client.get(reverse("reviews:list")).context["page_obj"].ids == [mine.pk]


def test_it_keeps_review_pages_query_counts_flat(
    client, qa_lead, reviewer, default_scorecard, agent, django_assert_max_num_queries
):
    reviews = [_submitted(reviewer, f.make_interaction(agent), default_scorecard) for _ in range(5)]
    draft = review_create(interaction=f.make_interaction(agent), actor=reviewer)
    OrgSettings.load()
    client.force_login(qa_lead)
    # session, user, settings, teams, sites, agents, reviewers, count, page, the user's saved filters
    with django_assert_max_num_queries(10):
        assert client.get(reverse("reviews:list")).status_code == 200
    # session, user, review, ratings, settings (x2), revisions, audit, coaching notes, disputes, criteria; the transcript's
    # interaction, handlers and messages; the customers' survey responses about it
    with django_assert_max_num_queries(15):
        assert client.get(reverse("reviews:detail", args=[reviews[0].pk])).status_code == 200
    client.force_login(reviewer)
    # session, user, review, ratings, version, sections, criteria, interaction, handlers, messages, applicable scorecards,
    # settings (the pass mark the live score is coloured by), the count left in the queue ("Submit and next"), and the
    # automatic suggestions (custom criteria's versions, the contact-reason classifier's model, the results)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("reviews:edit", args=[draft.pk])).status_code == 200


def test_it_rejects_a_review_post_without_csrf_token(reviewer, default_scorecard, interaction):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    assert client.post(reverse("reviews:create"), {"interaction": interaction.pk}).status_code == 403
    assert not Review.objects.exists()


# ---- the reviewer's queue -------------------------------------------------------------------------------------------


def _assign(qa_lead: User, reviewer: User, *interactions: Interaction, due_in_days: int | None = None) -> None:
    due = timezone.now() + timedelta(days=due_in_days) if due_in_days is not None else None
    assignments_create(interactions=list(interactions), reviewer=reviewer, actor=qa_lead, due_at=due)


def test_it_shows_the_queue_with_due_dates_overdue_first_and_counts(client, reviewer, qa_lead, agent, default_scorecard):
    late = f.make_interaction(agent, external_id="LATE-1", subject="Parcel lost")
    later = f.make_interaction(agent, external_id="LATER-1")
    undated = f.make_interaction(agent, external_id="UNDATED-1")
    _assign(qa_lead, reviewer, late, due_in_days=-2)
    _assign(qa_lead, reviewer, later, due_in_days=5)
    _assign(qa_lead, reviewer, undated)
    _assign(qa_lead, f.make_user("gina", "reviewer"), f.make_interaction(agent, external_id="GINA-1"))
    client.force_login(reviewer)
    response = client.get(reverse("reviews:queue"))
    body = response.content.decode()
    assert [a.interaction.external_id for a in response.context["assignments"]] == ["LATE-1", "LATER-1", "UNDATED-1"]
    assert response.context["counts"] == {"open": 3, "overdue": 1, "today": 0, "drafts": 0}
    assert body.count('class="row-overdue"') == 1
    assert "Parcel lost" in body
    assert "GINA-1" not in body
    assert body.count("Start review") == 3


def test_it_starts_a_review_from_the_queue_and_continues_the_same_draft(
    client, reviewer, qa_lead, interaction, default_scorecard
):
    _assign(qa_lead, reviewer, interaction, due_in_days=1)
    client.force_login(reviewer)
    first = client.post(reverse("reviews:create"), {"interaction": interaction.pk})
    draft = Review.objects.get()
    again = client.post(reverse("reviews:create"), {"interaction": interaction.pk})
    assert first["Location"] == again["Location"] == reverse("reviews:edit", args=[draft.pk])
    assert Review.objects.count() == 1
    queue = client.get(reverse("reviews:queue"))
    assert queue.context["counts"]["drafts"] == 1
    assert reverse("reviews:edit", args=[draft.pk]) in queue.content.decode()
    assert "Continue draft" in queue.content.decode()


def test_it_empties_the_queue_entry_when_the_review_is_submitted(client, reviewer, qa_lead, interaction, default_scorecard):
    _assign(qa_lead, reviewer, interaction)
    _submitted(reviewer, interaction, default_scorecard)
    client.force_login(reviewer)
    assert client.get(reverse("reviews:queue")).context["counts"]["open"] == 0


def test_it_keeps_the_queue_query_count_flat(client, reviewer, qa_lead, agent, default_scorecard, django_assert_max_num_queries):
    interactions = [f.make_interaction(agent) for _ in range(25)]
    _assign(qa_lead, reviewer, *interactions, due_in_days=1)
    for interaction in interactions[:5]:
        review_create(interaction=interaction, actor=reviewer)
    client.force_login(reviewer)
    with django_assert_max_num_queries(4):  # session, user, assignments with interactions, drafts
        response = client.get(reverse("reviews:queue"))
    assert len(response.context["assignments"]) == 25


# ---- assigning -------------------------------------------------------------------------------------------------------


def test_it_assigns_ticked_interactions_in_bulk_and_goes_back_to_the_list(client, qa_lead, reviewer, agent):
    chosen = [f.make_interaction(agent) for _ in range(3)]
    client.force_login(qa_lead)
    back = reverse("interactions:list") + "?channel=email"
    response = client.post(
        reverse("reviews:assign"),
        {"interactions": [i.pk for i in chosen], "reviewer": reviewer.pk, "due": "2030-01-15", "next": back},
        follow=True,
    )
    assert response.redirect_chain[0][0] == back
    assert "3 interactions assigned to dario." in response.content.decode()
    assignments = ReviewAssignment.objects.filter(reviewer=reviewer)
    assert {a.interaction_id for a in assignments} == {i.pk for i in chosen}
    due = timezone.localtime(assignments[0].due_at)
    assert (due.date().isoformat(), due.hour, due.minute) == ("2030-01-15", 23, 59)
    again = client.post(reverse("reviews:assign"), {"interactions": [chosen[0].pk], "reviewer": reviewer.pk}, follow=True)
    assert "0 interactions assigned to dario. 1 was already in their queue." in again.content.decode()


def test_it_explains_an_empty_selection_and_an_offsite_next(client, qa_lead, reviewer):
    client.force_login(qa_lead)
    response = client.post(reverse("reviews:assign"), {"reviewer": reviewer.pk, "next": "https://evil.example/"})
    assert response["Location"] == reverse("interactions:list")
    page = client.get(response["Location"]).content.decode()
    assert "Tick at least one interaction to assign." in page
    assert not ReviewAssignment.objects.exists()


def test_it_refuses_an_agent_as_assignee(client, qa_lead, agent_user, interaction):
    client.force_login(qa_lead)
    client.post(reverse("reviews:assign"), {"interactions": [interaction.pk], "reviewer": agent_user.pk})
    assert not ReviewAssignment.objects.exists()


@pytest.mark.parametrize("persona", ["reviewer", "manager", "team_lead", "agent_user"])
def test_it_lets_only_qa_leads_and_admins_assign(client, request, persona, reviewer, interaction):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("reviews:assign"), {"interactions": [interaction.pk], "reviewer": reviewer.pk})
    assert response.status_code == 403
    assert not ReviewAssignment.objects.exists()


def test_it_lets_an_admin_assign(client, admin_user, reviewer, interaction):
    client.force_login(admin_user)
    client.post(reverse("reviews:assign"), {"interactions": [interaction.pk], "reviewer": reviewer.pk})
    assert ReviewAssignment.objects.filter(reviewer=reviewer, assigned_by=admin_user).count() == 1


# ---- the scoring screen ----------------------------------------------------------------------------------------------


def test_it_shows_guidance_inline_and_the_keyboard_shortcuts(client, reviewer, default_scorecard, interaction):
    review = review_create(interaction=interaction, actor=reviewer)
    client.force_login(reviewer)
    body = client.get(reverse("reviews:edit", args=[review.pk])).content.decode()
    criterion = next(iter(criteria_by_code(default_scorecard).values()))
    assert pick(criterion.guidance) in body
    assert "js/scoring.js" in body
    assert 'id="kbd-hint"' in body
    assert body.count("data-criterion") == len(criteria_by_code(default_scorecard))
    assert f'hx-post="{reverse("reviews:edit", args=[review.pk])}"' in body


def test_it_autosaves_a_draft_through_htmx_and_answers_the_status_line(client, reviewer, default_scorecard, interaction):
    review = review_create(interaction=interaction, actor=reviewer)
    empathy = criteria_by_code(default_scorecard)["empathy"]
    client.force_login(reviewer)
    response = client.post(
        reverse("reviews:edit", args=[review.pk]),
        {f"c{empathy.pk}_value": "2", "comment": "so far"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Saved " in body
    assert review.ratings.get().value == 2
    review.refresh_from_db()
    assert review.comment == "so far"
    assert review.status == ReviewStatus.DRAFT


def test_it_reports_an_autosave_it_could_not_do(client, reviewer, default_scorecard, interaction):
    review = review_create(interaction=interaction, actor=reviewer)
    empathy = criteria_by_code(default_scorecard)["empathy"]
    client.force_login(reviewer)
    response = client.post(
        reverse("reviews:edit", args=[review.pk]), {f"c{empathy.pk}_comment": "cold"}, headers={"HX-Request": "true"}
    )
    assert "Not saved" in response.content.decode()
    assert not review.ratings.exists()


def test_it_does_not_autosave_into_a_submitted_review(client, reviewer, default_scorecard, interaction):
    review = _submitted(reviewer, interaction, default_scorecard)
    empathy = criteria_by_code(default_scorecard)["empathy"]
    client.force_login(reviewer)
    response = client.post(
        reverse("reviews:edit", args=[review.pk]), {f"c{empathy.pk}_value": "0"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 409
    assert "was submitted; your last change was not saved" in response.content.decode()
    assert review.ratings.get(criterion=empathy).value != 0


def test_it_renders_a_300_message_transcript_with_bounded_queries(
    client, reviewer, agent, default_scorecard, django_assert_max_num_queries
):
    pairs = [("customer", f"Customer line {n}") if n % 2 == 0 else ("agent", f"Agent line {n}") for n in range(300)]
    long = f.make_interaction(agent, messages=pairs)
    review = review_create(interaction=long, actor=reviewer)
    OrgSettings.load()
    client.force_login(reviewer)
    with django_assert_max_num_queries(16):  # as test_it_keeps_review_pages_query_counts_flat
        response = client.get(reverse("reviews:edit", args=[review.pk]))
    body = response.content.decode()
    assert body.count('class="msg msg-') == 300
    assert "Customer line 0" in body and "Agent line 299" in body
    assert 'class="card pane pane-transcript"' in body


def _second_scorecard(default: ScorecardVersion) -> ScorecardVersion:
    data = scorecard_version_export(version=default) | {
        "code": "email",
        "name": {"en": "E-mail"},
        "conditions": {"channels": ["email"]},
    }
    return scorecard_version_create(data=data)


def test_it_switches_an_unrated_draft_to_another_applicable_scorecard(client, reviewer, default_scorecard, interaction):
    email = _second_scorecard(default_scorecard)
    review = review_create(interaction=interaction, actor=reviewer)
    client.force_login(reviewer)
    edit = client.get(reverse("reviews:edit", args=[review.pk])).content.decode()
    assert 'name="scorecard_version"' in edit
    other = default_scorecard if review.scorecard_version_id == email.pk else email
    response = client.post(reverse("reviews:scorecard", args=[review.pk]), {"scorecard_version": other.pk})
    assert response["Location"] == reverse("reviews:edit", args=[review.pk])
    review.refresh_from_db()
    assert review.scorecard_version == other
    assert review.audit_events.filter(action="save").exists()


def test_it_keeps_the_scorecard_once_a_rating_is_given(client, reviewer, default_scorecard, interaction):
    email = _second_scorecard(default_scorecard)
    review = review_create(interaction=interaction, actor=reviewer, scorecard_version=default_scorecard)
    empathy = criteria_by_code(default_scorecard)["empathy"]
    review_save(review=review, actor=reviewer, ratings={empathy.pk: RatingInput(value=1)})
    client.force_login(reviewer)
    assert "Only before the first rating." in client.get(reverse("reviews:edit", args=[review.pk])).content.decode()
    response = client.post(reverse("reviews:scorecard", args=[review.pk]), {"scorecard_version": email.pk}, follow=True)
    assert "only be changed before the first rating" in response.content.decode()
    review.refresh_from_db()
    assert review.scorecard_version == default_scorecard


def test_it_answers_404_for_a_scorecard_that_does_not_apply_or_a_draft_not_ones_own(
    client, reviewer, qa_lead, default_scorecard, agent
):
    chat = f.make_interaction(agent, channel="chat")
    email = _second_scorecard(default_scorecard)
    review = review_create(interaction=chat, actor=reviewer)
    client.force_login(reviewer)
    assert client.post(reverse("reviews:scorecard", args=[review.pk]), {"scorecard_version": email.pk}).status_code == 404
    client.force_login(qa_lead)
    assert (
        client.post(reverse("reviews:scorecard", args=[review.pk]), {"scorecard_version": default_scorecard.pk}).status_code
        == 404
    )


def test_it_changes_the_scorecard_only_of_an_unrated_draft(reviewer, default_scorecard, interaction):
    email = _second_scorecard(default_scorecard)
    review = review_create(interaction=interaction, actor=reviewer, scorecard_version=default_scorecard)
    assert review_change_scorecard(review=review, actor=reviewer, scorecard_version=email).scorecard_version == email
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(email))
    with pytest.raises(ApplicationError):
        review_change_scorecard(review=review, actor=reviewer, scorecard_version=default_scorecard)


# ---- managers read ---------------------------------------------------------------------------------------------------


def test_it_shows_a_manager_no_write_buttons(client, manager, reviewer, default_scorecard, interaction):
    _submitted(reviewer, interaction, default_scorecard)
    client.force_login(manager)
    pages = [
        reverse("reviews:list"),
        reverse("reviews:queue"),
        reverse("interactions:list"),
        reverse("interactions:detail", args=[interaction.pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        for marker in (
            "Review this interaction",
            "Review this message",
            "Start review",
            "Assign for review",
            "data-select",
            reverse("reviews:assign"),
        ):
            assert marker not in body, (url, marker)
