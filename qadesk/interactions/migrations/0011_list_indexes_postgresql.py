"""Indexes for the interaction list at 1,000,000 rows, on PostgreSQL only (benchmarks/README.md, "Lists at 1M: the
indexes"). SQLite installs are the small ones, and each index costs every imported row an insertion, so only the lists'
slow cases get one:

- the filter form's languages: one DISTINCT over every row on every page; with `(language)` it is a few index probes
  (`interactions.selectors.interaction_languages`);
- complaints (rare): a partial index of their dates, newest first;
- a team (a team lead's whole list, and the team filter): `(team_id, created_at)` gives the page and the capped count;
- sorting by external id or by message count: `(external_id, id)` and `(message_count, id)`, read forwards or backwards;
- text search (`q`, icontains): trigram indexes (pg_trgm) on the very expressions Django's icontains compares,
  UPPER(column::text), for the external id, the subject and the customer's id.

Built inside the migration's transaction (62 s at 1,000,000 interactions on a loaded 2-core machine): on a large install
writes to the interactions wait while it runs. The tables are analysed afterwards, for the expressions' statistics.
"""

from django.db import migrations

INDEXES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS interaction_language ON interactions_interaction (language)",
    "CREATE INDEX IF NOT EXISTS interaction_complaint_created ON interactions_interaction (created_at) WHERE complaint",
    "CREATE INDEX IF NOT EXISTS interaction_team_created ON interactions_interaction (team_id, created_at)",
    "CREATE INDEX IF NOT EXISTS interaction_external_id_sort ON interactions_interaction (external_id, id)",
    "CREATE INDEX IF NOT EXISTS interaction_message_count_sort ON interactions_interaction (message_count, id)",
    "CREATE INDEX IF NOT EXISTS interaction_external_id_trgm ON interactions_interaction"
    " USING gin (UPPER(external_id::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS interaction_subject_trgm ON interactions_interaction"
    " USING gin (UPPER(subject::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS customer_external_id_trgm ON interactions_customer"
    " USING gin (UPPER(external_id::text) gin_trgm_ops)",
    # Statistics of the indexed expressions: without them the planner takes every text for a rare one and reads a
    # broad match (a quarter of the rows) through the trigram index, then sorts it (0.15 s → 1.7 s at 1,000,000).
    "ANALYZE interactions_interaction",
    "ANALYZE interactions_customer",
]
NAMES = [
    "interaction_language",
    "interaction_complaint_created",
    "interaction_team_created",
    "interaction_external_id_sort",
    "interaction_message_count_sort",
    "interaction_external_id_trgm",
    "interaction_subject_trgm",
    "customer_external_id_trgm",
]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in INDEXES:
        schema_editor.execute(sql)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("interactions", "0010_custom_fields_and_tags")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
