"""Sign-in for life-critical data: lockout, a required second factor, session lifetimes, audit."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from strada.audit.models import AuditEvent
from strada.conftest import PASSWORD

LOGIN = "/accounts/login/"


def _attempt(password: str, username: str = "anna", address: str = "10.0.0.1") -> HttpClient:
    http = HttpClient(REMOTE_ADDR=address)
    http.post(LOGIN, {"login": username, "password": password})
    return http


def _signed_in(http: HttpClient) -> bool:
    return "_auth_user_id" in http.session


def test_it_signs_in_with_the_right_password_and_audits_it(network):
    http = _attempt(PASSWORD)
    assert _signed_in(http)
    event = AuditEvent.objects.filter(action="auth.login").latest("seq")
    assert event.actor_id == network.anna.id
    assert event.ip == "10.0.0.1"


def test_it_audits_a_failed_sign_in_without_the_typed_secret(network):
    http = _attempt("wrong-password-typed")
    assert not _signed_in(http)
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("seq")
    assert event.object_id == str(network.anna.id)
    assert "wrong-password-typed" not in str(event.__dict__)


def test_it_locks_an_account_after_five_failures_even_from_other_addresses(network):
    for n in range(5):
        _attempt(f"wrong-{n}", address=f"10.0.0.{n + 1}")
    assert not _signed_in(_attempt(PASSWORD, address="10.9.9.9"))
    assert AccessAttempt.objects.filter(username="anna").exists()


def test_it_locks_an_address_that_tries_many_accounts(network):
    for name in ["anna", "sam", "boris", "olga", "chiara"]:
        _attempt("wrong-password", username=name, address="10.6.6.6")
    assert not _signed_in(_attempt(PASSWORD, username="bogdan", address="10.6.6.6"))
    assert _signed_in(_attempt(PASSWORD, username="bogdan", address="10.7.7.7"))


def test_it_unlocks_after_the_cool_off(network, settings):
    for n in range(5):
        _attempt(f"wrong-{n}")
    assert not _signed_in(_attempt(PASSWORD))
    from datetime import timedelta

    from django.utils import timezone

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=1))
    assert _signed_in(_attempt(PASSWORD))


def test_it_refuses_common_and_short_passwords(network):
    for weak in ["password1234", "short", "123456789012", "qwertyuiop123", "anna"]:
        with pytest.raises(ValidationError):
            validate_password(weak, network.anna)


def test_it_requires_a_second_factor_for_roles_that_see_identities(network, settings, login):
    settings.STRADA_REQUIRE_MFA = True
    response = login(network.anna).get("/clients/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    api = login(network.anna).get("/api/v1/clients")
    assert api.status_code == 403
    # A data manager sees no identities: no second factor required of them.
    assert login(network.boris).get("/clients/").status_code == 200


def test_it_asks_for_the_code_and_then_lets_the_caseworker_in(network, settings):
    settings.STRADA_REQUIRE_MFA = True
    secret = generate_totp_secret()
    TOTP.activate(network.anna, secret)
    http = _attempt(PASSWORD)
    assert not _signed_in(http)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = http.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert _signed_in(http)
    assert http.get("/clients/").status_code == 200
    assert Authenticator.objects.filter(user=network.anna).count() == 1


def test_it_signs_out_an_idle_session(network, login, settings):
    http = login(network.anna)
    assert http.get("/clients/").status_code == 200
    session = http.session
    session["strada_last_seen"] = time.time() - settings.STRADA_IDLE_TIMEOUT - 5
    session.save()
    response = http.get("/clients/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not _signed_in(http)


def test_it_signs_out_a_session_past_its_absolute_lifetime_however_active(network, login, settings):
    http = login(network.anna)
    assert http.get("/clients/").status_code == 200
    session = http.session
    session["strada_started"] = time.time() - settings.SESSION_COOKIE_AGE - 5
    session.save()
    response = http.get("/clients/")
    assert response.status_code == 302
    assert not _signed_in(http)


def _wrong_code(secret: str) -> str:
    """A six-digit code that no nearby time window accepts."""
    step = int(time.time()) // 30
    near = {format_hotp_value(hotp_value(secret, step + d)) for d in (-2, -1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(1000, 10**6, 7919)) if c not in near)


def test_it_locks_the_second_step_after_five_wrong_codes_even_for_the_right_one(network, settings):
    """Knowing the password must not allow guessing the code without limit: wrong codes count
    towards the same lock as wrong passwords, and a lock refuses even the right code."""
    settings.STRADA_REQUIRE_MFA = True
    secret = generate_totp_secret()
    TOTP.activate(network.anna, secret)
    http = _attempt(PASSWORD)
    for n in range(1, settings.AXES_FAILURE_LIMIT + 1):
        wrong = http.post("/accounts/2fa/authenticate/", {"code": _wrong_code(secret)})
        # "Incorrect code." until the limit, then the lockout page, as for passwords.
        assert wrong.status_code == (429 if n == settings.AXES_FAILURE_LIMIT else 200)
        assert not _signed_in(http)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))

    refused = http.post("/accounts/2fa/authenticate/", {"code": code})

    assert refused.status_code == 429
    assert not _signed_in(http)
    assert (
        list(
            AuditEvent.objects.filter(action="auth.login_failed").values_list("reason", "object_id")
        )
        == [("totp", str(network.anna.id))] * settings.AXES_FAILURE_LIMIT
    )
    # The lock holds for the password too, from another address.
    assert not _signed_in(_attempt(PASSWORD, address="10.9.9.9"))


def test_a_wrong_code_then_the_right_one_signs_in_below_the_limit(network, settings):
    settings.STRADA_REQUIRE_MFA = True
    secret = generate_totp_secret()
    TOTP.activate(network.anna, secret)
    http = _attempt(PASSWORD)
    http.post("/accounts/2fa/authenticate/", {"code": _wrong_code(secret)})
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert http.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert _signed_in(http)
