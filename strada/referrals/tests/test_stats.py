"""Referral statistics: figures checked against a hand count of referrals made through the real
actions, who sees which figures (page, CSV, API), and that no content ever shows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from strada.clients.tests.test_api import api_client
from strada.conftest import register
from strada.directory.actions import do_create_entry
from strada.referrals import actions, stats
from strada.referrals.actions import ReferralInput
from strada.referrals.models import Referral
from strada.referrals.tests.conftest import consent_to

URL = "/referrals/statistics/"
API = "/api/v1/referrals/statistics"
SECRET_NAMES = ["Marker", "Маркерова", "MRK-DETAILS"]


def _at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(
        dt.date.fromisoformat(day), dt.time(hour), tzinfo=timezone.get_current_timezone()
    )


def _send(actor: Any, client: Any, *, to: Any = None, entry: Any = None, **extra: Any) -> Referral:
    data = ReferralInput(
        purpose=extra.pop("purpose", "AdditionalServicesRequired"),
        fields=["first_name", "second_name", "message"],
        recipient=to,
        recipient_entry=entry,
        message="MRK-DETAILS: needs a shelter",
        **extra,
    )
    return actions.do_send_referral(actor, client, data)


def _times(referral: Referral, sent: str, answered_days: float | None = None) -> None:
    """Move a referral's dates (they are set by the actions to now)."""
    sent_at = _at(sent)
    values: dict[str, Any] = {"sent_at": sent_at}
    if answered_days is not None:
        values["answered_at"] = sent_at + dt.timedelta(days=answered_days)
    Referral.objects.filter(id=referral.id).update(**values)


@dataclass
class Made:
    r: dict[str, Referral]


@pytest.fixture
def made(network: Any, md: Any) -> Made:
    """NL sends six referrals in 2026 (to MD in every state, one to BG, one outside the network)
    and one in 2025; MD sends one back to NL."""
    anna, maria, chiara = network.anna, md.maria, network.chiara
    entry = do_create_entry(None, name="Shelter Chisinau", kind="shelter", country="MD")
    clients = [
        register(anna, first_name="Маркерова", second_name=f"Marker{i}", coded={}) for i in range(7)
    ]
    for client in clients[:5] + clients[6:]:
        consent_to(anna, client, md.org)
    consent_to(anna, clients[5], network.bg)
    consent_to(anna, clients[0], None, entry=entry)
    r = {}
    r["accepted"] = _send(anna, clients[0], to=md.org, urgency="urgent")
    actions.do_accept_referral(maria, r["accepted"])
    _times(r["accepted"], "2026-04-01", 2)
    r["declined"] = _send(anna, clients[1], to=md.org, purpose="MigrationOrChangeOfLocation")
    actions.do_decline_referral(maria, r["declined"], "No place in the shelter")
    _times(r["declined"], "2026-04-02", 5)
    r["completed"] = _send(anna, clients[2], to=md.org)
    actions.do_accept_referral(maria, r["completed"])
    actions.do_complete_referral(maria, r["completed"])
    _times(r["completed"], "2026-05-10", 1)
    r["revoked"] = _send(anna, clients[3], to=md.org)
    actions.do_revoke_referral(anna, r["revoked"])
    _times(r["revoked"], "2026-06-01")
    r["pending"] = _send(anna, clients[4], to=md.org, urgency="emergency")
    _times(r["pending"], "2026-07-01")
    r["bg"] = _send(anna, clients[5], to=network.bg)
    actions.do_accept_referral(chiara, r["bg"])
    _times(r["bg"], "2026-08-01", 10)
    r["external"] = _send(anna, clients[0], entry=entry)
    actions.do_complete_referral(anna, r["external"])
    _times(r["external"], "2026-09-01")
    r["last_year"] = _send(anna, clients[6], to=md.org)
    actions.do_accept_referral(maria, r["last_year"])
    _times(r["last_year"], "2025-12-31", 40)
    # MD sends an update back about the client it accepted.
    received = Referral.objects.get(id=r["accepted"].id)
    consent_to(maria, received.receiver_client, network.nl)
    r["back"] = _send(maria, received.receiver_client, to=network.nl, in_reply_to=received)
    actions.do_accept_referral(anna, r["back"])
    _times(r["back"], "2026-10-01", 3)
    return Made(r)


YEAR = stats.Period.year(2026)


def test_it_counts_what_an_organisation_sent_and_received_by_hand(network, md, made):
    nl = stats.organisation_figures(network.nl, YEAR)
    sent = nl.sent
    assert (sent.total, sent.pending, sent.accepted, sent.declined) == (7, 1, 2, 1)
    assert (sent.completed, sent.revoked, sent.answered) == (2, 1, 4)
    assert sent.accepted_share == 0.75  # accepted, completed and BG's among 4 answered
    assert sent.median_days == 3.5  # 1, 2, 5, 10
    assert sent.p90_days == 10
    assert (nl.sent_internal.total, nl.sent_external.total) == (6, 1)
    assert nl.sent_external.completed == 1
    assert (nl.received.total, nl.received.accepted, nl.received.median_days) == (1, 1, 3)

    moldova = stats.organisation_figures(md.org, YEAR)
    received = moldova.received
    assert received.total == 5
    assert (received.pending, received.accepted, received.declined) == (1, 1, 1)
    assert (received.completed, received.revoked) == (1, 1)
    assert received.accepted_share == pytest.approx(2 / 3)
    assert received.median_days == 2  # 1, 2, 5
    assert received.p90_days == 5
    assert moldova.sent.total == 1

    purposes = {code: pair for code, _label, pair in nl.purposes()}
    assert purposes["MigrationOrChangeOfLocation"].sent.total == 1
    assert purposes["AdditionalServicesRequired"].sent.total == 6
    assert purposes["Other"].sent.total == 0
    urgencies = {code: pair for code, _label, pair in moldova.urgencies()}
    assert urgencies["urgent"].received.total == 1
    assert urgencies["emergency"].received.pending == 1
    assert urgencies["routine"].received.total == 3


def test_it_counts_the_network_once_per_referral(network, md, made):
    network_figures = stats.network_figures(YEAR)
    total = network_figures.total
    assert total.sent.total == 8
    assert total.received.total == 7
    assert (total.sent_internal.total, total.sent_external.total) == (7, 1)
    assert total.sent.answered == 5
    assert total.sent.median_days == 3  # 1, 2, 3, 5, 10
    rows = {org.code: figures for org, figures in network_figures.rows}
    assert set(rows) == {"nl", "bg", "md"}  # members and affiliates only
    assert (rows["bg"].sent.total, rows["bg"].received.total) == (0, 1)
    assert rows["bg"].received.median_days == 10
    assert rows["md"].received.total == 5


def test_it_takes_a_period_of_days(network, md, made):
    april = stats.organisation_figures(
        network.nl, stats.Period(dt.date(2026, 4, 1), dt.date(2026, 4, 2))
    )
    assert april.sent.total == 2
    assert stats.organisation_figures(network.nl, stats.Period.year(2025)).sent.total == 1


def test_it_has_nothing_to_say_about_an_empty_period(network):
    figures = stats.organisation_figures(network.nl, YEAR)
    assert figures.sent.total == 0
    assert figures.sent.accepted_share is None
    assert figures.sent.median_days is None
    assert figures.sent.p90_days is None


@pytest.mark.parametrize(
    ("values", "share", "expected"),
    [([4.0], 0.9, 4.0), ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9, 9.0),
     ([3.0, 1.0, 2.0], 0.5, 2.0), ([], 0.9, None)],
)  # fmt: skip
def test_it_takes_the_nearest_rank_percentile(values, share, expected):
    assert stats.percentile(values, share) == expected


# The page


def test_it_shows_an_organisation_its_own_figures(network, md, made, login):
    response = login(network.sam).get(URL, {"year": 2026})
    assert response.status_code == 200
    summary = response.context["sent"], response.context["received"]
    assert (summary[0].total, summary[0].share, summary[1].total) == (7, "75 %", 1)
    assert response.context["scope"] == "organisation"
    body = response.content.decode()
    assert 'data-testid="summary-table"' in body
    assert 'data-testid="network-table"' not in body
    assert "La Strada MD" not in body  # no other organisation's name


@pytest.mark.parametrize("who", ["sam", "boris", "olga"])
def test_it_lets_the_supervisor_the_data_manager_and_the_org_admin_in(network, made, login, who):
    response = login(getattr(network, who)).get(URL, {"year": 2026})
    assert response.status_code == 200
    assert response.context["sent"].total == 7


def test_it_shows_bg_only_its_own_figures(network, made, login):
    response = login(network.bogdan).get(URL, {"year": 2026})
    assert response.status_code == 200
    assert response.context["sent"].total == 0
    assert response.context["received"].total == 1
    assert "rows" not in response.context


@pytest.mark.parametrize("who", ["dana", "nick"])
def test_it_shows_the_secretariat_the_network_table_and_no_content(network, md, made, login, who):
    response = login(getattr(network, who)).get(URL, {"year": 2026})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="network-table"' in body
    rows = {
        org.code: (sent.total, received.total) for org, sent, received in response.context["rows"]
    }
    assert rows == {"nl": (7, 1), "md": (1, 5), "bg": (0, 1)}
    shares = {org.code: received.share for org, _sent, received in response.context["rows"]}
    assert shares["md"] == "67 %"  # 2 of 3 answered, rounded (not cut to 66)
    assert response.context["sent"].total == 8
    for marker in [*SECRET_NAMES, "No place in the shelter", "NL-2026", "Shelter Chisinau"]:
        assert marker not in body
    for referral in made.r.values():
        assert str(referral.id) not in body
        assert str(referral.source_client_id) not in body


@pytest.mark.parametrize("who", ["anna", "chiara", "pat"])
def test_it_refuses_roles_outside_the_policy(network, made, login, who):
    assert login(getattr(network, who)).get(URL).status_code == 403


def test_it_refuses_the_secretariats_org_admin(network, login):
    from strada.conftest import make_user

    admin = make_user(network.lsi, "lena", "org_admin")
    assert login(admin).get(URL).status_code == 403


def test_it_shows_this_year_by_default_and_offers_the_years_with_referrals(network, made, login):
    response = login(network.sam).get(URL)
    this_year = timezone.localdate().year
    assert response.context["year"] == this_year
    choices = [value for value, _label in response.context["form"].fields["year"].choices]
    assert set(choices) == {this_year, 2026, 2025}
    last_year = login(network.sam).get(URL, {"year": 2025})
    assert last_year.context["sent"].total == 1


@pytest.mark.parametrize("year", ["abc", "1990", "2026x"])
def test_it_answers_a_bad_year_with_a_clear_error(network, made, login, year):
    response = login(network.sam).get(URL, {"year": year})
    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert response.context["year"] == timezone.localdate().year


def test_it_shows_an_empty_state_for_a_year_without_referrals(network, login):
    response = login(network.sam).get(URL)
    assert response.status_code == 200
    assert 'data-testid="no-referrals"' in response.content.decode()


def test_it_refuses_a_post(network, login):
    assert login(network.sam).post(URL).status_code == 405


def test_it_reads_the_network_in_a_constant_number_of_queries(network, md, made, login):
    http = login(network.dana)
    http.get(URL)  # sessions and caches warm
    with CaptureQueriesContext(connection) as few:
        http.get(URL, {"year": 2026})
    with CaptureQueriesContext(connection) as again:
        http.get(URL, {"year": 2025})
    assert len(few) == len(again) <= 8


# The CSV file


def _csv(response: Any) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_it_downloads_the_network_table(network, md, made, login):
    response = login(network.dana).get(URL, {"year": 2026, "download": "csv"})
    lines = _csv(response)
    by_key = {(line["organisation"], line["measure"]): line for line in lines}
    assert by_key[("md", "received")]["referrals"] == "5"
    assert by_key[("md", "received")]["accepted_share"] == "0.667"
    assert by_key[("nl", "sent")]["median_days_to_answer"] == "3.5"
    assert by_key[("network", "sent")]["referrals"] == "8"
    assert by_key[("network", "sent.external")]["completed"] == "1"
    assert ("nl", "sent.purpose.Other") not in by_key  # the network table has no breakdowns
    assert not any(m in response.content.decode() for m in SECRET_NAMES)


def test_it_downloads_an_organisations_own_figures_only(network, md, made, login):
    lines = _csv(login(network.boris).get(URL, {"year": 2026, "download": "csv"}))
    assert {line["organisation"] for line in lines} == {"nl"}
    by_measure = {line["measure"]: line for line in lines}
    assert by_measure["sent"]["referrals"] == "7"
    assert by_measure["sent.urgency.urgent"]["referrals"] == "1"
    assert by_measure["received"]["referrals"] == "1"


def test_it_escapes_formulas_in_the_file(network, md, made, login):
    md.org.name = "=HYPERLINK(1)"
    md.org.save(update_fields=["name"])
    lines = _csv(login(network.dana).get(URL, {"year": 2026, "download": "csv"}))
    assert {line["name"] for line in lines if line["organisation"] == "md"} == {"'=HYPERLINK(1)"}


# The API


def test_it_answers_the_api_with_the_same_figures(network, md, made):
    answer = api_client(network.sam).get(API, {"year": 2026})
    assert answer.status_code == 200
    data = answer.json()
    assert data["scope"] == "organisation"
    assert data["count"] == 1
    assert data["network"] is None
    (item,) = data["items"]
    assert item["organisation"] == "nl"
    assert item["sent"]["referrals"] == 7
    assert item["sent"]["accepted_share"] == 0.75
    assert item["sent"]["median_days_to_answer"] == 3.5
    assert item["sent"]["p90_days_to_answer"] == 10
    assert item["sent_outside_network"]["referrals"] == 1
    assert [b["code"] for b in item["by_urgency"]] == ["routine", "urgent", "emergency"]


def test_it_gives_the_secretariat_every_organisation_and_the_network(network, md, made):
    answer = api_client(network.dana).get(API, {"from": "2026-01-01", "to": "2026-12-31"})
    assert answer.status_code == 200
    data = answer.json()
    assert data["scope"] == "network"
    assert {item["organisation"] for item in data["items"]} == {"nl", "md", "bg"}
    assert data["network"]["sent"]["referrals"] == 8
    for marker in SECRET_NAMES:
        assert marker not in answer.content.decode()


def test_it_answers_bg_with_its_own_figures_only_through_the_api(network, made):
    data = api_client(network.bogdan).get(API, {"year": 2026}).json()
    assert [item["organisation"] for item in data["items"]] == ["bg"]
    assert data["items"][0]["received"]["referrals"] == 1


@pytest.mark.parametrize("who", ["anna", "chiara", "pat"])
def test_it_refuses_the_api_to_roles_outside_the_policy(network, who):
    assert api_client(getattr(network, who)).get(API).status_code == 403


@pytest.mark.parametrize(
    "params",
    [{"year": "abc"}, {"year": 1800}, {"from": "2026-01-01"}, {"to": "2026-01-01"},
     {"from": "2026-02-01", "to": "2026-01-01"}, {"year": 2026, "from": "2026-01-01", "to": "2026-02-01"},
     {"from": "2000-01-01", "to": "2026-01-01"}, {"from": "yesterday", "to": "2026-01-01"}],
)  # fmt: skip
def test_it_rejects_bad_periods_through_the_api(network, params):
    answer = api_client(network.sam).get(API, params)
    assert answer.status_code == 422
    assert answer.json()["detail"]


def test_it_is_in_the_openapi_schema(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths[API]
