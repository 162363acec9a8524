"""The people of the tests: two member organisations, the secretariat and a partner.

Anna (caseworker), Sam (supervisor), Boris (data manager) and Olga (org admin) work at NL;
Chiara (caseworker) and Bogdan (supervisor) at BG; Dana (analyst) and Nick (network admin) at the
secretariat; Pat at the partner. Every view test covers the outsider (BG) and the wrong role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client as HttpClient

from strada.accounts.models import User
from strada.clients.actions import ConsentInput, Registration, do_register_client
from strada.clients.identity import Identity
from strada.orgs.actions import do_create_organisation, do_create_user
from strada.orgs.models import Organisation

PASSWORD = "correct-horse-battery-staple-42"


@dataclass
class Network:
    nl: Organisation
    bg: Organisation
    lsi: Organisation
    polaris: Organisation
    anna: User
    sam: User
    boris: User
    olga: User
    chiara: User
    bogdan: User
    dana: User
    nick: User
    pat: User

    def people(self) -> list[User]:
        return [
            self.anna,
            self.sam,
            self.boris,
            self.olga,
            self.chiara,
            self.bogdan,
            self.dana,
            self.nick,
            self.pat,
        ]


def make_org(code: str, kind: str, country: str) -> Organisation:
    return do_create_organisation(
        None, code=code, name=f"La Strada {code.upper()}", kind=kind, country=country
    )


def make_user(org: Organisation, username: str, role: str) -> User:
    return do_create_user(None, organisation=org, username=username, role=role, password=PASSWORD)


@pytest.fixture(autouse=True)
def _no_mfa_by_default(settings: Any) -> None:
    """Most tests sign in with force_login; the MFA tests turn the requirement back on."""
    settings.STRADA_REQUIRE_MFA = False


@pytest.fixture(autouse=True)
def _audit_wall_allows_flush(request: Any) -> Any:
    """Transactional tests end with a flush of every table; the append-only triggers would refuse
    it. The wall stands during the test and is lowered only for the flush that follows it."""
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        marker = request.node.get_closest_marker("django_db")
        if not (marker and marker.kwargs.get("transaction")):
            yield
            return
    from django.db import connection

    from strada.audit.guard import set_append_only

    request.getfixturevalue("transactional_db")
    set_append_only(connection, True)
    yield
    set_append_only(connection, False)


@pytest.fixture
def network(db: Any) -> Network:
    nl = make_org("nl", "member", "NL")
    bg = make_org("bg", "member", "BG")
    lsi = make_org("lsi", "secretariat", "NL")
    polaris = make_org("polaris", "partner", "US")
    return Network(
        nl=nl,
        bg=bg,
        lsi=lsi,
        polaris=polaris,
        anna=make_user(nl, "anna", "caseworker"),
        sam=make_user(nl, "sam", "supervisor"),
        boris=make_user(nl, "boris", "data_manager"),
        olga=make_user(nl, "olga", "org_admin"),
        chiara=make_user(bg, "chiara", "caseworker"),
        bogdan=make_user(bg, "bogdan", "supervisor"),
        dana=make_user(lsi, "dana", "analyst"),
        nick=make_user(lsi, "nick", "network_admin"),
        pat=make_user(polaris, "pat", "partner"),
    )


def register(actor: User, **identity: Any) -> Any:
    """Register a client through the real action; coded fields may be passed as ``coded=``."""
    coded = identity.pop("coded", {})
    consents = identity.pop("consents", ["services", "statistics"])
    return do_register_client(
        actor,
        Registration(
            identity=Identity(**identity),
            coded={"gender": "Feminine", **coded},
            registered_on=dt.date(2026, 3, 1),
            consents=[
                ConsentInput(
                    purpose=p, given_on=dt.date(2026, 3, 1), wording_version="2026-1", language="en"
                )
                for p in consents
            ],
        ),
    )


def every_value_in_the_database() -> bytes:
    """Every column of every row of every table, as raw bytes: what a stolen database would show
    (the encryption tests search it for values that must not be stored in clear)."""
    from django.db import connection

    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (own tables)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.append(bytes(value))
                    elif value is not None:
                        chunks.append(str(value).encode("utf-8"))
    return b"\n".join(chunks)


@pytest.fixture
def login() -> Any:
    """``login(user)`` gives a test HTTP client signed in as that user."""

    def _login(user: User) -> HttpClient:
        client = HttpClient()
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        return client

    return _login


from strada.web.tests.browser import browser, new_page  # noqa: E402, F401 (fixtures for every app)
