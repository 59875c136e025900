"""The sidebar marks the page one is on, and only that one."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from qadesk.accounts.models import User
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import perfect_ratings
from qadesk.scorecards.models import ScorecardVersion

pytestmark = pytest.mark.django_db


def _current(user: User, path: str) -> list[str]:
    client = Client()
    client.force_login(user)
    page = client.get(path).content.decode()
    sidebar = page.split('<aside class="sidebar"', 1)[1].split("</aside>", 1)[0]
    return re.findall(r'<a [^>]*href="([^"]+)"[^>]*aria-current="page"', sidebar)


def test_statistics_and_the_quality_report_are_each_their_own_entry(qa_lead: User) -> None:
    assert _current(qa_lead, reverse("analytics:statistics")) == [reverse("analytics:statistics")]
    assert _current(qa_lead, reverse("analytics:quality")) == [reverse("analytics:quality")]


def test_an_agents_own_review_sits_under_my_reviews(
    agent_user: User, reviewer: User, interaction: object, default_scorecard: ScorecardVersion
) -> None:
    review = review_create(interaction=interaction, actor=reviewer)  # type: ignore[arg-type]
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard))
    review_submit(review=review, actor=reviewer)
    assert _current(agent_user, reverse("reviews:detail", args=[review.pk])) == [reverse("reviews:mine")]
    assert _current(reviewer, reverse("reviews:detail", args=[review.pk])) == [reverse("reviews:list")]
