from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone

from strada.accounts.models import User
from strada.audit.models import AuditEvent
from strada.clients.access import search_clients
from strada.clients.identity import unseal
from strada.clients.models import Client, Consent
from strada.demo.network import NETWORK, allocate
from strada.demo.people import people
from strada.orgs.actions import do_set_active
from strada.orgs.models import ROLES_BY_KIND, Organisation
from strada.referrals.demo import made_clients

CLIENTS = 30


def run_demo(**options: object) -> str:
    out = io.StringIO()
    call_command("demo", clients=CLIENTS, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo(db: object) -> str:
    return run_demo()


def generated() -> object:
    """The clients of the demo's ``--clients`` (without those its referrals and duplicates add)."""
    return Client.objects.exclude(id__in=made_clients())


def coded_distribution(clients: object) -> Counter[tuple[object, ...]]:
    return Counter(
        (c.gender, tuple(c.citizenship), c.birth_year, c.age_band, c.primary_language)
        for c in clients  # type: ignore[attr-defined]
    )


def test_it_builds_every_organisation_with_one_account_per_role(demo):
    orgs = {org.code: org for org in Organisation.objects.all()}
    assert set(orgs) == {
        "lsi",
        "by",
        "md",
        "ua",
        "mk",
        "bg",
        "pl",
        "cz",
        "nl",
        "aff1",
        "aff2",
        "aff3",
        "polaris",
    }
    assert orgs["lsi"].kind == "secretariat"
    assert orgs["polaris"].kind == "partner"
    assert {orgs[c].kind for c in ("aff1", "aff2", "aff3")} == {"affiliate"}
    for org in orgs.values():
        users = User.objects.filter(organisation=org)
        assert sorted(u.role for u in users) == sorted(ROLES_BY_KIND[org.kind])
        assert all(u.username == f"{u.role}.{org.code}" for u in users)
    assert User.objects.filter(username="analyst.lsi", role="analyst").exists()
    assert User.objects.filter(username="partner.polaris", role="partner").exists()


def test_it_spreads_the_clients_over_members_and_affiliates(demo):
    per_org = Counter(generated().values_list("organisation__code", flat=True))
    assert sum(per_org.values()) == CLIENTS
    assert set(per_org) == {org.code for org in NETWORK.case_holders}
    assert per_org["nl"] > per_org["aff2"]
    assert not Client.objects.filter(organisation__code__in=["lsi", "polaris"]).exists()


def test_it_registers_names_in_cyrillic_and_latin_script(demo):
    names = [unseal(c).first_name for c in Client.objects.select_related("organisation")]
    assert any("\u0400" <= ch <= "\u04ff" for name in names for ch in name)
    assert any(name.isascii() and name for name in names)
    assert Client.objects.filter(has_name=False).count() < CLIENTS // 2


def test_it_registers_through_the_real_action(demo):
    registered = AuditEvent.objects.filter(action="client.register")
    assert registered.exclude(object_id__in=made_clients()).count() == CLIENTS
    assert Consent.objects.filter(purpose="services").count() >= CLIENTS * 0.8
    client = Client.objects.filter(organisation__code="ua", has_name=True).first()
    identity = unseal(client)
    caseworker = User.objects.get(username="caseworker.ua")
    found = search_clients(caseworker, identity.first_name_latin)
    assert client in list(found)


def test_it_does_not_duplicate_anything_when_run_again(demo):
    first = set(Client.objects.values_list("reference", flat=True))
    run_demo()
    assert Organisation.objects.count() == len(NETWORK.organisations)
    assert User.objects.count() == sum(len(org.roles) for org in NETWORK.organisations)
    assert set(Client.objects.values_list("reference", flat=True)) == first


def test_it_adds_only_the_missing_clients_for_a_larger_count(demo):
    before = Counter(Client.objects.values_list("organisation__code", flat=True))
    call_command("demo", clients=CLIENTS + 10, stdout=io.StringIO())
    per_org = Counter(Client.objects.values_list("organisation__code", flat=True))
    # Clients already there count (those the referrals brought too): each organisation is topped
    # up to its new share, never beyond.
    wanted = allocate(CLIENTS + 10)
    assert dict(per_org) == {k: max(v, before[k]) for k, v in wanted.items() if max(v, before[k])}
    assert per_org != before


def test_it_gives_every_account_the_demo_password(demo):
    request = RequestFactory().post("/accounts/login/")
    user = authenticate(request, username="caseworker.nl", password="strada-demo")
    assert user is not None
    assert user.username == "caseworker.nl"
    assert authenticate(request, username="analyst.lsi", password="wrong-password") is None


def test_it_resets_the_password_when_run_again(demo):
    run_demo(password="another-demo-password")
    user = User.objects.get(username="data_manager.bg")
    assert user.check_password("another-demo-password")
    assert not user.check_password("strada-demo")


def test_it_makes_the_same_people_with_the_same_seed(demo):
    today = dt.date(2026, 3, 1)
    nl = NETWORK.by_code("nl")
    assert people(2026, nl, 0, 20, today) == people(2026, nl, 0, 20, today)
    assert people(2026, nl, 0, 20, today) != people(7, nl, 0, 20, today)
    expected = Counter()
    for org in NETWORK.case_holders:
        made = people(2026, org, 0, allocate(CLIENTS)[org.code], timezone.localdate())
        expected += Counter(
            (
                p.coded["gender"],
                tuple(p.coded["citizenship"]),
                p.coded.get("birth_year"),
                p.coded.get("age_band", ""),
                p.coded["primary_language"],
            )
            for p in made
        )
    assert coded_distribution(generated()) == expected


def test_it_says_how_to_sign_in_and_that_the_data_is_fictional(demo):
    assert "http://127.0.0.1:8000/accounts/login/" in demo
    assert "caseworker.nl" in demo
    assert "network_admin.lsi" in demo
    assert "strada-demo" in demo
    assert "fictional" in demo
    assert "STRADA_REQUIRE_MFA=0" in demo


def test_it_stops_with_a_message_when_a_caseworker_cannot_register(demo):
    do_set_active(None, User.objects.get(username="caseworker.nl"), False)
    with pytest.raises(CommandError, match=r"caseworker\.nl"):
        call_command("demo", clients=CLIENTS * 2, stdout=io.StringIO())
