"""Indexes for the review list's score and date sorts, on PostgreSQL only (issue 13; benchmarks/README.md, "List pages at
1,000,000 again"). Without them a page sorted by score or date joined every review to its interaction, agent and
reviewer and sorted them all for 50 rows (0.55 s at 50,000 reviews and 1,000,000 interactions); with them the page is
read in order from the index and joined row by row.

The list's order puts reviews with no score (no submission date) last in both directions
(`core.lists.sort_ordering`): `score ASC NULLS LAST, id ASC` is the plain index read forwards, and `score DESC NULLS
LAST, id DESC` is the index with NULLS FIRST read backwards, so each sort needs its own. SQLite installs are the small
ones, and each index costs every saved review an insertion.
"""

from django.db import migrations

INDEXES = {
    "review_score_sort": "(score, id)",
    "review_score_sort_desc": "(score NULLS FIRST, id)",
    "review_date_sort": "(submitted_at, created_at, id)",
    "review_date_sort_desc": "(submitted_at NULLS FIRST, created_at, id)",
}


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON reviews_review {columns}")
    schema_editor.execute("ANALYZE reviews_review")


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_review_transcript_scored")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
