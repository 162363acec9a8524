"""The database itself refuses to change or delete audit events (a second wall behind the code)."""

from django.db import migrations

from strada.audit.guard import set_append_only


def enable(apps, schema_editor):
    set_append_only(schema_editor.connection, True)


def disable(apps, schema_editor):
    set_append_only(schema_editor.connection, False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(enable, disable)]
