"""The settings page: language, second factor, password (Anna, and everyone else)."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.urls import reverse

from strada.audit.models import AuditEvent
from strada.orgs.actions import do_update_organisation


def test_it_shows_the_settings_with_links_to_mfa_and_password(network, login):
    response = login(network.anna).get(reverse("accounts:settings"))
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("mfa_index") in page
    assert reverse("account_change_password") in page
    assert reverse("accounts:tokens") in page
    assert response.context["has_totp"] is False


def test_it_says_which_second_factors_are_set_up(network, login):
    Authenticator.objects.create(user=network.anna, type=Authenticator.Type.TOTP, data={})
    Authenticator.objects.create(user=network.anna, type=Authenticator.Type.RECOVERY_CODES, data={})
    response = login(network.anna).get(reverse("accounts:settings"))
    assert response.context["has_totp"] is True
    assert response.context["has_recovery_codes"] is True
    assert response.context["webauthn_keys"] == 0


def test_it_saves_the_language_and_uses_it(network, login):
    client = login(network.anna)
    response = client.post(reverse("accounts:settings"), {"language": "uk"})
    assert response.status_code == 302
    network.anna.refresh_from_db()
    assert network.anna.language == "uk"
    assert client.get(reverse("accounts:settings")).context["LANGUAGE_CODE"] == "uk"
    event = AuditEvent.objects.filter(action="user.language").latest("seq")
    assert event.fields == ["language"]
    assert event.object_id == str(network.anna.id)


def test_it_follows_the_browser_when_the_language_is_empty(network, login):
    network.anna.language = "ro"
    network.anna.save(update_fields=["language"])
    client = login(network.anna)
    assert client.post(reverse("accounts:settings"), {"language": ""}).status_code == 302
    network.anna.refresh_from_db()
    assert network.anna.language == ""
    page = client.get(reverse("accounts:settings"), HTTP_ACCEPT_LANGUAGE="uk")
    assert page.context["LANGUAGE_CODE"] == "uk"


def test_it_refuses_an_unknown_language_and_changes_nothing(network, login):
    client = login(network.anna)
    before = AuditEvent.objects.count()
    for value in ["xx", "de", "e" * 500]:
        response = client.post(reverse("accounts:settings"), {"language": value})
        assert response.status_code == 200
        assert "language" in response.context["form"].errors
    network.anna.refresh_from_db()
    assert network.anna.language == ""
    assert AuditEvent.objects.count() == before


def test_it_answers_every_role(network, login):
    for person in network.people():
        assert login(person).get(reverse("accounts:settings")).status_code == 200


def test_it_answers_403_when_the_organisation_is_deactivated(network, login):
    do_update_organisation(network.nick, network.nl, active=False)
    client = login(network.anna)
    assert client.get(reverse("accounts:settings")).status_code == 403
    assert client.post(reverse("accounts:settings"), {"language": "uk"}).status_code == 403
    network.anna.refresh_from_db()
    assert network.anna.language == ""


def test_it_sends_a_stranger_to_the_login(network, client):
    response = client.get(reverse("accounts:settings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
