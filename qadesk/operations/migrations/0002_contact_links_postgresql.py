"""What the KPI report's FCR and reassignment figures need, kept by the database for each contact (PostgreSQL only).

On SQLite this migration does nothing: the report finds the next contact with a window function and the last handler
with a join each time (qadesk/operations/sql.py), fast enough at the embedded database's sizes.

- A narrow table `operations_contactlink` (interaction_id, next_at, handler_last), unknown to Django's models (only the
  report's SQL reads it): `next_at` is the creation instant of the next contact of the same customer on the same
  contact reason, strictly later than this one (NULL: none, or no customer or no reason) — FCR's "came back within N
  days" is then `next_at <= resolved_at + N days` for any N, without looking for the next contact at report time;
  `handler_last` is the highest position among the contact's handlers (NULL: no handler; ≥ 1: reassigned). A contact
  with neither has no row. A table of its own, not two columns on the interaction: updating a column of
  `interactions_interaction` rewrites the whole row and every index entry of it (the trigram indexes too: 21 of 25 s
  for 75,000 rows in a trial at 100,000 contacts), where this row is 30 bytes with one index.
- Statement-level triggers with transition tables keep it, whoever writes (the ORM, an import's COPY or UPDATE, SQL),
  set-based: one window over the (customer, reason) pairs a statement touched, one grouped read of the handlers of the
  contacts it touched — a COPY of 100,000 contacts costs one extra statement, not 100,000 lookups. A row is written
  only where its value changes (`IS DISTINCT FROM`); an UPDATE of interactions that moves no contact's customer, reason
  or creation instant recomputes nothing; TRUNCATE empties it too (the test runner's flush).
- The existing contacts are filled here, after the triggers are in place. `contact_links_verify()`
  (qadesk/operations/sql.py) compares the table with a fresh computation.
"""

from django.db import migrations

TABLE = "operations_contactlink"

# The (customer, reason) pairs whose contacts' next contact may have changed: the SQL `pairs`. Each pair's contacts
# are read through the index on (customer, label, created_at), one pair at a time (OFFSET 0 keeps the planner from
# turning the lateral read into a join that scans the whole table for a batch of a few pairs).
REFRESH_PAIRS = """
    WITH w AS (
        SELECT x.id, FIRST_VALUE(x.created_at) OVER (
            PARTITION BY x.customer_id, x.label_id ORDER BY x.created_at
            RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE GROUP) AS next_at
        FROM ({pairs}) AS p
        CROSS JOIN LATERAL (
            SELECT y.id, y.customer_id, y.label_id, y.created_at FROM interactions_interaction AS y
            WHERE y.customer_id = p.customer_id AND y.label_id = p.label_id OFFSET 0
        ) AS x
    ), kept AS (
        INSERT INTO operations_contactlink AS l (interaction_id, next_at)
        SELECT w.id, w.next_at FROM w WHERE w.next_at IS NOT NULL
        ON CONFLICT (interaction_id) DO UPDATE SET next_at = EXCLUDED.next_at
        WHERE l.next_at IS DISTINCT FROM EXCLUDED.next_at
        RETURNING 1
    )
    UPDATE operations_contactlink AS l SET next_at = NULL
    FROM w WHERE l.interaction_id = w.id AND w.next_at IS NULL AND l.next_at IS NOT NULL
"""

# The contacts (SQL `ids`, a column interaction_id) whose last handler may have changed.
REFRESH_HANDLERS = """
    INSERT INTO operations_contactlink AS l (interaction_id, handler_last)
    SELECT t.id, (SELECT max(a.position) FROM interactions_interactionagent AS a WHERE a.interaction_id = t.id)
    FROM (SELECT DISTINCT interaction_id AS id FROM {ids} AS touched) AS t
    ON CONFLICT (interaction_id) DO UPDATE SET handler_last = EXCLUDED.handler_last
    WHERE l.handler_last IS DISTINCT FROM EXCLUDED.handler_last
"""

MOVED = "(o.customer_id, o.label_id, o.created_at) IS DISTINCT FROM (n.customer_id, n.label_id, n.created_at)"
PAIRED = "customer_id IS NOT NULL AND label_id IS NOT NULL"


def _function(name: str, body: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {body};
    RETURN NULL;
END
$$
"""


FUNCTIONS = [
    _function(
        "operations_links_inserted",
        REFRESH_PAIRS.format(pairs=f"SELECT DISTINCT customer_id, label_id FROM new_rows WHERE {PAIRED}"),
    ),
    _function(
        "operations_links_updated",
        f"""IF NOT EXISTS (SELECT 1 FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE {MOVED}) THEN
        RETURN NULL;
    END IF;
    """
        + REFRESH_PAIRS.format(
            pairs=f"""SELECT p.customer_id, p.label_id FROM (
                SELECT o.customer_id, o.label_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE {MOVED}
                UNION
                SELECT n.customer_id, n.label_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE {MOVED}
            ) AS p WHERE p.{PAIRED.replace(" AND ", " AND p.")}"""
        ),
    ),
    _function(
        "operations_links_deleted",
        f"DELETE FROM {TABLE} WHERE interaction_id IN (SELECT id FROM old_rows);\n    "
        + REFRESH_PAIRS.format(pairs=f"SELECT DISTINCT customer_id, label_id FROM old_rows WHERE {PAIRED}"),
    ),
    _function("operations_links_truncated", f"TRUNCATE {TABLE}"),
    _function("operations_handlers_inserted", REFRESH_HANDLERS.format(ids="new_rows")),
    _function(
        "operations_handlers_updated",
        REFRESH_HANDLERS.format(ids="(SELECT interaction_id FROM old_rows UNION SELECT interaction_id FROM new_rows)"),
    ),
    _function("operations_handlers_deleted", REFRESH_HANDLERS.format(ids="old_rows")),
    _function("operations_handlers_truncated", f"UPDATE {TABLE} SET handler_last = NULL WHERE handler_last IS NOT NULL"),
]

TRIGGERS = [
    ("operations_links_inserted", "interactions_interaction", "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("operations_links_updated", "interactions_interaction", "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("operations_links_deleted", "interactions_interaction", "DELETE", "REFERENCING OLD TABLE AS old_rows"),
    ("operations_links_truncated", "interactions_interaction", "TRUNCATE", ""),
    ("operations_handlers_inserted", "interactions_interactionagent", "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    (
        "operations_handlers_updated",
        "interactions_interactionagent",
        "UPDATE",
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    ),
    ("operations_handlers_deleted", "interactions_interactionagent", "DELETE", "REFERENCING OLD TABLE AS old_rows"),
    ("operations_handlers_truncated", "interactions_interactionagent", "TRUNCATE", ""),
]

INSTALL = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (interaction_id bigint PRIMARY KEY, next_at timestamptz, handler_last smallint)",
    *FUNCTIONS,
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table, _event, _tables in TRIGGERS),
    *(
        f"CREATE TRIGGER {name} AFTER {event} ON {table} {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        for name, table, event, tables in TRIGGERS
    ),
]

FILL = [
    f"TRUNCATE {TABLE}",
    REFRESH_PAIRS.format(pairs=f"SELECT DISTINCT customer_id, label_id FROM interactions_interaction WHERE {PAIRED}"),
    f"""INSERT INTO {TABLE} AS l (interaction_id, handler_last)
    SELECT interaction_id, max(position) FROM interactions_interactionagent GROUP BY interaction_id
    ON CONFLICT (interaction_id) DO UPDATE SET handler_last = EXCLUDED.handler_last""",
    f"ANALYZE {TABLE}",
]

REMOVE = [
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table, _event, _tables in TRIGGERS),
    *(f"DROP FUNCTION IF EXISTS {name}()" for name, _table, _event, _tables in TRIGGERS),
    f"DROP TABLE IF EXISTS {TABLE}",
]


def fill(cursor, zone: str) -> None:  # type: ignore[no-untyped-def]
    """Empty the links and compute them again from every contact (`zone` unused: the links have no days; the same
    signature as the rollups' fills, for qadesk/core/rollups.py)."""
    for sql in FILL:
        cursor.execute(sql)


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in [*INSTALL, *FILL]:
        schema_editor.execute(sql)


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in REMOVE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0001_initial"),
        ("interactions", "0015_custom_field_names_and_seen"),
    ]

    operations = [migrations.RunPython(install, remove, elidable=False)]
