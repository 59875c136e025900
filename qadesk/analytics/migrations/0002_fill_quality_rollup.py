"""Fill the quality report's rollup from the reviews already there, so an existing install reads it at once."""

from decimal import Decimal

from django.db import migrations


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    from qadesk.analytics.rollup import quality_rollup_rebuild

    org = apps.get_model("accounts", "OrgSettings").objects.first()
    quality_rollup_rebuild(pass_mark=org.pass_mark if org else Decimal(80))


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_quality_rollup"),
        ("accounts", "0005_api_token_expiry_and_revocation"),
        ("interactions", "0005_interaction_rating_and_complaint"),
        ("reviews", "0004_review_reopened_at"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
