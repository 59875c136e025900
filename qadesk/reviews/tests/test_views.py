import pytest
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse

from qadesk.accounts.models import OrgSettings, User
from qadesk.interactions.models import Interaction
from qadesk.reviews.models import Review, ReviewStatus
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import criteria_by_code, perfect_ratings
from qadesk.scorecards.models import ScorecardVersion
from qadesk.scorecards.scoring import score_review
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
    assert set(client.get(reverse("reviews:list")).context["page_obj"]) == {mine, other, draft}
    drafts = client.get(reverse("reviews:list"), {"status": "draft"}, headers={"HX-Request": "true"})
    assert list(drafts.context["page_obj"]) == [draft]
    assert "<html" not in drafts.content.decode()
    by_agent = client.get(reverse("reviews:list"), {"agent": other.agent_id})
    assert list(by_agent.context["page_obj"]) == [other]
    client.force_login(agent_user)
    assert list(client.get(reverse("reviews:list")).context["page_obj"]) == [mine]


def test_it_keeps_review_pages_query_counts_flat(
    client, qa_lead, reviewer, default_scorecard, agent, django_assert_max_num_queries
):
    reviews = [_submitted(reviewer, f.make_interaction(agent), default_scorecard) for _ in range(5)]
    draft = review_create(interaction=f.make_interaction(agent), actor=reviewer)
    OrgSettings.load()
    client.force_login(qa_lead)
    with django_assert_max_num_queries(8):  # session, user, settings, agents, reviewers, count, page
        assert client.get(reverse("reviews:list")).status_code == 200
    with django_assert_max_num_queries(5):  # session, user, review, ratings, settings
        assert client.get(reverse("reviews:detail", args=[reviews[0].pk])).status_code == 200
    client.force_login(reviewer)
    # session, user, review, ratings, version, sections, criteria, interaction, handlers, messages
    with django_assert_max_num_queries(10):
        assert client.get(reverse("reviews:edit", args=[draft.pk])).status_code == 200


def test_it_rejects_a_review_post_without_csrf_token(reviewer, default_scorecard, interaction):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    assert client.post(reverse("reviews:create"), {"interaction": interaction.pk}).status_code == 403
    assert not Review.objects.exists()
