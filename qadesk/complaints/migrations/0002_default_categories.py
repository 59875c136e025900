"""A starting set of complaint categories (an admin edits, retires or adds to them in the admin site)."""

from django.db import migrations

from qadesk.complaints.defaults import DEFAULT_CATEGORIES



def create(apps, schema_editor):
    Category = apps.get_model("complaints", "ComplaintCategory")
    for code, name, hours in DEFAULT_CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "target_hours": hours})


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
