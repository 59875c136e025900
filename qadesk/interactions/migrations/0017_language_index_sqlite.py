"""The languages' index on SQLite too (PostgreSQL has had it since 0011): the list pages' filter form asks for the
distinct languages on every view, and without the index SQLite reads every interaction for it (9 ms of the
interaction list's ~30 ms of CPU at 20,000 interactions; benchmarks/README.md, "Load … session 4"). With it the
question is a few index probes (`interactions.selectors.interaction_languages`). One more index entry per imported row.
"""

from django.db import migrations


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS interaction_language ON interactions_interaction (language)")


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS interaction_language")


class Migration(migrations.Migration):
    dependencies = [("interactions", "0016_transcript_revisions")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
