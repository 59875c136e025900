"""The update trigger of the contact links asks "did any contact move?" by a set difference (PostgreSQL only).

0002's guard — `NOT EXISTS (old_rows JOIN new_rows ON id WHERE moved)` — was planned as a fast-start nested loop over
the two transition tables: an EXISTS expects to stop at its first match, but an UPDATE that moves no contact (a
re-import that changes subjects, statuses or transcripts) has none, so every batch of 2,000 updated contacts compared
2,000 × 2,000 pairs: ~1 s a batch, 48 of the 111 s of a re-import of 100,000 changed contacts (benchmarks/README.md,
branch w-imp12b). The rows of the two tables are the same contacts (an UPDATE keeps their ids), so a contact moved
exactly when its new (id, customer, reason, creation instant) is not among the old ones: `EXCEPT` finds that by
hashing or sorting each table once, whatever plan the session keeps. The statements that follow are 0003's.
"""

from importlib import import_module

from django.db import migrations

links = import_module("qadesk.operations.migrations.0002_contact_links_postgresql")
planned = import_module("qadesk.operations.migrations.0003_contact_links_planned_each_time")

MOVED_KEYS = "id, customer_id, label_id, created_at"
UNMOVED = f"""IF NOT EXISTS (SELECT {MOVED_KEYS} FROM new_rows EXCEPT SELECT {MOVED_KEYS} FROM old_rows) THEN
        RETURN NULL;
    END IF;
    """

UPDATED = planned._function(
    "operations_links_updated", [links.REFRESH_PAIRS.format(pairs=planned.MOVED_PAIRS)], guard=UNMOVED
)
BEFORE = planned._function(
    "operations_links_updated", [links.REFRESH_PAIRS.format(pairs=planned.MOVED_PAIRS)], guard=planned.UNMOVED
)


def by_set_difference(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UPDATED)


def by_join(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BEFORE)


class Migration(migrations.Migration):
    dependencies = [("operations", "0003_contact_links_planned_each_time")]

    operations = [migrations.RunPython(by_set_difference, by_join)]
