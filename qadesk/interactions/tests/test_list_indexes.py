"""The interaction list's speed at 1,000,000 rows (migration 0009, benchmarks/README.md) changes no answer: the text
search through its indexed form, the languages menu read from the index, and the indexes present on PostgreSQL only."""

from __future__ import annotations

import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from qadesk.interactions import selectors
from qadesk.interactions.models import Customer, InteractionAgent
from qadesk.reviews.services import assignments_create
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
migration = import_module("qadesk.interactions.migrations.0011_list_indexes_postgresql")


def ids_on_page(response) -> set[int]:
    assert response.status_code == 200
    return {row["id"] for row in response.context["page_obj"]}


@pytest.mark.parametrize("customers_listed", [selectors.CUSTOMERS_LISTED, 1])
def test_the_text_search_finds_what_icontains_finds(client, qa_lead, agent, monkeypatch, customers_listed) -> None:
    """Customers named by id (a few match) or joined (more than CUSTOMERS_LISTED match): the same rows either way."""
    monkeypatch.setattr(selectors, "CUSTOMERS_LISTED", customers_listed)
    first, second = Customer.objects.create(external_id="CUST-41"), Customer.objects.create(external_id="cust-42")
    by_customer = f.make_interaction(agent, customer=first, external_id="X-1", subject="Ordine")
    by_other_customer = f.make_interaction(agent, customer=second, external_id="X-2", subject="Ordine")
    by_subject = f.make_interaction(agent, external_id="X-3", subject="Richiesta di RIMBORSO")
    by_agent = f.make_interaction(f.make_agent("zoe.martin"), external_id="X-4", subject="Ordine")
    by_id = f.make_interaction(agent, external_id="ZD-4711", subject="Ordine")
    client.force_login(qa_lead)
    url = reverse("interactions:list")

    def found(text: str) -> set[int]:
        return ids_on_page(client.get(url, {"q": text}))

    assert found("cust-4") == {by_customer.pk, by_other_customer.pk}
    assert found("USt-42") == {by_other_customer.pk}
    assert found("rimborso") == {by_subject.pk}
    assert found("Zoe.Mar") == {by_agent.pk}
    assert found("d-47") == {by_id.pk}
    assert found("x-") == {by_customer.pk, by_other_customer.pk, by_subject.pk, by_agent.pk}
    assert found("nothing like it") == set()


def test_the_languages_menu_lists_the_languages_each_person_may_see(client, qa_lead, team_lead, agent, other_team_agent):
    f.make_interaction(agent, language="it")
    f.make_interaction(other_team_agent, language="fr")
    f.make_interaction(other_team_agent, language="")
    assert [tag for tag, _name in selectors.interaction_languages(actor=qa_lead)] == ["fr", "it"]  # français, italien
    assert [tag for tag, _name in selectors.interaction_languages(actor=team_lead)] == ["it"]
    client.force_login(team_lead)
    response = client.get(reverse("interactions:list"))
    assert [tag for tag, _name in response.context["form"].fields["language"].choices if tag] == ["it"]


def test_the_list_indexes_exist_on_postgresql_and_the_languages_one_on_sqlite_too() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [migration.NAMES])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        present = {row[0] for row in cursor.fetchall()}
    expected = set(migration.NAMES) if connection.vendor == "postgresql" else {"interaction_language"}  # 0017
    assert present & set(migration.NAMES) == expected


def test_the_languages_menu_is_read_from_the_index_on_sqlite_not_from_every_row(qa_lead, agent) -> None:
    """The filter form asks on every list page; a DISTINCT over the table read every interaction (9 ms at 20,000)."""
    for language in ["it", "fr", "en", "it", "de-CH", ""]:
        f.make_interaction(agent, language=language)
    assert sorted(tag for tag, _name in selectors.interaction_languages(actor=qa_lead)) == ["de-CH", "en", "fr", "it"]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + selectors._LANGUAGES_SKIP_SCAN)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "interaction_language" in plan
    assert not re.search(r"SCAN (interactions_interaction|i)\b", plan)  # each step searches the index, none reads it all


@pytest.mark.parametrize("id_list_max", [selectors.ID_LIST_MAX, 1])
def test_an_agents_contacts_and_the_queue_come_newest_first_whether_read_by_id_or_not(
    client, qa_lead, reviewer, agent, other_team_agent, monkeypatch, id_list_max
) -> None:
    """On PostgreSQL a few matching ids are read first and sorted (`_few_ids`); past ID_LIST_MAX, or on SQLite, the
    filter stays a subquery. The page is the same either way."""
    monkeypatch.setattr(selectors, "ID_LIST_MAX", id_list_max)
    now = timezone.now()
    old, new, newest = (f.make_interaction(agent, created_at=now - timedelta(days=d)) for d in (30, 2, 1))
    reassigned = f.make_interaction(other_team_agent, created_at=now - timedelta(days=10))
    InteractionAgent.objects.create(interaction=reassigned, agent=agent, position=1)
    f.make_interaction(other_team_agent, created_at=now)
    assignments_create(interactions=[old, reassigned], reviewer=reviewer, actor=qa_lead)
    client.force_login(qa_lead)
    url = reverse("interactions:list")

    def page(**params) -> list[int]:
        response = client.get(url, params)
        assert response.status_code == 200
        return [row["id"] for row in response.context["page_obj"]]

    assert page(agent=agent.pk) == [newest.pk, new.pk, reassigned.pk, old.pk]
    assert page(agent=agent.pk, sort="created") == [old.pk, reassigned.pk, new.pk, newest.pk]
    assert page(assigned="yes") == [reassigned.pk, old.pk]
    assert page(assigned="yes", agent=other_team_agent.pk) == [reassigned.pk]
