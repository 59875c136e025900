"""Review services: draft, save, submit, self-review and who may change what."""

import pytest

from qadesk.accounts.models import OrgSettings
from qadesk.core.errors import ApplicationError, PermissionDenied
from qadesk.reviews.models import ReviewStatus
from qadesk.reviews.services import RatingInput, review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import criteria_by_code, perfect_ratings
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def test_it_credits_the_interaction_agent_and_pins_the_published_version(default_scorecard, interaction, reviewer, agent) -> None:
    review = review_create(interaction=interaction, actor=reviewer)
    assert review.agent == agent
    assert review.scorecard_version == default_scorecard
    assert review.status == ReviewStatus.DRAFT


def test_a_message_review_is_credited_to_the_message_author(default_scorecard, reviewer, team) -> None:
    first, second = f.make_agent("first", team), f.make_agent("second", team)
    interaction = f.make_interaction(second, messages=[("customer", "hi"), ("agent", "hello")])
    message = interaction.messages.get(author_role="agent")
    message.agent = first
    message.save()
    review = review_create(interaction=interaction, actor=reviewer, message=message)
    assert review.agent == first


def test_a_customer_message_cannot_be_reviewed(default_scorecard, interaction, reviewer) -> None:
    with pytest.raises(ApplicationError):
        review_create(interaction=interaction, actor=reviewer, message=interaction.messages.get(author_role="customer"))


def test_agents_cannot_review(default_scorecard, other_interaction, agent_user) -> None:
    with pytest.raises(PermissionDenied):
        review_create(interaction=other_interaction, actor=agent_user)


def test_reviewing_your_own_work_is_refused_unless_allowed(default_scorecard, qa_lead, team) -> None:
    own = f.make_interaction(f.make_agent("qa.self", team, qa_lead))
    with pytest.raises(PermissionDenied, match="your own work"):
        review_create(interaction=own, actor=qa_lead)
    OrgSettings.objects.update_or_create(pk=1, defaults={"allow_self_review": True})
    assert review_create(interaction=own, actor=qa_lead).agent.user == qa_lead


def test_submit_scores_with_the_scoring_function_and_counts_errors(default_scorecard, interaction, reviewer) -> None:
    review = review_create(interaction=interaction, actor=reviewer)
    # workflow (4-point, w2, low) at 2 -> 33.33 fails; empathy (5-point, w1) at 3 -> 50; right_label N/A.
    ratings = perfect_ratings(default_scorecard, workflow=2, empathy=3, right_label=None)
    review_save(review=review, actor=reviewer, ratings=ratings, comment="Good overall")
    review_submit(review=review, actor=reviewer)
    review.refresh_from_db()
    # weights without right_label (2): right_sop 3, right_tools 2, workflow 2, label_matches 1, four style 1 each, rude 2 = 14
    # numerator: 300 + 200 + 66.67 + 100 + 100 + 100 + 50 + 100 + 200 = 1216.67 -> 86.90
    assert review.score == pytest.approx(86.90, abs=0.01)
    assert (review.high_impact_errors, review.low_impact_errors) == (0, 1)
    assert review.status == ReviewStatus.SUBMITTED and review.submitted_at is not None
    failed = review.ratings.filter(failed=True).values_list("criterion__code", flat=True)
    assert list(failed) == ["workflow"]


def test_a_wrong_sop_auto_fails_the_review(default_scorecard, interaction, reviewer) -> None:
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard, right_sop=0))
    review_submit(review=review, actor=reviewer)
    assert review.score == 0
    assert review.high_impact_errors == 1


def test_submitting_needs_every_criterion(default_scorecard, interaction, reviewer) -> None:
    review = review_create(interaction=interaction, actor=reviewer)
    ratings = perfect_ratings(default_scorecard)
    ratings.pop(next(iter(ratings)))
    review_save(review=review, actor=reviewer, ratings=ratings)
    with pytest.raises(ApplicationError, match="Rate every criterion"):
        review_submit(review=review, actor=reviewer)


def test_na_where_not_allowed_is_refused_at_submit(default_scorecard, interaction, reviewer) -> None:
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard, right_sop=None))
    with pytest.raises(ApplicationError, match="N/A"):
        review_submit(review=review, actor=reviewer)


def test_out_of_scale_ratings_and_unknown_root_causes_are_refused(default_scorecard, interaction, reviewer) -> None:
    review = review_create(interaction=interaction, actor=reviewer)
    empathy = criteria_by_code(default_scorecard)["empathy"]
    with pytest.raises(ApplicationError, match="not on the scale"):
        review_save(review=review, actor=reviewer, ratings={empathy.pk: RatingInput(value=9)})
    with pytest.raises(ApplicationError, match="root cause"):
        review_save(review=review, actor=reviewer, ratings={empathy.pk: RatingInput(value=1, root_causes=["nope"])})
    review_save(review=review, actor=reviewer, ratings={empathy.pk: RatingInput(value=1, root_causes=["no_acknowledgement"])})
    assert review.ratings.get().root_causes == ["no_acknowledgement"]


def test_only_the_reviewer_edits_and_only_while_draft(default_scorecard, interaction, reviewer, qa_lead) -> None:
    review = review_create(interaction=interaction, actor=reviewer)
    with pytest.raises(PermissionDenied):
        review_save(review=review, actor=qa_lead, ratings={})
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard))
    review_submit(review=review, actor=reviewer)
    with pytest.raises(ApplicationError, match="submitted"):
        review_save(review=review, actor=reviewer, ratings={})
