"""Imported messages are indexed for text search after the import's commit (PostgreSQL, migration 0020): the import
writes each message's configuration and no vector, a job fills the vectors batch by batch (queued after the commit,
and every few minutes), and the search finds the messages meanwhile. Other writers index at once, as before. On
SQLite the search compares substrings and nothing waits."""

from __future__ import annotations

import threading
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from qadesk.core.schedule import _registry
from qadesk.imports.services import interactions_import_file
from qadesk.imports.tests.helpers import record, write_jsonl
from qadesk.interactions.models import Interaction, Message
from qadesk.interactions.services import messages_search_index
from qadesk.interactions.tasks import message_search_index

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search vectors are PostgreSQL's")
later = import_module("qadesk.interactions.migrations.0020_message_search_after_import")

ITALIAN = record(1, language="it")  # "Il mio ordine è arrivato rotto." / "Mi dispiace, la rimborso subito."
FRENCH = record(
    2,
    language="fr",
    messages=[
        {"author": "customer", "body": "J'attends le remboursement de ma commande"},
        {"author": "agent", "agent": "a.rossi", "body": "Your parcels were refunded", "language": "en-GB"},
    ],
)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def found(client: Client, text: str) -> set[str]:
    """External ids of the interactions whose messages match `text`: the same through the page and the API."""
    page = client.get(reverse("interactions:list"), {"text": text})
    assert page.status_code == 200
    on_page = {row["id"] for row in page.context["page_obj"]}
    api = client.get("/api/v1/interactions", {"text": text})
    assert api.status_code == 200, api.content
    assert {item["id"] for item in api.json()["items"]} == on_page
    return set(Interaction.objects.filter(pk__in=on_page).values_list("external_id", flat=True))


def _import(tmp_path: Path, *records: dict[str, Any]) -> None:
    call_command("qimport", "interactions", str(write_jsonl(tmp_path / "rows.jsonl", list(records))))


def pending() -> int:
    """Messages without a vector (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM interactions_message WHERE search_vector IS NULL")
        return int(cursor.fetchone()[0])


def vectors_as_the_trigger_makes_them() -> bool:
    """Every message's configuration is its tag's, else its interaction's language's, and its vector is the body's in
    it: what the trigger of migration 0014 writes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM interactions_message m JOIN interactions_interaction i ON i.id = m.interaction_id"
            " WHERE m.search_config IS DISTINCT FROM interactions_search_config(coalesce(nullif(m.language, ''), i.language))"
            " OR m.search_vector IS DISTINCT FROM to_tsvector(m.search_config, m.body)"
        )
        return cursor.fetchone()[0] == 0


def test_imported_messages_are_found_before_and_after_the_job_through_the_cli_page_and_api(tmp_path, qa_lead) -> None:
    _import(tmp_path, ITALIAN, FRENCH)  # in the test's transaction: the job queued for after the commit does not run
    client = _client(qa_lead)
    if connection.vendor == "postgresql":
        assert pending() == 4
        assert found(client, "rimborsi") == {"T-1001"}  # stemmed in Italian, read from the body as it goes
        assert found(client, "remboursements") == {"T-1002"}
        assert found(client, "refund") == {"T-1002"}  # the message's own language (English), not its interaction's
        assert found(client, "rimborsi -subito") == set()  # one message must match the whole query
        assert messages_search_index() == 4
        assert pending() == 0 and vectors_as_the_trigger_makes_them()
        assert messages_search_index() == 0
    assert found(client, "rimborso") == {"T-1001"}
    assert found(client, "remboursement") == found(client, "refunded") == {"T-1002"}


def test_the_job_is_queued_after_the_commit_and_indexes_them(tmp_path, settings, django_capture_on_commit_callbacks) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _import(tmp_path, ITALIAN, FRENCH)
    assert Message.objects.count() == 4
    queued = [c for c in callbacks if c.__qualname__.startswith("messages_search_index_after_commit")]
    assert len(queued) == (1 if connection.vendor == "postgresql" else 0)
    if connection.vendor == "postgresql":
        assert pending() == 0 and vectors_as_the_trigger_makes_them()


@postgresql_only
def test_an_import_that_writes_nothing_queues_nothing(tmp_path, django_capture_on_commit_callbacks) -> None:
    bad = record(3, channel="fax")
    with django_capture_on_commit_callbacks() as callbacks:
        report = interactions_import_file(path_or_stream=write_jsonl(tmp_path / "bad.jsonl", [ITALIAN, bad]))
    assert not report.committed and callbacks == [] and not Message.objects.exists()


@postgresql_only
def test_a_reimport_an_orm_message_sql_and_a_language_change_are_indexed_at_once(tmp_path, agent) -> None:
    _import(tmp_path, ITALIAN)
    assert pending() == 2
    # The setting is the import's only: once it ended, an insert that names its configuration is indexed at once.
    interaction = Interaction.objects.get(external_id="T-1001")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [later.SETTING])
        assert cursor.fetchone()[0] in (None, "", "off")
        cursor.execute(
            "INSERT INTO interactions_message (interaction_id, position, author_role, body, is_public, language, body_format,"
            " event_name, translation, translation_language, search_config)"
            " VALUES (%s, 9, 'customer', 'Dove sono i pacchi?', true, '', 'text', '', '', '', 'simple')",
            [interaction.pk],
        )
    Message.objects.create(interaction=interaction, position=10, author_role="customer", body="Ancora niente rimborsi")
    assert pending() == 2  # the two imported ones only
    # A re-import that changes the transcript writes its messages at once (indexed by the trigger).
    changed = record(1, language="it", messages=[*ITALIAN["messages"], {"author": "customer", "body": "Grazie, ricevuto"}])
    _import(tmp_path, changed)
    assert pending() == 2
    assert Message.objects.filter(interaction=interaction, body="Grazie, ricevuto").exists()
    # A language change makes the vectors of its messages without a tag, those waiting for the job too.
    Interaction.objects.filter(pk=interaction.pk).update(language="fr")
    assert pending() == 0 and vectors_as_the_trigger_makes_them()


@postgresql_only
def test_an_insert_in_an_import_like_transaction_without_a_configuration_is_indexed_at_once(tmp_path) -> None:
    """The trigger leaves a vector for later only when the writer names the configuration."""
    from qadesk.interactions.search import message_search_later

    _import(tmp_path, ITALIAN)
    interaction = Interaction.objects.get()
    with message_search_later(connection):
        Message.objects.create(interaction=interaction, position=5, author_role="customer", body="Rimborsi")
    assert pending() == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [later.SETTING])
        assert cursor.fetchone()[0] in (None, "", "off")


@postgresql_only
def test_the_job_works_in_batches_each_its_own_transaction(tmp_path) -> None:
    _import(tmp_path, ITALIAN, FRENCH, record(3, language="en"))
    assert pending() == 6
    with connection.cursor() as cursor:  # none is written so; if one ever is, its languages give its configuration
        cursor.execute(
            "UPDATE interactions_message SET search_config = NULL"
            " WHERE interaction_id = (SELECT id FROM interactions_interaction WHERE external_id = 'T-1002')"
        )
    assert messages_search_index(batch_size=4) == 6
    assert pending() == 0 and vectors_as_the_trigger_makes_them()


@postgresql_only
def test_the_periodic_sweep_indexes_what_no_job_did(tmp_path) -> None:
    registered = _registry[message_search_index.module_path]
    assert registered.every.total_seconds() <= 600
    _import(tmp_path, ITALIAN, FRENCH)
    assert message_search_index.call() == 4
    assert pending() == 0 and message_search_index.call() == 0


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_jobs_at_once_skip_what_the_other_holds_and_index_each_message_once(tmp_path) -> None:
    _import(tmp_path, *(record(n, language=("it", "fr", "en", "de")[n % 4]) for n in range(1, 41)))  # committed: 80
    assert pending() == 80
    # A job that holds a batch (its transaction still open): another one skips it, does the rest and does not wait.
    held: list[int] = []
    locked, release, done = threading.Event(), threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT id FROM interactions_message WHERE search_vector IS NULL ORDER BY id LIMIT 10 FOR UPDATE")
                held.extend(row[0] for row in cursor.fetchall())
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()
            done.set()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(30)
    try:
        assert messages_search_index(batch_size=7) == 70
    finally:
        release.set()
        holder.join(30)
    assert pending() == 10 and set(Message.objects.filter(pk__in=held).values_list("pk", flat=True)) == set(held)
    # Two runs at once, racing: between them every message once.
    _import(tmp_path, *(record(n, language="it") for n in range(100, 160)))
    assert pending() == 130
    counts: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait(10)
            counts.append(messages_search_index(batch_size=3))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    runners = [threading.Thread(target=run) for _ in range(2)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(60)
    assert errors == [] and sum(counts) == 130
    assert pending() == 0 and vectors_as_the_trigger_makes_them()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_large_run_vacuums_the_messages_it_wrote_twice(tmp_path, monkeypatch) -> None:
    """Past SEARCH_ANALYZE_AFTER indexed messages the job vacuums the table: the versions the COPY wrote are cleared at
    once, not left (with their entries in the partial index of waiting ids) until autovacuum, which may be off."""
    from qadesk.interactions import services

    def vacuumed() -> Any:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'interactions_message'")
            return cursor.fetchone()[0]

    _import(tmp_path, ITALIAN, FRENCH)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM interactions_message")
    before = vacuumed()
    assert before is not None
    monkeypatch.setattr(services, "SEARCH_ANALYZE_AFTER", 5)
    assert messages_search_index() == 4 and vacuumed() == before  # below the threshold: left to autovacuum
    _import(tmp_path, record(3, language="en"), record(4, language="it"), record(5, language="fr"))
    assert messages_search_index() == 6
    assert vacuumed() > before and pending() == 0


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_migration_can_be_reversed_with_messages_waiting_and_run_again(tmp_path) -> None:
    _import(tmp_path, ITALIAN, FRENCH)  # committed: the job (database backend, no worker here) has not run
    assert pending() == 4
    try:
        with connection.schema_editor(atomic=False) as editor:
            later.remove(None, editor)
        assert pending() == 0 and vectors_as_the_trigger_makes_them()  # indexed by the reverse: nothing is lost
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_class WHERE relname = %s", [later.INDEX])
            assert cursor.fetchone()[0] == 0
    finally:
        with connection.schema_editor(atomic=False) as editor:
            later.install(None, editor)
    with connection.cursor() as cursor:  # an index left invalid is built again
        cursor.execute("UPDATE pg_index SET indisvalid = false WHERE indexrelid = %s::regclass", [later.INDEX])
    with connection.schema_editor(atomic=False) as editor:
        later.install(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = %s::regclass", [later.INDEX])
        assert cursor.fetchone()[0] is True
    _import(tmp_path, record(5, language="it"))
    assert pending() == 2
