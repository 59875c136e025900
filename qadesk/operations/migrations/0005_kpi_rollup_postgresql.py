"""The KPI report's daily rollup, kept by the database (PostgreSQL only; SQLite keeps nothing and scans the contacts).

Per local creation day (the zone in `operations_kpistate`) and level — `dim` 1: day × team (`key_id` the team id, 0
none; `dim` and `code` are kept for other dimensions; the day alone is the sum of its teams) — three tables hold what
needs no setting:

- `operations_kpiday`: counts and sums (contacts, answered, Σ wait, queued abandons, handled, Σ handle, Σ handle², Σ
  talk/hold/ACW, replied, Σ first response, resolved, Σ resolution, resolved within 24 h, assigned, reassigned, not
  abandoned). Sums of durations are exact numerics (EXTRACT(EPOCH)), so that adding and taking away contributions
  leaves no rounding behind.
- `operations_kpihist` (kind, bucket → n): kind 1 the answered contacts' waits in whole seconds rounded up, kind 2 the
  abandons' waits in whole seconds rounded down (thresholds are whole seconds: wait ≤ T ⟺ ⌈wait⌉ ≤ T, wait < S ⟺
  ⌊wait⌋ < S: the service level and the short abandons for any T and S, exactly); kinds 3–6 log buckets (ratio 1.01,
  bucket b = ⌊ln v / ln 1.01⌋, −32768 for 0) of the answer wait, handle time, first response and resolution: medians
  and 90th percentiles within 0.5 % (the bucket's geometric middle).
- `operations_kpiresolved` (rday, back → closed, decided, once): the contacts resolved, by the local day of the
  resolution `rday` and `back` = ⌈(next contact − resolution) / 1 day⌉ (0 if not later, 32767 never back; only for the
  decidable contacts with no reopen, else 32767). `closed`: not abandoned (the backlog takes them away), `decided`:
  resolved after creation, `once`: … and never reopened. FCR's "decided" (resolved ≤ now − N days) and the backlog at
  an instant are exact from these for every whole day before the instant's day; the report reads that one day from the
  contacts (selectors.py). next contact within N days ⟺ back ≤ N.

Statement-level triggers with transition tables keep them, whoever writes: on `interactions_interaction` (−old +new of
the contacts whose counted columns changed, each with its current links) and on `operations_contactlink` (−old +new
of the contacts whose next contact or last handler changed). The interaction's triggers fire before the links'
(`operations_kpi_*` sorts before `operations_links_*`), so each contact is counted with the links of the moment and the
links' own triggers then move it. TRUNCATE of the contacts empties the rollup. Statements run through EXECUTE without
JIT and without sequential scans (costs 0003, operations 0003). `operations_kpi_fresh(zone)` is the same aggregation over every contact, for the
fill, rebuild and verify (operations/rollup.py).
"""

from django.conf import settings
from django.db import migrations

DAYS = "operations_kpiday"
HIST = "operations_kpihist"
RESOLVED = "operations_kpiresolved"
STATE = "operations_kpistate"
LINKS = "operations_contactlink"
INTERACTIONS = "interactions_interaction"

# The contact columns the rollup counts.
COLUMNS = [
    "created_at",
    "queued_at",
    "answered_at",
    "first_reply_at",
    "resolved_at",
    "closed_at",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "abandoned",
    "reopens",
    "team_id",
]
NEVER_BACK = 32767
LOG_ZERO = -32768


def _cols(alias: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in COLUMNS)


# `rows`: COLUMNS, next_at, handler_last and a sign s. Each contact's own figures (selectors._durations), $1 the zone.
FACTS = """
    SELECT r.s, (r.created_at AT TIME ZONE $1)::date AS day, r.team_id,
        CASE WHEN r.queued_at IS NOT NULL AND r.answered_at >= r.queued_at AND NOT r.abandoned
            THEN EXTRACT(EPOCH FROM r.answered_at - r.queued_at) END AS aw,
        (r.abandoned AND r.queued_at IS NOT NULL) AS qa,
        CASE WHEN r.abandoned AND r.queued_at IS NOT NULL AND r.closed_at >= r.queued_at
            THEN EXTRACT(EPOCH FROM r.closed_at - r.queued_at) END AS bw,
        CASE WHEN NOT r.abandoned AND (r.talk_seconds IS NOT NULL OR r.hold_seconds IS NOT NULL OR r.acw_seconds IS NOT NULL)
            THEN COALESCE(r.talk_seconds, 0)::bigint + COALESCE(r.hold_seconds, 0) + COALESCE(r.acw_seconds, 0) END AS hd,
        COALESCE(r.talk_seconds, 0)::bigint AS talk, COALESCE(r.hold_seconds, 0)::bigint AS hold,
        COALESCE(r.acw_seconds, 0)::bigint AS acw,
        CASE WHEN r.first_reply_at >= r.created_at THEN EXTRACT(EPOCH FROM r.first_reply_at - r.created_at) END AS fr,
        CASE WHEN r.resolved_at >= r.created_at THEN EXTRACT(EPOCH FROM r.resolved_at - r.created_at) END AS rs,
        r.handler_last IS NOT NULL AS assigned, COALESCE(r.handler_last >= 1, false) AS reassigned,
        NOT r.abandoned AS kept, r.resolved_at IS NOT NULL AS has_rday,
        (r.resolved_at AT TIME ZONE $1)::date AS rday,
        CASE WHEN r.resolved_at >= r.created_at AND r.reopens = 0 THEN
            CASE WHEN r.next_at IS NULL THEN {never}
            ELSE LEAST(GREATEST(CEIL(EXTRACT(EPOCH FROM r.next_at - r.resolved_at) / 86400), 0), {never} - 1)::int END
        ELSE {never} END AS back,
        r.resolved_at >= r.created_at AND r.reopens = 0 AS once
    FROM ({{rows}}) AS r
""".format(never=NEVER_BACK)


def _log(value: str) -> str:
    return (
        f"CASE WHEN {value} IS NULL THEN NULL WHEN {value} <= 0 THEN {LOG_ZERO} "
        f"ELSE floor(ln({value}::float8) / ln(1.01::float8))::int END"
    )


# Each contact's facts and its histogram buckets, computed once (the levels and kinds only repeat them).
BUCKETED = f"""
    SELECT x.*, CEIL(x.aw)::int AS b1, FLOOR(x.bw)::int AS b2, {_log("x.aw")} AS b3, {_log("x.hd")} AS b4,
        {_log("x.fr")} AS b5, {_log("x.rs")} AS b6
    FROM ({FACTS}) AS x
"""

# The levels each contact counts in: (dim, key_id, code). The day alone is the sum of a day's teams (every contact has
# one team, 0 for none), so it is not kept apart.
LEVELS = "(VALUES (1::smallint, COALESCE(f.team_id, 0)::bigint, ''::text))"


def _n(condition: str) -> str:
    return f"sum(CASE WHEN {condition} THEN f.s ELSE 0 END)::bigint"


DAY_MEASURES = [
    ("contacts", "sum(f.s)::bigint"),
    ("answered", _n("f.aw IS NOT NULL")),
    ("wait_total", "COALESCE(sum(f.s * f.aw), 0)::numeric"),
    ("queued_abandon", _n("f.qa")),
    ("handled", _n("f.hd IS NOT NULL")),
    ("handle_total", "COALESCE(sum(f.s * f.hd), 0)::bigint"),
    ("handle_sq_total", "COALESCE(sum(f.s * f.hd::numeric * f.hd), 0)::numeric"),
    ("talk_total", "COALESCE(sum(CASE WHEN f.hd IS NOT NULL THEN f.s * f.talk END), 0)::bigint"),
    ("hold_total", "COALESCE(sum(CASE WHEN f.hd IS NOT NULL THEN f.s * f.hold END), 0)::bigint"),
    ("acw_total", "COALESCE(sum(CASE WHEN f.hd IS NOT NULL THEN f.s * f.acw END), 0)::bigint"),
    ("replied", _n("f.fr IS NOT NULL")),
    ("first_response_total", "COALESCE(sum(f.s * f.fr), 0)::numeric"),
    ("resolved", _n("f.rs IS NOT NULL")),
    ("resolution_total", "COALESCE(sum(f.s * f.rs), 0)::numeric"),
    ("resolved_24h", _n("f.rs <= 86400")),
    ("assigned", _n("f.assigned")),
    ("reassigned", _n("f.reassigned")),
    ("not_abandoned", _n("f.kept")),
]
DAY_NAMES = [name for name, _sql in DAY_MEASURES]


BUCKETS = """(VALUES (1::smallint, f.b1), (2::smallint, f.b2), (3::smallint, f.b3), (4::smallint, f.b4),
    (5::smallint, f.b5), (6::smallint, f.b6))"""

# `{facts}`: BUCKETED rows. Groups that add nothing (a contact taken away and put back unchanged) are left out.
GROUPED_DAYS = f"""
    SELECT k.dim, f.day, k.key_id, k.code, {", ".join(sql for _name, sql in DAY_MEASURES)}
    FROM {{facts}} AS f CROSS JOIN LATERAL {LEVELS} AS k(dim, key_id, code)
    GROUP BY k.dim, f.day, k.key_id, k.code
    HAVING {" OR ".join(f"{sql} <> 0" for _name, sql in DAY_MEASURES)}
"""
GROUPED_HIST = f"""
    SELECT k.dim, f.day, k.key_id, k.code, h.kind, h.bucket, sum(f.s)::bigint AS n
    FROM {{facts}} AS f CROSS JOIN LATERAL {LEVELS} AS k(dim, key_id, code) CROSS JOIN LATERAL {BUCKETS} AS h(kind, bucket)
    WHERE h.bucket IS NOT NULL
    GROUP BY k.dim, f.day, k.key_id, k.code, h.kind, h.bucket
    HAVING sum(f.s) <> 0
"""
GROUPED_RESOLVED = f"""
    SELECT k.dim, f.day, k.key_id, k.code, f.rday, f.back::smallint,
        {_n("f.kept")} AS closed, {_n("f.rs IS NOT NULL")} AS decided, {_n("f.once")} AS once
    FROM {{facts}} AS f CROSS JOIN LATERAL {LEVELS} AS k(dim, key_id, code)
    WHERE f.has_rday
    GROUP BY k.dim, f.day, k.key_id, k.code, f.rday, f.back
    HAVING {_n("f.kept")} <> 0 OR {_n("f.rs IS NOT NULL")} <> 0 OR {_n("f.once")} <> 0
"""

DAY_KEY = "dim, day, key_id, code"
HIST_KEY = f"{DAY_KEY}, kind, bucket"
RESOLVED_KEY = f"{DAY_KEY}, rday, back"


def _upsert(table: str, key: str, names: list[str], grouped: str) -> str:
    """Adds the grouped rows to `table`, in key order (two writers lock the rows they share in the same order)."""
    added = ", ".join(f"{n} = t.{n} + EXCLUDED.{n}" for n in names)
    order = ", ".join(str(i) for i in range(1, len(key.split(",")) + 1))
    return f"""INSERT INTO {table} AS t ({key}, {", ".join(names)})
        SELECT * FROM ({grouped}) AS g ORDER BY {order}
        ON CONFLICT ({key}) DO UPDATE SET {added}"""


def _statement(rows: str, *, hist: bool = True) -> str:
    """One statement that adds the signed contacts of `rows` (COLUMNS, next_at, handler_last, s) to the tables (without
    `hist`, not to the histograms: a change of links moves no duration)."""
    histograms = f"hist AS ({_upsert(HIST, HIST_KEY, ['n'], GROUPED_HIST.format(facts='facts'))} RETURNING 1)," if hist else ""
    return f"""
        WITH facts AS MATERIALIZED ({BUCKETED.format(rows=rows)}),
        days AS ({_upsert(DAYS, DAY_KEY, DAY_NAMES, GROUPED_DAYS.format(facts="facts"))} RETURNING 1),
        {histograms}
        resolved AS ({_upsert(RESOLVED, RESOLVED_KEY, ["closed", "decided", "once"], GROUPED_RESOLVED.format(facts="facts"))}
            RETURNING 1)
        SELECT 1
    """


def _with_links(source: str, alias: str) -> str:
    return f"""SELECT {_cols(alias)}, l.next_at, l.handler_last, {{sign}} AS s
        FROM {source} AS {alias} LEFT JOIN {LINKS} AS l ON l.interaction_id = {alias}.id"""


CHANGED = f"({_cols('o')}) IS DISTINCT FROM ({_cols('n')})"
INSERTED = _statement(_with_links("new_rows", "n").format(sign=1))
DELETED = _statement(_with_links("old_rows", "o").format(sign=-1))
UPDATED = _statement(f"""
    SELECT {_cols("o")}, l.next_at, l.handler_last, -1 AS s
    FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id LEFT JOIN {LINKS} AS l ON l.interaction_id = o.id WHERE {CHANGED}
    UNION ALL
    SELECT {_cols("n")}, l.next_at, l.handler_last, 1 AS s
    FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id LEFT JOIN {LINKS} AS l ON l.interaction_id = n.id WHERE {CHANGED}
""")
# The links' triggers: the contact (as it is now) taken away with its old links and added with its new ones.
LINKS_INSERTED = _statement(f"""
    SELECT {_cols("i")}, NULL::timestamptz AS next_at, NULL::smallint AS handler_last, -1 AS s
    FROM new_rows AS n JOIN {INTERACTIONS} AS i ON i.id = n.interaction_id
    UNION ALL
    SELECT {_cols("i")}, n.next_at, n.handler_last, 1 FROM new_rows AS n JOIN {INTERACTIONS} AS i ON i.id = n.interaction_id
""", hist=False)
LINK_CHANGED = "(o.next_at, o.handler_last) IS DISTINCT FROM (n.next_at, n.handler_last)"
LINKS_UPDATED = _statement(f"""
    SELECT {_cols("i")}, o.next_at, o.handler_last, -1 AS s
    FROM old_rows AS o JOIN new_rows AS n ON n.interaction_id = o.interaction_id
    JOIN {INTERACTIONS} AS i ON i.id = o.interaction_id WHERE {LINK_CHANGED}
    UNION ALL
    SELECT {_cols("i")}, n.next_at, n.handler_last, 1
    FROM old_rows AS o JOIN new_rows AS n ON n.interaction_id = o.interaction_id
    JOIN {INTERACTIONS} AS i ON i.id = o.interaction_id WHERE {LINK_CHANGED}
""", hist=False)
LINKS_DELETED = _statement(f"""
    SELECT {_cols("i")}, o.next_at, o.handler_last, -1 AS s
    FROM old_rows AS o JOIN {INTERACTIONS} AS i ON i.id = o.interaction_id
    UNION ALL
    SELECT {_cols("i")}, NULL::timestamptz, NULL::smallint, 1 FROM old_rows AS o JOIN {INTERACTIONS} AS i ON i.id = o.interaction_id
""", hist=False)

EVERY = f"""SELECT {_cols("i")}, l.next_at, l.handler_last, 1 AS s
    FROM {INTERACTIONS} AS i LEFT JOIN {LINKS} AS l ON l.interaction_id = i.id"""


def _trigger_function(name: str, statement: str) -> str:
    # Without sequential scans (costs 0003): the planner knows nothing of the transition tables, and would read the
    # links or the contacts whole to join a batch of 2,000 rows to them, a scan that grows with every batch of an
    # import; the statements only ever need their keys.
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


def _fresh_function(name: str, grouped: str, columns: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}(zone text) RETURNS TABLE ({columns}) LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    RETURN QUERY EXECUTE $statement${grouped.format(facts=f"({BUCKETED.format(rows=EVERY)})")}$statement$ USING zone;
END
$$
"""


DAY_COLUMNS = "dim smallint, day date, key_id bigint, code text, " + ", ".join(
    f"{name} {'numeric' if sql.endswith('numeric') else 'bigint'}" for name, sql in DAY_MEASURES
)
HIST_COLUMNS = "dim smallint, day date, key_id bigint, code text, kind smallint, bucket int, n bigint"
RESOLVED_COLUMNS = (
    "dim smallint, day date, key_id bigint, code text, rday date, back smallint, closed bigint, decided bigint, once bigint"
)

FUNCTIONS = [
    _trigger_function("operations_kpi_inserted", INSERTED),
    _trigger_function("operations_kpi_updated", UPDATED),
    _trigger_function("operations_kpi_deleted", DELETED),
    _trigger_function("operations_kpi_links_inserted", LINKS_INSERTED),
    _trigger_function("operations_kpi_links_updated", LINKS_UPDATED),
    _trigger_function("operations_kpi_links_deleted", LINKS_DELETED),
    f"""
CREATE OR REPLACE FUNCTION operations_kpi_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {DAYS}, {HIST}, {RESOLVED};
    RETURN NULL;
END
$$
""",
    _fresh_function("operations_kpi_fresh_days", GROUPED_DAYS, DAY_COLUMNS),
    _fresh_function("operations_kpi_fresh_hist", GROUPED_HIST, HIST_COLUMNS),
    _fresh_function("operations_kpi_fresh_resolved", GROUPED_RESOLVED, RESOLVED_COLUMNS),
]

TRIGGERS = [
    ("operations_kpi_inserted", INTERACTIONS, "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("operations_kpi_updated", INTERACTIONS, "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("operations_kpi_deleted", INTERACTIONS, "DELETE", "REFERENCING OLD TABLE AS old_rows"),
    ("operations_kpi_truncated", INTERACTIONS, "TRUNCATE", ""),
    ("operations_kpi_links_inserted", LINKS, "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("operations_kpi_links_updated", LINKS, "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("operations_kpi_links_deleted", LINKS, "DELETE", "REFERENCING OLD TABLE AS old_rows"),
]

INSTALL = [
    f"""CREATE TABLE IF NOT EXISTS {DAYS} (dim smallint NOT NULL, day date NOT NULL, key_id bigint NOT NULL,
        code text NOT NULL, {", ".join(f"{c} NOT NULL" for c in DAY_COLUMNS.split(", ")[4:])},
        PRIMARY KEY ({DAY_KEY}))""",
    f"""CREATE TABLE IF NOT EXISTS {HIST} (dim smallint NOT NULL, day date NOT NULL, key_id bigint NOT NULL,
        code text NOT NULL, kind smallint NOT NULL, bucket int NOT NULL, n bigint NOT NULL, PRIMARY KEY ({HIST_KEY}))""",
    f"""CREATE TABLE IF NOT EXISTS {RESOLVED} (dim smallint NOT NULL, day date NOT NULL, key_id bigint NOT NULL,
        code text NOT NULL, rday date NOT NULL, back smallint NOT NULL, closed bigint NOT NULL, decided bigint NOT NULL,
        once bigint NOT NULL, PRIMARY KEY ({RESOLVED_KEY}))""",
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
    f"LOCK TABLE {INTERACTIONS}, {LINKS} IN SHARE MODE",
    f"DELETE FROM {STATE}",
    f"INSERT INTO {STATE} (time_zone) VALUES (%s)",
    f"TRUNCATE {DAYS}, {HIST}, {RESOLVED}",
    "SET LOCAL jit = off",
    f"INSERT INTO {DAYS} SELECT * FROM operations_kpi_fresh_days(%s)",
    f"INSERT INTO {HIST} SELECT * FROM operations_kpi_fresh_hist(%s)",
    f"INSERT INTO {RESOLVED} SELECT * FROM operations_kpi_fresh_resolved(%s)",
    f"ANALYZE {DAYS}",
    f"ANALYZE {HIST}",
    f"ANALYZE {RESOLVED}",
]

REMOVE = [
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table, _event, _tables in TRIGGERS),
    *(f"DROP FUNCTION IF EXISTS {name}()" for name, _table, _event, _tables in TRIGGERS),
    *(f"DROP FUNCTION IF EXISTS operations_kpi_fresh_{t}(text)" for t in ("days", "hist", "resolved")),
    f"DROP TABLE IF EXISTS {DAYS}, {HIST}, {RESOLVED}, {STATE}",
]


def fill(cursor, zone: str) -> None:  # type: ignore[no-untyped-def]
    """Empty the rollup and count every contact again, for `zone` (also the rebuild, operations/rollup.py)."""
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
    atomic = True
    dependencies = [("operations", "0004_contact_links_update_guard_by_set_difference")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
