"""End to end in a real Chromium: BG's data manager reviews the figures computed from BG's records,
enters a hand figure and submits; the analyst of the secretariat accepts them (and, where the
network view exists, finds BG there).

Same browser, flags, fixtures and real second factor as the other browser tests (the fixtures live
in strada/web/tests/browser.py). Screenshots land in /tmp/strada-shots/figures-*.png.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import NoReverseMatch, reverse

from strada.cases.actions import do_open_case
from strada.conftest import make_user, register
from strada.stats.actions import do_open_round
from strada.stats.catalogue import ensure_catalogue
from strada.stats.models import Submission
from strada.web.tests.browser import give_totp, shot, sign_in

pytestmark = pytest.mark.browser

SUBMISSION_URL = re.compile(r"/figures/submissions/(?P<id>[0-9a-f-]{36})/$")
REVIEW_URL = re.compile(r"/figures/review/(?P<id>[0-9a-f-]{36})/$")


def _network_view() -> str | None:
    try:
        return reverse("stats_network:dashboard")
    except NoReverseMatch:
        return None


def test_it_takes_bg_figures_from_the_data_manager_to_the_analyst(network, new_page, settings):
    settings.STRADA_REQUIRE_MFA = True
    bianca = make_user(network.bg, "bianca", "data_manager")
    ensure_catalogue()
    rnd = do_open_round(
        network.nick, year=2026, half=None, opens_on=dt.date(2026, 1, 1),
        deadline=dt.date(2099, 3, 31),
    )  # fmt: skip
    for n in range(9):
        client = register(network.chiara, first_name=f"Client{n}")
        do_open_case(network.chiara, client, opened_on=dt.date(2026, 3, 2),
                     trafficking_status="ActualVictimOfTrafficking",
                     type_of_exploitation=["ForcedLabour"])  # fmt: skip
    register(network.chiara, first_name="NoStatistics", consents=["services"])

    # Bianca computes BG's figures and reviews them.
    page = new_page()
    sign_in(page, "bianca", give_totp(bianca))
    page.goto("/figures/")
    page.get_by_role("button", name="Compute our figures").click()
    page.wait_for_url(SUBMISSION_URL)
    assert "1 client without consent to statistics" in page.get_by_test_id("excluded").inner_text()
    victims = page.locator("section[data-indicator=VICTIMS_REGISTERED]")
    assert victims.locator("tr[data-cell=''] [data-testid=value]").inner_text() == "9"
    shot(page, "figures-computed")

    # She enters the hotline contacts, a figure the records do not hold.
    page.locator("section[data-indicator=HOTLINE_CONTACTS]").get_by_role(
        "link", name="Enter a figure"
    ).click()
    page.fill("#id_value", "412")
    page.fill("#id_comment", "Calls and chat messages, from the hotline log")
    page.get_by_role("button", name="Save the figure").click()
    page.wait_for_url(SUBMISSION_URL)
    assert "Figure saved." in page.locator(".messages").inner_text()
    hotline = page.locator("section[data-indicator=HOTLINE_CONTACTS]")
    assert hotline.get_by_test_id("value").inner_text() == "412"

    # And submits: small counts are suppressed on the way out.
    page.get_by_role("link", name="Submit to the secretariat").click()
    page.get_by_role("button", name="Submit", exact=True).click()
    page.wait_for_url(SUBMISSION_URL)
    assert page.get_by_test_id("submission-status").inner_text() == "Submitted"
    shot(page, "figures-submitted")
    submission = Submission.objects.get(organisation=network.bg)
    assert submission.submitted_by == bianca

    # Dana, analyst at the secretariat, reviews the round and accepts BG's figures.
    dana = new_page()
    sign_in(dana, "dana", give_totp(network.dana))
    dana.goto("/figures/")
    dana.get_by_role("link", name="Review submissions").click()
    row = dana.locator("tr[data-org=bg]")
    assert "Submitted" in row.inner_text()
    row.get_by_role("link", name="La Strada BG").click()
    dana.wait_for_url(REVIEW_URL)
    review = dana.locator("section[data-indicator=HOTLINE_CONTACTS]")
    assert review.get_by_test_id("value").inner_text() == "412"
    dana.get_by_role("button", name="Accept").click()
    dana.wait_for_url(REVIEW_URL)
    assert dana.get_by_test_id("submission-status").inner_text() == "Accepted"
    shot(dana, "figures-accepted")
    submission.refresh_from_db()
    assert (submission.status, submission.reviewed_by) == ("accepted", network.dana)
    assert rnd.submissions.count() == 1

    network_view = _network_view()
    if network_view is not None:
        dana.goto(network_view)
        assert "BG" in dana.locator("main").inner_text()
        shot(dana, "figures-network")
