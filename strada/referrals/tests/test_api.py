"""The JSON API of referrals, the inbox and duplicate alerts: the NL → MD flow, package minimality,
consent on the server, revoke and decline, duplicate alerts, isolation and bad input."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strada.api import api
from strada.audit.models import AuditEvent
from strada.clients.models import Client
from strada.clients.tests.test_api import api_client, post, post_nothing
from strada.conftest import every_value_in_the_database, register
from strada.directory.actions import do_create_entry
from strada.orgs.policy import POLICY
from strada.referrals import package
from strada.referrals.models import DuplicateAlert, Notification, Referral
from strada.referrals.schemas import PackageOut, ReferralIn
from strada.referrals.tests.conftest import consent_to

URL = "/api/v1/referrals"
ALERTS = "/api/v1/duplicate-alerts"
FIELDS = ["first_name", "second_name", "birth_date", "gender", "citizenship"]
# In the client's record, never in a package below.
LEFT_BEHIND = ["+31 6 5555 0199", "olena@example.org", "NL-ID-424242", "Oudezijds 12"]


def body(client: Any, recipient: Any = "md", **values: Any) -> dict[str, Any]:
    return {
        "client_id": str(client.id),
        "recipient": recipient,
        "purpose": "MigrationOrChangeOfLocation",
        "urgency": "urgent",
        "fields": FIELDS,
        "message": "Wants reintegration support near Chisinau.",
        **values,
    }


def call(http: HttpClient, method: str, url: str, data: Any = None) -> Any:
    if data is None:
        return getattr(http, method.lower())(url)
    return getattr(http, method.lower())(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def olena(network, md):
    client = register(
        network.anna,
        first_name="Олена",
        second_name="Коваленко",
        birth_date=dt.date(1994, 5, 17),
        mobile_phone="+31 6 5555 0199",
        email="olena@example.org",
        identity_number="NL-ID-424242",
        mailing_street="Oudezijds 12",
        coded={"citizenship": ["MD"]},
    )
    consent_to(network.anna, client, md.org)
    return client


@pytest.fixture
def sent(network, olena):
    """A referral NL → MD of Olena, sent through the API; its answer as the sender got it."""
    response = post(api_client(network.anna), URL, body(olena))
    assert response.status_code == 201, response.content
    return response.json()


# The NL → MD flow


def test_it_refers_a_client_and_the_receiver_accepts_it_into_its_own_record(network, md, olena):
    nl, moldova = api_client(network.anna), api_client(md.maria)
    sent = post(nl, URL, body(olena))
    assert sent.status_code == 201, sent.content
    referral = sent.json()
    assert referral["direction"] == "sent"
    assert referral["status"] == "sent"
    assert referral["client_id"] == str(olena.id)
    assert referral["other_organisation"]["code"] == "md"
    assert referral["directory_entry"] is None
    assert referral["urgency"] == "urgent"
    assert referral["package_fields"] == sorted([*FIELDS, "message"])
    assert Notification.objects.filter(organisation=md.org, kind="referral_received").exists()

    inbox = moldova.get(f"{URL}?box=received").json()
    assert inbox["count"] == 1
    (item,) = inbox["items"]
    assert item["id"] == referral["id"]
    assert item["direction"] == "received"
    assert item["client_id"] is None
    assert item["other_organisation"]["code"] == "nl"
    assert "package" not in item

    detail = moldova.get(f"{URL}/{referral['id']}").json()
    assert detail["package"] == {
        "first_name": "Олена",
        "second_name": "Коваленко",
        "birth_date": "1994-05-17",
        "gender": "Feminine",
        "citizenship": ["MD"],
        "message": "Wants reintegration support near Chisinau.",
    }
    assert detail["decline_reason"] is None
    read = AuditEvent.objects.get(action="referral.package.read")
    assert read.actor_org_id == md.org.id

    accepted = post_nothing(moldova, f"{URL}/{referral['id']}/accept")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    new_client = Client.objects.get(id=accepted.json()["client_id"])
    assert new_client.organisation_id == md.org.id
    assert new_client.id != olena.id

    seen_by_nl = nl.get(f"{URL}/{referral['id']}")
    assert seen_by_nl.json()["status"] == "accepted"
    assert seen_by_nl.json()["client_id"] == str(olena.id)
    assert seen_by_nl.json()["answered_at"] is not None
    assert str(new_client.id).encode() not in seen_by_nl.content + nl.get(URL).content
    assert nl.get(f"/api/v1/clients/{new_client.id}").status_code == 404

    completed = post_nothing(moldova, f"{URL}/{referral['id']}/complete")
    assert completed.json()["status"] == "completed"
    assert nl.get(f"{URL}/{referral['id']}").json()["closed_at"] is not None
    assert nl.get(f"{URL}?box=sent&status=completed").json()["count"] == 1


def test_it_gives_the_receiver_only_the_fields_in_the_package(network, md, olena, sent):
    moldova = api_client(md.maria)
    answers = [
        moldova.get(URL),
        moldova.get(f"{URL}?box=received"),
        moldova.get(f"{URL}/{sent['id']}"),
        post_nothing(moldova, f"{URL}/{sent['id']}/accept"),
        moldova.get(f"{URL}/{sent['id']}"),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.content
        for secret in [*LEFT_BEHIND, str(olena.id), olena.reference]:
            assert secret.encode() not in answer.content, secret
    package_read = answers[-1].json()["package"]
    assert set(package_read) == set(sent["package_fields"])
    received = Client.objects.get(organisation=md.org)
    assert moldova.get(f"/api/v1/clients/{received.id}").json()["identity"]["mobile_phone"] == ""


def test_it_answers_the_sender_the_package_it_sent(network, olena, sent):
    detail = api_client(network.anna).get(f"{URL}/{sent['id']}").json()
    assert detail["package"]["first_name"] == "Олена"
    assert "mobile_phone" not in detail["package"]


def test_it_sends_the_message_even_when_not_named_among_the_fields(network, olena):
    response = post(api_client(network.anna), URL, body(olena, fields=["gender"]))
    assert response.json()["package_fields"] == ["gender", "message"]
    quiet = post(api_client(network.anna), URL, body(olena, fields=["gender"], message=""))
    assert quiet.json()["package_fields"] == ["gender"]


def test_it_names_the_recipient_by_code_or_id(network, md, olena):
    http = api_client(network.anna)
    assert post(http, URL, body(olena, recipient="MD")).status_code == 201
    assert post(http, URL, body(olena, recipient=str(md.org.id))).status_code == 201
    assert Referral.objects.filter(recipient=md.org).count() == 2


# Consent, enforced by the server


def test_it_refuses_a_forged_referral_without_consent_and_creates_nothing(network, md):
    ion = register(network.anna, first_name="Ion", second_name="Rusu")
    response = post(api_client(network.anna), URL, body(ion))
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "recipient"]
    assert "not consented" in error["msg"]
    assert not Referral.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="referral.").exists()


def test_it_refuses_a_consent_for_another_organisation(network, md, olena):
    response = post(api_client(network.anna), URL, body(olena, recipient="bg"))
    assert response.status_code == 422
    assert "not consented" in response.json()["detail"][0]["msg"]
    assert not Referral.objects.exists()


def test_it_refuses_a_caseworker_override_and_lets_a_supervisor_give_a_reason(network, md):
    ion = register(network.anna, first_name="Ion", second_name="Rusu")
    override = body(ion, override_reason="Life at risk, consent given by phone")
    refused = post(api_client(network.anna), URL, override)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You are not allowed to do this."}
    assert not Referral.objects.exists()
    allowed = post(api_client(network.sam), URL, override)
    assert allowed.status_code == 201, allowed.content
    event = AuditEvent.objects.get(action="referral.send_without_consent")
    assert event.reason == "override"
    referral = Referral.objects.get()
    assert referral.consent is None
    for reader in (network.sam, network.anna, md.maria):
        detail = api_client(reader).get(f"{URL}/{referral.id}").json()
        assert detail["override_reason"] == "Life at risk, consent given by phone"
    assert b"consent given by phone" not in every_value_in_the_database()


def test_it_ignores_an_override_reason_when_the_client_consented(network, olena):
    response = post(api_client(network.anna), URL, body(olena, override_reason="Just in case"))
    assert response.status_code == 201
    referral = Referral.objects.get()
    assert referral.consent is not None
    assert referral.override_reason_enc is None
    detail = api_client(network.anna).get(f"{URL}/{referral.id}").json()
    assert detail["override_reason"] is None
    assert AuditEvent.objects.get(action="referral.send").reason == ""


# Revoke, decline, complete


def test_it_lets_the_sender_revoke_a_pending_referral_and_the_receiver_no_longer_read_it(
    network, md, sent
):
    nl, moldova = api_client(network.anna), api_client(md.maria)
    assert post_nothing(moldova, f"{URL}/{sent['id']}/revoke").status_code == 403
    revoked = post_nothing(nl, f"{URL}/{sent['id']}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert revoked.json()["closed_at"] is not None
    detail = moldova.get(f"{URL}/{sent['id']}")
    assert detail.status_code == 200
    assert detail.json()["status"] == "revoked"
    assert detail.json()["package"] is None
    assert "Олена".encode() not in detail.content
    assert nl.get(f"{URL}/{sent['id']}").json()["package"]["first_name"] == "Олена"
    too_late = post_nothing(moldova, f"{URL}/{sent['id']}/accept")
    assert too_late.status_code == 422
    assert too_late.json()["detail"][0]["loc"] == ["body"]
    assert post_nothing(nl, f"{URL}/{sent['id']}/revoke").status_code == 422
    assert not Client.objects.filter(organisation=md.org).exists()


def test_it_lets_the_receiver_decline_with_a_reason_the_sender_reads(network, md, sent):
    nl, moldova = api_client(network.anna), api_client(md.maria)
    url = f"{URL}/{sent['id']}/decline"
    assert post(nl, url, {"reason": "No."}).status_code == 403
    for empty in ({}, {"reason": ""}, {"reason": " "}, {"reason": "x" * 2001}, {"reason": "\x00"}):
        response = post(moldova, url, empty)
        assert response.status_code == 422, empty
        assert response.json()["detail"][0]["loc"][:2] == ["body", "reason"]
    assert Referral.objects.get().status == "sent"
    declined = post(moldova, url, {"reason": "No shelter places until March"})
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"
    assert nl.get(f"{URL}/{sent['id']}").json()["decline_reason"] == (
        "No shelter places until March"
    )
    seen_by_md = moldova.get(f"{URL}/{sent['id']}")
    assert seen_by_md.json()["decline_reason"] == "No shelter places until March"
    assert seen_by_md.json()["package"] is None
    assert "Олена".encode() not in seen_by_md.content
    assert post_nothing(nl, f"{URL}/{sent['id']}/revoke").status_code == 422
    assert post_nothing(moldova, f"{URL}/{sent['id']}/accept").status_code == 422
    assert post_nothing(moldova, f"{URL}/{sent['id']}/complete").status_code == 422
    assert not Client.objects.filter(organisation=md.org).exists()


def test_it_completes_only_an_accepted_referral_by_the_receiver(network, md, sent):
    nl, moldova = api_client(network.anna), api_client(md.maria)
    assert post_nothing(moldova, f"{URL}/{sent['id']}/complete").status_code == 422
    post_nothing(moldova, f"{URL}/{sent['id']}/accept")
    assert post_nothing(nl, f"{URL}/{sent['id']}/complete").status_code == 403
    assert post_nothing(nl, f"{URL}/{sent['id']}/accept").status_code == 403
    assert post_nothing(moldova, f"{URL}/{sent['id']}/complete").status_code == 200
    assert post_nothing(moldova, f"{URL}/{sent['id']}/accept").status_code == 422


def test_it_sends_an_update_back_that_joins_the_original_client(network, md, olena, sent):
    moldova = api_client(md.maria)
    receivers_client = post_nothing(moldova, f"{URL}/{sent['id']}/accept").json()["client_id"]
    update = {
        "client_id": receivers_client,
        "recipient": "nl",
        "purpose": "Other",
        "fields": ["message"],
        "message": "Reintegration plan agreed.",
        "in_reply_to": sent["id"],
    }
    assert post(moldova, URL, update).status_code == 422  # no consent to NL yet
    consent_to(md.maria, Client.objects.get(id=receivers_client), network.nl)
    reply = post(moldova, URL, update)
    assert reply.status_code == 201, reply.content
    assert reply.json()["in_reply_to"] == sent["id"]
    nl = api_client(network.anna)
    accepted = post_nothing(nl, f"{URL}/{reply.json()['id']}/accept")
    assert accepted.json()["client_id"] == str(olena.id)
    assert Client.objects.filter(organisation=network.nl).count() == 1


def test_it_refuses_an_update_about_a_referral_not_received(network, md, olena, sent):
    response = post(api_client(network.anna), URL, body(olena, in_reply_to=sent["id"]))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "in_reply_to"]


def test_it_refers_to_a_directory_entry_and_the_sender_completes_it(network, olena):
    entry = do_create_entry(
        network.olga, name="Centrul Chisinau", kind="shelter", country="MD", city="Chisinau"
    )
    consent_to(network.anna, olena, None, entry=entry)
    http = api_client(network.anna)
    sent = post(http, URL, body(olena, recipient=None, recipient_entry=str(entry.id)))
    assert sent.status_code == 201, sent.content
    assert sent.json()["other_organisation"] is None
    assert sent.json()["directory_entry"] == {"id": str(entry.id), "name": "Centrul Chisinau"}
    assert http.get(f"{URL}/{sent.json()['id']}").json()["package"]["first_name"] == "Олена"
    completed = post_nothing(http, f"{URL}/{sent.json()['id']}/complete")
    assert completed.json()["status"] == "completed"


# Bad input: a clear 422, nothing sent


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fields": []}, "fields"),
        ({"fields": ["mobile_phone", "password"]}, "fields"),
        ({"fields": "first_name"}, "fields"),
        ({"fields": ["first_name"] * 30}, "fields"),
        ({"recipient": None}, "recipient"),
        ({"recipient_entry": str(uuid.uuid4())}, "recipient_entry"),
        ({"recipient": "atlantis"}, "recipient"),
        ({"recipient": str(uuid.uuid4())}, "recipient"),
        ({"recipient": "nl"}, "recipient"),
        ({"recipient": "lsi"}, "recipient"),
        ({"recipient": "polaris"}, "recipient"),
        ({"recipient": "x" * 65}, "recipient"),
        ({"recipient": "md\x00"}, "recipient"),
        ({"override_reason": "Urgent\x00"}, "override_reason"),
        ({"message": "\x00"}, "message"),
        ({"purpose": "Holiday"}, "purpose"),
        ({"purpose": None}, "purpose"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"message": "x" * 4001}, "message"),
        ({"override_reason": "x" * 2001}, "override_reason"),
        ({"in_reply_to": "42"}, "in_reply_to"),
        ({"in_reply_to": str(uuid.uuid4())}, "in_reply_to"),
        ({"client_id": "42"}, "client_id"),
        ({"client_id": None}, "client_id"),
        ({"phone": "+31 6 0000"}, "phone"),
    ],
)
def test_it_rejects_invalid_referrals_and_sends_none(network, md, olena, change, field):
    response = post(api_client(network.anna), URL, body(olena, **change))
    assert response.status_code == 422, response.content
    errors = response.json()["detail"]
    assert all(set(error) == {"loc", "msg", "type"} for error in errors)
    assert field in errors[0]["loc"], errors
    assert not Referral.objects.exists()


def test_it_rejects_a_referral_to_an_organisation_and_an_entry_at_once(network, md, olena):
    entry = do_create_entry(network.olga, name="Centrul", kind="shelter", country="MD")
    response = post(api_client(network.anna), URL, body(olena, recipient_entry=str(entry.id)))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "recipient"]
    assert not Referral.objects.exists()


@pytest.mark.parametrize("raw", [b"{not json", b"", b"[1, 2]", b"null"])
def test_it_rejects_bodies_that_are_not_a_json_object(network, md, olena, sent, raw):
    http = api_client(md.maria)
    for url in (URL, f"{URL}/{sent['id']}/decline", f"{ALERTS}/{uuid.uuid4()}/answer"):
        response = http.post(url, raw, content_type="application/json")
        assert response.status_code in (400, 422), url
        assert "detail" in response.json()
    assert Referral.objects.get().status == "sent"


def test_it_answers_404_to_referring_another_organisations_client(network, md):
    theirs = register(network.chiara, first_name="Maria")
    http = api_client(network.anna)
    refused = post(http, URL, body(theirs))
    missing = post(http, URL, {**body(theirs), "client_id": str(uuid.uuid4())})
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    "params", ["box=inbox", "status=lost", "page=0", "page_size=101", "page=x"]
)
def test_it_rejects_bad_list_parameters(network, params):
    assert api_client(network.anna).get(f"{URL}?{params}").status_code == 422


def test_it_answers_404_json_to_ids_that_are_not_uuids(network):
    http = api_client(network.anna)
    for url in (f"{URL}/42", f"{URL}/not-a-uuid/accept", f"{ALERTS}/7", f"{ALERTS}/x/dismiss"):
        response = http.get(url) if url.count("/") == 4 else post_nothing(http, url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found."}


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.text(max_size=20),
    st.sampled_from(["", "md", "MD", "nl", "lsi", "42", str(uuid.uuid4()), [], {}, ["message"]]),
    st.lists(st.sampled_from([*package.FIELDS, "password", ""]), max_size=4),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_it_never_fails_on_any_body(network, md, olena, data):
    http = api_client(network.sam)
    keys = [*ReferralIn.model_fields, "unexpected"]
    drawn = data.draw(st.dictionaries(st.sampled_from(keys), JUNK, max_size=6))
    sent = post(http, URL, {**body(olena), **drawn})
    assert sent.status_code in (201, 403, 404, 422), sent.content
    target = Referral.objects.values_list("id", flat=True).first() or uuid.uuid4()
    for url in (f"{URL}/{target}/decline", f"{ALERTS}/{uuid.uuid4()}/answer"):
        answer = post(api_client(md.maria), url, data.draw(st.dictionaries(st.text(), JUNK)))
        assert answer.status_code in (200, 404, 422), answer.content


# Lists


def test_it_lists_a_page_at_a_time_with_a_constant_number_of_queries(network, md, olena):
    http = api_client(network.anna)
    post(http, URL, body(olena))
    with CaptureQueriesContext(connection) as one:
        assert http.get(URL).json()["count"] == 1
    for _ in range(4):
        post(http, URL, body(olena))
    with CaptureQueriesContext(connection) as five:
        page = http.get(f"{URL}?page=2&page_size=2").json()
    assert (page["count"], len(page["items"]), page["page"]) == (5, 2, 2)
    assert len(five) == len(one)
    assert api_client(md.maria).get(f"{URL}?box=sent").json()["count"] == 0
    assert api_client(md.maria).get(f"{URL}?box=received&status=sent").json()["count"] == 5
    assert api_client(md.maria).get(f"{URL}?status=accepted").json()["count"] == 0


# Duplicate alerts


@pytest.fixture
def alert(network, md):
    """Marina registered in Cyrillic at NL and in Latin at MD: one alert to both."""
    nl_client = register(
        network.anna, first_name="Марина", second_name="Лупу", birth_date=dt.date(1990, 3, 4)
    )
    md_client = register(
        md.maria, first_name="Lupu", second_name="Marina", birth_date=dt.date(1990, 3, 4)
    )
    found = DuplicateAlert.objects.get(client_a__in=[nl_client, md_client])
    return found, nl_client, md_client


def test_it_tells_each_side_of_an_alert_only_its_own_client(network, md, alert):
    found, nl_client, md_client = alert
    nl, moldova = api_client(network.anna), api_client(md.maria)
    listed = nl.get(ALERTS).json()
    assert listed["count"] == 1
    (item,) = listed["items"]
    assert item["id"] == str(found.id)
    assert item["client_id"] == str(nl_client.id)
    assert item["client_reference"] == nl_client.reference
    assert item["strength"] == "ND"
    assert item["status"] == "open"
    assert item["other_organisation"] is None
    assert item["contact_requested_by"] is None
    for answer in (nl.get(ALERTS), nl.get(f"{ALERTS}/{found.id}")):
        for secret in (str(md_client.id), md_client.reference, "md", "Lupu"):
            assert f'"{secret}"'.encode() not in answer.content, secret
    theirs = moldova.get(f"{ALERTS}/{found.id}").json()
    assert theirs["client_id"] == str(md_client.id)
    assert theirs["other_organisation"] is None


def test_it_carries_a_contact_request_and_shows_the_organisations_once_accepted(network, md, alert):
    found = alert[0]
    nl, moldova = api_client(network.anna), api_client(md.maria)
    assert post(moldova, f"{ALERTS}/{found.id}/answer", {"accept": True}).status_code == 422
    requested = post_nothing(nl, f"{ALERTS}/{found.id}/contact-request")
    assert requested.status_code == 200
    assert requested.json()["status"] == "requested"
    assert requested.json()["contact_requested_by"] == "you"
    assert requested.json()["other_organisation"] is None
    asked = moldova.get(f"{ALERTS}/{found.id}").json()
    assert asked["contact_requested_by"] == "other"
    assert asked["other_organisation"]["code"] == "nl"
    assert post(nl, f"{ALERTS}/{found.id}/answer", {"accept": True}).status_code == 422
    for bad in ({}, {"accept": "yes"}, {"accept": 1}, {"accept": None}, {"accept": True, "x": 1}):
        response = post(moldova, f"{ALERTS}/{found.id}/answer", bad)
        assert response.status_code == 422, bad
    assert DuplicateAlert.objects.get().status == "requested"
    answered = post(moldova, f"{ALERTS}/{found.id}/answer", {"accept": True})
    assert answered.json()["status"] == "connected"
    assert answered.json()["other_organisation"]["code"] == "nl"
    assert nl.get(f"{ALERTS}/{found.id}").json()["other_organisation"]["code"] == "md"
    assert post_nothing(nl, f"{ALERTS}/{found.id}/dismiss").status_code == 422


def test_it_declines_a_contact_request_without_naming_the_asked(network, md, alert):
    found = alert[0]
    nl, moldova = api_client(network.anna), api_client(md.maria)
    post_nothing(nl, f"{ALERTS}/{found.id}/contact-request")
    declined = post(moldova, f"{ALERTS}/{found.id}/answer", {"accept": False})
    assert declined.json()["status"] == "declined"
    assert nl.get(f"{ALERTS}/{found.id}").json()["other_organisation"] is None


def test_it_dismisses_an_alert(network, md, alert):
    found = alert[0]
    moldova = api_client(md.maria)
    dismissed = post_nothing(moldova, f"{ALERTS}/{found.id}/dismiss")
    assert dismissed.json()["status"] == "dismissed"
    assert api_client(network.anna).get(f"{ALERTS}?status=dismissed").json()["count"] == 1
    assert api_client(network.anna).get(f"{ALERTS}?status=open").json()["count"] == 0
    assert post_nothing(moldova, f"{ALERTS}/{found.id}/contact-request").status_code == 422


def test_it_lists_alerts_with_a_constant_number_of_queries(network, md, alert):
    http = api_client(network.anna)
    with CaptureQueriesContext(connection) as one:
        assert http.get(ALERTS).json()["count"] == 1
    register(network.anna, first_name="Ion", second_name="Rusu", birth_date=dt.date(1990, 1, 2))
    register(md.maria, first_name="Ion", second_name="Rusu", birth_date=dt.date(1990, 1, 2))
    with CaptureQueriesContext(connection) as two:
        assert http.get(ALERTS).json()["count"] == 2
    assert len(two) == len(one)


# Everyone else: the same 404 as for nothing at all, or the policy's 403


MARKERS = ["Олена", "Коваленко", "Марина", "Lupu", "Chisinau", *LEFT_BEHIND]


@pytest.fixture
def planted(network, md, olena, sent, alert):
    """A referral NL → MD (pending) and a duplicate alert between NL and MD: their ids."""
    return {"referral_id": sent["id"], "alert_id": str(alert[0].id), "client_id": str(olena.id)}


def every_operation(ids: dict[str, str]) -> list[tuple[str, str, Any]]:
    """Every referral and alert operation naming an object, as (method, url, a valid body)."""
    referral, alert = f"{URL}/{ids['referral_id']}", f"{ALERTS}/{ids['alert_id']}"
    return [
        ("GET", referral, None),
        ("POST", f"{referral}/accept", None),
        ("POST", f"{referral}/decline", {"reason": "Full."}),
        ("POST", f"{referral}/revoke", None),
        ("POST", f"{referral}/complete", None),
        ("GET", alert, None),
        ("POST", f"{alert}/contact-request", None),
        ("POST", f"{alert}/answer", {"accept": True}),
        ("POST", f"{alert}/dismiss", None),
    ]


def _state() -> list[Any]:
    return [
        list(Referral.objects.values_list("id", "status", "receiver_client_id")),
        list(DuplicateAlert.objects.values_list("id", "status", "requested_by_id")),
        Client.objects.count(),
        Notification.objects.count(),
    ]


def test_it_walks_every_operation():
    operations = {
        (method, router.prefix + path.replace("{uuidstr:", "{"))
        for router in api._get_bound_routers()
        if router.prefix in ("/referrals", "/duplicate-alerts")
        for path, path_view in router.path_operations.items()
        if "{" in path
        for operation in path_view.operations
        for method in operation.methods
    }
    walked = every_operation({"referral_id": "{referral_id}", "alert_id": "{alert_id}"})
    assert {(method, url.removeprefix("/api/v1")) for method, url, _ in walked} == operations


@pytest.mark.parametrize("who", ["chiara", "bogdan"])
def test_it_answers_outsiders_as_if_nothing_were_there(network, planted, who):
    http = api_client(getattr(network, who))
    missing = {key: str(uuid.uuid4()) for key in planted}
    before = _state()
    for theirs, absent in zip(every_operation(planted), every_operation(missing), strict=True):
        response = call(http, *theirs)
        reference = call(http, *absent)
        context = f"{theirs[0]} {theirs[1]} as {who}"
        assert response.status_code == reference.status_code == 404, context
        assert response.content == reference.content == b'{"detail": "Not found."}', context
    for listed in (http.get(URL), http.get(ALERTS)):
        assert listed.json()["count"] == 0
        for marker in MARKERS:
            assert marker.encode() not in listed.content
    assert _state() == before
    assert not AuditEvent.objects.filter(actor_id=getattr(network, who).id).exists()


@pytest.mark.parametrize("who", ["dana", "nick", "pat", "boris", "olga"])
def test_it_answers_403_to_roles_the_policy_refuses(network, planted, who):
    http = api_client(getattr(network, who))
    before = _state()
    operations = [
        *every_operation(planted),
        ("GET", URL, None),
        ("POST", URL, body(Client.objects.get(id=planted["client_id"]))),
        ("GET", ALERTS, None),
    ]
    for method, url, data in operations:
        response = call(http, method, url, data)
        assert response.status_code == 403, (method, url)
        assert response.json() == {"detail": "You are not allowed to do this."}
    assert _state() == before


def test_it_answers_404_to_the_sender_for_a_referral_of_another_pair(network, md, planted):
    """BG's own referral to MD is not NL's business, though NL is a member and MD its partner."""
    ana = register(network.chiara, first_name="Ana")
    consent_to(network.chiara, ana, md.org)
    theirs = post(api_client(network.chiara), URL, body(ana)).json()
    assert api_client(network.anna).get(f"{URL}/{theirs['id']}").status_code == 404
    assert api_client(network.anna).get(URL).json()["count"] == 1


def test_it_accepts_a_session_with_the_csrf_token(network, md, sent, login):
    http = login(md.maria)
    assert http.get(f"{URL}?box=received").json()["count"] == 1
    csrf = HttpClient(enforce_csrf_checks=True)
    csrf.force_login(md.maria, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert post_nothing(csrf, f"{URL}/{sent['id']}/accept").status_code == 403
    assert Referral.objects.get().status == "sent"


# The API as a whole


def test_it_serves_the_openapi_description_of_every_operation(db):
    spec = HttpClient().get("/api/v1/openapi.json").json()
    operations = {
        (method.upper(), path): item
        for path, methods in spec["paths"].items()
        for method, item in methods.items()
        if path.startswith((URL, ALERTS)) and path != f"{URL}/statistics"
    }
    assert set(operations) == {
        ("GET", URL),
        ("POST", URL),
        ("GET", f"{URL}/{{referral_id}}"),
        ("POST", f"{URL}/{{referral_id}}/accept"),
        ("POST", f"{URL}/{{referral_id}}/decline"),
        ("POST", f"{URL}/{{referral_id}}/revoke"),
        ("POST", f"{URL}/{{referral_id}}/complete"),
        ("GET", ALERTS),
        ("GET", f"{ALERTS}/{{alert_id}}"),
        ("POST", f"{ALERTS}/{{alert_id}}/contact-request"),
        ("POST", f"{ALERTS}/{{alert_id}}/answer"),
        ("POST", f"{ALERTS}/{{alert_id}}/dismiss"),
    }
    for key, item in operations.items():
        assert item.get("summary"), key
        assert item.get("description"), key
    components = spec["components"]["schemas"]
    assert components["ReferralIn"]["additionalProperties"] is False
    assert components["ReferralIn"]["properties"]["fields"]["items"]["enum"] == list(package.FIELDS)
    assert components["Status"]["enum"] == ["sent", "accepted", "declined", "completed", "revoked"]
    assert components["Reason"]["enum"][0] == "AdditionalServicesRequired"
    assert "/referrals" in spec["info"]["description"]


def test_it_names_a_policy_action_for_every_operation():
    actions = {
        (method, router.prefix + path): getattr(operation.view_func, "strada_action", None)
        for router in api._get_bound_routers()
        if router.prefix in ("/referrals", "/duplicate-alerts")
        for path, path_view in router.path_operations.items()
        for operation in path_view.operations
        for method in operation.methods
    }
    assert all(action in POLICY for action in actions.values()), actions
    assert actions["POST", "/referrals"] == "referral.send"
    assert actions["POST", "/referrals/{uuidstr:referral_id}/accept"] == "referral.answer"
    assert actions["POST", "/referrals/{uuidstr:referral_id}/revoke"] == "referral.send"
    assert actions["GET", "/duplicate-alerts"] == "duplicates.view"
    assert actions["POST", "/duplicate-alerts/{uuidstr:alert_id}/answer"] == "duplicates.answer"


def test_it_describes_every_package_field():
    assert set(PackageOut.model_fields) == set(package.FIELDS)
