from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="checked_sha256",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
    ]
