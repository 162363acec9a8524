"""Referral and duplicate-alert actions through the real database, keys and audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from strada.audit.models import AuditEvent
from strada.clients.access import read_identity
from strada.conftest import every_value_in_the_database, register
from strada.referrals import access, actions
from strada.referrals.actions import ReferralInput
from strada.referrals.models import DuplicateAlert, LinkageToken, Notification
from strada.referrals.tests.conftest import consent_to

FIELDS = ["first_name", "second_name", "birth_date", "gender", "message"]


def _send(actor, client, recipient, **extra):
    data = ReferralInput(
        purpose="MigrationOrChangeOfLocation",
        fields=extra.pop("fields", FIELDS),
        recipient=recipient,
        message="Wants reintegration support near Chisinau",
        **extra,
    )
    return actions.do_send_referral(actor, client, data)


@pytest.fixture
def olena(network, md):
    client = register(
        network.anna,
        first_name="Олена",
        second_name="Коваленко",
        birth_date=dt.date(1994, 5, 17),
        mobile_phone="+31 6 1111 2222",
        coded={"citizenship": ["MD"]},
    )
    consent_to(network.anna, client, md.org)
    return client


def test_a_referral_with_consent_is_accepted_into_a_new_record(
    network, md, olena, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    md.maria.email = "maria@example.org"
    md.maria.save()
    with django_capture_on_commit_callbacks(execute=True):
        referral = _send(network.anna, olena, md.org)
    (message,) = mail.outbox
    assert message.to == ["maria@example.org"]
    assert f"/referrals/{referral.id}/" in message.body
    for secret in ("Олена", "Коваленко", "Olena", "1994", "Chisinau", "NL-"):
        assert secret not in message.body + message.subject
    assert referral.status == "sent"
    assert referral.package_fields == sorted(
        ["first_name", "second_name", "birth_date", "gender", "message"]
    )
    assert Notification.objects.filter(organisation=md.org, referral=referral).exists()

    received = access.access_referral(md.maria, referral.id)
    package = access.read_package(md.maria, received)
    assert package["first_name"] == "Олена"
    assert "mobile_phone" not in package

    client = actions.do_accept_referral(md.maria, received)
    assert client.organisation_id == md.org.id
    identity = read_identity(md.maria, client)
    assert identity.second_name == "Коваленко"
    assert identity.mobile_phone == ""
    assert received.status == "accepted"
    assert received.receiver_client_id == client.id
    # The sender sees the status, never the receiver's record.
    assert access.access_referral(network.anna, referral.id).status == "accepted"
    with pytest.raises(PermissionDenied):
        read_identity(network.anna, client)
    actions.do_complete_referral(md.maria, received)
    assert access.access_referral(network.anna, referral.id).status == "completed"
    assert AuditEvent.objects.filter(action="referral.accept", actor_org_id=md.org.id).exists()


def test_no_consent_no_referral_unless_a_supervisor_gives_a_reason(network, md):
    client = register(network.anna, first_name="Ion", second_name="Rusu")
    with pytest.raises(ValidationError):
        _send(network.anna, client, md.org)
    with pytest.raises(PermissionDenied):
        _send(network.anna, client, md.org, override_reason="Life at risk, consent by phone")
    referral = _send(network.sam, client, md.org, override_reason="Life at risk, consent by phone")
    assert referral.consent is None
    event = AuditEvent.objects.get(action="referral.send_without_consent")
    assert event.reason == "override"
    for reader in (network.sam, network.anna, md.maria):
        seen = access.access_referral(reader, referral.id)
        assert access.read_override_reason(reader, seen) == "Life at risk, consent by phone"
    assert b"consent by phone" not in every_value_in_the_database()


def test_revoke_and_decline(network, md, olena):
    first = _send(network.anna, olena, md.org)
    actions.do_revoke_referral(network.anna, first)
    assert first.status == "revoked"
    with pytest.raises(PermissionDenied):
        access.read_package(md.maria, access.access_referral(md.maria, first.id))
    assert access.read_package(network.anna, first)["first_name"] == "Олена"
    with pytest.raises(ValidationError):
        actions.do_accept_referral(md.maria, first)
    second = _send(network.anna, olena, md.org)
    with pytest.raises(PermissionDenied):
        actions.do_decline_referral(network.anna, second, "no")
    actions.do_decline_referral(md.maria, second, "No shelter places until March")
    assert access.read_decline_reason(network.anna, second) == "No shelter places until March"
    with pytest.raises(ValidationError):
        actions.do_revoke_referral(network.anna, second)


def test_outsiders_see_no_referral(network, md, olena):
    referral = _send(network.anna, olena, md.org)
    from django.http import Http404

    for outsider in (network.chiara, network.dana, network.nick, network.boris):
        with pytest.raises(Http404):
            access.access_referral(outsider, referral.id)


def test_a_cyrillic_and_a_latin_registration_raise_one_alert_to_both(network, md):
    nl_client = register(
        network.anna, first_name="Олена", second_name="Коваленко", birth_date=dt.date(1994, 5, 17)
    )
    md_client = register(
        md.maria, first_name="Kovalenko", second_name="Olena", coded={"birth_year": 1994}
    )
    alert = DuplicateAlert.objects.get()
    assert {alert.client_a_id, alert.client_b_id} == {nl_client.id, md_client.id}
    assert access.visible_alerts(network.anna).count() == 1
    assert access.visible_alerts(md.maria).count() == 1
    assert access.visible_alerts(network.dana).count() == 0
    assert access.visible_alerts(network.chiara).count() == 0
    assert not access.other_organisation_shown(alert, network.nl.id)
    actions.do_request_contact(network.anna, alert)
    alert.refresh_from_db()
    assert access.other_organisation_shown(alert, md.org.id)
    assert not access.other_organisation_shown(alert, network.nl.id)
    actions.do_answer_contact(md.maria, alert, accept=True)
    alert.refresh_from_db()
    assert access.other_organisation_shown(alert, network.nl.id)


def test_different_people_raise_no_alert_and_turning_off_forgets_tokens(network, md):
    register(
        network.anna, first_name="Olena", second_name="Kovalenko", birth_date=dt.date(1994, 5, 17)
    )
    register(md.maria, first_name="Olena", second_name="Petrenko", birth_date=dt.date(1994, 5, 17))
    register(md.maria, first_name="Olena", second_name="Kovalenko", birth_date=dt.date(1971, 2, 3))
    assert DuplicateAlert.objects.count() == 0
    assert LinkageToken.objects.filter(organisation=network.nl).exists()
    actions.do_set_linkage(network.olga, False)
    assert not LinkageToken.objects.filter(organisation=network.nl).exists()
    register(
        network.anna, first_name="Olena", second_name="Petrenko", birth_date=dt.date(1994, 5, 17)
    )
    assert DuplicateAlert.objects.count() == 0


def test_the_two_ends_of_an_accepted_referral_raise_no_alert(network, md, olena):
    referral = _send(network.anna, olena, md.org)
    client = actions.do_accept_referral(md.maria, referral)
    assert LinkageToken.objects.filter(client=client).exists()
    assert DuplicateAlert.objects.count() == 0


def test_an_update_sent_back_joins_the_original_client(network, md, olena):
    referral = _send(network.anna, olena, md.org)
    md_client = actions.do_accept_referral(md.maria, referral)
    consent_to(md.maria, md_client, network.nl)
    update = actions.do_send_referral(
        md.maria,
        md_client,
        ReferralInput(
            purpose="Other",
            fields=["message"],
            recipient=network.nl,
            message="Reintegration plan completed",
            in_reply_to=referral,
        ),
    )
    assert actions.do_accept_referral(network.anna, update).id == olena.id
    assert access.read_package(network.anna, update) == {"message": "Reintegration plan completed"}
