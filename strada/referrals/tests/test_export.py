"""Referrals outside the network: the consent to a directory entry, and the encrypted export."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import logging
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PasswordType, PdfReader

from strada.accounts.tests.reauth import reauthenticate
from strada.audit.models import AuditEvent
from strada.clients.models import Consent
from strada.clients.tests.test_api import api_client, consent, post
from strada.conftest import PASSWORD, every_value_in_the_database, register
from strada.directory.actions import do_add_contact_person, do_create_entry
from strada.directory.models import Entry
from strada.referrals import actions, export
from strada.referrals.actions import ReferralInput
from strada.referrals.models import ExternalExport
from strada.referrals.tests.conftest import consent_to
from strada.web.tests.browser import give_totp, shot, sign_in

FIELDS = ["first_name", "second_name", "birth_date", "citizenship", "message"]


@pytest.fixture
def entry(network):
    entry = do_create_entry(
        network.nick,
        name="Centrul Sănătate Ialoveni",
        kind="health",
        country="MD",
        city="Ialoveni",
        phones=["+373 268 22 111"],
        emails=["trimiteri@example.md"],
    )
    do_add_contact_person(network.nick, entry, name="Dr Vera Ciobanu", function="Social worker")
    return entry


@pytest.fixture
def olena(network, entry):
    client = register(
        network.anna,
        first_name="Олена",
        second_name="Коваленко",
        birth_date=dt.date(1994, 5, 17),
        mobile_phone="+31 6 1111 2222",
        identity_number="FX4471902",
        coded={"citizenship": ["MD"]},
    )
    consent_to(network.anna, client, None, entry=entry)
    return client


def _send(actor, client, entry=None, recipient=None, **extra):
    data = ReferralInput(
        purpose="MigrationOrChangeOfLocation",
        urgency="urgent",
        fields=extra.pop("fields", FIELDS),
        recipient=recipient,
        recipient_entry=entry,
        message="Needs a family doctor near Ialoveni",
        **extra,
    )
    return actions.do_send_referral(actor, client, data)


@pytest.fixture
def referral(network, entry, olena):
    return _send(network.anna, olena, entry)


def _url(referral):
    return reverse("referrals:export", args=[referral.id])


def _text(pdf: bytes, password: str) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.decrypt(password) != PasswordType.NOT_DECRYPTED
    return "\n".join(page.extract_text() for page in reader.pages)


def _file_from(response) -> tuple[str, bytes, str]:
    """The download name, the file and the password from the page the POST answers with."""
    page = response.content.decode()
    link = re.search(
        r'href="data:application/pdf;base64,([A-Za-z0-9+/=]+)" download="([^"]+)"', page
    )
    password = re.search(r'data-testid="password">([^<]+)<', page)
    assert link is not None, page
    assert password is not None, page
    return link.group(2), base64.b64decode(link.group(1)), password.group(1)


# The consent to a directory entry: form and API


def _consent_form(**values):
    return {
        "purpose": "referral",
        "given_on": "2026-03-01",
        "form": "written",
        "wording_version": "2026-1",
        "language": "uk",
        **values,
    }


def test_it_records_a_referral_consent_to_a_directory_entry_in_the_form(network, login, entry):
    client = register(network.anna, first_name="Ion")
    http = login(network.anna)
    url = reverse("clients:consent_add", args=[client.id])
    assert entry.name in http.get(url).content.decode()

    response = http.post(url, _consent_form(recipient_entry=str(entry.id)))

    assert response.status_code == 302
    consent = Consent.objects.get(client=client, purpose="referral")
    assert consent.recipient_entry_id == entry.id
    assert consent.recipient_id is None
    detail = http.get(reverse("clients:detail", args=[client.id])).content.decode()
    assert entry.name in detail
    assert "outside the network" in detail


def test_it_refuses_a_referral_consent_naming_both_or_no_recipient_in_the_form(
    network, login, md, entry
):
    client = register(network.anna, first_name="Ion")
    http = login(network.anna)
    url = reverse("clients:consent_add", args=[client.id])

    both = http.post(url, _consent_form(recipient=str(md.org.id), recipient_entry=str(entry.id)))
    none = http.post(url, _consent_form())
    services = http.post(url, _consent_form(purpose="services", recipient_entry=str(entry.id)))

    assert both.status_code == none.status_code == services.status_code == 200
    assert "a directory entry, not both" in both.content.decode()
    assert "one of the network or one of the directory" in none.content.decode()
    assert "Only a referral consent names a recipient." in services.content.decode()
    assert not Consent.objects.filter(client=client, purpose__in=["referral"]).exists()


def test_it_offers_only_active_entries_in_the_form(network, login, entry):
    client = register(network.anna, first_name="Ion")
    Entry.objects.filter(id=entry.id).update(active=False)
    http = login(network.anna)
    url = reverse("clients:consent_add", args=[client.id])

    response = http.post(url, _consent_form(recipient_entry=str(entry.id)))

    assert response.status_code == 200
    assert not Consent.objects.filter(client=client, purpose="referral").exists()


def test_it_records_a_referral_consent_to_a_directory_entry_in_the_api(network, md, entry):
    client = register(network.anna, first_name="Ion")
    http = api_client(network.anna)
    url = f"/api/v1/clients/{client.id}/consents"

    accepted = post(http, url, consent("referral", recipient_entry_id=str(entry.id)))

    assert accepted.status_code == 201
    assert accepted.json()["recipient_entry_id"] == str(entry.id)
    assert accepted.json()["recipient_id"] is None
    listed = http.get(url).json()["items"]
    referral = [item for item in listed if item["purpose"] == "referral"]
    assert [item["recipient_entry_id"] for item in referral] == [str(entry.id)]


def test_it_refuses_a_referral_consent_naming_both_or_no_recipient_in_the_api(network, md, entry):
    client = register(network.anna, first_name="Ion")
    http = api_client(network.anna)
    url = f"/api/v1/clients/{client.id}/consents"
    both = consent("referral", recipient_id=str(md.org.id), recipient_entry_id=str(entry.id))

    answers = {
        "both": post(http, url, both),
        "none": post(http, url, consent("referral")),
        "services": post(http, url, consent("services", recipient_entry_id=str(entry.id))),
        "unknown": post(http, url, consent("referral", recipient_entry_id=str(md.org.id))),
    }

    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(
        answers, 422
    )
    assert "a directory entry, not both" in json.dumps(answers["both"].json())
    assert "one of the network or one of the directory" in json.dumps(answers["none"].json())
    assert "Name an active entry of the directory." in json.dumps(answers["unknown"].json())
    assert not Consent.objects.filter(client=client, purpose="referral").exists()


# The export: the action


def test_it_makes_a_pdf_that_opens_only_with_its_password(network, referral):
    pdf, password = export.do_export_external(network.anna, referral)

    locked = PdfReader(io.BytesIO(pdf))
    assert locked.is_encrypted
    assert locked.trailer["/Encrypt"]["/V"] == 5  # AES-256
    assert locked.decrypt("not-the-password") == PasswordType.NOT_DECRYPTED
    assert len(password) >= 20
    text = _text(pdf, password)
    for shown in (
        "Олена",
        "Коваленко",
        "1994-05-17",
        "Moldova",
        "Needs a family doctor near Ialoveni",
        "La Strada NL",
        "Centrul Sănătate Ialoveni",
        "Migration or change of location",
        "Urgent (within a week)",
        export.short_id(referral),
    ):
        assert shown in text, shown
    for outside_the_package in ("1111 2222", "FX4471902", "NL-"):
        assert outside_the_package not in text


def test_it_records_the_export_and_audits_it(network, referral, entry):
    pdf, _password = export.do_export_external(network.anna, referral)

    made = ExternalExport.objects.get()
    assert made.referral_id == referral.id
    assert made.entry_id == entry.id
    assert made.made_by_id == network.anna.id
    assert made.fields == sorted(FIELDS)
    assert made.sha256 == hashlib.sha256(pdf).hexdigest()
    event = AuditEvent.objects.get(action="referral.export")
    assert event.org_id == network.nl.id
    assert event.object_type == "referral"
    assert event.object_id == str(referral.id)
    assert event.fields == sorted(FIELDS)
    assert AuditEvent.objects.filter(
        action="referral.package.read", object_id=str(referral.id)
    ).exists()


def test_it_writes_the_letter_in_the_senders_language(network, referral):
    network.anna.language = "uk"
    network.anna.save(update_fields=["language"])

    pdf, password = export.do_export_external(network.anna, referral)

    text = _text(pdf, password)
    assert "Мета" in text  # "Purpose"
    assert "Молдова" in text  # the citizenship, by name in Ukrainian


def test_it_exports_only_an_external_referral_that_is_still_sent(network, md, olena, referral):
    consent_to(network.anna, olena, md.org)
    to_a_member = _send(network.anna, olena, recipient=md.org)
    with pytest.raises(ValidationError):
        export.do_export_external(network.anna, to_a_member)

    actions.do_revoke_referral(network.anna, referral)
    with pytest.raises(ValidationError):
        export.do_export_external(network.anna, referral)
    assert not ExternalExport.objects.exists()
    assert not AuditEvent.objects.filter(action="referral.export").exists()


def test_only_case_workers_of_the_sender_export(network, md, referral):
    for someone in (network.chiara, md.maria, network.boris, network.dana):
        with pytest.raises(PermissionDenied):
            export.do_export_external(someone, referral)
    export.do_export_external(network.sam, referral)  # a colleague of the sender may
    assert ExternalExport.objects.get().made_by_id == network.sam.id


# The export: the page


def test_it_shows_what_will_be_exported_and_the_files_made(network, login, referral, entry):
    http = reauthenticate(login(network.anna))

    before = http.get(_url(referral))

    assert before.status_code == 200
    page = before.content.decode()
    for shown in (entry.name, "+373 268 22 111", "trimiteri@example.md", "Dr Vera Ciobanu"):
        assert shown in page
    assert "First name, surname, birth date, citizenship, details of the referral" in page
    assert "No file made yet." in page
    assert "Олена" not in page  # field names, not values

    export.do_export_external(network.anna, referral)
    made = ExternalExport.objects.get()
    after = http.get(_url(referral)).content.decode()
    assert made.sha256 in after
    assert network.anna.display_name in after


def test_it_lists_the_files_made_in_a_constant_number_of_queries(
    network, login, referral, django_assert_max_num_queries
):
    http = reauthenticate(login(network.anna))
    http.get(_url(referral))
    export.do_export_external(network.anna, referral)
    export.do_export_external(network.sam, referral)
    with django_assert_max_num_queries(12):
        response = http.get(_url(referral))
    assert response.content.decode().count("<code>") == 2


def test_it_gives_the_file_and_its_password_once(network, login, referral):
    http = reauthenticate(login(network.anna))

    response = http.post(_url(referral))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    name, pdf, password = _file_from(response)
    assert name == f"referral-{referral.id.hex[:8]}.pdf"
    assert "Олена" in _text(pdf, password)
    assert ExternalExport.objects.get().sha256 == hashlib.sha256(pdf).hexdigest()
    again = http.get(_url(referral)).content.decode()
    assert password not in again


def test_it_keeps_the_password_in_no_table_audit_event_or_log(network, login, referral, caplog):
    http = reauthenticate(login(network.anna))
    with caplog.at_level(logging.DEBUG):
        response = http.post(_url(referral))
    _name, _pdf, password = _file_from(response)

    dump = every_value_in_the_database()
    for form in (password, password.replace("-", "")):
        assert form.encode() not in dump
        assert form not in caplog.text
    for event in AuditEvent.objects.all():
        assert password not in json.dumps([event.reason, event.fields, event.object_id])


def test_it_refuses_a_referral_that_is_no_longer_sent_with_a_message(network, login, referral):
    actions.do_revoke_referral(network.anna, referral)
    http = reauthenticate(login(network.anna))

    page = http.get(_url(referral)).content.decode()
    response = http.post(_url(referral), follow=True)

    assert "Make the encrypted file" not in page
    assert response.redirect_chain[-1][0] == _url(referral)
    assert "Only a sent referral can be exported" in response.content.decode()
    assert not ExternalExport.objects.exists()


def test_a_referral_to_a_member_has_no_export_page(network, login, md, olena):
    consent_to(network.anna, olena, md.org)
    to_a_member = _send(network.anna, olena, recipient=md.org)
    http = login(network.anna)
    assert http.get(_url(to_a_member)).status_code == 404
    assert http.post(_url(to_a_member)).status_code == 404
    assert not ExternalExport.objects.exists()


def test_outsiders_get_404_and_other_roles_403(network, login, md, referral):
    for outsider in (network.chiara, network.bogdan, md.maria):
        http = login(outsider)
        assert http.get(_url(referral)).status_code == 404
        assert http.post(_url(referral)).status_code == 404
    for wrong_role in (network.boris, network.olga, network.dana, network.pat):
        http = login(wrong_role)
        assert http.get(_url(referral)).status_code == 403
        assert http.post(_url(referral)).status_code == 403
    missing = reverse("referrals:export", args=["00000000-0000-4000-8000-000000000000"])
    assert login(network.anna).get(missing).status_code == 404
    assert not ExternalExport.objects.exists()


@pytest.mark.browser
def test_it_downloads_the_file_in_a_browser(network, new_page, settings, referral):
    settings.STRADA_REQUIRE_MFA = True
    secret = give_totp(network.anna)
    anna = new_page()
    sign_in(anna, "anna", secret)
    anna.goto(_url(referral))
    anna.wait_for_url("**/accounts/reauthenticate/?next=*")  # the page asks for the password
    anna.fill("#id_password", PASSWORD)
    anna.get_by_role("button", name="Confirm").click()
    anna.wait_for_url(f"**{_url(referral)}")
    anna.get_by_role("button", name="Make the encrypted file").click()
    password = anna.get_by_test_id("password").inner_text().strip()
    with anna.expect_download() as download:
        anna.get_by_test_id("download").click()
    shot(anna, "referral-export")

    assert download.value.suggested_filename == f"referral-{referral.id.hex[:8]}.pdf"
    with open(download.value.path(), "rb") as file:
        pdf = file.read()
    assert "Коваленко" in _text(pdf, password)
    assert ExternalExport.objects.get().sha256 == hashlib.sha256(pdf).hexdigest()
