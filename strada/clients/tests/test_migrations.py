"""The clients' data migrations, run backwards and forwards on a real database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from strada.clients.models import Consent, SearchToken
from strada.conftest import register

BEFORE = ("clients", "0003_consent_recipient_entry")


def _migrate(*targets: tuple[str, str]) -> None:
    MigrationExecutor(connection).migrate(list(targets))


@pytest.mark.django_db(transaction=True)
def test_it_fills_the_consents_organisation_and_the_citizenship_tokens(network, login):
    register(network.anna, first_name="Ana", coded={"citizenship": ["FR", "UA"]})
    register(network.chiara, first_name="Eva", coded={"citizenship": ["FR"]})
    register(network.chiara, first_name="Ion", coded={"citizenship": []})
    try:
        _migrate(BEFORE)
        assert not SearchToken.objects.filter(kind="cit").exists()
    finally:
        _migrate(*MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert SearchToken.objects.filter(kind="cit").count() == 3
    for consent in Consent.objects.select_related("client"):
        assert consent.organisation_id == consent.client.organisation_id
    http = login(network.chiara)
    assert len(http.get("/clients/?citizenship_country=FR").context["rows"]) == 1
    assert len(http.get("/clients/?citizenship_country=UA").context["rows"]) == 0
