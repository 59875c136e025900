"""Rebuild the survey results' rollup with its levels 2–7 (survey, day and one of team, site, channel, label, phase;
survey and day alone), which the results now read: an install built before them would find those levels empty."""

from django.db import migrations


def rebuild(apps, schema_editor):  # type: ignore[no-untyped-def]
    from qadesk.surveys.rollup import survey_rollup_rebuild

    survey_rollup_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0006_invitation_due_index"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
