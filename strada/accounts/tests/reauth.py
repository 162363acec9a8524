"""Test helpers for re-authentication before exports (strada/accounts/reauth.py).

``reauthenticate(http)`` confirms the password on allauth's real page, as a person does before an
export; ``age_confirmations(http, seconds)`` moves the session's authentication records back in
time, so that a test can see the window close without waiting.
"""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.test import Client as HttpClient

from strada.conftest import PASSWORD

REAUTHENTICATE = "/accounts/reauthenticate/"


def reauthenticate(http: HttpClient, password: str = PASSWORD) -> HttpClient:
    """Confirm the password of the signed-in person; the client is returned for chaining."""
    response = http.post(REAUTHENTICATE, {"password": password})
    assert response.status_code == 302, response.content.decode()[-500:]
    return http


def age_confirmations(http: HttpClient, seconds: float) -> None:
    session = http.session
    records: list[dict[str, Any]] = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= seconds
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()
