"""Personal access tokens: made and shown once, listed to their owner only, revoked on request."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from strada.accounts.actions import do_create_token
from strada.accounts.models import PersonalAccessToken, hash_token
from strada.accounts.tests.reauth import reauthenticate
from strada.audit.models import AuditEvent
from strada.orgs.actions import do_update_organisation


def _shown_token(response):
    return re.search(r'data-testid="token">([^<]+)<', response.content.decode()).group(1)


def test_it_makes_a_token_and_shows_it_once(network, login):
    client = reauthenticate(login(network.anna))
    assert client.get(reverse("accounts:token_create")).context["form"]["days"].value() == 90
    response = client.post(
        reverse("accounts:token_create"), {"name": "import script", "days": "30"}
    )
    assert response.status_code == 200
    secret = _shown_token(response)
    row = PersonalAccessToken.objects.get()
    assert row.user == network.anna
    assert row.token_hash == hash_token(secret)
    assert row.hint == secret[-4:]
    assert secret not in row.token_hash
    expected = timezone.now() + dt.timedelta(days=30)
    assert abs((row.expires_at - expected).total_seconds()) < 60
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert "import script" in listing
    assert secret not in listing
    event = AuditEvent.objects.filter(action="token.create").latest("seq")
    assert event.object_id == str(row.id)
    assert all(secret not in str(values) for values in AuditEvent.objects.values_list())


def test_it_refuses_a_bad_expiry_or_name_and_makes_nothing(network, login):
    client = reauthenticate(login(network.anna))
    for values in [
        {"name": "a", "days": "0"},
        {"name": "a", "days": "366"},
        {"name": "a", "days": "ninety"},
        {"name": "a", "days": "1e9"},
        {"name": "", "days": "90"},
        {"name": "n" * 101, "days": "90"},
    ]:
        response = client.post(reverse("accounts:token_create"), values)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not PersonalAccessToken.objects.exists()


def test_it_lists_only_the_own_tokens(network, login):
    do_create_token(network.anna, "anna's script", 90)
    do_create_token(network.sam, "sam's script", 90)
    do_create_token(network.chiara, "chiara's script", 90)
    page = login(network.anna).get(reverse("accounts:tokens")).content.decode()
    assert "anna&#x27;s script" in page
    assert "sam&#x27;s" not in page
    assert "chiara&#x27;s" not in page


def test_it_asks_before_revoking_a_token(network, login):
    token, secret = do_create_token(network.anna, "script", 90)
    client = login(network.anna)
    url = reverse("accounts:token_revoke", args=[token.id])
    assert client.get(url).status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not PersonalAccessToken.objects.usable().filter(token_hash=hash_token(secret)).exists()
    assert AuditEvent.objects.filter(action="token.revoke", object_id=str(token.id)).count() == 1
    client.post(url)  # revoking twice changes nothing
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1


def test_it_answers_404_for_another_persons_token(network, login):
    token, _secret = do_create_token(network.anna, "script", 90)
    url = reverse("accounts:token_revoke", args=[token.id])
    for person in [network.chiara, network.sam, network.olga]:
        client = login(person)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert login(network.anna).get("/settings/tokens/not-a-uuid/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_answers_403_when_the_organisation_is_deactivated(network, login):
    token, _secret = do_create_token(network.anna, "script", 90)
    do_update_organisation(network.nick, network.nl, active=False)
    client = login(network.anna)
    for url in [
        reverse("accounts:tokens"),
        reverse("accounts:token_create"),
        reverse("accounts:token_revoke", args=[token.id]),
    ]:
        assert client.get(url).status_code == 403
        assert client.post(url, {"name": "x", "days": "9"}).status_code == 403
    assert PersonalAccessToken.objects.count() == 1


def test_it_marks_expired_and_revoked_tokens(network, login):
    expired, _ = do_create_token(network.anna, "old", 1)
    PersonalAccessToken.objects.filter(id=expired.id).update(
        expires_at=timezone.now() - dt.timedelta(days=1)
    )
    page = login(network.anna).get(reverse("accounts:tokens")).content.decode()
    assert "expired" in page
