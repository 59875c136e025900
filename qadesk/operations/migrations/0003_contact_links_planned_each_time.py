"""The contact links' triggers (0002) plan their statements each time they run (PostgreSQL only).

PL/pgSQL keeps the plan of a statement without parameters for the session, made when the trigger first runs. An import
into an empty table fires the triggers once per COPY batch, all in one transaction: the first batch's plans saw empty
tables and read `operations_contactlink` and `interactions_interactionagent` by sequential scans inside nested loops,
and every later batch of that import reused them as the tables grew. Each batch then cost time in proportion to all the
rows before it: a first import of 100,000 contacts took 301 s (332 contacts/s; 12.7 s for 40,000 with the trigger off
against 53 s with it). `EXECUTE` plans each statement when it runs, from the tables' current sizes: the per-pair and
per-contact index lookups the statements were written for. The statements themselves are 0002's, unchanged.
"""

from importlib import import_module

from django.db import migrations

links = import_module("qadesk.operations.migrations.0002_contact_links_postgresql")


def _function(name: str, statements: list[str], guard: str = "") -> str:
    executed = "".join(f"EXECUTE $statement${sql}$statement$;\n    " for sql in statements)
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {guard}{executed}RETURN NULL;
END
$$
"""


def _pairs(rows: str) -> str:
    return f"SELECT DISTINCT customer_id, label_id FROM {rows} WHERE {links.PAIRED}"


MOVED_PAIRS = f"""SELECT p.customer_id, p.label_id FROM (
                SELECT o.customer_id, o.label_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE {links.MOVED}
                UNION
                SELECT n.customer_id, n.label_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE {links.MOVED}
            ) AS p WHERE p.{links.PAIRED.replace(" AND ", " AND p.")}"""
UNMOVED = f"""IF NOT EXISTS (SELECT 1 FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE {links.MOVED}) THEN
        RETURN NULL;
    END IF;
    """

FUNCTIONS = [
    _function("operations_links_inserted", [links.REFRESH_PAIRS.format(pairs=_pairs("new_rows"))]),
    _function("operations_links_updated", [links.REFRESH_PAIRS.format(pairs=MOVED_PAIRS)], guard=UNMOVED),
    _function(
        "operations_links_deleted",
        [
            f"DELETE FROM {links.TABLE} WHERE interaction_id IN (SELECT id FROM old_rows)",
            links.REFRESH_PAIRS.format(pairs=_pairs("old_rows")),
        ],
    ),
    _function("operations_handlers_inserted", [links.REFRESH_HANDLERS.format(ids="new_rows")]),
    _function(
        "operations_handlers_updated",
        [links.REFRESH_HANDLERS.format(ids="(SELECT interaction_id FROM old_rows UNION SELECT interaction_id FROM new_rows)")],
    ),
    _function("operations_handlers_deleted", [links.REFRESH_HANDLERS.format(ids="old_rows")]),
]


def planned_each_time(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for sql in FUNCTIONS:
            schema_editor.execute(sql)


def planned_once(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for sql in links.FUNCTIONS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("operations", "0002_contact_links_postgresql")]

    operations = [migrations.RunPython(planned_each_time, planned_once)]
