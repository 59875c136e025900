"""Fill the survey results' rollup from the responses, answers and invitations already there, so an existing install
reads it at once."""

from django.db import migrations


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    from qadesk.surveys.rollup import survey_rollup_rebuild

    survey_rollup_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0004_survey_results_rollup"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
