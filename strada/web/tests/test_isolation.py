"""Tenant isolation and deny-by-default, checked over every URL the application serves.

Marker strings are planted in NL's records; every URL pattern is requested, with NL's ids in its
path, by every person who must not see them. No response may carry a marker, none may be a 500, and
a path naming an NL object must answer 403 or 404. A URL whose view names no policy action fails.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver

from strada.accounts.models import PersonalAccessToken, hash_token
from strada.cases.actions import do_add_note, do_add_part, do_open_case, do_set_plan
from strada.cases.models import Service, TraffickingEvent
from strada.clients.actions import ConsentInput, do_record_consent
from strada.conftest import make_org, make_user, register
from strada.referrals.actions import ReferralInput, do_send_referral
from strada.referrals.models import DuplicateAlert

# Parts of the URL space that are not Strada's own views: sign-in (allauth, open by nature), the
# admin (its own site-wide check, tested below), language switching, the API (its own walker).
FOREIGN_PREFIXES = ("accounts/", "network-admin/", "i18n/", "api/v1/")

# Objects the network admin manages across organisations (never client data).
NETWORK_WIDE = {"org_id", "organisation_id", "user_id"}

NAME_MARKERS = ["Markerova", "Маркерова", "+31 6 9999 1234", "marker@example.org", "MRK-77-ID"]
# Free text a data manager must never see either.
TEXT_MARKERS = ["MRK-NOTE-TEXT", "MRK-OBJECTIVE", "MRK-REFERRAL-TEXT"]


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def all_routes() -> list[tuple[str, URLPattern]]:
    return list(_walk(get_resolver().url_patterns))


def _fill(route: str, ids: dict[str, str]) -> str | None:
    """A concrete path for a route, its parameters filled with the NL ids it names."""
    import re

    if route.startswith("^") or "(?P" in route:
        return None  # regex routes (static serving): not ours
    path = route
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", route):
        value = ids.get(name, ids["client_id"]) if converter in ("uuid", "") else ids.get(name, "1")
        path = path.replace(f"<{converter + ':' if converter else ''}{name}>", str(value))
    return "/" + path


@pytest.fixture
def planted(network: Any) -> dict[str, str]:
    """NL's records carrying markers; returns the ids to put into paths."""
    client = register(
        network.anna,
        first_name="Маркерова",
        second_name="Markerova",
        mobile_phone="+31 6 9999 1234",
        email="marker@example.org",
        identity_number="MRK-77-ID",
    )
    consent = do_record_consent(
        network.anna,
        client,
        ConsentInput(
            purpose="research",
            given_on=client.registered_on,
            wording_version="MRK-WORDING",
            language="nl",
        ),
    )
    case = do_open_case(network.anna, client, type_of_exploitation=["ForcedLabour"])
    service = do_add_part(network.anna, case, Service, type="Medical", start_date=case.opened_on)
    do_add_part(network.anna, case, TraffickingEvent, type="Exploitation", country="NL")
    do_add_note(network.anna, case, "MRK-NOTE-TEXT")
    do_set_plan(network.anna, case, objectives="MRK-OBJECTIVE", planned_end_date=None,
                actual_end_date=None)  # fmt: skip
    # A referral NL -> MD (its package carries names and a marked message): walked on every
    # /referrals/<referral_id>/... URL by people of neither organisation.
    md = make_org("md", "member", "MD")
    do_record_consent(
        network.anna,
        client,
        ConsentInput(purpose="referral", given_on=client.registered_on, wording_version="2026-1",
                     language="nl", recipient=md),
    )  # fmt: skip
    referral = do_send_referral(
        network.anna,
        client,
        ReferralInput(purpose="Other", recipient=md, message="MRK-REFERRAL-TEXT",
                      fields=["first_name", "second_name", "mobile_phone", "message"]),
    )  # fmt: skip
    # A duplicate alert between NL's client and a client of MD: walked on every
    # /referrals/duplicates/<alert_id>/... URL.
    md_client = register(
        make_user(md, "maria", "caseworker"), first_name="Other", second_name="Person"
    )
    (side_a, org_a), (side_b, org_b) = sorted(
        [(client, network.nl), (md_client, md)], key=lambda side: str(side[0].id)
    )
    alert = DuplicateAlert.objects.create(
        client_a=side_a, org_a=org_a, client_b=side_b, org_b=org_b, strength="ND"
    )
    token = PersonalAccessToken.objects.create(
        user=network.anna,
        name="MRK-TOKEN",
        token_hash=hash_token("strada_pat_marker"),
        hint="rker",
        expires_at="2099-01-01T00:00:00Z",
    )
    return {
        "client_id": str(client.id),
        "consent_id": str(consent.id),
        "user_id": str(network.anna.id),
        "token_id": str(token.id),
        "org_id": str(network.nl.id),
        "organisation_id": str(network.nl.id),
        "case_id": str(case.id),
        "part_id": str(service.id),
        "kind": "services",
        "reference": client.reference,
        "referral_id": str(referral.id),
        "alert_id": str(alert.id),
    }


def _responses(http: HttpClient, path: str) -> Iterator[tuple[str, Any]]:
    yield "GET", http.get(path)
    yield "POST", http.post(path, {"withdrawn_on": "2026-01-01", "purpose": "services"})


def test_it_names_a_policy_action_for_every_url(db: Any) -> None:
    missing = [
        route
        for route, pattern in all_routes()
        if not route.startswith(FOREIGN_PREFIXES)
        and "(?P" not in route
        and not hasattr(pattern.callback, "strada_action")
    ]
    assert missing == []


@pytest.mark.parametrize("who", ["chiara", "bogdan", "dana", "nick", "pat"])
def test_it_shows_nothing_of_another_organisation_on_any_url(network, planted, who):
    outsider = getattr(network, who)
    markers = [*NAME_MARKERS, *TEXT_MARKERS, "MRK-WORDING", "MRK-TOKEN", planted["reference"]]
    checked = 0
    for route, _pattern in all_routes():
        if route.startswith(FOREIGN_PREFIXES[1:]):
            continue
        path = _fill(route, planted)
        if path is None:
            continue
        names_nl_object = any(
            f":{k}>" in route
            for k in planted
            if not (who == "nick" and k in NETWORK_WIDE)  # the network admin manages these
        )
        for method, response in _responses(_signed_in(outsider), path):
            body = response.content.decode("utf-8", "replace")
            context = f"{method} {path} as {who}"
            assert response.status_code != 500, context
            for marker in markers:
                assert marker not in body, f"{marker!r} leaked on {context}"
            if names_nl_object and not route.startswith("accounts/"):
                assert response.status_code in (403, 404, 405), context
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("who", ["boris", "olga"])
def test_it_shows_no_identity_to_roles_of_the_same_organisation_without_the_right(
    network, planted, who
):
    person = getattr(network, who)
    for route, _pattern in all_routes():
        if route.startswith(FOREIGN_PREFIXES[1:]):
            continue
        path = _fill(route, planted)
        if path is None:
            continue
        for method, response in _responses(_signed_in(person), path):
            body = response.content.decode("utf-8", "replace")
            assert response.status_code != 500, f"{method} {path}"
            for marker in [*NAME_MARKERS, *TEXT_MARKERS]:
                assert marker not in body, f"{marker!r} leaked on {method} {path} as {who}"


def _signed_in(user: Any) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return http


def test_it_keeps_the_admin_for_network_admins(network, login):
    assert login(network.nick).get("/network-admin/").status_code == 200
    for person in (network.anna, network.olga, network.dana):
        response = login(person).get("/network-admin/", follow=True)
        assert response.status_code == 403
        assert b"Strada network administration" not in response.content
    anonymous = HttpClient().get("/network-admin/", follow=True)
    assert anonymous.redirect_chain[-1][0].startswith("/accounts/login/")


def test_it_sends_anonymous_visitors_to_sign_in(planted):
    http = HttpClient()
    for route, _pattern in all_routes():
        if route.startswith(FOREIGN_PREFIXES) or route in ("healthz",):
            continue
        path = _fill(route, planted)
        if path is None:
            continue
        response = http.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path


def test_it_answers_the_same_404_for_missing_and_forbidden(network, planted, login):
    http = login(network.chiara)
    other = str(uuid.uuid4())
    forbidden = http.get(f"/clients/{planted['client_id']}/")
    missing = http.get(f"/clients/{other}/")
    assert forbidden.status_code == missing.status_code == 404
    assert _normalised(forbidden.content, planted["client_id"]) == _normalised(
        missing.content, other
    )


def _normalised(body: bytes, requested_id: str) -> bytes:
    """The page without what differs by request anyway: the CSRF token and the requested path."""
    import re

    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
    return body.replace(requested_id.encode(), b"ID")


def test_it_serves_health_without_signing_in(db):
    response = HttpClient().get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
