"""Floors: the rows the real code writes, written by plain SQL (no ORM, no crypto, no validation).

The floor tables are copies of the real tables (same columns, indexes and, on SQLite, foreign keys)
named ``floor_*``, in the same database, so a floor pays the same durability cost per commit as the
real path. Rows are built before the clock starts: a floor measures only the database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from strada.audit.models import AuditEvent
from strada.clients.actions import Registration
from strada.clients.identity import IDENTITY_FIELDS, citizenship_tokens, search_tokens
from strada.clients.models import Client, Consent, SearchToken
from strada.referrals.duplicates import identity_tokens
from strada.referrals.models import LinkageToken

MODELS = [Client, SearchToken, Consent, AuditEvent, LinkageToken]


def _table(model: Any) -> str:
    return model._meta.db_table


def floor_table(model: Any) -> str:
    return f"floor_{_table(model)}"


def create_tables() -> None:
    """Create the floor_* copies of the client, token, consent and audit tables."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            statements = []
            for model in MODELS:
                cursor.execute(
                    "SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
                    "AND type IN ('table', 'index') ORDER BY type DESC",  # table, then indexes
                    [_table(model)],
                )
                statements += [row[0] for row in cursor.fetchall()]
            for sql in statements:
                for model in MODELS:
                    sql = sql.replace(f'"{_table(model)}"', f'"{floor_table(model)}"')
                sql = re.sub(r'^CREATE (UNIQUE )?INDEX "', r'CREATE \1INDEX "floor_', sql)
                cursor.execute(sql)
        else:
            for model in MODELS:
                cursor.execute(
                    f'CREATE TABLE "{floor_table(model)}" (LIKE "{_table(model)}" INCLUDING ALL)'
                )


def _sealed_size(value: object) -> int:
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return 1 + 12 + len(text.encode("utf-8")) + 16  # version, nonce, ciphertext, GCM tag


def _param(value: object) -> object:
    """Values as Django stores them: on SQLite uuid as hex, dates as ISO text, JSON as text."""
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    if connection.vendor != "sqlite":
        return value
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


@dataclass
class Statement:
    sql: str
    rows: list[tuple[object, ...]]


def _insert_sql(model: Any, columns: Sequence[str]) -> str:
    mark = "?" if connection.vendor == "sqlite" else "%s"
    cols = ", ".join(f'"{c}"' for c in columns)
    return (
        f'INSERT INTO "{floor_table(model)}" ({cols}) VALUES ({", ".join([mark] * len(columns))})'
    )


CLIENT_COLUMNS = [f.column for f in Client._meta.concrete_fields]
TOKEN_COLUMNS = [f.column for f in SearchToken._meta.concrete_fields if f.column != "id"]
CONSENT_COLUMNS = [f.column for f in Consent._meta.concrete_fields]
LINKAGE_COLUMNS = [f.column for f in LinkageToken._meta.concrete_fields if f.column != "id"]
AUDIT_COLUMNS = [f.column for f in AuditEvent._meta.concrete_fields if f.column != "seq"]


def rows_for(
    org: Any,
    user: Any,
    registration: Registration,
    reference: str,
    *,
    all_rows: bool,
    linkage: bool = False,
) -> list[Statement]:
    """The statements that write one client's rows: the client row alone, or (``all_rows``) also
    its search tokens, consents and audit events, with random bytes where the real path encrypts;
    ``linkage`` adds its duplicate-detection tokens (written in the transaction of a single
    registration; a big batch leaves them to a background task)."""
    now = timezone.now()
    client_id = uuid.uuid4()
    identity = registration.identity.with_transliteration(registration.coded.get("citizenship"))
    values: dict[str, object] = {
        "id": client_id,
        "organisation_id": org.id,
        "reference": reference,
        "registered_on": registration.registered_on,
        "wrapped_key": os.urandom(1 + 12 + 32 + 16),
        "has_name": identity.has_name,
        "gender": "NonSpecifiedUnknown",
        "birth_year": None,
        "age_band": "",
        "citizenship": [],
        "primary_language": "",
        "secondary_language": "",
        "marital_status": "",
        "highest_level_of_education": "",
        "number_of_children": None,
        "mailing_country": "",
        "created_at": now,
        "created_by_id": user.id,
        "updated_at": now,
    }
    for name in IDENTITY_FIELDS:
        value = getattr(identity, name)
        values[f"{name}_enc"] = None if value in ("", None) else os.urandom(_sealed_size(value))
    values.update(registration.coded)
    if identity.birth_date is not None:
        values["birth_year"] = identity.birth_date.year
    statements = [
        Statement(
            _insert_sql(Client, CLIENT_COLUMNS),
            [tuple(_param(values[c]) for c in CLIENT_COLUMNS)],
        )
    ]
    if not all_rows:
        return statements
    statements.append(
        Statement(
            _insert_sql(SearchToken, TOKEN_COLUMNS),
            [
                tuple(_param(v) for v in (client_id, org.id, "name", os.urandom(32).hex()))
                # as many as the real path writes: names, identifiers, citizenships
                for _ in search_tokens(org, identity)
                + citizenship_tokens(org, registration.coded.get("citizenship"))
            ],
        )
    )
    if linkage:
        tokens = identity_tokens(identity, registration.coded.get("birth_year"))
        statements.append(
            Statement(
                _insert_sql(LinkageToken, LINKAGE_COLUMNS),
                [
                    tuple(_param(v) for v in (client_id, org.id, os.urandom(16).hex(), "ND"))
                    for _ in tokens
                ],
            )
        )
    consents = [
        {
            "id": uuid.uuid4(),
            "client_id": client_id,
            "organisation_id": org.id,
            "purpose": item.purpose,
            "recipient_id": None,
            "recipient_entry_id": None,
            "given_on": item.given_on,
            "form": item.form,
            "wording_version": item.wording_version,
            "language": item.language,
            "recorded_by_id": user.id,
            "recorded_at": now,
            "withdrawn_on": None,
            "withdrawn_by_id": None,
        }
        for item in registration.consents
    ]
    statements.append(
        Statement(
            _insert_sql(Consent, CONSENT_COLUMNS),
            [tuple(_param(c[col]) for col in CONSENT_COLUMNS) for c in consents],
        )
    )
    events = [
        {
            "id": uuid.uuid4(),
            "at": now,
            "action": action,
            "actor_id": user.id,
            "actor_username": user.username,
            "actor_org_id": org.id,
            "org_id": org.id,
            "object_type": "client",
            "object_id": str(client_id),
            "fields": fields,
            "reason": "",
            "ip": "",
            "via": "cli",
            "prev_hash": os.urandom(32).hex(),
            "hash": os.urandom(32).hex(),
        }
        for action, fields in [("client.register", identity.filled())]
        + [("consent.record", [c.purpose]) for c in registration.consents]
    ]
    statements.append(
        Statement(
            _insert_sql(AuditEvent, AUDIT_COLUMNS),
            [tuple(_param(e[col]) for col in AUDIT_COLUMNS) for e in events],
        )
    )
    return statements


def merge(groups: Iterable[list[Statement]]) -> list[Statement]:
    """Several clients' statements as one executemany per table (the batch floor)."""
    by_sql: dict[str, list[tuple[object, ...]]] = {}
    for group in groups:
        for statement in group:
            by_sql.setdefault(statement.sql, []).extend(statement.rows)
    return [Statement(sql, rows) for sql, rows in by_sql.items()]


def write(transactions: Iterable[list[Statement]]) -> None:
    """Each item is one transaction: BEGIN, its statements (executemany), COMMIT."""
    for statements in transactions:
        with transaction.atomic():
            cursor = connection.connection.cursor()
            for statement in statements:
                if statement.rows:
                    cursor.executemany(statement.sql, statement.rows)
