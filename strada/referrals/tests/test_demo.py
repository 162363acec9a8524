"""The demo's referrals and duplicate alerts, made through the real actions by ``strada demo``."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from strada.clients.identity import unseal
from strada.clients.models import Client, Consent
from strada.referrals import access, codes
from strada.referrals.demo import made_clients
from strada.referrals.models import DuplicateAlert, LinkageToken, Notification, Referral

CLIENTS = 40


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", clients=CLIENTS, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db: object, settings: object) -> str:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]
    return run_demo()


def _cyrillic(text: str) -> bool:
    return any("\u0400" <= char <= "\u04ff" for char in text)


def test_it_makes_referrals_in_every_state(demo):
    referrals = list(Referral.objects.select_related("consent", "in_reply_to"))
    statuses = Counter(r.status for r in referrals)
    assert set(statuses) == set(codes.Status.values)
    assert "Referrals: " in demo
    # Each referral within the network had the client's consent to that recipient, but one: sent by
    # a supervisor with a reason.
    (override,) = [r for r in referrals if r.consent is None]
    assert override.override_reason_enc is not None
    assert override.sent_by.role == "supervisor"
    assert access.read_override_reason(override.sent_by, override).startswith("In danger now")
    for referral in referrals:
        if referral.consent is not None:
            assert referral.consent.client_id == referral.source_client_id
            assert referral.consent.recipient_id == referral.recipient_id
            assert referral.consent.recipient_entry_id == referral.recipient_entry_id
            assert referral.consent.given_on <= referral.sent_at.date()
    (external,) = [r for r in referrals if r.is_external]
    assert external.recipient_entry is not None
    (reply,) = [r for r in referrals if r.in_reply_to is not None]
    assert reply.sender_id == reply.in_reply_to.recipient_id
    assert reply.recipient_id == reply.in_reply_to.sender_id
    (declined,) = [r for r in referrals if r.status == "declined"]
    assert declined.decline_reason_enc


def test_it_spreads_the_dates_over_the_last_months(demo):
    now = timezone.now()
    referrals = list(Referral.objects.all())
    months = {(r.sent_at.year, r.sent_at.month) for r in referrals}
    assert len(months) >= 4
    for referral in referrals:
        assert referral.sent_at < now
        if referral.answered_at is not None:
            assert referral.sent_at < referral.answered_at < now
        if referral.closed_at is not None:
            assert referral.sent_at < referral.closed_at < now
    received = Notification.objects.filter(kind="referral_received").select_related("referral")
    assert all(n.created_at == n.referral.sent_at for n in received)
    assert mail.outbox == []  # the demo's addresses are made up: no e-mail is sent


def test_it_raises_duplicate_alerts_by_registering_the_same_person_again(demo):
    alerts = list(
        DuplicateAlert.objects.select_related("client_a__organisation", "client_b__organisation")
    )
    assert len(alerts) >= 3
    scripts = []
    for alert in alerts:
        a, b = unseal(alert.client_a), unseal(alert.client_b)
        assert alert.org_a_id != alert.org_b_id
        assert a.birth_date == b.birth_date
        scripts.append((_cyrillic(a.first_name), _cyrillic(b.first_name)))
    assert (True, False) in scripts or (False, True) in scripts
    assert any(alert.status == codes.AlertStatus.REQUESTED for alert in alerts)
    # Every client with a first name, a surname and a birth year has its linkage tokens.
    tokened = set(LinkageToken.objects.values_list("client_id", flat=True))
    for client in Client.objects.filter(has_name=True, birth_year__isnull=False):
        identity = unseal(client)
        if identity.first_name and identity.second_name:
            assert client.id in tokened


def test_it_adds_nothing_when_run_again_and_links_what_was_not_linked(demo):
    def counts() -> dict[str, int]:
        return {
            "referrals": Referral.objects.count(),
            "alerts": DuplicateAlert.objects.count(),
            "clients": Client.objects.count(),
            "consents": Consent.objects.count(),
            "notifications": Notification.objects.count(),
            "tokens": LinkageToken.objects.count(),
        }

    before = counts()
    made = made_clients()
    # As if the database had been built before the demo linked its clients as it registered them.
    LinkageToken.objects.filter(organisation__code="nl").delete()
    again = run_demo()
    assert counts() == before
    assert "already more clients" not in again  # those the referrals brought are not counted
    assert made_clients() == made
