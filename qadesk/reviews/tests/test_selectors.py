"""Review selectors: the list filters, the detail and the reviewer's own review, all behind visible_to."""

import pytest
from django.http import Http404

from qadesk.reviews.selectors import review_detail, review_list, review_own
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import perfect_ratings

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(default_scorecard, interaction, reviewer):
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard))
    return review_submit(review=review, actor=reviewer)


def test_the_list_filters_by_status_agent_reviewer_and_interaction(
    submitted, default_scorecard, other_interaction, reviewer, qa_lead
) -> None:
    draft = review_create(interaction=other_interaction, actor=reviewer)
    assert list(review_list(actor=qa_lead)) == [draft, submitted]
    assert list(review_list(actor=qa_lead, filters={"status": "draft"})) == [draft]
    assert list(review_list(actor=qa_lead, filters={"agent": submitted.agent_id})) == [submitted]
    assert list(review_list(actor=qa_lead, filters={"reviewer": qa_lead.pk})) == []
    assert list(review_list(actor=qa_lead, filters={"interaction": other_interaction.pk, "status": ""})) == [draft]


def test_the_detail_loads_ratings_in_form_order_and_hides_the_unseen(
    submitted, other_team_agent_user, django_assert_num_queries
) -> None:
    review = review_detail(actor=submitted.reviewer, pk=submitted.pk)
    with django_assert_num_queries(0):
        codes = [r.criterion.code for r in review.ratings.all()]
    assert codes[:2] == ["right_label", "right_sop"] and codes[-1] == "rude_or_blaming"
    with pytest.raises(Http404):
        review_detail(actor=other_team_agent_user, pk=submitted.pk)


def test_only_the_reviewer_gets_their_own_review(submitted, qa_lead) -> None:
    assert review_own(actor=submitted.reviewer, pk=submitted.pk) == submitted
    with pytest.raises(Http404):
        review_own(actor=qa_lead, pk=submitted.pk)
