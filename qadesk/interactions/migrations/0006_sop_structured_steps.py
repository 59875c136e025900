"""SOP steps become objects (text, required, evidence, forbidden); a placeholder flag for SOPs an import created."""

from django.db import migrations, models


def steps_to_objects(apps, schema_editor):
    Sop = apps.get_model("interactions", "Sop")
    for sop in Sop.objects.all():
        if any(isinstance(step, str) for step in sop.steps or []):
            sop.steps = [
                {"text": step, "required": True, "evidence": [], "forbidden": []} if isinstance(step, str) else step
                for step in sop.steps
            ]
            sop.save(update_fields=["steps"])


class Migration(migrations.Migration):

    dependencies = [
        ("interactions", "0005_interaction_rating_and_complaint"),
    ]

    operations = [
        migrations.AddField(
            model_name="sop",
            name="placeholder",
            field=models.BooleanField(
                default=False,
                help_text="Created by an import that named it; its steps are still to write.",
                verbose_name="to complete",
            ),
        ),
        migrations.AlterField(
            model_name="sop",
            name="steps",
            field=models.JSONField(blank=True, default=list, verbose_name="steps"),
        ),
        migrations.RunPython(steps_to_objects, migrations.RunPython.noop),
    ]
