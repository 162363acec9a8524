"""Seal the supervisors' reasons for referring without consent, until now stored in clear, as the
decline reason is sealed: with the referral's own key (opened here through the sender's wrapped key),
the associated data naming the referral and the field; then drop the clear column.

The key functions are written out here rather than imported from ``referrals.package``, so that this
migration keeps doing what it did when that module changes. It needs the master key, as Strada does
to start at all. Audit events written before it keep the reasons they hold: the log is append-only.
"""

from django.db import migrations, models

from strada.lib import crypto
from strada.orgs.keys import org_key

PART = "override_reason"


def _aad(referral_id, part):
    return crypto.associated_data("referral", referral_id, part)


def _referral_key(referral):
    sender = referral.sender
    return crypto.unwrap_key(
        org_key(sender), bytes(referral.sender_wrapped_key), _aad(referral.id, f"key:{sender.id}")
    )


def seal(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    clear = list(Referral.objects.exclude(override_reason="").select_related("sender"))
    for referral in clear:
        blob = crypto.encrypt(
            _referral_key(referral), referral.override_reason.encode("utf-8"), _aad(referral.id, PART)
        )
        Referral.objects.filter(id=referral.id).update(override_reason_enc=blob)


def unseal(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    sealed = list(Referral.objects.filter(override_reason_enc__isnull=False).select_related("sender"))
    for referral in sealed:
        text = crypto.decrypt(
            _referral_key(referral), bytes(referral.override_reason_enc), _aad(referral.id, PART)
        )
        Referral.objects.filter(id=referral.id).update(override_reason=text.decode("utf-8"))


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="override_reason_enc",
            field=models.BinaryField(editable=False, null=True),
        ),
        migrations.RunPython(seal, unseal),
        migrations.RemoveField(model_name="referral", name="override_reason"),
    ]
