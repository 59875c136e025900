"""Sorting the interaction list by team or agent name reads it group by group on PostgreSQL (issue 13, docs/lists.md):
the same rows in the same order as the plain sort, on every page, both directions, with and without filters."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qadesk.accounts.models import Agent
from qadesk.accounts.services import api_token_create
from qadesk.core.lists import group_slices
from qadesk.interactions.selectors import ROW_COLUMNS, interaction_list, interaction_page_rows
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def test_group_slices_find_the_groups_a_page_falls_in() -> None:
    counts = [("a", 3), ("b", 0), ("c", 5), ("d", 2)]
    assert group_slices(counts, offset=0, limit=2) == [("a", 0, 2)]
    assert group_slices(counts, offset=2, limit=4) == [("a", 2, 3), ("c", 0, 3)]
    assert group_slices(counts, offset=3, limit=50) == [("c", 0, 5), ("d", 0, 2)]
    assert group_slices(counts, offset=10, limit=5) == []  # past the end
    assert group_slices(counts, offset=8, limit=1) == [("d", 0, 1)]
    assert group_slices([], offset=0, limit=5) == []


@pytest.fixture
def spread(db):
    """Three teams (one with a name that sorts first in lower case) and agents with and without display names, a
    contact with no team and one with no agent."""
    teams = [f.make_team("Zeta"), f.make_team("alpha"), f.make_team("Beta")]
    agents = []
    for i, team in enumerate(teams):
        for name in ("bruno", "anna"):
            agent = f.make_agent(f"{name}{i}", team=team)
            if name == "anna" and i == 1:
                Agent.objects.filter(pk=agent.pk).update(display_name="")
            agents.append(agent)
    made = [f.make_interaction(agents[(i * 7) % len(agents)]) for i in range(51)]
    made.append(f.make_interaction(agents[0], team=None))
    lonely = f.make_interaction(agents[1])
    lonely.agent = None
    lonely.save(update_fields=["agent"])
    return made


@pytest.mark.parametrize("sort", ["team", "-team", "agent", "-agent"])
@pytest.mark.parametrize("filters", [{}, {"channel": "email"}, {"channel": "chat"}])
def test_every_page_holds_the_rows_of_the_plain_sort(spread, qa_lead, sort, filters) -> None:
    listed = interaction_list(actor=qa_lead, filters=filters, sort=sort)
    expected = [row["id"] for row in listed.values(*ROW_COLUMNS)]
    for offset, limit in [(0, 5), (3, 7), (10, 10), (20, 50), (24, 5), (40, 5)]:
        rows = interaction_page_rows(listed, sort=sort, columns=ROW_COLUMNS, offset=offset, limit=limit)
        assert [row["id"] for row in rows] == expected[offset : offset + limit], (offset, limit)


def test_the_page_and_the_api_sort_by_team_name_across_pages(spread, qa_lead) -> None:
    client = Client()
    client.force_login(qa_lead)
    plain = [r["id"] for r in interaction_list(actor=qa_lead, sort="-team").values("id")]
    pages = []
    for number in (1, 2, 3):
        response = client.get(reverse("interactions:list"), {"sort": "-team", "size": "25", "page": str(number)})
        pages += [row["id"] for row in response.context["page_obj"].rows]
    assert pages == plain and len(plain) == 53
    _token, key = api_token_create(user=qa_lead, name="test")
    api = (
        Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/interactions", {"sort": "agent", "offset": 4, "limit": 6}).json()
    )
    assert [i["id"] for i in api["items"]] == [r["id"] for r in interaction_list(actor=qa_lead, sort="agent").values("id")][4:10]
