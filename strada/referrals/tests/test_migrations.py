"""The referrals' data migrations, run forwards and backwards on a real database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from strada.conftest import every_value_in_the_database, register
from strada.referrals import access, actions
from strada.referrals.actions import ReferralInput
from strada.referrals.models import Referral

BEFORE = ("referrals", "0001_initial")
SEALED = ("referrals", "0002_seal_override_reason")
REASON = "Her brother in Balti threatens her; she cannot be reached"


def _migrate(*targets: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets))


def _clear_reasons() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT override_reason FROM referrals_referral ORDER BY sent_at")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_it_seals_the_reasons_stored_in_clear_and_drops_the_clear_column(network, md):
    ion = register(
        network.anna, first_name="Ion", second_name="Rusu", birth_date=dt.date(1990, 1, 2)
    )
    referral = actions.do_send_referral(
        network.sam,
        ion,
        ReferralInput(
            purpose="MigrationOrChangeOfLocation",
            fields=["first_name", "gender"],
            recipient=md.org,
            override_reason=REASON,
        ),
    )
    try:
        # Backwards: the reason goes back to the clear column, as the first schema kept it.
        _migrate(BEFORE)
        assert _clear_reasons() == [REASON]
        assert REASON.encode() in every_value_in_the_database()
        # Forwards: sealed for the two organisations, and the clear column is gone.
        _migrate(SEALED)
    finally:
        _migrate(*MigrationExecutor(connection).loader.graph.leaf_nodes())
    columns = [
        column.name
        for column in connection.introspection.get_table_description(
            connection.cursor(), "referrals_referral"
        )
    ]
    assert "override_reason" not in columns
    assert b"Balti" not in every_value_in_the_database()
    for reader in (network.sam, md.maria):
        seen = access.access_referral(reader, referral.id)
        assert access.read_override_reason(reader, seen) == REASON
    assert Referral.objects.get().sent_without_consent
