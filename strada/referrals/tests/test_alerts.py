"""Duplicate alert pages through HTTP: each side sees its own client only, nobody else sees anything,
contact requests and their answers, closing, the organisation admin's switch, and what the token
table gives away (nothing without the key)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import trans_real

from strada.audit.models import AuditEvent
from strada.conftest import make_user, register
from strada.lib import crypto, linkage
from strada.orgs.keys import linkage_key
from strada.orgs.models import Organisation
from strada.referrals import codes
from strada.referrals.models import DuplicateAlert, LinkageToken, Notification

BORN = dt.date(1994, 5, 17)
NAMES = ["Олена", "Коваленко", "Olena", "Kovalenko", "Olha", "Petrenko"]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    """Background tasks (re-linking after duplicate alerts are turned on) run at once here."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def pair(network: Any, md: Any) -> Any:
    """Olena, registered in Cyrillic at NL and in Latin (surname first) at MD: one alert."""
    nl_client = register(network.anna, first_name="Олена", second_name="Коваленко", birth_date=BORN)
    md_client = register(md.maria, first_name="Kovalenko", second_name="Olena", birth_date=BORN)
    alert = DuplicateAlert.objects.get()
    Organisation.objects.filter(id=md.org.id).update(
        email="office@md.example.org", phone="+373 22 000 111"
    )
    return alert, nl_client, md_client


def _urls(alert: DuplicateAlert) -> list[str]:
    base = f"/referrals/duplicates/{alert.id}/"
    return [base, base + "request/", base + "answer/", base + "dismiss/"]


def _page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _reload(alert: DuplicateAlert) -> DuplicateAlert:
    return DuplicateAlert.objects.get(id=alert.id)


def test_it_tells_both_organisations_and_shows_only_their_own_client(network, md, pair, login):
    alert, nl_client, md_client = pair
    for person, own, other in (
        (network.anna, nl_client, md_client),
        (md.maria, md_client, nl_client),
    ):
        for url in ("/referrals/duplicates/", f"/referrals/duplicates/{alert.id}/"):
            body = _page(login(person).get(url))
            assert own.reference in body
            assert f"/clients/{own.id}/" in body
            assert "Another member may be assisting this person" in body
            assert "another member of the network" in body
            assert "Likely the same person" in body
            assert other.reference not in body
            assert str(other.id) not in body
            for name in NAMES:
                assert name not in body
            for org in (network.nl, md.org):
                assert org.name not in body
            assert "office@md.example.org" not in body


@pytest.mark.parametrize("who", ["chiara", "bogdan", "dana", "nick", "boris", "olga"])
def test_it_shows_nothing_to_anyone_else(network, pair, login, who):
    alert, nl_client, md_client = pair
    http = login(getattr(network, who))
    for url in _urls(alert):
        for response in (http.get(url), http.post(url, {"accept": "1"})):
            assert response.status_code in (403, 404), (who, url)
    listing = http.get("/referrals/duplicates/")
    assert listing.status_code in (403, 200)
    body = listing.content.decode()
    assert str(alert.id) not in body
    assert nl_client.reference not in body
    assert md_client.reference not in body
    assert _reload(alert).status == "open"


def test_it_sends_a_contact_request_after_a_confirmation(network, md, pair, login):
    alert, _nl_client, _md_client = pair
    anna = login(network.anna)
    body = _page(anna.get(f"/referrals/duplicates/{alert.id}/request/"))
    assert "will learn that La Strada NL is asking" in body
    assert _reload(alert).status == "open"  # showing the confirmation changes nothing
    response = anna.post(f"/referrals/duplicates/{alert.id}/request/", follow=True)
    assert "Contact request sent" in _page(response)
    alert = _reload(alert)
    assert alert.status == "requested"
    assert alert.requested_by_id == network.nl.id
    # The asker still does not know who the other side is; the asked side now knows who asks.
    assert md.org.name not in _page(anna.get(f"/referrals/duplicates/{alert.id}/"))
    maria = _page(login(md.maria).get(f"/referrals/duplicates/{alert.id}/"))
    assert network.nl.name in maria
    assert "Accept" in maria
    assert "Decline" in maria
    # Asking twice is refused with a message, not an error.
    again = anna.post(f"/referrals/duplicates/{alert.id}/request/", follow=True)
    assert "can only be sent on an open alert" in _page(again)


def test_it_connects_both_sides_when_the_request_is_accepted(network, md, pair, login):
    alert, nl_client, _md_client = pair
    login(network.anna).post(f"/referrals/duplicates/{alert.id}/request/")
    maria = login(md.maria)
    assert maria.get(f"/referrals/duplicates/{alert.id}/answer/").status_code == 302  # GET: no-op
    assert _reload(alert).status == "requested"
    response = maria.post(f"/referrals/duplicates/{alert.id}/answer/", {"accept": "1"}, follow=True)
    assert "Contact request accepted" in _page(response)
    assert _reload(alert).status == "connected"
    body = _page(login(network.anna).get(f"/referrals/duplicates/{alert.id}/"))
    assert md.org.name in body
    assert "office@md.example.org" in body
    assert "+373 22 000 111" in body
    assert "Moldova" in body
    assert f"/referrals/new/{nl_client.id}/" in body  # a referral is suggested
    for name in NAMES:
        assert name not in body


def test_it_keeps_the_asker_unknown_when_the_request_is_declined(network, md, pair, login):
    alert, _nl_client, _md_client = pair
    login(md.maria).post(f"/referrals/duplicates/{alert.id}/request/")
    anna = login(network.anna)
    # The asking side cannot answer its own request.
    own = login(md.mihai).post(f"/referrals/duplicates/{alert.id}/answer/", {"accept": "1"})
    assert own.status_code == 302
    assert _reload(alert).status == "requested"
    bad = anna.post(f"/referrals/duplicates/{alert.id}/answer/", {"accept": "yes"}, follow=True)
    assert "Choose to accept or to decline" in _page(bad)
    assert _reload(alert).status == "requested"
    anna.post(f"/referrals/duplicates/{alert.id}/answer/", {"accept": "0"})
    assert _reload(alert).status == "declined"
    body = _page(login(md.maria).get(f"/referrals/duplicates/{alert.id}/"))
    assert network.nl.name not in body
    assert "Contact declined" in body


def test_it_closes_an_alert_after_a_confirmation(network, md, pair, login):
    alert, _nl_client, _md_client = pair
    maria = login(md.maria)
    body = _page(maria.get(f"/referrals/duplicates/{alert.id}/dismiss/"))
    assert "Close this alert?" in body
    assert _reload(alert).status == "open"
    maria.post(f"/referrals/duplicates/{alert.id}/dismiss/")
    alert = _reload(alert)
    assert alert.status == "dismissed"
    assert alert.closed_by_id == md.org.id
    again = maria.post(f"/referrals/duplicates/{alert.id}/dismiss/", follow=True)
    assert "already closed" in _page(again)
    assert "Closed by the other organisation" in _page(
        login(network.anna).get(f"/referrals/duplicates/{alert.id}/")
    )
    # Filters: the closed alert is not among the open ones.
    anna = login(network.anna)
    assert "No alert matches this filter" in _page(anna.get("/referrals/duplicates/?status=open"))
    assert str(alert.id) in _page(anna.get("/referrals/duplicates/?status=closed"))
    assert str(alert.id) in _page(anna.get("/referrals/duplicates/?status=nonsense"))


def test_it_asks_for_the_alert_statuses_with_their_own_context(
    network, md, pair, login, monkeypatch
):
    """ "Open" is an alert's status here, a case's or a round's elsewhere, and the verb of a link:
    each is asked for with its own context, so a language can give each its own word (here with
    stand-in translations)."""
    catalog = trans_real.translation("uk")._catalog._catalogs[0]
    for context in ("duplicate alert status", "verb"):
        monkeypatch.setitem(
            catalog, f"{context}{trans_real.CONTEXT_SEPARATOR}Open", f"[{context}: Open]"
        )
    network.anna.language = "uk"
    network.anna.save(update_fields=["language"])
    body = _page(login(network.anna).get("/referrals/duplicates/"))
    assert body.count("[duplicate alert status: Open]") == 2  # the filter's choice, the status
    assert "[verb: Open]" in body
    with translation.override("uk"):
        assert str(codes.AlertStatus.OPEN.label) == "[duplicate alert status: Open]"
        assert translation.gettext("Open") not in body


def test_it_shows_an_empty_list_and_answers_404_for_unknown_alerts(network, login):
    anna = login(network.anna)
    assert "No duplicate alerts" in _page(anna.get("/referrals/duplicates/"))
    missing = "/referrals/duplicates/00000000-0000-0000-0000-000000000000/"
    for url in (missing, missing + "request/", missing + "answer/", missing + "dismiss/"):
        assert anna.get(url).status_code == 404
        assert anna.post(url, {"accept": "1"}).status_code == 404


def test_it_lists_alerts_in_a_constant_number_of_queries(network, md, login):
    def queries() -> int:
        http = login(network.anna)
        http.get("/referrals/duplicates/")
        with CaptureQueriesContext(connection) as captured:
            assert http.get("/referrals/duplicates/").status_code == 200
        return len(captured)

    register(network.anna, first_name="Olena", second_name="Kovalenko", birth_date=BORN)
    register(md.maria, first_name="Olena", second_name="Kovalenko", birth_date=BORN)
    one = queries()
    for first, last in (("Iryna", "Shevchenko"), ("Oksana", "Bondarenko"), ("Tetiana", "Lysenko")):
        register(network.anna, first_name=first, second_name=last, birth_date=BORN)
        register(md.maria, first_name=last, second_name=first, coded={"birth_year": 1994})
    assert DuplicateAlert.objects.count() == 4
    assert queries() == one


def test_the_org_admin_turns_alerts_off_and_on(
    network, md, pair, login, django_capture_on_commit_callbacks
):
    alert, _nl_client, _md_client = pair
    assert login(network.anna).get("/referrals/duplicates/settings/").status_code == 403
    olga = login(network.olga)
    assert "linkage-settings" in _page(olga.get("/org/users/"))
    body = _page(olga.get("/referrals/duplicates/settings/"))
    assert "Duplicate alerts are on" in body
    assert "deletes your organisation" in body

    response = olga.post("/referrals/duplicates/settings/", {"enabled": "0"}, follow=True)
    assert "Duplicate alerts are off" in _page(response)
    assert not LinkageToken.objects.filter(organisation=network.nl).exists()
    assert _reload(alert).status == "withdrawn"
    # No new alerts while it is off: a new match at MD finds nothing of NL.
    register(network.anna, first_name="Iryna", second_name="Shevchenko", birth_date=BORN)
    register(md.maria, first_name="Iryna", second_name="Shevchenko", birth_date=BORN)
    assert DuplicateAlert.objects.count() == 1
    unchanged = olga.post("/referrals/duplicates/settings/", {"enabled": "0"}, follow=True)
    assert "Nothing was changed" in _page(unchanged)
    bad = olga.post("/referrals/duplicates/settings/", {"enabled": "maybe"}, follow=True)
    assert "Choose to turn duplicate alerts on or off" in _page(bad)

    with django_capture_on_commit_callbacks(execute=True):
        response = olga.post("/referrals/duplicates/settings/", {"enabled": "1"}, follow=True)
    assert "Duplicate alerts are on" in _page(response)
    assert LinkageToken.objects.filter(organisation=network.nl).exists()
    # Re-linking found the match made while it was off, and the withdrawn one again.
    assert DuplicateAlert.objects.count() == 2
    assert DuplicateAlert.objects.filter(status="open").count() == 2


def test_turning_alerts_back_on_opens_again_only_the_alerts_it_withdrew(
    network, md, login, django_capture_on_commit_callbacks
):
    """Withdrawn alerts (the organisation turned alerts off) open again when the re-link finds the
    pair again, announced as a new match; an alert someone dismissed or answered stays closed."""
    people = {
        "withdrawn": ("Олена", "Коваленко"),
        "dismissed": ("Iryna", "Shevchenko"),
        "connected": ("Oksana", "Bondarenko"),
        "declined": ("Tetiana", "Lysenko"),
    }
    alerts = {}
    for outcome, (first, last) in people.items():
        own = register(network.anna, first_name=first, second_name=last, birth_date=BORN)
        register(md.maria, first_name=first, second_name=last, birth_date=BORN)
        alerts[outcome] = DuplicateAlert.objects.get(Q(client_a=own) | Q(client_b=own))
    maria, anna = login(md.maria), login(network.anna)
    maria.post(f"/referrals/duplicates/{alerts['dismissed'].id}/dismiss/")
    for outcome, accept in (("connected", "1"), ("declined", "0")):
        maria.post(f"/referrals/duplicates/{alerts[outcome].id}/request/")
        anna.post(f"/referrals/duplicates/{alerts[outcome].id}/answer/", {"accept": accept})
    before = {outcome: _reload(alert) for outcome, alert in alerts.items()}
    assert {outcome: alert.status for outcome, alert in before.items()} == {
        "withdrawn": "open",  # not yet
        "dismissed": "dismissed",
        "connected": "connected",
        "declined": "declined",
    }

    olga = login(network.olga)
    olga.post("/referrals/duplicates/settings/", {"enabled": "0"})
    assert _reload(alerts["withdrawn"]).status == "withdrawn"
    found = AuditEvent.objects.filter(action="duplicate.found")
    notified = Notification.objects.filter(kind="duplicate_found", alert=alerts["withdrawn"])
    assert (found.count(), notified.count()) == (8, 2)
    last_seq = max(found.values_list("seq", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        olga.post("/referrals/duplicates/settings/", {"enabled": "1"})

    reopened = _reload(alerts["withdrawn"])
    assert reopened.status == "open"
    assert reopened.closed_by_id is None
    assert reopened.found_at > before["withdrawn"].found_at
    for outcome in ("dismissed", "connected", "declined"):
        assert _reload(alerts[outcome]).status == before[outcome].status
    assert DuplicateAlert.objects.count() == 4
    # Both organisations are told again, each in its own log, about its own client.
    assert sorted(notified.values_list("organisation__code", flat=True)) == ["md", "md", "nl", "nl"]
    again = found.filter(seq__gt=last_seq)
    assert sorted((event.org_id, event.object_id) for event in again) == sorted(
        [
            (network.nl.id, str(reopened.own_client_id(network.nl.id))),
            (md.org.id, str(reopened.own_client_id(md.org.id))),
        ]
    )
    assert str(reopened.id) in _page(maria.get("/referrals/duplicates/?status=open"))
    # Turned on again with nothing withdrawn: nothing is announced twice.
    with django_capture_on_commit_callbacks(execute=True):
        olga.post("/referrals/duplicates/settings/", {"enabled": "0"})
        olga.post("/referrals/duplicates/settings/", {"enabled": "1"})
    assert _reload(alerts["withdrawn"]).status == "open"
    assert notified.count() == 6
    for outcome in ("dismissed", "connected", "declined"):
        assert _reload(alerts[outcome]).status == before[outcome].status


def test_it_has_no_settings_for_organisations_without_clients(network, login):
    lena = make_user(network.lsi, "lena", "org_admin")
    assert login(lena).get("/referrals/duplicates/settings/").status_code == 404
    assert login(lena).post("/referrals/duplicates/settings/", {"enabled": "1"}).status_code == 404
    assert (
        network.lsi.linkage_enabled == Organisation.objects.get(id=network.lsi.id).linkage_enabled
    )


def test_the_token_table_alone_gives_no_names_back(network, md):
    people = [
        ("Олена", "Коваленко", BORN),
        ("Olha", "Petrenko", dt.date(1988, 1, 30)),
        ("Maria", "Rusu", dt.date(2001, 12, 3)),
    ]
    for first, last, born in people:
        register(network.anna, first_name=first, second_name=last, birth_date=born)
    rows = list(LinkageToken.objects.values_list("token", "kind"))
    stored = {token for token, _kind in rows}
    assert rows
    secrets: list[str] = []
    for first, last, born in people:
        for group in linkage.groups([first, last]):
            secrets += group
        secrets += [
            first,
            last,
            born.isoformat(),
            born.strftime("%d.%m.%Y"),
            born.strftime("%Y%m%d"),
        ]
    for token, kind in rows:
        assert kind in linkage.KINDS
        assert len(token) == 32
        assert set(token) <= set("0123456789abcdef")
        raw = bytes.fromhex(token)
        for secret in secrets:
            assert secret.lower() not in token
            assert secret.encode() not in raw
    for first, last, born in people:
        plain = linkage.plain_tokens([first, last], born, None)
        # Not an unkeyed hash of what it stands for, nor the value itself.
        for kind, value in plain:
            text = f"{kind}|{value}".encode()
            for digest in (hashlib.sha256(text), hashlib.md5(text), hashlib.sha1(text)):
                assert digest.hexdigest()[:32] not in stored
            assert text.hex()[:32] not in stored
        # The true names and dates with a wrong key (another network's master key) meet nothing;
        # with the right key they are found.
        wrong = crypto.derive_key(b"\x01" * 32, "strada linkage v1")
        assert not set(linkage.tokens(wrong, [first, last], born, None)) & stored
        right = set(linkage.tokens(linkage_key(), [[first], [last]], born, None))
        assert right
        assert right <= stored
