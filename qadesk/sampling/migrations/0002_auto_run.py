"""`schedule` (none/daily/weekly/monthly) becomes `auto_run`: only "none or not" ever mattered, the period sets the rhythm."""

from django.db import migrations, models


def schedule_to_auto_run(apps, schema_editor):
    SamplingPlan = apps.get_model("sampling", "SamplingPlan")
    SamplingPlan.objects.exclude(schedule="none").update(auto_run=True)


def auto_run_to_schedule(apps, schema_editor):
    # Going back, an automatic plan runs once per its own period.
    SamplingPlan = apps.get_model("sampling", "SamplingPlan")
    for period, schedule in (("day", "daily"), ("week", "weekly"), ("month", "monthly")):
        SamplingPlan.objects.filter(auto_run=True, period=period).update(schedule=schedule)


class Migration(migrations.Migration):
    dependencies = [("sampling", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="samplingplan",
            name="auto_run",
            field=models.BooleanField(
                default=False,
                help_text="Draw each period by itself once the period has ended; otherwise only when someone presses Run now.",
                verbose_name="draw automatically",
            ),
        ),
        migrations.RunPython(schedule_to_auto_run, auto_run_to_schedule),
        migrations.RemoveField(model_name="samplingplan", name="schedule"),
    ]
