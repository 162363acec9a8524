"""End to end in a real Chromium: a caseworker signs in, registers a client, finds her again.

Playwright drives Debian's ``chromium`` (Playwright's own browser download cannot run here) against
pytest-django's ``live_server``. The second factor is the real one: each person gets a TOTP
authenticator and types the current code on allauth's second-factor page. Screenshots of the pages
land in /tmp/strada-shots/ for a person to look at.

Without chromium these tests are skipped, except in CI (``CI`` set), where they fail: CI installs it.
"""

from __future__ import annotations

import re

import pytest

from strada.web.tests.browser import give_totp, shot, sign_in

pytestmark = pytest.mark.browser
CLIENT_URL = re.compile(r"/clients/(?P<id>[0-9a-f-]{36})/$")


def test_it_registers_finds_and_hides_a_client_end_to_end(network, new_page, settings):
    settings.STRADA_REQUIRE_MFA = True
    anna_secret = give_totp(network.anna)
    chiara_secret = give_totp(network.chiara)

    # Anna, caseworker at NL, signs in through the real form and the real second factor.
    anna = new_page()
    sign_in(anna, "anna", anna_secret)
    assert "NL" in anna.locator("header .who").inner_text()

    # She registers Olena with her name in Cyrillic.
    anna.goto("/clients/register/")
    anna.fill("#id_first_name", "Олена")
    anna.fill("#id_second_name", "Коваленко")
    anna.select_option("#id_gender", "Feminine")
    anna.check("input[name=consents][value=services]")
    shot(anna, "register")
    anna.get_by_role("button", name="Register").click()
    anna.wait_for_url(CLIENT_URL)
    client_id = CLIENT_URL.search(anna.url)["id"]
    reference = re.search(r"NL-\d{4}-\d{5}", anna.locator("h1").inner_text())[0]
    assert reference in anna.locator(".messages").inner_text()
    assert "Олена" in anna.get_by_test_id("identity").inner_text()
    shot(anna, "client")

    # She finds her again from the list by the Latin spelling of her name, and opens her record.
    anna.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    anna.fill("#id_q", "Olena")
    anna.get_by_role("button", name="Search").click()
    table = anna.get_by_test_id("client-table")
    assert "Олена Коваленко" in table.inner_text()
    shot(anna, "list")
    table.get_by_role("link", name=reference).click()
    anna.wait_for_url(f"**/clients/{client_id}/")
    assert reference in anna.locator("h1").inner_text()

    # Chiara, caseworker at BG, gets the plain 404 page for that client: nothing of Olena shows.
    chiara = new_page()
    sign_in(chiara, "chiara", chiara_secret)
    response = chiara.goto(f"/clients/{client_id}/")
    assert response.status == 404
    assert chiara.locator("h1").inner_text() == "Not found"
    assert reference not in chiara.content()
    assert "Олена" not in chiara.content()
    shot(chiara, "not-found")

    # The API answers the same: 200 for Anna's session, 404 for Chiara's. The NL check proves
    # that the 404 is the isolation at work and not a missing endpoint.
    api_path = f"/api/v1/clients/{client_id}"
    assert anna.request.get(api_path).status == 200
    answer = chiara.request.get(api_path)
    assert answer.status == 404
    assert "Олена" not in answer.text()
