"""The interactions' list order as one index, `(created_at, id)`, on PostgreSQL only (issue 13; benchmarks/README.md,
"List pages at 1,000,000 again").

The list reads a page's ids first and then those rows (`selectors.interaction_page_rows`): with the id in the index,
walking the list newest first to find a page of contacts that pass a test on another table (reviewed, a message
matching a search) reads the index alone, not each contact's row, and the id that breaks ties in the order needs no
sort. `(created_at)` alone stays: Django declares it on the model (both databases).
"""

from django.db import migrations


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS interaction_created_id ON interactions_interaction (created_at, id)")


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS interaction_created_id")


class Migration(migrations.Migration):
    dependencies = [("interactions", "0018_resolved_at_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
