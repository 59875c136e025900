"""Review visibility: the one rule every door uses."""

import pytest

from qadesk.reviews.models import Review
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import perfect_ratings

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviews(default_scorecard, interaction, other_interaction, reviewer, qa_lead):
    own = review_create(interaction=interaction, actor=reviewer)
    review_save(review=own, actor=reviewer, ratings=perfect_ratings(default_scorecard))
    review_submit(review=own, actor=reviewer)
    draft = review_create(interaction=interaction, actor=qa_lead)
    other = review_create(interaction=other_interaction, actor=reviewer)
    return {"own": own, "draft": draft, "other": other}


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("agent_user", {"own"}),  # their own submitted review; not drafts
        ("other_team_agent_user", set()),  # the other review is still a draft
        ("team_lead", {"own"}),
        ("reviewer", {"own", "other"}),  # what they wrote
        ("qa_lead", {"own", "draft", "other"}),
        ("manager", {"own", "draft", "other"}),
    ],
)
def test_visible_to_per_persona(request, persona, sees, reviews) -> None:
    names = {r.pk: name for name, r in reviews.items()}
    assert {names[r.pk] for r in Review.objects.visible_to(request.getfixturevalue(persona))} == sees


def test_anonymous_sees_nothing(reviews) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not Review.objects.visible_to(AnonymousUser()).exists()
