"""Statistics on the call records' UTC quarter hour of the day (PostgreSQL only; nothing on SQLite).

The report by interval groups the calls by `selectors.QuarterOfDay("offered_at")`. Without statistics on that
expression PostgreSQL expects as many groups as there are distinct instants, so it sums in one process; with them it
expects 96 and sums in parallel (about 2× faster over 1,000,000 calls on 2 cores, benchmarks/README.md). ANALYZE (and
autovacuum's, later) fills them. The expression must stay the one `QuarterOfDay.as_postgresql` writes.
"""

from django.db import migrations

NAME = "phoneline_callrecord_quarter"
ORIGIN = "TIMESTAMPTZ '2000-01-01 00:00+00'"
EXPRESSION = (
    f"(date_bin(INTERVAL '15 minutes', offered_at, {ORIGIN}) - date_bin(INTERVAL '1 day', offered_at, {ORIGIN}))"
)


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE STATISTICS IF NOT EXISTS {NAME} ON ({EXPRESSION}) FROM phoneline_callrecord")
    schema_editor.execute("ANALYZE phoneline_callrecord")


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("phoneline", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
