"""Create the chain head row up front, so that concurrent first writers never race to make it."""

from django.db import migrations

GENESIS = "0" * 64


def create_head(apps, schema_editor):
    ChainHead = apps.get_model("audit", "ChainHead")
    ChainHead.objects.get_or_create(id=1, defaults={"seq": 0, "hash": GENESIS})


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_actor_org_index")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
