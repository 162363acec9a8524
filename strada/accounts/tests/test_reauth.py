"""Re-authentication before exports: every export asks for the password (or the second factor)
again when the last confirmation is older than ACCOUNT_REAUTHENTICATION_TIMEOUT."""

from __future__ import annotations

import base64
import io
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pypdf import PasswordType, PdfReader

from strada.accounts.models import PersonalAccessToken
from strada.accounts.tests.reauth import REAUTHENTICATE, age_confirmations, reauthenticate
from strada.audit.models import AuditEvent
from strada.conftest import PASSWORD, register
from strada.directory.actions import do_create_entry
from strada.referrals.actions import ReferralInput, do_send_referral
from strada.referrals.models import ExternalExport
from strada.referrals.tests.conftest import consent_to
from strada.web.tests.browser import current_code, give_totp, shot, sign_in

TIMEOUT = settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
MFA_REAUTHENTICATE = "/accounts/2fa/reauthenticate/"
EXPORT_REASON = "You are about to export data."


@pytest.fixture
def entry(network: Any) -> Any:
    return do_create_entry(
        network.nick, name="Clinic Ialoveni", kind="health", country="MD", city="Ialoveni"
    )


@pytest.fixture
def referral(network: Any, entry: Any) -> Any:
    """A referral from NL to a directory entry outside the network (the encrypted PDF export)."""
    client = register(network.anna, first_name="Олена", second_name="Коваленко")
    consent_to(network.anna, client, None, entry=entry)
    return do_send_referral(
        network.anna,
        client,
        ReferralInput(
            purpose="MigrationOrChangeOfLocation",
            fields=["first_name", "second_name"],
            recipient_entry=entry,
        ),
    )


def _exports(network: Any, entry: Any, referral: Any) -> list[tuple[Any, str]]:
    """Every page that lets data out of Strada, with a person allowed to use it."""
    return [
        (network.anna, "/directory/export.csv?country=NL"),
        (network.anna, "/directory/export.vcf"),
        (network.anna, f"/directory/{entry.id}/entry.vcf"),
        (network.sam, "/records/export/"),
        (network.anna, reverse("referrals:export", args=[referral.id])),
        (network.anna, reverse("accounts:token_create")),
    ]


def _asks_to_reauthenticate(response: Any, path: str) -> bool:
    expected = f"{REAUTHENTICATE}?{urlencode({'next': path})}"
    return response.status_code == 302 and response["Location"] == expected


def test_it_asks_again_before_every_export_once_the_window_has_closed(
    network, login, entry, referral
):
    for person, path in _exports(network, entry, referral):
        http = login(person)
        assert _asks_to_reauthenticate(http.get(path), path), path  # signing in does not count

        reauthenticate(http)
        assert http.get(path).status_code == 200, path

        age_confirmations(http, TIMEOUT - 30)
        assert http.get(path).status_code == 200, path
        age_confirmations(http, 31)
        assert _asks_to_reauthenticate(http.get(path), path), path


def test_it_comes_back_to_the_export_after_the_password(network, login):
    http = login(network.anna)
    asked = http.get("/directory/export.csv?country=NL")
    page = http.get(asked["Location"])

    confirmed = http.post(
        asked["Location"], {"password": PASSWORD, "next": "/directory/export.csv?country=NL"}
    )

    assert page.status_code == 200
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/directory/export.csv?country=NL"
    download = http.get(confirmed["Location"])
    assert download["Content-Disposition"].startswith("attachment;")


def test_it_says_why_it_asks_in_strada_s_own_page(network, login):
    http = login(network.anna)
    asked = http.get("/directory/export.vcf")

    page = http.get(asked["Location"]).content.decode()

    text = " ".join(page.split())
    assert "<h1>Confirm it is you</h1>" in text
    assert f"{EXPORT_REASON} Confirm your password to continue." in text
    assert 'name="next" value="/directory/export.vcf"' in page
    assert 'class="narrow" data-testid="reauthenticate"' in page  # Strada's page and header
    assert 'action="/accounts/logout/"' in page
    token_page = http.get(http.get(reverse("accounts:token_create"))["Location"])
    assert "You are about to make an API token." in token_page.content.decode()
    # Opened by itself, or for allauth's own second-factor pages: no word of an export.
    plain = http.get(REAUTHENTICATE + "?next=/accounts/2fa/totp/activate/").content.decode()
    assert EXPORT_REASON not in plain
    assert "You are about to change how you sign in." in plain


def test_it_asks_in_the_person_s_language(network, login):
    network.anna.language = "uk"
    network.anna.save(update_fields=["language"])
    http = login(network.anna)

    page = http.get(http.get("/directory/export.csv")["Location"]).content.decode()

    assert 'lang="uk"' in page
    with translation.override("uk"):
        assert translation.gettext("Password") != "Password"
        assert translation.gettext("Password") in page


def test_it_refuses_a_wrong_password_clearly_exports_nothing_and_counts_it(network, login):
    http = login(network.anna)
    path = "/directory/export.csv"
    http.get(path)

    response = http.post(REAUTHENTICATE, {"password": "not-my-password", "next": path})

    assert response.status_code == 200
    assert "Incorrect password." in response.content.decode()
    assert _asks_to_reauthenticate(http.get(path), path)
    assert not AuditEvent.objects.filter(action="directory.export").exists()
    failed = AuditEvent.objects.get(action="auth.reauthenticate_failed")
    assert (failed.actor_id, failed.object_id, failed.reason) == (
        network.anna.id,
        str(network.anna.id),
        "password",
    )
    assert AccessAttempt.objects.get(username="anna").failures_since_start == 1
    assert "not-my-password" not in str(list(AuditEvent.objects.values_list()))
    assert "not-my-password" not in str(list(AccessAttempt.objects.values_list()))


def test_it_locks_re_authentication_after_five_wrong_passwords_like_sign_in(network, login):
    http = login(network.anna)
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        http.post(REAUTHENTICATE, {"password": f"wrong-{n}"})

    locked = http.post(REAUTHENTICATE, {"password": "wrong-last"})
    right = http.post(REAUTHENTICATE, {"password": PASSWORD, "next": "/directory/export.csv"})

    for response in (locked, right):
        assert response.status_code == 429
        assert "Sign-in temporarily locked" in response.content.decode()
    assert _asks_to_reauthenticate(http.get("/directory/export.csv"), "/directory/export.csv")
    assert not AuditEvent.objects.filter(action="directory.export").exists()


def test_a_lock_refuses_the_second_factor_too(network, login, settings):
    settings.STRADA_REQUIRE_MFA = True
    secret = give_totp(network.anna)
    http = login(network.anna)
    for n in range(settings.AXES_FAILURE_LIMIT):
        http.post(REAUTHENTICATE, {"password": f"wrong-{n}"})
    code = current_code(secret)

    response = http.post(MFA_REAUTHENTICATE, {"code": code, "next": "/directory/export.csv"})

    assert response.status_code == 429
    assert "Sign-in temporarily locked" in response.content.decode()
    assert _asks_to_reauthenticate(http.get("/directory/export.csv"), "/directory/export.csv")
    assert not AuditEvent.objects.filter(action="auth.reauthenticate").exists()


def test_it_audits_a_confirmation_without_personal_data(network, login):
    http = login(network.anna)

    reauthenticate(http)

    event = AuditEvent.objects.get(action="auth.reauthenticate")
    assert event.actor_id == network.anna.id
    assert (event.org_id, event.object_type, event.object_id) == (
        network.nl.id,
        "user",
        str(network.anna.id),
    )
    assert (event.reason, event.fields) == ("password", [])
    assert PASSWORD not in str(list(AuditEvent.objects.values_list()))


def test_it_confirms_with_the_second_factor_too(network, login, settings):
    settings.STRADA_REQUIRE_MFA = True
    secret = give_totp(network.anna)
    http = login(network.anna)
    path = "/directory/export.csv"
    asked = http.get(path)
    password_page = http.get(asked["Location"]).content.decode()
    assert f'href="{MFA_REAUTHENTICATE}?next=%2Fdirectory%2Fexport.csv"' in password_page

    wrong = http.post(MFA_REAUTHENTICATE, {"code": "000000", "next": path})
    code = current_code(secret)
    right = http.post(MFA_REAUTHENTICATE, {"code": code, "next": path})

    assert "Incorrect code." in wrong.content.decode()
    assert EXPORT_REASON in wrong.content.decode()
    assert (right.status_code, right["Location"]) == (302, path)
    assert http.get(path).status_code == 200
    assert list(
        AuditEvent.objects.filter(action__startswith="auth.reauthenticate")
        .order_by("seq")
        .values_list("action", "reason")
    ) == [("auth.reauthenticate_failed", "totp"), ("auth.reauthenticate", "totp")]


def test_it_confirms_with_the_password_in_the_demo_without_second_factors(network, login, settings):
    settings.STRADA_REQUIRE_MFA = False
    http = login(network.sam)
    page = http.get(http.get("/records/export/")["Location"]).content.decode()
    assert "Or confirm another way" not in page  # no second factor set up: the password only

    reauthenticate(http)

    assert 'data-testid="export-form"' in http.get("/records/export/").content.decode()


def test_it_shows_the_export_form_only_once_confirmed(network, login):
    http = login(network.boris)
    before = http.get("/records/").content.decode()
    reauthenticate(http)
    after = http.get("/records/").content.decode()

    assert 'data-testid="export-form"' not in before
    assert 'href="/records/export/" data-testid="export-confirm"' in before
    assert 'data-testid="upload-form"' in before  # importing needs no confirmation
    assert 'data-testid="export-form"' in after


def test_it_answers_a_records_export_sent_after_the_window_closed_once_confirmed(network, login):
    http = reauthenticate(login(network.sam))
    assert http.get("/records/export/").status_code == 200  # the page, within the window
    age_confirmations(http, TIMEOUT + 1)

    late = http.post("/records/export/", {"format": "csv", "identities": "on"})
    assert _asks_to_reauthenticate(late, "/records/export/")
    assert not AuditEvent.objects.filter(action="records.export").exists()
    answer = http.post(late["Location"], {"password": PASSWORD, "next": "/records/export/"})

    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith('attachment; filename="')
    assert answer["Content-Type"].startswith("text/csv")
    assert AuditEvent.objects.get(action="records.export").fields == ["coded", "identity"]
    # The kept form is used once: confirming again later sends nothing.
    again = http.post(REAUTHENTICATE, {"password": PASSWORD, "next": "/records/export/"})
    assert (again.status_code, again["Location"]) == (302, "/records/export/")
    assert AuditEvent.objects.filter(action="records.export").count() == 1


def test_it_answers_a_referral_export_sent_after_the_window_closed_once_confirmed(
    network, login, referral
):
    path = reverse("referrals:export", args=[referral.id])
    http = reauthenticate(login(network.anna))
    assert "Make the encrypted file" in http.get(path).content.decode()
    age_confirmations(http, TIMEOUT + 1)

    late = http.post(path)
    assert _asks_to_reauthenticate(late, path)
    assert not ExternalExport.objects.exists()
    answer = http.post(late["Location"], {"password": PASSWORD, "next": path})

    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    page = answer.content.decode()
    link = re.search(r'href="data:application/pdf;base64,([A-Za-z0-9+/=]+)"', page)
    password = re.search(r'data-testid="password">([^<]+)<', page)
    assert link is not None
    assert password is not None
    reader = PdfReader(io.BytesIO(base64.b64decode(link.group(1))))
    assert reader.decrypt(password.group(1)) != PasswordType.NOT_DECRYPTED
    assert ExternalExport.objects.count() == 1


def test_it_answers_a_token_form_sent_after_the_window_closed_once_confirmed(network, login):
    path = reverse("accounts:token_create")
    http = reauthenticate(login(network.anna))
    age_confirmations(http, TIMEOUT + 1)

    late = http.post(path, {"name": "nightly script", "days": "30"})
    assert _asks_to_reauthenticate(late, path)
    assert not PersonalAccessToken.objects.exists()
    answer = http.post(late["Location"], {"password": PASSWORD, "next": path})

    assert answer.status_code == 200
    assert 'data-testid="token"' in answer.content.decode()
    assert PersonalAccessToken.objects.get().name == "nightly script"


def test_it_keeps_no_personal_data_of_a_kept_form_after_answering_it(network, login):
    http = reauthenticate(login(network.sam))
    age_confirmations(http, TIMEOUT + 1)
    http.post("/records/export/", {"format": "csv"})
    http.post(REAUTHENTICATE, {"password": PASSWORD, "next": "/records/export/"})

    assert "account_reauthentication_state" not in http.session


def test_outsiders_and_other_roles_get_404_or_403_without_being_asked(
    network, login, entry, referral
):
    """The policy and the object lookup come first: the re-authentication page is never the
    answer to a path that names someone else's object, so it cannot tell that the object exists."""
    path = reverse("referrals:export", args=[referral.id])
    missing = reverse("referrals:export", args=["00000000-0000-4000-8000-000000000000"])
    for outsider in (network.chiara, network.bogdan):
        http = login(outsider)
        assert http.get(path).status_code == http.post(path).status_code == 404
        assert http.get(missing).status_code == 404
    for wrong_role in (network.boris, network.dana):
        assert login(wrong_role).get(path).status_code == 403
    for wrong_role in (network.anna, network.dana, network.pat):
        assert login(wrong_role).get("/records/export/").status_code == 403
    vcard = "/directory/00000000-0000-4000-8000-000000000000/entry.vcf"
    assert login(network.anna).get(vcard).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="auth.reauthenticate").exists()


def test_it_leaves_aggregate_figures_as_they_are(network, login):
    """Counts without personal data need no confirmation (see docs/security.md)."""
    response = login(network.sam).get("/referrals/statistics/?download=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


@pytest.mark.browser
def test_it_confirms_and_exports_in_a_browser(network, new_page, settings):
    settings.STRADA_REQUIRE_MFA = True
    secret = give_totp(network.sam)
    sam = new_page()
    sign_in(sam, "sam", secret)
    sam.goto("/records/")
    sam.get_by_test_id("export-confirm").click()
    sam.wait_for_url("**/accounts/reauthenticate/?next=*")
    assert EXPORT_REASON in sam.get_by_test_id("reauthenticate-reason").inner_text()
    shot(sam, "reauthenticate")
    sam.fill("#id_password", "not-my-password")
    sam.get_by_role("button", name="Confirm").click()
    assert "Incorrect password." in sam.content()
    sam.fill("#id_password", PASSWORD)
    sam.get_by_role("button", name="Confirm").click()
    sam.wait_for_url("**/records/export/")
    with sam.expect_download() as download:
        sam.get_by_role("button", name="Export CSV").click()

    assert download.value.suggested_filename.endswith(".csv")
    assert AuditEvent.objects.filter(action="records.export").count() == 1
