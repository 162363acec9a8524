"""Consents name their client's organisation (an index for the list's consent filter), and every
client's citizenships get blind-index tokens (the list's citizenship filter)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    Consent = apps.get_model("clients", "Consent")
    SearchToken = apps.get_model("clients", "SearchToken")
    Organisation = apps.get_model("orgs", "Organisation")
    Consent.objects.filter(organisation__isnull=True).update(
        organisation=Subquery(
            Client.objects.filter(pk=OuterRef("client_id")).values("organisation_id")[:1]
        )
    )
    from strada.clients.identity import citizenship_tokens  # the keys of the running Strada

    SearchToken.objects.filter(kind="cit").delete()
    for org in Organisation.objects.filter(
        id__in=Client.objects.values("organisation_id").distinct()
    ):
        rows = Client.objects.filter(organisation=org).values_list("id", "citizenship")
        SearchToken.objects.bulk_create(
            (
                SearchToken(client_id=client_id, organisation_id=org.id, kind=kind, token=token)
                for client_id, countries in rows.iterator(chunk_size=2000)
                for kind, token in citizenship_tokens(org, countries)
            ),
            batch_size=2000,
        )


def drop_citizenship_tokens(apps, schema_editor):
    apps.get_model("clients", "SearchToken").objects.filter(kind="cit").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0003_consent_recipient_entry"),
        ("orgs", "0002_organisation_linkage_enabled"),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="orgs.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="searchtoken",
            name="kind",
            field=models.CharField(
                choices=[
                    ("name", "Name"),
                    ("idnum", "Identity Number"),
                    ("phone", "Phone"),
                    ("email", "Email"),
                    ("cit", "Citizenship"),
                ],
                max_length=8,
            ),
        ),
        migrations.RunPython(fill, drop_citizenship_tokens, elidable=False),
        migrations.AlterField(
            model_name="consent",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="orgs.organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="consent",
            index=models.Index(
                fields=["organisation", "purpose", "withdrawn_on"],
                name="clients_con_organis_6f7154_idx",
            ),
        ),
    ]
