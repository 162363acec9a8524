"""End to end in a real Chromium: a caseworker signs in, registers a client, finds her again.

Playwright drives Debian's ``chromium`` (Playwright's own browser download cannot run here) against
pytest-django's ``live_server``. The second factor is the real one: each person gets a TOTP
authenticator and types the current code on allauth's second-factor page. Screenshots of the pages
land in /tmp/strada-shots/ for a person to look at.

Without chromium these tests are skipped, except in CI (``CI`` set), where they fail: CI installs it.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from strada.conftest import PASSWORD

pytestmark = pytest.mark.browser

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path("/tmp/strada-shots")
TOTP_PERIOD = 30
CLIENT_URL = re.compile(r"/clients/(?P<id>[0-9a-f-]{36})/$")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = shutil.which("chromium")
    if executable is None:
        reason = "Debian's chromium is not installed (apt-get install chromium; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the test and of
    # its fixtures are still plain synchronous code, so Django's async guard must stand aside
    # while the browser is open (and only then: the other tests of this worker keep it).
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            yield chromium
            chromium.close()
    finally:
        if before is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """``new_page()`` opens a page in a fresh browser context: its own cookies, its own person."""
    contexts = []

    def _new_page() -> Any:
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


def _give_totp(user: Any) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def _current_code(secret: str) -> str:
    # Allauth accepts the current period only: never type a code that is about to expire.
    if time.time() % TOTP_PERIOD > TOTP_PERIOD - 3:
        time.sleep(TOTP_PERIOD - time.time() % TOTP_PERIOD + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // TOTP_PERIOD))


def _sign_in(page: Any, username: str, secret: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.fill("input[name=code]", _current_code(secret))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_it_registers_finds_and_hides_a_client_end_to_end(network, new_page, settings):
    settings.STRADA_REQUIRE_MFA = True
    anna_secret = _give_totp(network.anna)
    chiara_secret = _give_totp(network.chiara)

    # Anna, caseworker at NL, signs in through the real form and the real second factor.
    anna = new_page()
    _sign_in(anna, "anna", anna_secret)
    assert "NL" in anna.locator("header .who").inner_text()

    # She registers Olena with her name in Cyrillic.
    anna.goto("/clients/register/")
    anna.fill("#id_first_name", "Олена")
    anna.fill("#id_second_name", "Коваленко")
    anna.select_option("#id_gender", "Feminine")
    anna.check("input[name=consents][value=services]")
    _shot(anna, "register")
    anna.get_by_role("button", name="Register").click()
    anna.wait_for_url(CLIENT_URL)
    client_id = CLIENT_URL.search(anna.url)["id"]
    reference = re.search(r"NL-\d{4}-\d{5}", anna.locator("h1").inner_text())[0]
    assert reference in anna.locator(".messages").inner_text()
    assert "Олена" in anna.get_by_test_id("identity").inner_text()
    _shot(anna, "client")

    # She finds her again from the list by the Latin spelling of her name, and opens her record.
    anna.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    anna.fill("#id_q", "Olena")
    anna.get_by_role("button", name="Search").click()
    table = anna.get_by_test_id("client-table")
    assert "Олена Коваленко" in table.inner_text()
    _shot(anna, "list")
    table.get_by_role("link", name=reference).click()
    anna.wait_for_url(f"**/clients/{client_id}/")
    assert reference in anna.locator("h1").inner_text()

    # Chiara, caseworker at BG, gets the plain 404 page for that client: nothing of Olena shows.
    chiara = new_page()
    _sign_in(chiara, "chiara", chiara_secret)
    response = chiara.goto(f"/clients/{client_id}/")
    assert response.status == 404
    assert chiara.locator("h1").inner_text() == "Not found"
    assert reference not in chiara.content()
    assert "Олена" not in chiara.content()
    _shot(chiara, "not-found")

    # The API answers the same: 200 for Anna's session, 404 for Chiara's. The NL check proves
    # that the 404 is the isolation at work and not a missing endpoint.
    api_path = f"/api/v1/clients/{client_id}"
    assert anna.request.get(api_path).status == 200
    answer = chiara.request.get(api_path)
    assert answer.status == 404
    assert "Олена" not in answer.text()
