"""End to end in a real Chromium: NL refers a client to MD with her consent, MD accepts, both see
the status, BG sees nothing.

Playwright drives Debian's ``chromium`` against pytest-django's ``live_server``, with the real second
factor (``strada.web.tests.browser``). Screenshots land in /tmp/strada-shots/. Without chromium the
test is skipped, except in CI (``CI`` set), where it fails: CI installs it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from strada.conftest import register
from strada.referrals.tests.conftest import consent_to
from strada.web.tests.browser import give_totp, shot, sign_in

pytestmark = pytest.mark.browser
REFERRAL_URL = re.compile(r"/referrals/(?P<id>[0-9a-f-]{36})/$")


def test_it_refers_a_client_to_md_who_accepts_while_bg_sees_nothing(
    network, md, new_page, settings
):
    settings.STRADA_REQUIRE_MFA = True
    secrets = {user.username: give_totp(user) for user in (network.anna, md.maria, network.chiara)}
    olena = register(
        network.anna,
        first_name="Олена",
        second_name="Коваленко",
        birth_date=dt.date(1994, 5, 17),
        mobile_phone="+31 6 1111 2222",
        coded={"citizenship": ["MD"]},
    )
    consent_to(network.anna, olena, md.org)

    # Anna, caseworker at NL, opens Olena's record and refers her to MD, choosing a few fields.
    anna = new_page()
    sign_in(anna, "anna", secrets["anna"])
    anna.goto(f"/clients/{olena.id}/")
    anna.get_by_role("link", name="Refer this client").click()
    anna.wait_for_url(f"**/referrals/new/{olena.id}/")
    assert "La Strada MD" in anna.get_by_test_id("referral-consents").inner_text()
    anna.select_option("#id_recipient", f"org:{md.org.id}")
    anna.select_option("#id_purpose", "MigrationOrChangeOfLocation")
    for name in ("first_name", "second_name", "birth_date"):
        anna.check(f"input[name=package_fields][value={name}]")
    anna.fill("#id_message", "Returns to Chisinau and asks for reintegration support.")
    shot(anna, "referral-new")
    anna.get_by_role("button", name="Send the referral").click()
    anna.wait_for_url(REFERRAL_URL)
    referral_path = f"/referrals/{REFERRAL_URL.search(anna.url)['id']}/"
    assert anna.get_by_test_id("status").inner_text() == "Sent"
    assert "Referral sent." in anna.locator(".messages").inner_text()
    shot(anna, "referral-sent")

    # Maria, caseworker at MD, finds it in her inbox, reads the package and accepts.
    maria = new_page()
    sign_in(maria, "maria", secrets["maria"])
    maria.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    maria.get_by_role("link", name=re.compile("Inbox")).click()
    maria.wait_for_url("**/referrals/inbox/")
    inbox = maria.get_by_test_id("referrals")
    assert "La Strada NL" in inbox.inner_text()
    shot(maria, "referral-inbox")
    inbox.get_by_role("link", name="New referral").click()
    maria.wait_for_url(f"**{referral_path}")
    package = maria.get_by_test_id("package").inner_text()
    assert "Олена" in package
    assert "Коваленко" in package
    assert "1994" in package
    assert "+31 6 1111 2222" not in maria.content()  # not chosen: it did not travel
    assert "Chisinau" in maria.get_by_test_id("message").inner_text()
    maria.once("dialog", lambda dialog: dialog.accept())
    maria.get_by_test_id("accept").click()
    maria.wait_for_load_state()
    assert maria.get_by_test_id("status").inner_text() == "Accepted"
    assert "Referral accepted" in maria.locator(".messages").inner_text()
    assert re.fullmatch(r"MD-\d{4}-\d{5}", maria.get_by_test_id("own-client").inner_text())
    shot(maria, "referral-accepted")

    # Anna sees that MD accepted, and nothing of MD's new record.
    anna.goto(referral_path)
    assert anna.get_by_test_id("status").inner_text() == "Accepted"
    assert "MD-" not in anna.content()

    # Chiara, caseworker at BG, gets the plain 404 page, and her referral lists are empty.
    chiara = new_page()
    sign_in(chiara, "chiara", secrets["chiara"])
    response = chiara.goto(referral_path)
    assert response.status == 404
    assert chiara.locator("h1").inner_text() == "Not found"
    assert "Олена" not in chiara.content()
    shot(chiara, "referral-not-found")
    for box in ("received", "sent"):
        chiara.goto(f"/referrals/?box={box}")
        assert chiara.get_by_test_id("referrals").count() == 0
        assert chiara.locator(".empty").is_visible()
    chiara.goto("/referrals/inbox/")
    assert chiara.get_by_test_id("referrals").count() == 0
    assert "Nothing is waiting" in chiara.locator(".empty").inner_text()
