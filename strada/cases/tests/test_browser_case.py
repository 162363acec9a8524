"""End to end in a real Chromium: a caseworker records a case with its route NL ← BG, a service and a
compensation claim, and finds them on the client's timeline.

Same browser, flags, fixtures and real second factor as ``strada/web/tests/test_browser.py`` (the
fixtures live in strada/web/tests/browser.py). The screenshot
lands in /tmp/strada-shots/case-timeline.png for a person to look at.
"""

from __future__ import annotations

import re

import pytest

from strada.conftest import register
from strada.web.tests.browser import give_totp, shot, sign_in

pytestmark = pytest.mark.browser

CASE_URL = re.compile(r"/cases/(?P<id>[0-9a-f-]{36})/(#\w+)?$")


def test_it_records_a_case_and_shows_it_on_the_timeline(network, new_page, settings):
    settings.STRADA_REQUIRE_MFA = True
    secret = give_totp(network.anna)
    client = register(network.anna, first_name="Олена", second_name="Коваленко")

    # Anna opens her client's page and opens a case from it.
    anna = new_page()
    sign_in(anna, "anna", secret)
    anna.goto(f"/clients/{client.id}/")
    anna.get_by_role("link", name="Open a case").click()
    anna.fill("#id_opened_on", "2026-03-02")
    anna.select_option("#id_trafficking_status", "ActualVictimOfTrafficking")
    anna.check("input[name=type_of_exploitation][value=SexualExploitation]")
    anna.check("input[name=methods_of_control][value=DebtBondage]")
    shot(anna, "case-open")
    anna.get_by_role("button", name="Open the case").click()
    anna.wait_for_url(CASE_URL)
    assert "Case 1 opened." in anna.locator(".messages").inner_text()

    # The route: recruited in Bulgaria, exploited in the Netherlands.
    for values in (
        {"type": "Recruitment", "country": "BG", "city": "Sofia", "date": "2025-11-05"},
        {"type": "Exploitation", "country": "NL", "city": "Rotterdam", "date": "2026-01-20"},
    ):
        anna.get_by_role("link", name="Add a route event").click()
        anna.select_option("#id_type", values["type"])
        anna.select_option("#id_country", values["country"])
        anna.fill("#id_city", values["city"])
        anna.fill("#id_date", values["date"])
        anna.get_by_role("button", name="Add", exact=True).click()
        anna.wait_for_url(CASE_URL)
    route = anna.get_by_test_id("route").inner_text()
    assert route == "Recruitment: BG, Sofia → Exploitation: NL, Rotterdam"

    # A service her own organisation gives, and a compensation claim in the criminal case.
    anna.get_by_role("link", name="Add a service").click()
    anna.select_option("#id_type", "SafeAccommodation")
    anna.fill("#id_start_date", "2026-03-03")
    shot(anna, "case-service")
    anna.get_by_role("button", name="Add", exact=True).click()
    anna.wait_for_url(CASE_URL)
    anna.get_by_role("link", name="Add a compensation claim").click()
    anna.select_option("#id_route", "Criminal")
    anna.fill("#id_claimed_amount", "12000")
    anna.fill("#id_claimed_on", "2026-03-20")
    anna.get_by_role("button", name="Add", exact=True).click()
    anna.wait_for_url(CASE_URL)
    assert "Shelter or safe accommodation" in anna.get_by_test_id("services").inner_text()
    assert "12,000.00 EUR" in anna.get_by_test_id("compensation").inner_text()
    shot(anna, "case")

    # Back on the client's page: the case in the list, and everything on the timeline, in order.
    anna.get_by_role("link", name=f"Client {client.reference}").first.click()
    anna.wait_for_url(f"**/clients/{client.id}/")
    assert "Sexual exploitation" in anna.get_by_test_id("cases").inner_text()
    moments = anna.get_by_test_id("timeline").locator("li").all_inner_texts()
    titles = [re.sub(r"\s+", " ", moment) for moment in moments]
    expected = ["Recruitment", "Exploitation", "Case 1 opened", "Service started",
                "Compensation claimed"]  # fmt: skip
    positions = [next(i for i, t in enumerate(titles) if word in t) for word in expected]
    assert positions == sorted(positions)
    assert "BG, Sofia" in titles[positions[0]]
    assert "NL, Rotterdam" in titles[positions[1]]
    assert "12,000.00 EUR" in titles[positions[4]]
    anna.get_by_test_id("timeline").scroll_into_view_if_needed()
    shot(anna, "case-timeline")
