"""Row-level security, the second wall: a request that forgets the first wall still sees and writes
only its own organisation's case-plane rows (PostgreSQL; SQLite has the first wall only).

The views of ``rls_urls`` read and write with the raw ORM, as a careless view would, and are
requested over HTTP through the whole middleware stack.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as HttpClient

from strada.cases.actions import do_add_note, do_open_case, do_set_plan
from strada.cases.models import Case
from strada.clients.models import Client, Consent
from strada.clients.tests.test_api import api_client
from strada.conftest import register
from strada.orgs import rls
from strada.referrals.actions import ReferralInput, do_send_referral
from strada.referrals.models import DuplicateAlert
from strada.referrals.tests.conftest import consent_to
from strada.sharing.models import ImportJob

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
postgres_only = pytest.mark.skipif(
    not ON_POSTGRES, reason="row-level security is PostgreSQL's; SQLite has the first wall only"
)
TEST_URLS = pytest.mark.urls("strada.orgs.tests.rls_urls")

# The case-plane tables under a policy (orgs/migrations/0003_row_level_security).
TABLES = {
    "cases_case",
    "cases_casenote",
    "cases_supportplan",
    "clients_client",
    "clients_consent",
    "clients_searchtoken",
    "referrals_duplicatealert",
    "referrals_linkagetoken",
    "referrals_referral",
    "sharing_importjob",
}


@dataclass
class World:
    nl: str
    bg: str
    nl_client: Client
    nl_case: Case
    bg_client: Client
    org_a: str  # the duplicate alert's first side


@pytest.fixture
def world(network: Any) -> World:
    """NL: a client with a case, a note, a plan and an import job, referred to BG; BG: a client
    that is likely the same person (so a duplicate alert joins the two), with a case."""
    born = dt.date(1990, 5, 4)
    nl_client = register(network.anna, first_name="Olena", second_name="Koval", birth_date=born)
    nl_case = do_open_case(network.anna, nl_client)
    do_add_note(network.anna, nl_case, "First meeting.")
    do_set_plan(network.anna, nl_case, objectives="Housing", planned_end_date=None,
                actual_end_date=None)  # fmt: skip
    ImportJob.objects.create(organisation=network.nl, format="csv", size=1)
    consent_to(network.anna, nl_client, recipient=network.bg)
    do_send_referral(
        network.anna,
        nl_client,
        ReferralInput(purpose="Other", recipient=network.bg, fields=["first_name"]),
    )
    bg_client = register(network.chiara, first_name="Olena", second_name="Koval", birth_date=born)
    do_open_case(network.chiara, bg_client)
    alert = DuplicateAlert.objects.get()
    return World(
        nl=str(network.nl.id),
        bg=str(network.bg.id),
        nl_client=nl_client,
        nl_case=nl_case,
        bg_client=bg_client,
        org_a=str(alert.org_a_id),
    )


def everything(world: World) -> dict[str, list[str]]:
    both = sorted([world.nl, world.bg])
    return {
        "clients": both,
        "consents": both,
        "search_tokens": both,
        "cases": both,
        "notes": [world.nl],
        "plans": [world.nl],
        "import_jobs": [world.nl],
        "referrals_sent_by": [world.nl],
        "alerts_org_a": [world.org_a],
        "linkage_tokens": both,
    }


def read_as(http: HttpClient) -> dict[str, list[str]]:
    response = http.get("/rls/read")
    assert response.status_code == 200
    return dict(response.json())


@postgres_only
def test_it_runs_the_test_suite_under_row_level_security(db: Any) -> None:
    assert not rls.bypasses(), (
        "The test database role is a superuser or has BYPASSRLS, so no policy is tested: "
        "ALTER ROLE strada NOSUPERUSER NOBYPASSRLS CREATEDB (see .ci/run)."
    )


@postgres_only
def test_it_forces_a_policy_on_every_case_plane_table(db: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity "
            "AND relkind = 'r'"
        )
        secured = {name for (name,) in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT tablename FROM pg_policies")
        with_policies = {name for (name,) in cursor.fetchall()}
    assert secured == TABLES
    assert with_policies == TABLES


@postgres_only
@TEST_URLS
def test_it_shows_a_bg_caseworker_no_row_of_nl(network: Any, world: World, login: Any) -> None:
    seen = read_as(login(network.chiara))
    assert seen == {
        "clients": [world.bg],
        # ...but the consent of the referral NL sent it (its page shows what it was sent on).
        "consents": sorted([world.nl, world.bg]),
        "search_tokens": [world.bg],
        "cases": [world.bg],
        "notes": [],
        "plans": [],
        "import_jobs": [],
        # Both ends of a referral and both sides of an alert see its row (not the other's client).
        "referrals_sent_by": [world.nl],
        "alerts_org_a": [world.org_a],
        # Linkage tokens are compared across organisations by design (duplicate detection).
        "linkage_tokens": sorted([world.nl, world.bg]),
    }


@postgres_only
@TEST_URLS
def test_it_shows_the_receiver_of_a_referral_the_consent_it_was_sent_on_only(
    network: Any, world: World, login: Any
) -> None:
    response = login(network.chiara).get("/rls/consents")
    assert response.json()["consents"] == sorted(
        [[world.bg, "services"], [world.bg, "statistics"], [world.nl, "referral"]]
    )


@postgres_only
@TEST_URLS
def test_it_shows_nl_its_own_rows(network: Any, world: World, login: Any) -> None:
    seen = read_as(login(network.anna))
    mine = [world.nl]
    assert seen == {**everything(world), "clients": mine, "consents": mine, "search_tokens": mine,
                    "cases": mine}  # fmt: skip


@postgres_only
@TEST_URLS
def test_it_shows_the_secretariat_a_partner_and_strangers_no_case_plane_row(
    network: Any, world: World, login: Any
) -> None:
    nothing = {name: [] for name in everything(world)}
    for http in (login(network.dana), login(network.nick), login(network.pat), HttpClient()):
        assert read_as(http) == nothing


@postgres_only
@TEST_URLS
def test_it_shows_nothing_to_a_person_of_a_deactivated_organisation(
    network: Any, world: World, login: Any
) -> None:
    http = login(network.anna)
    network.nl.active = False
    network.nl.save(update_fields=["active"])
    assert read_as(http)["clients"] == []


@postgres_only
@TEST_URLS
def test_it_refuses_a_bg_caseworker_every_write_to_nl_rows(
    network: Any, world: World, login: Any
) -> None:
    response = login(network.chiara).post(
        "/rls/write",
        {"other": world.nl, "client": world.nl_client.id, "case": world.nl_case.id,
         "own": world.bg_client.id},
    )  # fmt: skip
    assert response.json() == {
        # Rows the policy hides are not there to update or delete...
        "update_client": "0",
        "delete_case": "0",
        "delete_linkage_tokens": "0",
        # ...and a row of NL can be neither made nor made so.
        "insert_client": "refused",
        "insert_case": "refused",
        "insert_consent": "refused",
        # The consent of the referral NL sent BG is visible to BG, but not BG's to change.
        "update_consents": "0",
        "delete_consents": "0",
        "insert_note": "refused",
        "move_own_client": "refused",
    }
    nl_client = Client.objects.get(id=world.nl_client.id)
    assert nl_client.reference == world.nl_client.reference
    assert Case.objects.filter(id=world.nl_case.id).exists()
    assert Client.objects.get(id=world.bg_client.id).organisation_id == network.bg.id
    assert not Consent.objects.filter(language="xx").exists()
    assert Consent.objects.filter(client=world.nl_client).count() == 3


@postgres_only
@TEST_URLS
def test_it_lets_nl_write_its_own_rows(network: Any, world: World, login: Any) -> None:
    client = register(network.anna, first_name="Iryna")  # not referred: its consents may go
    case = do_open_case(network.anna, client)
    response = login(network.anna).post(
        "/rls/write",
        {"other": world.nl, "client": client.id, "case": case.id, "own": client.id},
    )
    assert "refused" not in response.json().values()
    assert response.json()["delete_consents"] == "3"  # services, statistics, the one inserted
    assert Client.objects.get(id=client.id).reference == "RLS-UPDATED"


@postgres_only
def test_it_lets_the_system_see_every_row(world: World) -> None:
    from strada.orgs.tests.rls_urls import seen

    assert rls.current() == rls.SYSTEM
    assert seen() == everything(world)


@postgres_only
@TEST_URLS
def test_it_puts_the_system_scope_back_after_each_request(
    network: Any, world: World, login: Any
) -> None:
    for person in (network.chiara, network.anna, network.dana):
        read_as(login(person))
        assert rls.current() == rls.SYSTEM
    assert Client.objects.count() == 2


@postgres_only
@TEST_URLS
def test_it_keeps_the_scope_until_a_streamed_response_is_closed(
    network: Any, world: World, login: Any
) -> None:
    response = login(network.chiara).get("/rls/stream")
    assert rls.current() == world.bg  # the body is not made yet
    assert b"".join(response.streaming_content) == world.bg.encode()
    assert rls.current() == rls.SYSTEM


@postgres_only
@TEST_URLS
def test_it_lifts_the_wall_only_inside_a_system_block(
    network: Any, world: World, login: Any
) -> None:
    response = login(network.chiara).get("/rls/system")
    body = response.json()
    assert body["inside"]["clients"] == sorted([world.nl, world.bg])
    assert body["after"]["clients"] == [world.bg]


@postgres_only
def test_it_scopes_an_api_request_to_the_token_s_owner(network: Any, world: World) -> None:
    """The token is checked inside the view, after the middleware scoped the request to nobody:
    without the re-scoping the caller's own clients would be hidden too."""
    response = api_client(network.chiara).get("/api/v1/clients")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [str(world.bg_client.id)]
    assert rls.current() == rls.SYSTEM


def test_it_scopes_people_of_active_members_only(network: Any) -> None:
    assert rls.scope_of(network.anna) == str(network.nl.id)
    assert rls.scope_of(network.chiara) == str(network.bg.id)
    for outside in (network.dana, network.nick, network.pat):
        assert rls.scope_of(outside) == rls.NO_ORGANISATION
    network.anna.is_active = False
    assert rls.scope_of(network.anna) == rls.NO_ORGANISATION


def test_it_requires_the_middleware_after_authentication(settings: Any) -> None:
    assert rls.check_middleware() == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != rls.MIDDLEWARE]
    assert [error.id for error in rls.check_middleware()] == ["strada.E001"]
    settings.MIDDLEWARE = [rls.MIDDLEWARE, *settings.MIDDLEWARE]
    assert [error.id for error in rls.check_middleware()] == ["strada.E002"]


@postgres_only
def test_it_warns_when_the_database_role_bypasses_row_level_security(db: Any) -> None:
    warnings = rls.check_role(databases=["default"])
    assert [warning.id for warning in warnings] == (["strada.W001"] if rls.bypasses() else [])
    assert rls.check_role(databases=None) == []
