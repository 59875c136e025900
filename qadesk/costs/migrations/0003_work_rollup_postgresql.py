"""What the costs page reads from the contacts, kept by the database per day (PostgreSQL only).

On SQLite this migration does nothing: the page reads the period's contacts each time (costs/selectors.py).

- `costs_workday` (dim, day, key_id, code → resolved, handle, timed, received): per local day and per value of each
  dimension the page groups by — team, site, channel, label, journey phase, and the customer's segment — the handled
  (not abandoned) contacts resolved that day, their handle time (talk + hold + after-contact work) and how many of them
  carry a time, and the handled contacts created that day. `dim` is 1 team, 2 site, 3 channel, 4 label, 5 phase,
  6 segment; `key_id` the team, site or label id (0: none), `code` the channel, phase or segment ('' otherwise). One
  row per dimension value and day, not per combination of them: a year of 20 teams, 2 sites, 4 channels, 5 segments is
  about 12,000 rows, whatever the number of contacts. The segment rows count only contacts with a customer.
- `costs_customerincidents` (customer_id → incidents): each customer's handled contacts resolved, all time. The costly
  customers of a long period are those with many incidents in it; only the customers with at least that many of all
  time can be, and they are few: the page counts their incidents in the period through the customer index instead of
  counting every contact of the period (costs/selectors.py, `customer_incidents`).
- `costs_workstate` (time_zone): the zone the days are local to. The page reads the rollup only while it is the
  installation's zone; the triggers keep nothing while it has no row.
- Statement-level triggers with transition tables keep both tables, whoever writes: the ORM, an import's COPY and
  UPDATE … FROM, connectors, SQL. Each adds the statement's rows with sign +1 (insert), -1 (delete), or -1 for the old
  and +1 for the new version of the rows whose counted columns changed (update), in one grouped statement per trigger
  run; an update that changes none of those columns writes nothing. A change of a customer's segment moves its
  contacts between the segment rows. TRUNCATE empties both. Every statement runs through EXECUTE, so it is planned
  when it runs (operations 0003: a PL/pgSQL statement without parameters keeps the plan made on empty tables).
- `costs_work_fresh(zone)` is the same aggregation over every contact: the fill here, `work_rollup_rebuild()` and
  `work_rollup_verify()` (costs/rollup.py) use it.
"""

from django.conf import settings
from django.db import migrations

DAYS = "costs_workday"
CUSTOMERS = "costs_customerincidents"
STATE = "costs_workstate"
INTERACTIONS = "interactions_interaction"
CUSTOMER = "interactions_customer"

# The columns a contact's counts depend on (its customer's segment aside).
COLUMNS = [
    "abandoned",
    "created_at",
    "resolved_at",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "team_id",
    "site_id",
    "channel",
    "label_id",
    "phase",
    "customer_id",
]


def _cols(alias: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in COLUMNS)


# Each handled contact of `rows` (COLUMNS, a sign `s` and its customer's `segment`) counted on the local day ($1 the
# zone) of its resolution (resolved, handle time, timed) and of its creation (received).
CONTRIBUTIONS = """
    SELECT (r.resolved_at AT TIME ZONE $1)::date AS day, r.s AS resolved,
        r.s * (COALESCE(r.talk_seconds, 0) + COALESCE(r.hold_seconds, 0) + COALESCE(r.acw_seconds, 0))::bigint AS handle,
        CASE WHEN r.talk_seconds IS NOT NULL OR r.hold_seconds IS NOT NULL OR r.acw_seconds IS NOT NULL
            THEN r.s ELSE 0 END AS timed,
        0 AS received, r.team_id, r.site_id, r.channel, r.label_id, r.phase, r.segment
    FROM {rows} AS r WHERE NOT r.abandoned AND r.resolved_at IS NOT NULL
    UNION ALL
    SELECT (r.created_at AT TIME ZONE $1)::date, 0, 0, 0, r.s, r.team_id, r.site_id, r.channel, r.label_id, r.phase, r.segment
    FROM {rows} AS r WHERE NOT r.abandoned
"""

MEASURES = "sum(x.resolved)::bigint, sum(x.handle)::bigint, sum(x.timed)::bigint, sum(x.received)::bigint"

# The rows of every dimension at once (one grouping set each); a contact without a customer has no segment row.
GROUPED = f"""
    SELECT (CASE WHEN GROUPING(x.team_id) = 0 THEN 1 WHEN GROUPING(x.site_id) = 0 THEN 2
            WHEN GROUPING(x.channel) = 0 THEN 3 WHEN GROUPING(x.label_id) = 0 THEN 4
            WHEN GROUPING(x.phase) = 0 THEN 5 ELSE 6 END)::smallint AS dim,
        x.day, COALESCE(x.team_id, x.site_id, x.label_id, 0)::bigint AS key_id,
        COALESCE(x.channel, x.phase, x.segment, '')::text AS code, {MEASURES}
    FROM ({CONTRIBUTIONS}) AS x
    GROUP BY GROUPING SETS ((x.day, x.team_id), (x.day, x.site_id), (x.day, x.channel), (x.day, x.label_id),
        (x.day, x.phase), (x.day, x.segment))
    HAVING GROUPING(x.segment) = 1 OR x.segment IS NOT NULL
"""

# The segment rows only (a customer's segment changed).
SEGMENTS = f"""
    SELECT 6::smallint, x.day, 0::bigint, x.segment::text, {MEASURES}
    FROM ({CONTRIBUTIONS}) AS x GROUP BY x.day, x.segment
"""

UPSERT_DAYS = f"""
    INSERT INTO {DAYS} AS w (dim, day, key_id, code, resolved, handle, timed, received)
    SELECT * FROM ({{grouped}}) AS g ORDER BY 1, 2, 3, 4
    ON CONFLICT (dim, day, key_id, code) DO UPDATE SET resolved = w.resolved + EXCLUDED.resolved,
        handle = w.handle + EXCLUDED.handle, timed = w.timed + EXCLUDED.timed, received = w.received + EXCLUDED.received
"""

UPSERT_CUSTOMERS = f"""
    INSERT INTO {CUSTOMERS} AS k (customer_id, incidents)
    SELECT r.customer_id, sum(r.s) FROM {{rows}} AS r
    WHERE NOT r.abandoned AND r.resolved_at IS NOT NULL AND r.customer_id IS NOT NULL
    GROUP BY r.customer_id ORDER BY r.customer_id
    ON CONFLICT (customer_id) DO UPDATE SET incidents = k.incidents + EXCLUDED.incidents
"""

CHANGED = f"({_cols('o')}) IS DISTINCT FROM ({_cols('n')})"


def _signed(source: str) -> str:
    """The statement's rows that count, each with its sign (`source` selects COLUMNS and `s`), and their customers'
    segments, each read through the customers' key (a join was planned as a hash of every customer: 45 of the 74 ms
    the trigger took for 2,000 contacts among 250,000 customers)."""
    return f"""
        WITH signed AS MATERIALIZED (
            SELECT r.*, (SELECT c.segment FROM {CUSTOMER} AS c WHERE c.id = r.customer_id) AS segment FROM ({source}) AS r
        ), days AS (
            {UPSERT_DAYS.format(grouped=GROUPED.format(rows="signed"))}
            RETURNING 1
        )
        {UPSERT_CUSTOMERS.format(rows="signed")}
    """


INSERTED = _signed(f"SELECT {', '.join(COLUMNS)}, 1 AS s FROM new_rows")
DELETED = _signed(f"SELECT {', '.join(COLUMNS)}, -1 AS s FROM old_rows")
UPDATED = _signed(f"""
    SELECT {_cols("o")}, -1 AS s FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE {CHANGED}
    UNION ALL
    SELECT {_cols("n")}, 1 AS s FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE {CHANGED}
""")
SEGMENT_MOVED = f"""
    WITH moved AS (
        SELECT o.id, o.segment AS before, n.segment AS after FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
        WHERE o.segment IS DISTINCT FROM n.segment
    ), signed AS MATERIALIZED (
        SELECT {_cols("i")}, -1 AS s, m.before AS segment FROM moved AS m JOIN {INTERACTIONS} AS i ON i.customer_id = m.id
        UNION ALL
        SELECT {_cols("i")}, 1 AS s, m.after AS segment FROM moved AS m JOIN {INTERACTIONS} AS i ON i.customer_id = m.id
    )
    {UPSERT_DAYS.format(grouped=SEGMENTS.format(rows="signed"))}
"""

FRESH = GROUPED.format(
    rows=f"(SELECT {_cols('i')}, 1 AS s, c.segment FROM {INTERACTIONS} AS i LEFT JOIN {CUSTOMER} AS c ON c.id = i.customer_id)"
)
FRESH_CUSTOMERS = f"""
    SELECT customer_id, count(*) AS incidents FROM {INTERACTIONS}
    WHERE NOT abandoned AND resolved_at IS NOT NULL AND customer_id IS NOT NULL GROUP BY customer_id
"""


def _trigger_function(name: str, statement: str) -> str:
    # Without JIT: the planner, knowing nothing of the transition tables' values, prices the per-row segment lookup of
    # 2,000 rows past jit_above_cost, and compiling the statement took 85 of its 95 ms. Without sequential scans: while
    # the customers fit in a page or two, the planner looks each contact's customer up by a scan of them all (cheap,
    # but one scan per contact, which the import's test of the customers' scans counts); the statements only ever
    # need the keys.
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql SET jit = off SET enable_seqscan = off AS $$
DECLARE
    zone text;
BEGIN
    SELECT time_zone INTO zone FROM {STATE} LIMIT 1;
    IF zone IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE $statement${statement}$statement$ USING zone;
    RETURN NULL;
END
$$
"""


FUNCTIONS = [
    _trigger_function("costs_work_inserted", INSERTED),
    _trigger_function("costs_work_updated", UPDATED),
    _trigger_function("costs_work_deleted", DELETED),
    _trigger_function("costs_work_segment_moved", SEGMENT_MOVED),
    f"""
CREATE OR REPLACE FUNCTION costs_work_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {DAYS}, {CUSTOMERS};
    RETURN NULL;
END
$$
""",
    f"""
CREATE OR REPLACE FUNCTION costs_work_fresh(zone text) RETURNS TABLE (
    dim smallint, day date, key_id bigint, code text, resolved bigint, handle bigint, timed bigint, received bigint
) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE $statement${FRESH}$statement$ USING zone;
END
$$
""",
]

TRIGGERS = [
    ("costs_work_inserted", INTERACTIONS, "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("costs_work_updated", INTERACTIONS, "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("costs_work_deleted", INTERACTIONS, "DELETE", "REFERENCING OLD TABLE AS old_rows"),
    ("costs_work_truncated", INTERACTIONS, "TRUNCATE", ""),
    ("costs_work_segment_moved", CUSTOMER, "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
]

INSTALL = [
    f"""CREATE TABLE IF NOT EXISTS {DAYS} (
        dim smallint NOT NULL, day date NOT NULL, key_id bigint NOT NULL, code text NOT NULL,
        resolved bigint NOT NULL, handle bigint NOT NULL, timed bigint NOT NULL, received bigint NOT NULL,
        PRIMARY KEY (dim, day, key_id, code))""",
    f"CREATE TABLE IF NOT EXISTS {CUSTOMERS} (customer_id bigint PRIMARY KEY, incidents bigint NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS costs_customerincidents_incidents ON {CUSTOMERS} (incidents)",
    f"CREATE TABLE IF NOT EXISTS {STATE} (time_zone text NOT NULL)",
    *FUNCTIONS,
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table, _event, _tables in TRIGGERS),
    *(
        f"CREATE TRIGGER {name} AFTER {event} ON {table} {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        for name, table, event, tables in TRIGGERS
    ),
]

# Build (or rebuild) for a zone: %s is the zone.
FILL = [
    f"LOCK TABLE {INTERACTIONS}, {CUSTOMER} IN SHARE MODE",
    f"DELETE FROM {STATE}",
    f"INSERT INTO {STATE} (time_zone) VALUES (%s)",
    f"TRUNCATE {DAYS}, {CUSTOMERS}",
    f"INSERT INTO {DAYS} SELECT * FROM costs_work_fresh(%s) WHERE resolved <> 0 OR received <> 0",
    f"INSERT INTO {CUSTOMERS} (customer_id, incidents) {FRESH_CUSTOMERS}",
    f"ANALYZE {DAYS}",
    f"ANALYZE {CUSTOMERS}",
]

REMOVE = [
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table, _event, _tables in TRIGGERS),
    *(f"DROP FUNCTION IF EXISTS {name}()" for name, _table, _event, _tables in TRIGGERS),
    "DROP FUNCTION IF EXISTS costs_work_fresh(text)",
    f"DROP TABLE IF EXISTS {DAYS}, {CUSTOMERS}, {STATE}",
]


def fill(cursor, zone: str) -> None:  # type: ignore[no-untyped-def]
    """Empty both tables and count every contact again, for `zone` (also the rebuild, costs/rollup.py)."""
    for sql in FILL:
        cursor.execute(sql, [zone] * sql.count("%s") or None)


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for sql in INSTALL:
            cursor.execute(sql)
        fill(cursor, settings.TIME_ZONE)


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in REMOVE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("costs", "0002_costsettings_measure_from_data"),
        ("interactions", "0019_created_id_index_postgresql"),
    ]

    operations = [migrations.RunPython(install, remove, elidable=False)]
