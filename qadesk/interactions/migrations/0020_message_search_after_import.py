"""Imported messages are indexed for text search after the import's commit, by a background job (issue 12;
benchmarks/README.md, "Message search indexed after the import"). PostgreSQL only; on SQLite this does nothing.

- The message trigger (migration 0014) leaves `search_vector` NULL on an INSERT that brings its own `search_config`
  while the transaction-local setting `qadesk.message_search_later` is 'on': the import's COPY sets both (the message's
  tag, else its interaction's language: the same map) and the job `interactions.tasks.message_search_index` fills the
  vectors afterwards, batch by batch. Every other write (the ORM, SQL, a re-import's changed transcripts, the
  interaction-language trigger) still fills the vector at once, as before.
- Until a message has its vector the search reads its body as it goes (interactions/selectors.py): the partial index
  `message_search_pending` (ids of the messages without a vector; empty when nothing waits) finds them for the search
  and for the job. Built with CREATE INDEX CONCURRENTLY (writes go on meanwhile); an index left invalid by an
  interrupted build is dropped and built again when the migration runs again.
"""

from importlib import import_module

from django.db import migrations

SETTING = "qadesk.message_search_later"

MESSAGE_TRIGGER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION interactions_message_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.search_config IS NOT NULL AND current_setting('{SETTING}', true) = 'on' THEN
        NEW.search_vector := NULL;  -- indexed after the commit (interactions.tasks.message_search_index)
        RETURN NEW;
    END IF;
    IF NEW.language <> '' THEN
        NEW.search_config := interactions_search_config(NEW.language);
    ELSE
        NEW.search_config := interactions_search_config(
            (SELECT language FROM interactions_interaction WHERE id = NEW.interaction_id));
    END IF;
    NEW.search_vector := to_tsvector(NEW.search_config, NEW.body);
    RETURN NEW;
END
$$
"""

# Migration 0014's function, put back by the reverse.
PREVIOUS_TRIGGER_FUNCTION = import_module("qadesk.interactions.migrations.0014_message_text_search").MESSAGE_TRIGGER_FUNCTION

INDEX = "message_search_pending"


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(MESSAGE_TRIGGER_FUNCTION)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = %s", [INDEX]
        )
        found = cursor.fetchone()
        if found is not None and not found[0]:  # left invalid by an interrupted concurrent build
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        cursor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON interactions_message (id) WHERE search_vector IS NULL"
        )


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:  # what waits for the job is indexed now: the old trigger would not
        cursor.execute(
            "UPDATE interactions_message SET search_vector = to_tsvector(search_config, body)"
            " WHERE search_vector IS NULL AND search_config IS NOT NULL"
        )
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(PREVIOUS_TRIGGER_FUNCTION)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [("interactions", "0019_created_id_index_postgresql")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
