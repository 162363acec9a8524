"""Directory entries for the tests, besides the people of ``strada.conftest``: Bea, organisation
admin of BG (an admin of another organisation than Olga's NL)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from strada.accounts.models import PersonalAccessToken, hash_token
from strada.conftest import make_user
from strada.directory.actions import do_add_contact_person, do_create_entry


@pytest.fixture
def bea(network: Any) -> Any:
    return make_user(network.bg, "bea", "org_admin")


def api_client(user: Any) -> HttpClient:
    """A test client that authenticates with a fresh personal access token of ``user``."""
    token = PersonalAccessToken.generate()
    PersonalAccessToken.objects.create(
        user=user,
        name="script",
        token_hash=hash_token(token),
        hint=token[-4:],
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def make_entry(actor: Any, **values: Any) -> Any:
    defaults: dict[str, Any] = {
        "name": "Safe House Amsterdam",
        "kind": "shelter",
        "country": "NL",
        "city": "Amsterdam",
        "last_verified": timezone.localdate(),
    }
    return do_create_entry(actor, **{**defaults, **values})


@pytest.fixture
def entries(network: Any) -> SimpleNamespace:
    """Three entries: two kept by NL (Olga's), one kept by the secretariat."""
    shelter = make_entry(
        network.olga,
        name="Safe House Amsterdam",
        services=["shelter", "psychological"],
        languages=["nl", "en"],
        phones=["+31 20 123 4567"],
        emails=["info@safehouse.example"],
    )
    do_add_contact_person(
        network.olga, shelter, name="Marieke Jansen", function="Coordinator", languages=["nl"]
    )
    police = make_entry(
        network.olga,
        name="Police Unit Rotterdam",
        kind="police",
        city="Rotterdam",
        services=["identification"],
        languages=["nl"],
        last_verified=timezone.localdate() - dt.timedelta(days=500),
    )
    embassy = make_entry(
        network.dana,
        name="Embassy of Ukraine, consular section",
        kind="embassy",
        country="NL",
        city="The Hague",
        services=["documents", "return"],
        languages=["uk", "en"],
    )
    sofia = make_entry(
        network.dana,
        name="Legal Aid Clinic Sofia",
        kind="lawyer",
        country="BG",
        city="Sofia",
        services=["legal_aid"],
        languages=["bg"],
        owner=network.bg,
    )
    return SimpleNamespace(shelter=shelter, police=police, embassy=embassy, sofia=sofia)
