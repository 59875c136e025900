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


def _links(user: User, path: str, language: str = "en") -> tuple[list[str], str]:
    user.language = language
    user.save()
    client = Client()
    client.force_login(user)
    page = client.get(path).content.decode()
    sidebar = page.split('<nav class="nav">', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a [^>]*href="([^"]+)"', sidebar), sidebar


def test_the_menu_kept_in_memory_is_the_one_for_this_person_language_and_page(
    qa_lead: User, agent_user: User, admin_user: User
) -> None:
    """The menu is rendered once per (language, role, page) and kept (`{% cache %}`): whoever comes next sees their
    own entries, in their language, with their page marked — never the menu rendered for the one before."""
    admin_links, _ = _links(admin_user, reverse("home:home"))
    agent_links, _ = _links(agent_user, reverse("home:home"))
    assert reverse("connectors:list") in admin_links
    assert reverse("connectors:list") not in agent_links
    assert reverse("reviews:mine") in agent_links and reverse("reviews:mine") not in admin_links
    assert _current(qa_lead, reverse("interactions:list")) == [reverse("interactions:list")]
    assert _current(qa_lead, reverse("reviews:list")) == [reverse("reviews:list")]
    _, italian = _links(qa_lead, reverse("home:home"), "it")
    _, french = _links(qa_lead, reverse("home:home"), "fr")
    assert "Interazioni" in italian and "Interazioni" not in french
    assert "Calibrage" in french and "Calibrage" not in italian
