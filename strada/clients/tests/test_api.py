"""The JSON API of the client register: authentication, the policy, isolation, validation."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from strada.accounts.models import PersonalAccessToken, User, hash_token
from strada.api import api
from strada.audit.models import AuditEvent
from strada.clients.identity import unseal
from strada.clients.models import Client, Consent
from strada.conftest import make_org, make_user, register
from strada.orgs.models import Organisation
from strada.orgs.policy import POLICY
from strada.referrals.actions import ReferralInput, do_send_referral
from strada.referrals.models import DuplicateAlert, Referral
from strada.referrals.tests.conftest import consent_to

URL = "/api/v1/clients"


def make_token(user: User, **values: Any) -> str:
    token = PersonalAccessToken.generate()
    PersonalAccessToken.objects.create(
        user=user,
        name="script",
        token_hash=hash_token(token),
        hint=token[-4:],
        expires_at=values.pop("expires_at", timezone.now() + dt.timedelta(days=30)),
        **values,
    )
    return token


def api_client(user: User) -> HttpClient:
    """A test client that authenticates with a fresh personal access token of ``user``."""
    return HttpClient(headers={"Authorization": f"Bearer {make_token(user)}"})


def post(http: HttpClient, url: str, data: Any) -> Any:
    return http.post(url, json.dumps(data), content_type="application/json")


def patch(http: HttpClient, url: str, data: Any) -> Any:
    return http.patch(url, json.dumps(data), content_type="application/json")


def post_nothing(http: HttpClient, url: str) -> Any:
    return http.post(url, "", content_type="application/json")


def consent(purpose: str = "research", **values: Any) -> dict[str, Any]:
    return {"purpose": purpose, "wording_version": "2026-1", "language": "uk", **values}


# Authentication


def test_it_authenticates_with_a_personal_access_token(network):
    register(network.anna, first_name="Olena")
    token = make_token(network.anna)
    response = HttpClient().get(URL, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert PersonalAccessToken.objects.get().last_used_at is not None


def test_it_records_a_tokens_last_use_at_most_once_a_minute(network):
    http = api_client(network.anna)
    http.get(URL)
    first = PersonalAccessToken.objects.get().last_used_at
    http.get(URL)
    assert PersonalAccessToken.objects.get().last_used_at == first
    PersonalAccessToken.objects.update(last_used_at=first - dt.timedelta(minutes=2))
    http.get(URL)
    assert PersonalAccessToken.objects.get().last_used_at > first


def test_it_refuses_revoked_expired_and_unknown_tokens(network):
    revoked = make_token(network.anna, revoked_at=timezone.now())
    expired = make_token(network.anna, expires_at=timezone.now() - dt.timedelta(seconds=1))
    bodies = []
    for header in (
        f"Bearer {revoked}",
        f"Bearer {expired}",
        "Bearer strada_pat_unknown",
        "Bearer not-even-a-strada-token",
        "Bearer ",
        f"Basic {revoked}",
    ):
        response = HttpClient().get(URL, headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response["WWW-Authenticate"].startswith("Bearer")
        bodies.append(response.json())
    assert all(body == bodies[0] for body in bodies)
    assert PersonalAccessToken.objects.filter(last_used_at__isnull=False).count() == 0


def test_it_refuses_the_token_of_a_deactivated_user(network):
    http = api_client(network.anna)
    User.objects.filter(id=network.anna.id).update(is_active=False)
    assert http.get(URL).status_code == 401


def test_it_refuses_the_token_of_a_user_whose_organisation_was_deactivated(network):
    http = api_client(network.anna)
    Organisation.objects.filter(id=network.nl.id).update(active=False)
    assert http.get(URL).status_code == 401


def test_it_answers_401_to_anonymous_callers(network):
    anonymous = HttpClient()
    assert anonymous.get(URL).status_code == 401
    response = post(anonymous, URL, {})
    assert response.status_code == 401
    assert response.json() == {"detail": anonymous.get(URL).json()["detail"]}
    assert Client.objects.count() == 0


def test_it_does_not_fall_back_to_the_session_when_a_token_is_bad(network, login):
    """The MFA middleware lets requests with an Authorization header through: a bad header must
    not be rescued by a session that never passed the second factor."""
    http = login(network.anna)
    assert http.get(URL).status_code == 200
    assert http.get(URL, headers={"Authorization": "Bearer strada_pat_forged"}).status_code == 401


def test_it_accepts_a_session_but_refuses_a_post_without_the_csrf_token(network):
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(network.anna, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert http.get(URL).status_code == 200
    refused = post(http, URL, {"identity": {"first_name": "Olena"}})
    assert refused.status_code == 403
    assert "detail" in refused.json()
    assert Client.objects.count() == 0

    http.get("/")  # any page sets the CSRF cookie
    csrf = http.cookies["csrftoken"].value
    accepted = http.post(
        URL,
        json.dumps({"identity": {"first_name": "Olena"}}),
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert accepted.status_code == 201
    assert Client.objects.count() == 1


def test_it_answers_a_session_of_a_deactivated_organisation_with_401(network, login):
    http = login(network.anna)
    Organisation.objects.filter(id=network.nl.id).update(active=False)
    assert http.get(URL).status_code == 401


# Lists and search


def test_it_lists_clients_a_page_at_a_time_with_the_total_count(network):
    for n in range(7):
        register(network.anna, first_name=f"Person{n}")
    register(network.chiara, first_name="Elsewhere")
    http = api_client(network.anna)

    first = http.get(URL, {"page_size": 3}).json()
    last = http.get(URL, {"page_size": 3, "page": 3}).json()
    beyond = http.get(URL, {"page_size": 3, "page": 9}).json()

    assert (first["count"], first["page"], first["page_size"]) == (7, 1, 3)
    assert len(first["items"]) == 3
    assert len(last["items"]) == 1
    assert beyond["items"] == []
    assert beyond["count"] == 7
    seen = {
        item["id"]
        for p in (1, 2, 3)
        for item in http.get(URL, {"page_size": 3, "page": p}).json()["items"]
    }
    assert len(seen) == 7


def test_it_lists_with_a_constant_number_of_queries(network):
    http = api_client(network.anna)
    register(network.anna, first_name="One")
    with CaptureQueriesContext(connection) as few:
        http.get(URL)
    for n in range(10):
        register(network.anna, first_name=f"Person{n}")
    with CaptureQueriesContext(connection) as many:
        response = http.get(URL)
    assert len(response.json()["items"]) == 11
    assert len(many) == len(few)


def test_it_finds_a_cyrillic_name_by_its_latin_spelling(network):
    olena = register(network.anna, first_name="Олена", second_name="Коваленко")
    register(network.anna, first_name="Maria", second_name="Popescu")
    register(network.chiara, first_name="Олена", second_name="Коваленко")

    found = api_client(network.anna).get(URL, {"q": "olena"}).json()

    assert found["count"] == 1
    assert found["items"][0]["id"] == str(olena.id)
    assert found["items"][0]["identity"]["first_name"] == "Олена"
    assert found["items"][0]["identity"]["first_name_latin"] == "Olena"


def test_it_filters_by_gender_and_citizenship(network):
    ukrainian = register(network.anna, coded={"gender": "Masculine", "citizenship": ["UA"]})
    register(network.anna, coded={"gender": "Feminine", "citizenship": ["UA", "MD"]})
    register(network.anna, coded={"gender": "Masculine", "citizenship": ["MD"]})
    http = api_client(network.anna)

    found = http.get(URL, {"gender": "Masculine", "citizenship": "UA"}).json()

    assert [item["id"] for item in found["items"]] == [str(ukrainian.id)]
    assert http.get(URL, {"citizenship": "MD"}).json()["count"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": 101},
        {"page": 0},
        {"page": "two"},
        {"gender": "Unknown"},
        {"citizenship": "XX"},
    ],
)
def test_it_rejects_bad_list_parameters(network, params):
    response = api_client(network.anna).get(URL, params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


# Register, read, change


def test_it_registers_a_client_with_identity_coded_fields_and_consents(network):
    http = api_client(network.anna)
    response = post(
        http,
        URL,
        {
            "registered_on": "2026-03-01",
            "identity": {
                "first_name": "Олена",
                "second_name": "Коваленко",
                "birth_date": "1998-05-04",
                "mobile_phone": "+380 44 123 4567",
                "email": "olena@example.org",
            },
            "gender": "Feminine",
            "citizenship": ["UA"],
            "primary_language": "uk",
            "marital_status": "Single",
            "consents": [consent("services"), consent("statistics", form="oral")],
        },
    )
    assert response.status_code == 201
    body = response.json()
    stored = Client.objects.get()
    assert body["id"] == str(stored.id)
    assert body["reference"] == stored.reference == "NL-2026-00001"
    assert body["birth_year"] == 1998
    assert body["citizenship"] == ["UA"]
    assert body["age_band"] is None
    assert body["identity"]["second_name_latin"] == "Kovalenko"
    assert unseal(stored).email == "olena@example.org"
    assert sorted(stored.consents.values_list("purpose", flat=True)) == ["services", "statistics"]
    assert stored.consents.get(purpose="services").given_on == dt.date(2026, 3, 1)
    assert AuditEvent.objects.filter(action="client.register", via="api").count() == 1


def test_it_registers_an_anonymous_client(network):
    response = post(api_client(network.anna), URL, {})
    assert response.status_code == 201
    client = Client.objects.get()
    assert client.has_name is False
    assert client.gender == "NonSpecifiedUnknown"
    assert client.registered_on == timezone.localdate()
    assert response.json()["identity"]["first_name"] == ""


def test_it_gets_a_client_and_audits_the_identity_read(network):
    olena = register(network.anna, first_name="Олена", email="olena@example.org")
    response = api_client(network.anna).get(f"{URL}/{olena.id}")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == olena.reference
    assert body["gender"] == "Feminine"
    assert body["identity"]["email"] == "olena@example.org"
    read = AuditEvent.objects.get(action="client.identity.read", object_id=str(olena.id))
    assert read.via == "api"
    assert read.actor_id == network.anna.id
    assert "email" in read.fields
    assert "olena" not in json.dumps(read.fields).lower()


def test_it_changes_only_the_fields_given(network):
    olena = register(
        network.anna,
        first_name="Олена",
        second_name="Коваленко",
        mobile_phone="+380 44 123 4567",
        coded={"gender": "Feminine", "citizenship": ["UA"], "primary_language": "uk"},
    )
    response = patch(
        api_client(network.anna),
        f"{URL}/{olena.id}",
        {"identity": {"mobile_phone": "+31 6 1234 5678"}, "marital_status": "Married"},
    )
    assert response.status_code == 200
    olena.refresh_from_db()
    identity = unseal(olena)
    assert identity.mobile_phone == "+31 6 1234 5678"
    assert identity.first_name == "Олена"
    assert identity.second_name == "Коваленко"
    assert (olena.marital_status, olena.gender, olena.citizenship) == (
        "Married",
        "Feminine",
        ["UA"],
    )
    assert olena.primary_language == "uk"
    edit = AuditEvent.objects.get(action="client.edit")
    assert edit.fields == ["marital_status", "mobile_phone"]
    assert response.json()["identity"]["mobile_phone"] == "+31 6 1234 5678"


def test_it_empties_a_field_given_as_null_and_derives_the_latin_name_again(network):
    olena = register(network.anna, first_name="Олена", email="olena@example.org")
    response = patch(
        api_client(network.anna),
        f"{URL}/{olena.id}",
        {"identity": {"first_name": "Марія", "email": None}, "primary_language": None},
    )
    assert response.status_code == 200
    identity = unseal(Client.objects.get())
    assert (identity.first_name, identity.first_name_latin, identity.email) == (
        "Марія",
        "Mariya",
        "",
    )


def test_it_writes_nothing_when_a_change_changes_nothing(network):
    olena = register(network.anna, first_name="Olena")
    response = patch(api_client(network.anna), f"{URL}/{olena.id}", {"gender": "Feminine"})
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="client.edit").exists()


# Consents


def test_it_lists_records_and_withdraws_consents(network):
    olena = register(network.anna, first_name="Olena", consents=["services"])
    http = api_client(network.anna)

    recorded = post(http, f"{URL}/{olena.id}/consents", consent("research", given_on="2026-03-02"))
    assert recorded.status_code == 201
    research = recorded.json()
    assert (research["purpose"], research["is_active"]) == ("research", True)

    withdrawn = post(
        http, f"{URL}/{olena.id}/consents/{research['id']}/withdraw", {"withdrawn_on": "2026-03-05"}
    )
    assert withdrawn.status_code == 200
    assert (withdrawn.json()["withdrawn_on"], withdrawn.json()["is_active"]) == (
        "2026-03-05",
        False,
    )

    listed = http.get(f"{URL}/{olena.id}/consents").json()
    assert listed["count"] == 2
    assert {c["purpose"]: c["is_active"] for c in listed["items"]} == {
        "services": True,
        "research": False,
    }
    assert Consent.objects.get(purpose="research").withdrawn_by == network.anna


def test_it_withdraws_today_when_no_date_is_given(network):
    olena = register(network.anna, consents=["services"])
    services = olena.consents.get()
    response = post_nothing(
        api_client(network.anna), f"{URL}/{olena.id}/consents/{services.id}/withdraw"
    )
    assert response.status_code == 200
    services.refresh_from_db()
    assert services.withdrawn_on == timezone.localdate()


def test_it_answers_422_when_the_action_refuses(network):
    olena = register(network.anna, consents=["services"])
    services = olena.consents.get()
    http = api_client(network.anna)
    url = f"{URL}/{olena.id}/consents/{services.id}/withdraw"
    assert post_nothing(http, url).status_code == 200
    again = post_nothing(http, url)
    assert again.status_code == 422
    assert again.json() == {
        "detail": [
            {"loc": ["body"], "msg": "This consent was already withdrawn.", "type": "value_error"}
        ]
    }


def test_it_records_a_referral_consent_only_with_another_member_as_recipient(network):
    olena = register(network.anna)
    http = api_client(network.anna)
    url = f"{URL}/{olena.id}/consents"

    assert post(http, url, consent("referral")).status_code == 422
    assert post(http, url, consent("referral", recipient_id=str(network.nl.id))).status_code == 422
    assert post(http, url, consent("referral", recipient_id=str(network.lsi.id))).status_code == 422
    assert post(http, url, consent("services", recipient_id=str(network.bg.id))).status_code == 422
    accepted = post(http, url, consent("referral", recipient_id=str(network.bg.id)))

    assert accepted.status_code == 201
    assert accepted.json()["recipient_id"] == str(network.bg.id)
    assert olena.consents.filter(purpose="referral").count() == 1


# Roles and organisations


def test_it_shows_no_identity_to_a_data_manager(network):
    olena = register(network.anna, first_name="Олена", email="olena@example.org")
    http = api_client(network.boris)

    listed = http.get(URL, {"q": "olena"})
    detail = http.get(f"{URL}/{olena.id}")

    assert listed.status_code == detail.status_code == 200
    assert listed.json()["count"] == 1
    assert "identity" not in listed.json()["items"][0]
    assert "identity" not in detail.json()
    assert detail.json()["gender"] == "Feminine"
    for body in (listed.content, detail.content):
        assert "Олена".encode() not in body
        assert b"olena@example.org" not in body
    assert not AuditEvent.objects.filter(action="client.identity.read").exists()


def test_it_lets_a_data_manager_read_but_not_write(network):
    olena = register(network.anna, consents=["services"])
    services = olena.consents.get()
    http = api_client(network.boris)
    assert http.get(f"{URL}/{olena.id}/consents").status_code == 200
    assert post(http, URL, {}).status_code == 403
    assert patch(http, f"{URL}/{olena.id}", {"gender": "Masculine"}).status_code == 403
    assert post(http, f"{URL}/{olena.id}/consents", consent()).status_code == 403
    assert (
        post_nothing(http, f"{URL}/{olena.id}/consents/{services.id}/withdraw").status_code == 403
    )
    assert Client.objects.get().gender == "Feminine"


def _every_operation(client_id: Any, consent_id: Any) -> list[tuple[str, str, Any]]:
    one = f"{URL}/{client_id}"
    return [
        ("get", URL, None),
        ("post", URL, {}),
        ("get", one, None),
        ("patch", one, {"gender": "Masculine"}),
        ("get", f"{one}/consents", None),
        ("post", f"{one}/consents", consent()),
        ("post", f"{one}/consents/{consent_id}/withdraw", {}),
    ]


def _call(http: HttpClient, method: str, url: str, data: Any) -> Any:
    if data is None:
        return getattr(http, method)(url)
    return getattr(http, method)(url, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("who", ["dana", "nick", "pat", "olga"])
def test_it_answers_403_to_roles_the_policy_refuses(network, who):
    olena = register(network.anna, first_name="Olena", consents=["services"])
    http = api_client(getattr(network, who))
    for method, url, data in _every_operation(olena.id, olena.consents.get().id):
        response = _call(http, method, url, data)
        assert response.status_code == 403, (method, url)
        assert response.json() == {"detail": "You are not allowed to do this."}
        assert b"Olena" not in response.content
    assert Client.objects.count() == 1


def test_it_answers_the_same_404_for_another_organisations_client_and_a_missing_one(network):
    olena = register(network.anna, first_name="Olena", consents=["services"])
    services = olena.consents.get()
    http = api_client(network.chiara)
    forbidden = _every_operation(olena.id, services.id)[2:]
    missing = _every_operation(uuid.uuid4(), uuid.uuid4())[2:]
    for (method, url, data), (_m, other, _d) in zip(forbidden, missing, strict=True):
        refused = _call(http, method, url, data)
        absent = _call(http, method, other, data)
        assert refused.status_code == absent.status_code == 404, url
        assert refused.content == absent.content == b'{"detail": "Not found."}'
    olena.refresh_from_db()
    assert olena.gender == "Feminine"
    assert services.__class__.objects.get(id=services.id).withdrawn_on is None
    assert olena.consents.count() == 1


def test_it_answers_404_to_another_organisations_consent_under_its_own_client(network):
    own = register(network.chiara)
    theirs = register(network.anna, consents=["services"]).consents.get()
    response = post_nothing(
        api_client(network.chiara), f"{URL}/{own.id}/consents/{theirs.id}/withdraw"
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.withdrawn_on is None


def test_it_answers_404_json_to_ids_that_are_not_uuids(network):
    http = api_client(network.anna)
    for url in (f"{URL}/42", f"{URL}/not-a-uuid", f"{URL}/42/consents", f"{URL}/{uuid.uuid4()}x"):
        response = http.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found."}


# Bad input


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"gender": "Female"}, "gender"),
        ({"gender": 3}, "gender"),
        ({"birth_year": "nineteen"}, "birth_year"),
        ({"birth_year": 1850}, "birth_year"),
        ({"citizenship": "UA"}, "citizenship"),
        ({"citizenship": ["Ukraine"]}, "citizenship"),
        ({"citizenship": ["UA", "MD", "RO", "BG", "PL", "CZ"]}, "citizenship"),
        ({"primary_language": "ukrainian"}, "primary_language"),
        ({"mailing_country": "XX"}, "mailing_country"),
        ({"age_band": "10-20"}, "age_band"),
        ({"number_of_children": -1}, "number_of_children"),
        ({"registered_on": "2999-01-01"}, "registered_on"),
        ({"registered_on": "yesterday"}, "registered_on"),
        ({"identity": {"first_name": "x" * 101}}, "first_name"),
        ({"identity": {"first_name": 42}}, "first_name"),
        ({"identity": {"mobile_phone": "call me"}}, "mobile_phone"),
        ({"identity": {"email": "not-an-address"}}, "email"),
        ({"identity": {"birth_date": "2999-01-01"}}, "birth_date"),
        ({"identity": {"birth_date": "1990-01-01"}, "birth_year": 1991}, None),
        ({"identity": {"nickname": "Lena"}}, "nickname"),
        ({"identity": "Olena"}, "identity"),
        ({"name": "Olena"}, "name"),
        (
            {"consents": [{"purpose": "gossip", "wording_version": "1", "language": "uk"}]},
            "purpose",
        ),
        ({"consents": [consent(language="klingon")]}, "language"),
        ({"consents": [consent(extra=True)]}, "extra"),
    ],
)
def test_it_rejects_invalid_registrations_and_changes_nothing(network, body, field):
    before = AuditEvent.objects.count()
    response = post(api_client(network.anna), URL, body)
    assert response.status_code == 422, response.content
    errors = response.json()["detail"]
    assert errors
    assert all(set(error) == {"loc", "msg", "type"} for error in errors)
    assert errors[0]["loc"][0] == "body"
    if field:
        assert field in errors[0]["loc"], errors
    assert Client.objects.count() == 0
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "body",
    [{"gender": "Female"}, {"identity": {"email": "nope"}}, {"surname": "X"}, {"gender": None}],
)
def test_it_rejects_invalid_changes_and_changes_nothing(network, body):
    olena = register(network.anna, first_name="Olena", email="olena@example.org")
    response = patch(api_client(network.anna), f"{URL}/{olena.id}", body)
    assert response.status_code == 422
    olena.refresh_from_db()
    assert (olena.gender, unseal(olena).email) == ("Feminine", "olena@example.org")
    assert not AuditEvent.objects.filter(action="client.edit").exists()


@pytest.mark.parametrize(
    "raw", [b"{not json", b"", b"[1, 2]", b'"Olena"', '{"gender": "Ж"'.encode()]
)
def test_it_rejects_bodies_that_are_not_a_json_object(network, raw):
    response = api_client(network.anna).post(URL, raw, content_type="application/json")
    assert response.status_code in (400, 422)
    assert "detail" in response.json()
    assert Client.objects.count() == 0


def test_it_refuses_a_role_without_the_right_before_reading_its_input(network):
    olena = register(network.anna)
    http = api_client(network.dana)
    assert http.post(URL, b"{not json", content_type="application/json").status_code == 403
    assert http.post(f"{URL}/{olena.id}/consents", {"purpose": "x"}).status_code == 403
    assert patch(http, f"{URL}/{olena.id}", {"gender": "Nope"}).status_code == 403


def test_it_answers_bad_input_alike_for_another_organisations_client_and_a_missing_one(network):
    olena = register(network.anna)
    http = api_client(network.chiara)
    for body in ({"purpose": "gossip"}, b"{not json"):
        data = body if isinstance(body, bytes) else json.dumps(body)
        theirs = http.post(f"{URL}/{olena.id}/consents", data, content_type="application/json")
        missing = http.post(f"{URL}/{uuid.uuid4()}/consents", data, content_type="application/json")
        assert theirs.status_code == missing.status_code
        assert theirs.content == missing.content


def test_it_names_the_place_of_an_invalid_nested_field(network):
    response = post(api_client(network.anna), URL, {"consents": [consent(given_on="2999-01-01")]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "consents", 0, "given_on"]


# The API as a whole


def test_it_serves_the_openapi_description_of_every_operation(db):
    response = HttpClient().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    operations = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if path.startswith(URL)  # the other routers test their own operations
    }
    assert operations == {
        ("GET", "/api/v1/clients"),
        ("POST", "/api/v1/clients"),
        ("GET", "/api/v1/clients/{client_id}"),
        ("PATCH", "/api/v1/clients/{client_id}"),
        ("GET", "/api/v1/clients/{client_id}/consents"),
        ("POST", "/api/v1/clients/{client_id}/consents"),
        ("POST", "/api/v1/clients/{client_id}/consents/{consent_id}/withdraw"),
    }
    assert spec["components"]["schemas"]["Gender"]["enum"] == [
        "Feminine",
        "Masculine",
        "TransgenderFeminine",
        "TransgenderMasculine",
        "NonConforming",
        "NonSpecifiedUnknown",
    ]
    assert set(spec["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    assert spec["components"]["schemas"]["ClientIn"]["additionalProperties"] is False


def test_it_names_a_policy_action_for_every_operation():
    operations = [
        (path, method, operation.view_func)
        for router in api._get_bound_routers()
        for path, path_view in router.path_operations.items()
        for operation in path_view.operations
        for method in operation.methods
    ]
    assert len(operations) >= 7
    for path, method, view in operations:
        action = getattr(view, "strada_action", None)
        assert action in POLICY, f"{method} {path} names no policy action"


# Every operation, walked as every outsider

MARKERS = ["Markerova", "Маркерова", "+31 6 9999 1234", "marker@example.org", "MRK-77-ID"]

# A valid body per operation, so that the walk reaches the access check and not the validation.
SAMPLE_BODIES = {
    ("PATCH", "/clients/{client_id}"): {"gender": "Masculine"},
    ("POST", "/clients/{client_id}/consents"): consent("research"),
    ("POST", "/clients/{client_id}/consents/{consent_id}/withdraw"): {},
    ("POST", "/referrals/{referral_id}/decline"): {"reason": "No places."},
    ("POST", "/duplicate-alerts/{alert_id}/answer"): {"accept": True},
}
# Routers whose operations name objects of one organisation (or of the two ends of a referral).
WALKED_ROUTERS = ("/clients", "/referrals", "/duplicate-alerts")


def _operations_naming_an_object() -> list[tuple[str, str]]:
    return [
        (method, router.prefix + path.replace("{uuidstr:", "{"))
        for router in api._get_bound_routers()
        for path, path_view in router.path_operations.items()
        for operation in path_view.operations
        for method in operation.methods
        if "{" in path and router.prefix in WALKED_ROUTERS
    ]


@pytest.fixture
def planted(network):
    client = register(
        network.anna,
        first_name="Маркерова",
        second_name="Markerova",
        mobile_phone="+31 6 9999 1234",
        email="marker@example.org",
        identity_number="MRK-77-ID",
        consents=["services"],
    )
    consent_id = client.consents.get().id
    # A referral of the marked client NL -> MD, and a duplicate alert between NL and MD.
    md = make_org("md", "member", "MD")
    maria = make_user(md, "maria", "caseworker")
    consent_to(network.anna, client, md)
    referral = do_send_referral(
        network.anna,
        client,
        ReferralInput(purpose="Other", fields=["first_name", "mobile_phone"], recipient=md),
    )
    register(network.anna, first_name="Ana", second_name="Lungu", birth_date=dt.date(1990, 1, 2))
    register(maria, first_name="Ana", second_name="Lungu", birth_date=dt.date(1990, 1, 2))
    return {
        "client_id": client.id,
        "consent_id": consent_id,
        "referral_id": referral.id,
        "alert_id": DuplicateAlert.objects.get().id,
    }


@pytest.mark.parametrize("who", ["chiara", "bogdan", "dana", "nick", "pat", "boris", "olga"])
def test_it_shows_nothing_of_another_organisations_client_through_any_operation(
    network, planted, who
):
    http = api_client(getattr(network, who))
    outsider = who not in ("boris", "olga")
    operations = _operations_naming_an_object()
    assert len(operations) >= 5
    assert {path.split("/")[1] for _method, path in operations} == {
        prefix.strip("/") for prefix in WALKED_ROUTERS
    }
    for method, path in operations:
        url = "/api/v1" + path.format(**planted)
        body = SAMPLE_BODIES.get((method, path))
        response = _call(http, method.lower(), url, body)
        if outsider or response.status_code != 200:
            assert response.status_code in (403, 404), f"{method} {url} as {who}"
        for marker in MARKERS:
            assert marker.encode() not in response.content, f"{marker} on {method} {url} as {who}"
    assert Consent.objects.get(id=planted["consent_id"]).withdrawn_on is None
    assert Client.objects.get(id=planted["client_id"]).gender == "Feminine"
    assert Referral.objects.get(id=planted["referral_id"]).status == "sent"
    assert DuplicateAlert.objects.get(id=planted["alert_id"]).status == "open"


def test_it_answers_a_wrong_method_in_json(network, login):
    response = login(network.anna).delete("/api/v1/clients")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed."}
