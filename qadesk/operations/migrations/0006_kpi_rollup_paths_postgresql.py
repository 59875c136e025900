"""The KPI report's reassignment paths in the daily rollup (PostgreSQL only; 0005's levels and zone).

`operations_kpipath` (dim, day, key_id, code, from_agent, to_agent, label_id → n): each hand-off between consecutive
handlers of a contact (in position order, as the report's paths read them), by the contact's local creation day, level
and contact reason. Agents, not teams: the report names each agent's team when it is read (an agent who changes team
moves their past hand-offs, as in the scan), so the rows never go stale. 0 stands for no label.

Statement-level triggers keep it: on the handlers, minus the hand-offs of the touched contacts' handlers before the
statement (the handlers now, less the statement's new rows, plus its old rows) and plus those of their handlers now;
on the contacts, minus and plus the hand-offs of the contacts whose day, team or reason changed (and of inserted or
deleted contacts, with their handlers of the moment). TRUNCATE of either table empties it.
"""

from importlib import import_module

from django.conf import settings
from django.db import migrations

rollup = import_module("qadesk.operations.migrations.0005_kpi_rollup_postgresql")

PATHS = "operations_kpipath"
HANDLERS = "interactions_interactionagent"
INTERACTIONS = rollup.INTERACTIONS
KEY = f"{rollup.DAY_KEY}, from_agent, to_agent, label_id"
LEVELS = "(VALUES (1::smallint, COALESCE(c.team_id, 0)::bigint, ''::text))"

# `handlers` (interaction_id, position, agent_id, s) and `contacts` (id, created_at, team_id, label_id, s): each
# hand-off with the sign of its handlers' rows, read with the contact's version of the same sign, grouped by level, day, agents and reason ($1 the zone).
GROUPED = f"""
    SELECT k.dim, (c.created_at AT TIME ZONE $1)::date AS day, k.key_id, k.code, p.from_agent, p.to_agent,
        COALESCE(c.label_id, 0)::bigint AS label_id, sum(p.s)::bigint AS n
    FROM (
        SELECT h.interaction_id, h.s, COALESCE(lag(h.agent_id) OVER w, 0)::bigint AS from_agent,
            COALESCE(h.agent_id, 0)::bigint AS to_agent, row_number() OVER w AS nth
        FROM ({{handlers}}) AS h WINDOW w AS (PARTITION BY h.interaction_id, h.s ORDER BY h.position)
    ) AS p JOIN ({{contacts}}) AS c ON c.id = p.interaction_id AND c.s = p.s
    CROSS JOIN LATERAL {LEVELS} AS k(dim, key_id, code)
    WHERE p.nth > 1
    GROUP BY 1, 2, 3, 4, 5, 6, 7
"""


def _upsert(handlers: str, contacts: str) -> str:
    grouped = GROUPED.format(handlers=handlers, contacts=contacts)
    return f"""INSERT INTO {PATHS} AS t ({KEY}, n)
        SELECT * FROM ({grouped}) AS g ORDER BY 1, 2, 3, 4, 5, 6, 7
        ON CONFLICT ({KEY}) DO UPDATE SET n = t.n + EXCLUDED.n"""


CONTACT_COLUMNS = "id, created_at, team_id, label_id"
TOUCHED_NEW = "SELECT DISTINCT interaction_id FROM new_rows"
TOUCHED_OLD = "SELECT DISTINCT interaction_id FROM old_rows"
TOUCHED_BOTH = "SELECT interaction_id FROM new_rows UNION SELECT interaction_id FROM old_rows"


def _now(touched: str) -> str:
    return f"SELECT interaction_id, position, agent_id FROM {HANDLERS} WHERE interaction_id IN ({touched})"


def _handlers_changed(touched: str, before: str) -> str:
    """−(the touched contacts' handlers before the statement) +(their handlers now), with the contacts as they are."""
    handlers = f"""
        SELECT b.interaction_id, b.position, b.agent_id, -1 AS s FROM ({before}) AS b
        UNION ALL
        SELECT interaction_id, position, agent_id, 1 FROM ({_now(touched)}) AS a"""
    contacts = f"""SELECT {CONTACT_COLUMNS}, v.s FROM {INTERACTIONS} CROSS JOIN (VALUES (1), (-1)) AS v(s)
        WHERE id IN ({touched})"""
    return _upsert(handlers, contacts)


HANDLERS_INSERTED = _handlers_changed(
    TOUCHED_NEW, f"({_now(TOUCHED_NEW)}) EXCEPT ALL (SELECT interaction_id, position, agent_id FROM new_rows)"
)
HANDLERS_DELETED = _handlers_changed(
    TOUCHED_OLD, f"({_now(TOUCHED_OLD)}) UNION ALL (SELECT interaction_id, position, agent_id FROM old_rows)"
)
HANDLERS_UPDATED = _handlers_changed(
    TOUCHED_BOTH,
    f"""(({_now(TOUCHED_BOTH)}) EXCEPT ALL (SELECT interaction_id, position, agent_id FROM new_rows))
        UNION ALL (SELECT interaction_id, position, agent_id FROM old_rows)""",
)


def _contacts_changed(contacts: str, ids: str) -> str:
    """The hand-offs of the contacts `contacts` (CONTACT_COLUMNS and a sign s) with their handlers now."""
    handlers = f"""SELECT h.interaction_id, h.position, h.agent_id, c.s FROM {HANDLERS} AS h
        JOIN ({contacts}) AS c ON c.id = h.interaction_id WHERE h.interaction_id IN ({ids})"""
    return _upsert(handlers, contacts)


MOVED = "(o.created_at, o.team_id, o.label_id) IS DISTINCT FROM (n.created_at, n.team_id, n.label_id)"
CONTACTS_INSERTED = _contacts_changed(f"SELECT {CONTACT_COLUMNS}, 1 AS s FROM new_rows", "SELECT id FROM new_rows")
CONTACTS_DELETED = _contacts_changed(f"SELECT {CONTACT_COLUMNS}, -1 AS s FROM old_rows", "SELECT id FROM old_rows")
CONTACTS_UPDATED = _contacts_changed(
    f"""SELECT o.id, o.created_at, o.team_id, o.label_id, -1 AS s FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
        WHERE {MOVED}
        UNION ALL
        SELECT n.id, n.created_at, n.team_id, n.label_id, 1 FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
        WHERE {MOVED}""",
    f"SELECT o.id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE {MOVED}",
)

FRESH = GROUPED.format(
    handlers=f"SELECT interaction_id, position, agent_id, 1 AS s FROM {HANDLERS}",
    contacts=f"SELECT {CONTACT_COLUMNS}, 1 AS s FROM {INTERACTIONS}",
)

FUNCTIONS = [
    rollup._trigger_function("operations_kpi_paths_handlers_inserted", HANDLERS_INSERTED),
    rollup._trigger_function("operations_kpi_paths_handlers_updated", HANDLERS_UPDATED),
    rollup._trigger_function("operations_kpi_paths_handlers_deleted", HANDLERS_DELETED),
    rollup._trigger_function("operations_kpi_paths_inserted", CONTACTS_INSERTED),
    rollup._trigger_function("operations_kpi_paths_updated", CONTACTS_UPDATED),
    rollup._trigger_function("operations_kpi_paths_deleted", CONTACTS_DELETED),
    f"""
CREATE OR REPLACE FUNCTION operations_kpi_paths_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {PATHS};
    RETURN NULL;
END
$$
""",
    f"""
CREATE OR REPLACE FUNCTION operations_kpi_fresh_paths(zone text) RETURNS TABLE (dim smallint, day date, key_id bigint,
    code text, from_agent bigint, to_agent bigint, label_id bigint, n bigint) LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    RETURN QUERY EXECUTE $statement${FRESH}$statement$ USING zone;
END
$$
""",
]

TRIGGERS = [
    ("operations_kpi_paths_handlers_inserted", HANDLERS, "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("operations_kpi_paths_handlers_updated", HANDLERS, "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("operations_kpi_paths_handlers_deleted", HANDLERS, "DELETE", "REFERENCING OLD TABLE AS old_rows"),
    ("operations_kpi_paths_truncated", HANDLERS, "TRUNCATE", ""),
    ("operations_kpi_paths_inserted", INTERACTIONS, "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("operations_kpi_paths_updated", INTERACTIONS, "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("operations_kpi_paths_deleted", INTERACTIONS, "DELETE", "REFERENCING OLD TABLE AS old_rows"),
    ("operations_kpi_paths_truncated", INTERACTIONS, "TRUNCATE", ""),
]

INSTALL = [
    f"""CREATE TABLE IF NOT EXISTS {PATHS} (dim smallint NOT NULL, day date NOT NULL, key_id bigint NOT NULL,
        code text NOT NULL, from_agent bigint NOT NULL, to_agent bigint NOT NULL, label_id bigint NOT NULL,
        n bigint NOT NULL, PRIMARY KEY ({KEY}))""",
    *FUNCTIONS,
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table, _event, _tables in TRIGGERS),
    *(
        f"CREATE TRIGGER {name} AFTER {event} ON {table} {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        for name, table, event, tables in TRIGGERS
    ),
]

FILL = [
    f"TRUNCATE {PATHS}",
    f"INSERT INTO {PATHS} SELECT * FROM operations_kpi_fresh_paths(%s)",
    f"ANALYZE {PATHS}",
]

REMOVE = [
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table, _event, _tables in TRIGGERS),
    *(f"DROP FUNCTION IF EXISTS {name}()" for name, _table, _event, _tables in TRIGGERS),
    "DROP FUNCTION IF EXISTS operations_kpi_fresh_paths(text)",
    f"DROP TABLE IF EXISTS {PATHS}",
]


def fill(cursor, zone: str) -> None:  # type: ignore[no-untyped-def]
    """Count every hand-off again (after 0005's fill, in its transaction: operations/rollup.py)."""
    for sql in FILL:
        cursor.execute(sql, [zone] * sql.count("%s") or None)


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for sql in INSTALL:
            cursor.execute(sql)
        cursor.execute(f"LOCK TABLE {INTERACTIONS}, {HANDLERS} IN SHARE MODE")
        cursor.execute("SET LOCAL jit = off")
        fill(cursor, settings.TIME_ZONE)


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in REMOVE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("operations", "0005_kpi_rollup_postgresql")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
