"""The audit trail is append-only in the database too: a trigger refuses UPDATE and DELETE of audit events (see
qadesk/audit/triggers.py for what it refuses and the one exception)."""

from django.db import migrations


def install(apps, schema_editor):
    from qadesk.audit import triggers

    triggers.install(schema_editor.connection)


def remove(apps, schema_editor):
    from qadesk.audit import triggers

    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [("audit", "0002_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
