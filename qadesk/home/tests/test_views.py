"""Each role's home page through the page: its figures match the lists they link to, every link opens, and nothing
the role may not see is shown (an agent sees only their own)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from qadesk.accounts.models import Agent, User
from qadesk.disputes.models import Dispute
from qadesk.reviews.models import Review
from qadesk.testing.clients import page_client
from qadesk.testing.databases import kept_for_the_module

pytestmark = pytest.mark.django_db

SMALL = ["--interactions", "300", "--reviews", "40", "--days", "30", "--end", "2026-11-30T12:00"]
FIGURE = re.compile(r'<a href="([^"]+)" data-figure="([\w-]+)">(?:<span class="stat-value">)?([^<]*)<')


def _load() -> None:
    call_command("demo", *SMALL, stdout=StringIO())


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo, loaded once for the module (each test's writes are rolled back to it)."""
    yield from kept_for_the_module(django_db_blocker, _load)


@pytest.fixture
def demo(loaded: None) -> dict[str, User]:
    """The demo's users, read afresh for each test (a test that changes one changes only its own copy)."""
    return {u.username: u for u in User.objects.all()}


def _home(user: User) -> tuple[Client, str]:
    client = page_client(user)
    response = client.get("/")
    assert response.status_code == 200
    return client, response.content.decode()


def _figures(html: str) -> dict[str, tuple[str, str]]:
    """data-figure name -> (link, shown text); the first of each name."""
    found: dict[str, tuple[str, str]] = {}
    for href, name, text in FIGURE.findall(html):
        found.setdefault(name, (href.replace("&amp;", "&"), text.strip()))
    return found


def _count(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page_obj"]
    if hasattr(page, "count_exact"):  # the interaction and review lists (core.lists.ListPage)
        assert page.count_exact, url
        return int(page.count)
    return int(page.paginator.count)


def _links_open(client: Client, html: str) -> None:
    for href in set(re.findall(r'href="(/[^"#]*)', html)):
        if href.startswith(("/static/", "/i18n/", "/logout", "/admin/", "/api/")):
            continue
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href


def test_it_lands_on_the_home_page_after_login(demo: dict[str, User]) -> None:
    response = Client().post("/login/", {"username": "agent.it", "password": "demo"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    _client, html = _home(demo["agent.it"])
    assert 'aria-current="page"' in html.split("Interactions")[0]  # the Home entry, first in the sidebar, is current


def test_the_agent_sees_their_own_quality_reviews_disputes_and_coaching_only(demo: dict[str, User]) -> None:
    agent_user = demo["agent.it"]
    agent = Agent.objects.get(user=agent_user)
    client, html = _home(agent_user)
    assert 'data-section="agent"' in html
    assert not any(f'data-section="{s}"' in html for s in ("reviewer", "team", "operation", "overview"))
    figures = _figures(html)
    link, shown = figures["agent-disputes-open"]
    assert int(shown.split()[0]) == _count(client, link) >= 1
    unread = Review.objects.filter(agent=agent, status="submitted", acknowledged_at__isnull=True).count()
    assert int(figures["agent-unread"][1].split()[0]) == unread
    assert "Remember to sum up" not in html and "Ottima gestione" in html  # the coaching note, in the agent's language
    reviews = {int(pk) for pk in re.findall(r'href="/reviews/(\d+)/', html)}
    assert reviews and reviews <= set(Review.objects.filter(agent=agent).values_list("pk", flat=True))
    disputes = {int(pk) for pk in re.findall(r'href="/disputes/(\d+)/', html)}
    assert disputes and disputes <= set(Dispute.objects.filter(raised_by=agent_user).values_list("pk", flat=True))
    others = Agent.objects.exclude(pk=agent.pk).exclude(display_name="").values_list("display_name", flat=True)
    assert not [name for name in others if name in html]
    _links_open(client, html)


def test_the_reviewer_sees_the_queue_as_the_queue_page_counts_it(demo: dict[str, User]) -> None:
    client, html = _home(demo["reviewer1"])
    figures = _figures(html)
    counts = client.get("/reviews/queue/").context["counts"]
    assert int(figures["queue-open"][1]) == counts["open"] >= 1
    assert int(figures["queue-overdue"][1]) == counts["overdue"] >= 1
    assert int(figures["queue-today"][1]) == counts["today"]
    for name in ("reviews-submitted", "reviews-drafts"):
        link, shown = figures[name]
        assert int(shown) == _count(client, link)
    assert 'data-figure="last-session"' in html and 'data-figure="own-deviation"' in html  # their last calibration
    assert 'data-figure="session-to-score"' in html  # the open session they have not finished
    _links_open(client, html)


def test_the_team_lead_sees_their_team_and_the_disputes_the_list_shows(demo: dict[str, User]) -> None:
    lead = demo["lead.lyon"]
    client, html = _home(lead)
    assert 'data-section="team"' in html and 'data-section="operation"' not in html
    figures = _figures(html)
    for name in ("team-disputes-open", "team-disputes-escalated", "team-disputes-overdue"):
        link, shown = figures[name]
        assert int(shown) == _count(client, link), name
    assert int(figures["team-disputes-overdue"][1]) >= 1  # the demo's overdue dispute is agent.fr's, in Lyon Livraisons
    team_agents = set(Agent.objects.filter(team=lead.team).values_list("pk", flat=True))
    rows = {int(pk) for pk in re.findall(r'data-agent-row="(\d+)"', html)}
    assert rows and rows <= team_agents
    shown_reviews = {int(pk) for pk in re.findall(r'href="/reviews/(\d+)/', html)}
    assert set(Review.objects.filter(pk__in=shown_reviews).values_list("agent__team", flat=True)) <= {lead.team_id}
    _links_open(client, html)


def test_the_qa_lead_sees_the_operation(demo: dict[str, User]) -> None:
    client, html = _home(demo["qa"])
    assert 'data-section="operation"' in html and 'data-section="reviewer"' in html  # a QA lead also reviews
    figures = _figures(html)
    link, shown = figures["ops-disputes-overdue"]
    assert int(shown) == _count(client, link) >= 1
    dashboard = client.get(figures["ops-disputes-undecided"][0]).context["dash"]
    assert int(figures["ops-disputes-undecided"][1]) == dashboard.open
    assert html.count('data-figure="plan-coverage"') == 2
    assert 'data-figure="session-open"' in html and 'data-figure="last-session"' in html
    link, shown = figures["ops-iqs"]
    report = client.get(link).context["report"]
    assert shown == f"{report.totals.iqs:.1f}".replace(".", ",")  # the QA lead reads Italian
    _links_open(client, html)


def test_the_manager_reads_an_overview_without_actions(demo: dict[str, User]) -> None:
    client, html = _home(demo["manager"])
    assert 'data-section="overview"' in html and 'data-section="operation"' not in html
    assert "<form" not in html.split('data-section="overview"')[1]
    link, shown = _figures(html)["overview-disputes-overdue"]
    assert int(shown) == _count(client, link)
    _links_open(client, html)


@pytest.mark.parametrize(("language", "heading", "decimal"), [("it", "La mia qualità", ","), ("fr", "Ma qualité", ",")])
def test_it_speaks_the_users_language_with_their_number_format(
    demo: dict[str, User], language: str, heading: str, decimal: str
) -> None:
    user = demo["agent.it"]
    user.language = language
    user.save(update_fields=["language"])
    _client, html = _home(user)
    assert heading in html
    iqs = _figures(html)["agent-iqs"][1]
    assert iqs == "—" or (decimal in iqs and "." not in iqs)
