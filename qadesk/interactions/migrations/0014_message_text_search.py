"""Full-text search of message bodies on PostgreSQL (the interaction list's "Message text" filter, docs/lists.md).

PostgreSQL only; on SQLite this migration does nothing (its search compares substrings: interactions/search.py).

- Two columns on `interactions_message`, unknown to Django's models (no page or API reads them, and the ORM would
  otherwise fetch a vector with every transcript): `search_config` (regconfig: the text search configuration of the
  message's language — its own tag, else its interaction's: italian, french, english, else simple) and `search_vector`
  (tsvector of the body in that configuration; HTML tags are not indexed).
- A trigger fills both on every insert and on updates of the body, language or interaction, whoever writes (the
  ORM, the import's COPY, SQL); a second trigger re-makes the vectors of an interaction's messages without a tag of
  their own when the interaction's language changes.
- The existing messages are filled in batches of 20,000 ids, each its own transaction (the migration is not atomic),
  after the trigger is in place, so that messages written meanwhile are covered too.
- The GIN index is built with CREATE INDEX CONCURRENTLY: writes to messages go on while it is built. An index left
  invalid by an interrupted build is dropped and built again when the migration is run again.
"""

from django.db import migrations

BATCH = 20_000

CONFIG_FUNCTION = """
CREATE OR REPLACE FUNCTION interactions_search_config(tag text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE lower(split_part(coalesce(tag, ''), '-', 1))
        WHEN 'it' THEN 'pg_catalog.italian'::regconfig
        WHEN 'fr' THEN 'pg_catalog.french'::regconfig
        WHEN 'en' THEN 'pg_catalog.english'::regconfig
        ELSE 'pg_catalog.simple'::regconfig
    END
$$
"""

MESSAGE_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION interactions_message_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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

INTERACTION_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION interactions_interaction_search_language() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE interactions_message
    SET search_config = interactions_search_config(NEW.language),
        search_vector = to_tsvector(interactions_search_config(NEW.language), body)
    WHERE interaction_id = NEW.id AND language = '';
    RETURN NULL;
END
$$
"""

INSTALL = [
    "ALTER TABLE interactions_message ADD COLUMN IF NOT EXISTS search_config regconfig,"
    " ADD COLUMN IF NOT EXISTS search_vector tsvector",
    CONFIG_FUNCTION,
    MESSAGE_TRIGGER_FUNCTION,
    INTERACTION_TRIGGER_FUNCTION,
    "DROP TRIGGER IF EXISTS interactions_message_search ON interactions_message",
    "CREATE TRIGGER interactions_message_search BEFORE INSERT OR UPDATE OF body, language, interaction_id"
    " ON interactions_message FOR EACH ROW EXECUTE FUNCTION interactions_message_search()",
    "DROP TRIGGER IF EXISTS interactions_interaction_search_language ON interactions_interaction",
    "CREATE TRIGGER interactions_interaction_search_language AFTER UPDATE OF language ON interactions_interaction"
    " FOR EACH ROW WHEN (OLD.language IS DISTINCT FROM NEW.language)"
    " EXECUTE FUNCTION interactions_interaction_search_language()",
]

FILL = """
UPDATE interactions_message m
SET search_config = c.config, search_vector = to_tsvector(c.config, m.body)
FROM (
    SELECT m2.id, interactions_search_config(CASE WHEN m2.language <> '' THEN m2.language ELSE i.language END) AS config
    FROM interactions_message m2 JOIN interactions_interaction i ON i.id = m2.interaction_id
    WHERE m2.id >= %s AND m2.id < %s
) AS c
WHERE m.id = c.id AND m.search_vector IS NULL
"""

INDEX = "message_search"

REMOVE = [
    f"DROP INDEX IF EXISTS {INDEX}",
    "DROP TRIGGER IF EXISTS interactions_interaction_search_language ON interactions_interaction",
    "DROP TRIGGER IF EXISTS interactions_message_search ON interactions_message",
    "DROP FUNCTION IF EXISTS interactions_interaction_search_language()",
    "DROP FUNCTION IF EXISTS interactions_message_search()",
    "DROP FUNCTION IF EXISTS interactions_search_config(text)",
    "ALTER TABLE interactions_message DROP COLUMN IF EXISTS search_vector, DROP COLUMN IF EXISTS search_config",
]


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in INSTALL:
        schema_editor.execute(sql)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM interactions_message")
        low, high = cursor.fetchone()
        if low is not None:
            for start in range(low, high + 1, BATCH):
                cursor.execute(FILL, [start, start + BATCH])  # autocommit: one transaction per batch
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = %s", [INDEX]
        )
        found = cursor.fetchone()
        if found is not None and not found[0]:  # left invalid by an interrupted concurrent build
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        cursor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON interactions_message USING gin (search_vector)")
        cursor.execute("ANALYZE interactions_message")


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in REMOVE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction; the fill commits batch by batch

    dependencies = [("interactions", "0013_customer_label_index")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
