"""Searching message text from the interaction list (page, saved filters, API): full-text search with stemming in each
message's language on PostgreSQL, substrings on SQLite; phrases, exclusions, OR; visibility unchanged."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from qadesk.accounts.models import SavedFilter
from qadesk.interactions.models import Interaction, Message
from qadesk.interactions.search import TermGroup, text_search_config, websearch_terms
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
migration = import_module("qadesk.interactions.migrations.0014_message_text_search")
later = import_module("qadesk.interactions.migrations.0020_message_search_after_import")  # replaces 0014's function


def _install(editor) -> None:
    """Migration 0014 as the migrations leave it: with 0020's trigger function and partial index after it."""
    migration.install(None, editor)
    later.install(None, editor)


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming is PostgreSQL's full-text search")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite fallback")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_ids(client: Client, **params: str) -> set[int]:
    response = client.get(reverse("interactions:list"), params)
    assert response.status_code == 200
    return {row["id"] for row in response.context["page_obj"]}


def api_ids(client: Client, **params: str) -> set[int]:
    response = client.get("/api/v1/interactions", params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return {item["id"] for item in body["items"]}


def found(client: Client, text: str) -> set[int]:
    """The same answer through the page and the API, or the test fails."""
    on_page = page_ids(client, text=text)
    assert api_ids(client, text=text) == on_page
    return on_page


# --- the query's syntax and the language map (pure) ---


def test_the_query_reads_words_phrases_exclusions_and_or() -> None:
    assert websearch_terms('rimborso "ordine  annullato" -spedizione or reso') == [
        TermGroup(("rimborso", "ordine annullato"), ("spedizione",)),
        TermGroup(("reso",), ()),
    ]
    assert websearch_terms('-"non ricevuto" pacco') == [TermGroup(("pacco",), ("non ricevuto",))]
    assert websearch_terms('"unclosed phrase') == [TermGroup(("unclosed phrase",), ())]
    assert websearch_terms('or - "" OR') == []
    assert websearch_terms("   ") == []


def test_languages_map_to_their_text_search_configuration() -> None:
    assert [text_search_config(tag) for tag in ("it", "it-IT", "FR-ca", "en-GB", "de", "pt-BR", "")] == [
        "italian",
        "italian",
        "french",
        "english",
        "simple",
        "simple",
        "simple",
    ]


# --- both databases: what substrings and full-text search agree on ---


def test_words_phrases_exclusions_and_or_through_the_page_and_the_api(qa_lead, agent) -> None:
    late = f.make_interaction(
        agent, language="it", messages=[("customer", "Il mio ordine è in ritardo"), ("agent", "Verifico subito")]
    )
    cancelled = f.make_interaction(
        agent, language="it", messages=[("customer", "Ho ricevuto l'ordine annullato"), ("agent", "Mi scuso")]
    )
    reversed_words = f.make_interaction(agent, language="it", messages=[("customer", "Annullato? L'ordine no")])
    both = f.make_interaction(agent, language="it", messages=[("customer", "Ordine in ritardo e spedizione persa")])
    client = _client(qa_lead)
    assert found(client, "ordine") == {late.pk, cancelled.pk, reversed_words.pk, both.pk}
    assert found(client, "Ordine RITARDO") == {late.pk, both.pk}  # every word, in any case
    assert found(client, '"ordine annullato"') == {cancelled.pk}  # a phrase: those words in that order
    assert found(client, "ordine -spedizione") == {late.pk, cancelled.pk, reversed_words.pk}
    assert found(client, 'ritardo -spedizione or "mi scuso"') == {late.pk, cancelled.pk}
    assert found(client, "subito") == {late.pk}  # the agent's messages too
    assert found(client, "introvabile") == set()


def test_the_api_counts_a_message_search_up_to_the_lists_cap_on_postgresql(qa_lead, agent, monkeypatch) -> None:
    """An exact count of a common word's matches in millions of messages takes seconds: the API counts a `text`
    search as the list page does, up to SEARCH_COUNT_CAP on PostgreSQL, and says when `count` is the cap."""
    from qadesk.interactions import api

    monkeypatch.setattr(api, "SEARCH_COUNT_CAP", 2)
    for _ in range(3):
        f.make_interaction(agent, language="it", messages=[("customer", "Rimborso non arrivato")])
    f.make_interaction(agent, language="it", messages=[("customer", "Tutto bene")])
    client = _client(qa_lead)
    searched = client.get("/api/v1/interactions", {"text": "rimborso", "limit": 1}).json()
    if connection.vendor == "postgresql":
        assert (searched["count"], searched["count_exact"]) == (2, False)
    else:  # SQLite counts exactly: its installs are the small ones (lists.paginate)
        assert (searched["count"], searched["count_exact"]) == (3, True)
    assert len(searched["items"]) == 1
    few = client.get("/api/v1/interactions", {"text": "bene"}).json()
    assert (few["count"], few["count_exact"], len(few["items"])) == (1, True, 1)
    everything = client.get("/api/v1/interactions", {"limit": 1}).json()  # no message search: always exact
    assert (everything["count"], everything["count_exact"]) == (4, True)


def test_one_message_must_match_the_whole_query(qa_lead, agent) -> None:
    """Words split over two messages do not match: a hit is one message the reviewer can find in the transcript."""
    split = f.make_interaction(agent, language="en", messages=[("customer", "My parcel is late"), ("agent", "Refund issued")])
    together = f.make_interaction(agent, language="en", messages=[("customer", "Late parcel: I want a refund")])
    client = _client(qa_lead)
    assert found(client, "parcel refund") == {together.pk}
    assert found(client, "parcel -refund") == {split.pk}


def test_the_message_search_combines_with_the_other_filters(qa_lead, agent) -> None:
    chat = f.make_interaction(agent, channel="chat", subject="Consegna", messages=[("customer", "Dov'è il pacco?")])
    f.make_interaction(agent, channel="email", subject="Consegna", messages=[("customer", "Dov'è il pacco?")])
    f.make_interaction(agent, channel="chat", subject="Fattura", messages=[("customer", "Dov'è il pacco?")])
    client = _client(qa_lead)
    assert page_ids(client, text="pacco", channel="chat", q="consegna") == {chat.pk}
    assert api_ids(client, text="pacco", channel="chat", q="consegna") == {chat.pk}


def test_an_agent_finds_only_their_own_contacts_and_a_team_lead_their_teams(
    agent_user, agent, other_team_agent, team_lead
) -> None:
    mine = f.make_interaction(agent, messages=[("customer", "Refund please")])
    theirs = f.make_interaction(other_team_agent, messages=[("customer", "Refund please")])
    teammate = f.make_interaction(f.make_agent("b.verdi", agent.team), messages=[("customer", "Refund please")])
    assert found(_client(agent_user), "refund") == {mine.pk}
    assert found(_client(team_lead), "refund") == {mine.pk, teammate.pk}
    assert theirs.pk not in found(_client(team_lead), "refund")


def test_the_page_shows_the_field_and_keeps_what_was_typed(qa_lead, agent) -> None:
    f.make_interaction(agent, external_id="HIT-1", messages=[("customer", "Voglio il rimborso")])
    f.make_interaction(agent, external_id="MISS-1", messages=[("customer", "Grazie")])
    page = _client(qa_lead).get(reverse("interactions:list"), {"text": '"il rimborso" -xyz'}).content.decode()
    assert 'name="text"' in page and 'value="&quot;il rimborso&quot; -xyz"' in page
    assert 'aria-describedby="text-help"' in page and 'id="text-help"' in page
    assert "HIT-1" in page and "MISS-1" not in page


def test_the_message_search_is_saved_with_the_other_filters(qa_lead, agent) -> None:
    hit = f.make_interaction(agent, channel="chat", messages=[("customer", "Il rimborso non è arrivato")])
    f.make_interaction(agent, channel="chat", messages=[("customer", "Tutto bene")])
    client = _client(qa_lead)
    response = client.post(
        reverse("accounts:filter_save", args=["interactions"]),
        {"saved_name": "Rimborsi in chat", "query": "", "channel": "chat", "text": "rimborso -arrivato or rimborso", "q": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    saved = SavedFilter.objects.get(name="Rimborsi in chat")
    assert saved.query == "channel=chat&text=rimborso+-arrivato+or+rimborso"
    assert response["HX-Redirect"] == reverse("interactions:list") + "?" + saved.query
    response = client.get(reverse("interactions:list") + "?" + saved.query)  # the saved filter's link
    assert {row["id"] for row in response.context["page_obj"]} == {hit.pk}
    page = client.get(reverse("interactions:list")).content.decode()
    assert f'href="{reverse("interactions:list")}?{saved.query.replace("&", "&amp;")}"' in page


def test_the_api_refuses_an_overlong_query(qa_lead) -> None:
    assert _client(qa_lead).get("/api/v1/interactions", {"text": "x" * 201}).status_code == 422


# --- PostgreSQL: stemming in each message's language ---


@postgresql_only
def test_italian_french_and_english_words_find_their_other_forms(qa_lead, agent) -> None:
    italian = f.make_interaction(agent, language="it", messages=[("customer", "Quando arriva il rimborso?")])
    french = f.make_interaction(agent, language="fr-FR", messages=[("customer", "J'attends le remboursement de ma commande")])
    english = f.make_interaction(agent, language="en", messages=[("agent", "Your order was refunded yesterday")])
    client = _client(qa_lead)
    assert found(client, "rimborsi") == {italian.pk}
    assert found(client, "remboursements") == {french.pk}
    assert found(client, "commandes") == {french.pk}
    assert found(client, "refunds") == {english.pk}
    assert found(client, "rimborsi -arriva") == set()  # "arriva" stems like "arriverà": excluded


@postgresql_only
def test_a_message_in_another_language_than_its_interaction_is_searched_in_its_own(qa_lead, agent) -> None:
    interaction = f.make_interaction(agent, language="it", messages=[("customer", "Buongiorno")])
    Message.objects.create(interaction=interaction, position=5, author_role="customer", body="I want my refunds", language="en")
    client = _client(qa_lead)
    assert found(client, "refund") == {interaction.pk}
    assert found(client, "buongiorno") == {interaction.pk}


@postgresql_only
def test_an_exclusion_is_read_in_the_messages_language_only(qa_lead, agent) -> None:
    """English stems "cancelled" to "cancel"; read word for word ("simple") the exclusion would miss it and let the
    message through. Each configuration's query is compared only with its own messages."""
    f.make_interaction(agent, language="en", messages=[("customer", "Refund cancelled")])
    german = f.make_interaction(agent, language="de", messages=[("customer", "Refund storniert")])
    client = _client(qa_lead)
    assert found(client, "refund -cancelled") == {german.pk}


@postgresql_only
def test_changing_an_interactions_language_remakes_its_messages_vectors(qa_lead, agent) -> None:
    interaction = f.make_interaction(agent, language="en", messages=[("customer", "Dove sono i rimborsi?")])
    client = _client(qa_lead)
    assert found(client, "rimborso") == set()  # English does not stem Italian plurals
    Interaction.objects.filter(pk=interaction.pk).update(language="it")
    assert found(client, "rimborso") == {interaction.pk}
    Message.objects.filter(interaction=interaction).update(body="Il pacco")
    assert found(client, "rimborso") == set() and found(client, "pacchi") == {interaction.pk}


@postgresql_only
def test_html_markup_is_not_searched(qa_lead, agent) -> None:
    interaction = f.make_interaction(agent, language="en", messages=[("customer", '<p class="strong">Where is my parcel?</p>')])
    client = _client(qa_lead)
    assert found(client, "parcel") == {interaction.pk}
    assert found(client, "strong") == set()


# --- SQLite: the documented fallback ---


@sqlite_only
def test_sqlite_compares_substrings_without_stemming(qa_lead, agent) -> None:
    interaction = f.make_interaction(agent, language="it", messages=[("customer", "Quando arriva il RIMBORSO?")])
    client = _client(qa_lead)
    assert found(client, "rimbors") == {interaction.pk}  # a part of a word
    assert found(client, "rimborsi") == set()  # no stemming


# --- the migration ---


def test_the_search_columns_trigger_and_index_exist_on_postgresql_only() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'interactions_message'"
                " AND column_name IN ('search_config', 'search_vector')"
            )
            assert cursor.fetchone()[0] == 2
            cursor.execute(
                "SELECT i.indisvalid, am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                " JOIN pg_am am ON am.oid = c.relam WHERE c.relname = %s",
                [migration.INDEX],
            )
            assert cursor.fetchone() == (True, "gin")
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'interactions_%%search%%'")
            assert cursor.fetchone()[0] == 2
        else:
            columns = [column.name for column in connection.introspection.get_table_description(cursor, "interactions_message")]
            assert "search_vector" not in columns and "search_config" not in columns
    assert migration.Migration.atomic is False


def test_assign_all_matching_takes_the_message_search_into_account(qa_lead, reviewer, agent) -> None:
    from qadesk.reviews.models import ReviewAssignment

    refunds = [f.make_interaction(agent, messages=[("customer", f"Refund number {n}, please")]) for n in range(2)]
    f.make_interaction(agent, messages=[("customer", "Where is my parcel?")])
    client = _client(qa_lead)
    page = client.get(reverse("interactions:list"), {"text": "refund"}).content.decode()
    assert "all 2 matching" in page
    payload = {"reviewer": reviewer.pk, "next": reverse("interactions:list"), "mode": "all", "filters": "text=refund"}
    response = client.post(reverse("reviews:assign"), payload, follow=True)
    assert "2 interactions assigned to" in response.content.decode()
    assert set(ReviewAssignment.objects.values_list("interaction_id", flat=True)) == {i.pk for i in refunds}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_existing_messages_and_can_run_again_or_be_reversed(qa_lead, agent) -> None:
    """Messages written before the migration get their vectors from its fill; an interrupted run can be run again
    (an index left invalid is rebuilt); reversing removes everything and installing again restores it."""
    from django.db import connection as conn

    interaction = f.make_interaction(agent, language="it", messages=[("customer", "Aspetto il rimborso")])
    try:
        with conn.schema_editor(atomic=False) as editor:
            migration.remove(None, editor)
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'interactions_%%search%%'")
            assert cursor.fetchone()[0] == 0
        Message.objects.create(interaction=interaction, position=7, author_role="agent", body="Rimborsi inviati")
    finally:
        with conn.schema_editor(atomic=False) as editor:
            _install(editor)
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM interactions_message WHERE search_vector IS NULL")
        assert cursor.fetchone()[0] == 0
        cursor.execute("UPDATE pg_index SET indisvalid = false WHERE indexrelid = %s::regclass", [migration.INDEX])
    with conn.schema_editor(atomic=False) as editor:
        _install(editor)
    with conn.cursor() as cursor:
        cursor.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = %s::regclass", [migration.INDEX])
        assert cursor.fetchone()[0] is True
    client = _client(qa_lead)
    assert found(client, "rimborso") == {interaction.pk}
    assert found(client, "inviato") == {interaction.pk}  # written while the trigger was away: filled by the migration
