"""The list pages' faster shapes at 1,000,000 interactions (issue 13, docs/lists.md; benchmarks/README.md, "List pages
at 1,000,000 again") give the rows the plain queries give: a page's ids read first, then its rows; a message search
walked contact by contact; its count capped at SEARCH_COUNT_CAP; the review list's score and date sorts read from
their indexes (PostgreSQL), drafts last either way."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qadesk.accounts.services import api_token_create
from qadesk.core.lists import SEARCH_COUNT_CAP
from qadesk.interactions import selectors
from qadesk.interactions.models import Interaction, Message
from qadesk.interactions.selectors import interaction_list, message_text_match
from qadesk.reviews.models import Review
from qadesk.reviews.services import assignments_create, review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import perfect_ratings
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db

TOPICS = [
    "Vorrei un rimborso per l'ordine annullato",
    "Il pacco è in ritardo",
    "L'ordine annullato non era mio, rimborso negato",
    "Grazie mille",
]


def bearer(user) -> Client:
    _token, key = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def submitted(reviewer, interaction, version) -> Review:
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(version), comment="ok")
    return review_submit(review=review, actor=reviewer)


@pytest.fixture
def spread(qa_lead, reviewer, agent, default_scorecard):
    """37 Italian contacts over 37 hours (some at the same minute, so the id breaks ties), with 1–4 messages on four
    topics; every 4th reviewed, every 5th in a queue."""
    now = timezone.now().replace(second=0, microsecond=0)
    made = []
    for i in range(37):
        messages = [("customer" if p % 2 == 0 else "agent", TOPICS[(i + p) % 4]) for p in range(1 + i % 4)]
        made.append(
            f.make_interaction(
                agent,
                language="it",
                created_at=now - timedelta(hours=i // 2),
                external_id=f"S-{(i * 7) % 37:03d}",
                messages=messages,
            )
        )
    for i, interaction in enumerate(made):
        if i % 4 == 0:
            submitted(reviewer, interaction, default_scorecard)
    assignments_create(interactions=[m for i, m in enumerate(made) if i % 5 == 1], reviewer=reviewer, actor=qa_lead)
    return made


def expected(actor, filters: dict, sort: str) -> list[int]:
    """The list's ids in order by the plain query: the message search as a join of the matching messages."""
    plain = {k: v for k, v in filters.items() if k != "text"}
    listed = interaction_list(actor=actor, filters=plain, sort=sort)
    if "text" in filters:
        matching = Message.objects.filter(message_text_match(filters["text"])).values("interaction_id")
        listed = listed.filter(pk__in=matching)
    return list(listed.values_list("pk", flat=True))


FILTERS = [
    {},
    {"reviewed": "yes"},
    {"assigned": "yes"},
    {"text": "rimborso"},
    {"text": '"ordine annullato"'},
    {"text": "rimborso -negato"},
    {"text": "grazie", "reviewed": "no"},
]


SORTS = ["-created", "created", "-messages", "external_id"]


@pytest.mark.parametrize("filters", FILTERS)
def test_every_page_and_the_api_hold_the_rows_of_the_plain_query(spread, client, qa_lead, monkeypatch, filters) -> None:
    """Each sort, with the page's ids read as a list and (ID_LIST_MAX 0: no search is rare) every search walked; the
    sorts and list sizes share one data set per filter (building it is most of the test's time)."""
    as_api = {"yes": "true", "no": "false"}
    client.force_login(qa_lead)
    api = bearer(qa_lead)
    params = {k: as_api.get(v, v) for k, v in filters.items()}
    for id_list_max in (selectors.ID_LIST_MAX, 0):
        monkeypatch.setattr(selectors, "ID_LIST_MAX", id_list_max)
        for sort in SORTS:
            case = (sort, id_list_max)
            want = expected(qa_lead, {k: {"yes": True, "no": False}.get(v, v) for k, v in filters.items()}, sort)
            assert want, case  # every case finds something
            pages = []
            for number in (1, 2, 3):
                response = client.get(reverse("interactions:list"), {**filters, "sort": sort, "size": "25", "page": str(number)})
                assert response.status_code == 200, case
                if response.context["page_obj"].number == number:
                    pages += response.context["page_obj"].ids
            assert pages == want, case
            got = api.get("/api/v1/interactions", {**params, "sort": sort, "offset": 3, "limit": 7}).json()["items"]
            assert [i["id"] for i in got] == want[3:10], case


def test_a_message_search_counts_up_to_its_cap_on_the_page_and_in_the_api(spread, client, qa_lead, monkeypatch) -> None:
    """Past SEARCH_COUNT_CAP matches the page says "more than" the cap and pages on without a last page; other filters
    count as before (COUNT_CAP). SQLite counts exactly."""
    from qadesk.interactions import api, views

    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 5)
    monkeypatch.setattr(api, "SEARCH_COUNT_CAP", 5)
    matching = len(expected(qa_lead, {"text": "rimborso"}, "-created"))
    assert matching > 10
    client.force_login(qa_lead)
    url = reverse("interactions:list")
    page = client.get(url, {"text": "rimborso", "size": "25"})
    body = client.get(url, {"text": "rimborso", "size": "25", "page": "2"}).content.decode()
    searched = bearer(qa_lead).get("/api/v1/interactions", {"text": "rimborso", "limit": 3}).json()
    if connection.vendor == "postgresql":
        assert (page.context["page_obj"].count, page.context["page_obj"].count_exact) == (5, False)
        assert "of more than 5" in body
        assert (searched["count"], searched["count_exact"]) == (5, False)
    else:
        assert (page.context["page_obj"].count, page.context["page_obj"].count_exact) == (matching, True)
        assert (searched["count"], searched["count_exact"]) == (matching, True)
    assert len(searched["items"]) == 3
    plain = client.get(url, {"reviewed": "no"}).context["page_obj"]
    assert (plain.count, plain.count_exact) == (len(expected(qa_lead, {"reviewed": False}, "-created")), True)
    assert SEARCH_COUNT_CAP == 1000


def test_a_rare_word_is_still_read_as_a_list_of_ids_and_counted_exactly(spread, client, qa_lead, agent) -> None:
    rare = f.make_interaction(agent, language="it", messages=[("customer", "Una zanzara nel pacco")])
    client.force_login(qa_lead)
    page = client.get(reverse("interactions:list"), {"text": "zanzara"}).context["page_obj"]
    assert (page.ids, page.count, page.count_exact) == ([rare.pk], 1, True)


def test_a_search_sorted_by_a_name_or_filtered_by_an_agent_keeps_its_rows(spread, client, qa_lead, agent) -> None:
    """Sorts that are not walked (a name) and id lists (one agent) take the join form: the same rows."""
    client.force_login(qa_lead)
    url = reverse("interactions:list")
    for params in ({"text": "rimborso", "sort": "-team"}, {"text": "rimborso", "agent": str(agent.pk)}):
        ids = client.get(url, {**params, "size": "100"}).context["page_obj"].ids
        filters = {**params, "agent": agent.pk} if "agent" in params else params
        sort = filters.pop("sort", "-created")
        assert ids == expected(qa_lead, filters, sort)


def test_deleted_rows_between_the_ids_and_the_rows_leave_the_page_short_not_broken(spread, qa_lead, monkeypatch) -> None:
    listed = interaction_list(actor=qa_lead, sort="-created")
    first = list(listed.values_list("pk", flat=True)[:5])
    real = selectors._id_in

    def vanish(ids):  # a contact deleted after the page's ids were read
        Interaction.objects.filter(pk=first[2]).delete()
        return real(ids)

    if connection.vendor == "postgresql":
        monkeypatch.setattr(selectors, "_id_in", vanish)
    rows = selectors.interaction_page_rows(listed, sort="-created", columns=("id", "external_id"), offset=0, limit=5)
    want = [pk for pk in first if connection.vendor != "postgresql" or pk != first[2]]
    assert [row["id"] for row in rows] == want


def test_reviews_sort_by_date_with_drafts_last_both_ways_through_the_page(client, qa_lead, reviewer, agent, default_scorecard):
    reviews = [submitted(reviewer, f.make_interaction(agent), default_scorecard) for _ in range(4)]
    now = timezone.now()
    for i, review in enumerate(reviews):  # two on the same minute: created_at, then the id decide
        Review.objects.filter(pk=review.pk).update(
            submitted_at=now - timedelta(minutes=[5, 1, 1, 9][i]), created_at=now - timedelta(minutes=[8, 3, 2, 9][i] + 10)
        )
    Review.objects.filter(pk=reviews[3].pk).update(score=None)
    draft = review_create(interaction=f.make_interaction(agent), actor=reviewer)
    client.force_login(qa_lead)
    url = reverse("reviews:list")
    oldest_first = [reviews[3].pk, reviews[0].pk, reviews[1].pk, reviews[2].pk, draft.pk]
    assert client.get(url, {"sort": "date"}).context["page_obj"].ids == oldest_first
    assert client.get(url, {"sort": "-date"}).context["page_obj"].ids == [*oldest_first[3::-1], draft.pk]
    # No score: last both ways, the id deciding between them in the sort's direction.
    assert client.get(url, {"sort": "-score"}).context["page_obj"].ids[-2:] == [draft.pk, reviews[3].pk]
    assert client.get(url, {"sort": "score"}).context["page_obj"].ids[-2:] == [reviews[3].pk, draft.pk]


def test_the_sort_indexes_exist_on_postgresql_only() -> None:
    reviews_migration = import_module("qadesk.reviews.migrations.0007_list_sort_indexes_postgresql")
    names = [*reviews_migration.INDEXES, "interaction_created_id"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [names])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        found = {row[0] for row in cursor.fetchall()} & set(names)
    assert found == (set(names) if connection.vendor == "postgresql" else set())


@pytest.mark.parametrize("probed", [1, 2, selectors.GROUPS_PROBED])
@pytest.mark.parametrize("sort", ["team", "-team", "agent", "-agent"])
def test_name_sorts_read_group_by_group_or_counted_at_once_give_the_plain_sorts_rows(qa_lead, monkeypatch, probed, sort) -> None:
    """Groups taken one by one, each counted as far as the page needs, or (past GROUPS_PROBED groups) all counted by one
    GROUP BY: the same rows as the plain sort, pages spanning groups, a filter that empties some, no team last."""
    monkeypatch.setattr(selectors, "GROUPS_PROBED", probed)
    teams = [f.make_team("Zeta"), f.make_team("alpha"), f.make_team("Beta"), f.make_team("Empty")]
    agents = [f.make_agent(f"{name}{i}", team=team) for i, team in enumerate(teams[:3]) for name in ("bruno", "anna")]
    for i in range(40):
        f.make_interaction(agents[(i * 5) % len(agents)], channel="chat" if i % 3 else "email")
    f.make_interaction(agents[0], team=None)
    for filters in ({}, {"channel": "email"}):
        listed = interaction_list(actor=qa_lead, filters=filters, sort=sort)
        want = list(listed.values_list("pk", flat=True))
        for offset, limit in [(0, 5), (3, 9), (12, 25), (36, 10), (60, 5)]:
            rows = selectors.interaction_page_rows(listed, sort=sort, columns=("id",), offset=offset, limit=limit)
            assert [row["id"] for row in rows] == want[offset : offset + limit], (filters, offset, limit)


def test_assign_all_matching_a_message_search_reads_every_match_as_a_join_not_a_walk(
    spread, client, qa_lead, reviewer, monkeypatch
):
    """ "Assign all N matching" counts and reads every match: walked contact by contact that would test every contact's
    messages (the whole list); it keeps the join. The page itself walks (PostgreSQL)."""
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(selectors, "ID_LIST_MAX", 0)  # no search is rare: a common word's shapes

    want = set(expected(qa_lead, {"text": "rimborso", "assigned": False}, "-created"))
    client.force_login(qa_lead)
    with CaptureQueriesContext(connection) as page:
        client.get(reverse("interactions:list"), {"text": "rimborso"})
    payload = {"reviewer": reviewer.pk, "next": reverse("interactions:list"), "mode": "all", "filters": "text=rimborso"}
    with CaptureQueriesContext(connection) as assigning:
        response = client.post(reverse("reviews:assign"), payload, follow=True)
    assert f"{len(want)} interactions assigned to" in response.content.decode()
    walked = [q["sql"] for q in assigning.captured_queries if "OFFSET 0" in q["sql"]]
    assert walked == []
    assert any("OFFSET 0" in q["sql"] for q in page.captured_queries) == (connection.vendor == "postgresql")
