from django.db import migrations
from django.db.models import F


def backfill(apps, schema_editor):
    """Reviews submitted before revisions existed: their current scores are their original ones."""
    Review = apps.get_model("reviews", "Review")
    Review.objects.filter(status="submitted", revision=0).update(
        revision=1,
        original_score=F("score"),
        original_high_impact_errors=F("high_impact_errors"),
        original_low_impact_errors=F("low_impact_errors"),
    )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_review_acknowledged_at_and_more")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
