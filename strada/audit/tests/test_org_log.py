"""The organisation's audit log (Olga, org admin at NL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from strada.audit.log import Entry, record_now
from strada.audit.models import AuditEvent
from strada.conftest import make_user, register
from strada.orgs.actions import do_change_role


def _events(response):
    return list(response.context["page"].object_list)


def test_it_lists_the_organisations_events_newest_first(network, login):
    olena = register(network.anna, first_name="Олена")
    register(network.chiara, first_name="Maria")
    response = login(network.olga).get(reverse("audit:org_log"))
    assert response.status_code == 200
    events = _events(response)
    assert [e.seq for e in events] == sorted((e.seq for e in events), reverse=True)
    assert {e.org_id for e in events} <= {network.nl.id}
    assert any(e.object_id == str(olena.id) for e in events)
    page = response.content.decode()
    assert str(olena.id) in page
    assert "chiara" not in page
    assert "Олена" not in page


def test_it_includes_what_the_own_people_did_elsewhere(network, login):
    record_now(
        Entry(action="referral.send", actor=network.anna, org_id=network.bg.id, object_type="x")
    )
    actions = [e.action for e in _events(login(network.olga).get(reverse("audit:org_log")))]
    assert "referral.send" in actions
    bg_admin = make_user(network.bg, "bea", "org_admin")
    bg_actions = [e.action for e in _events(login(bg_admin).get(reverse("audit:org_log")))]
    assert "referral.send" in bg_actions


def test_it_shows_no_other_organisations_events(network, login):
    register(network.chiara, first_name="Maria")
    do_change_role(network.nick, network.bogdan, "caseworker")
    events = _events(login(network.olga).get(reverse("audit:org_log"), {"page": "1"}))
    assert all(network.nl.id in (event.org_id, event.actor_org_id) for event in events)
    assert not any(event.actor_username in {"chiara", "bogdan"} for event in events)


def test_it_filters_by_action_user_and_dates(network, login):
    register(network.anna, first_name="Олена")
    register(network.sam, first_name="Ivan")
    client = login(network.olga)
    by_action = _events(client.get(reverse("audit:org_log"), {"action": "client.register"}))
    assert len(by_action) == 2
    assert {e.action for e in by_action} == {"client.register"}
    by_prefix = _events(client.get(reverse("audit:org_log"), {"action": "consent."}))
    assert {e.action for e in by_prefix} == {"consent.record"}
    by_user = _events(client.get(reverse("audit:org_log"), {"user": "SAM"}))
    assert by_user
    assert {e.actor_username for e in by_user} == {"sam"}
    today = timezone.localdate()
    in_range = _events(
        client.get(reverse("audit:org_log"), {"since": today.isoformat(), "until": today})
    )
    assert len(in_range) == len(_events(client.get(reverse("audit:org_log"))))
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert _events(client.get(reverse("audit:org_log"), {"since": tomorrow})) == []


@pytest.mark.parametrize(
    "bad",
    [
        {"since": "yesterday"},
        {"until": "2026-13-45"},
        {"since": "2026-03-02", "until": "2026-03-01"},
        {"action": "a" * 500},
        {"user": "u" * 5000},
        {"page": "-1"},
        {"page": "a lot"},
    ],
)
def test_it_answers_bad_filters_without_an_error(network, login, bad):
    response = login(network.olga).get(reverse("audit:org_log"), bad)
    assert response.status_code == 200


def test_it_pages_by_fifty(network, login):
    for n in range(60):
        record_now(Entry(action=f"test.{n}", org_id=network.nl.id))
    client = login(network.olga)
    first = client.get(reverse("audit:org_log"))
    assert len(_events(first)) == 50
    assert first.context["page"].has_next()
    second = client.get(reverse("audit:org_log"), {"page": "2"})
    assert len(_events(second)) == first.context["page"].paginator.count - 50


def test_it_lists_with_a_constant_number_of_queries(network, login, django_assert_num_queries):
    client = login(network.olga)
    client.get(reverse("audit:org_log"))
    for n in range(3):
        record_now(Entry(action=f"few.{n}", org_id=network.nl.id))
    with django_assert_num_queries(5):
        assert client.get(reverse("audit:org_log")).status_code == 200
    for n in range(80):
        record_now(Entry(action=f"many.{n}", actor=network.anna, org_id=network.nl.id))
    with django_assert_num_queries(5):
        assert client.get(reverse("audit:org_log"), {"action": "many."}).status_code == 200


def test_it_answers_403_to_the_wrong_role(network, login):
    for person in network.people():
        if person is network.olga:
            continue
        assert login(person).get(reverse("audit:org_log")).status_code == 403


def test_it_shows_an_outsider_admin_nothing_of_nl(network, login):
    register(network.anna, first_name="Олена")
    bg_admin = make_user(network.bg, "bea", "org_admin")
    response = login(bg_admin).get(reverse("audit:org_log"))
    assert response.status_code == 200
    assert all(network.nl.id not in (e.org_id, e.actor_org_id) for e in _events(response))
    assert AuditEvent.objects.filter(org_id=network.nl.id).exists()


def test_it_names_clients_by_reference_code_and_links_their_trail(network, login):
    from strada.conftest import register

    client = register(network.anna, first_name="Ana", second_name="Zamfir")
    body = login(network.olga).get("/audit/").content.decode()
    assert client.reference in body
    assert f"/clients/{client.id}/audit/" in body
    assert "Zamfir" not in body
    trail = login(network.olga).get(f"/clients/{client.id}/audit/")
    assert trail.status_code == 200
    assert "client.register" in trail.content.decode()
