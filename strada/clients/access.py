"""Checked reads of clients. Views, API and commands reach clients only through these functions.

Security contract: a user sees the clients of their own organisation only, and only in a role the
policy allows; a client of another organisation and a client that does not exist both raise Http404,
so nobody learns that a record exists elsewhere. Identities are decrypted only by ``read_identity``,
which checks ``client.view_identity`` and writes an audit event for every read.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.http import Http404

from strada.audit.log import Entry, record_many, record_now
from strada.clients.identity import Identity, citizenship_token, query_tokens, unseal
from strada.clients.models import Client, Consent, SearchToken
from strada.orgs.models import Organisation
from strada.orgs.policy import can


def visible_clients(user: Any, queryset: Any = None) -> Any:
    """The clients this user may list: their organisation's, for roles allowed ``client.list``."""
    queryset = Client.objects.all() if queryset is None else queryset
    if not can(user, "client.list"):
        return queryset.none()
    return queryset.filter(organisation_id=user.organisation_id)


def _as_uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Http404 from exc


def access_client(user: Any, client_id: Any) -> Client:
    """The client with this id if the user may see it; Http404 otherwise (missing or forbidden)."""
    client = (
        visible_clients(user).select_related("organisation").filter(id=_as_uuid(client_id)).first()
    )
    if client is None:
        raise Http404
    return client


def access_client_for_audit(user: Any, client_id: Any) -> Client:
    """A client of the user's organisation, for reading its audit trail (``client.audit``).

    Organisation admins hold this right without seeing identities; the caller must not decrypt.
    """
    if not can(user, "client.audit"):
        raise Http404
    client = Client.objects.filter(
        id=_as_uuid(client_id), organisation_id=user.organisation_id
    ).first()
    if client is None:
        raise Http404
    return client


def references_for_audit(user: Any, client_ids: list[str]) -> dict[str, str]:
    """Reference codes of the user's organisation's clients among these ids (for the audit log).

    Only for ``client.audit``; reveals nothing but the reference code, of own clients only."""
    if not can(user, "client.audit"):
        return {}
    ids = []
    for value in client_ids:
        try:
            ids.append(uuid.UUID(value))
        except (ValueError, TypeError):
            continue
    rows = Client.objects.filter(_in_organisation_of(user), id__in=ids).order_by()
    return {str(client_id): ref for client_id, ref in rows.values_list("id", "reference")}


def access_consent(user: Any, client: Client, consent_id: Any) -> Consent:
    """A consent of a client the user has already been given access to; Http404 otherwise."""
    consent = client.consents.filter(id=_as_uuid(consent_id)).first()
    if consent is None:
        raise Http404
    return consent


def read_identity(user: Any, client: Client, reason: str = "") -> Identity:
    """Decrypt a client's identity for a user allowed to see it, and audit the read.

    The audit event names the fields that hold a value, never the values.
    """
    if not can(user, "client.view_identity") or client.organisation_id != user.organisation_id:
        raise PermissionDenied
    identity = unseal(client)
    record_now(
        Entry(
            action="client.identity.read",
            actor=user,
            org_id=client.organisation_id,
            object_type="client",
            object_id=client.id,
            fields=identity.filled(),
            reason=reason,
        )
    )
    return identity


def read_identities(user: Any, clients: list[Client], reason: str) -> dict[uuid.UUID, Identity]:
    """Decrypt several identities (a list page) with one audit event per client, one transaction."""
    if not can(user, "client.view_identity"):
        return {}
    identities = {}
    entries = []
    for client in clients:
        if client.organisation_id != user.organisation_id:
            raise PermissionDenied
        identity = unseal(client)
        identities[client.id] = identity
        entries.append(
            Entry(
                action="client.identity.read",
                actor=user,
                org_id=client.organisation_id,
                object_type="client",
                object_id=client.id,
                fields=identity.filled(),
                reason=reason,
            )
        )
    if entries:
        with transaction.atomic():
            record_many(entries)
    return identities


MAX_MATCHES = 20_000
# Up to this many matches, a search selects its clients by id, each through the primary key. With
# more, walking the organisation's list in its order reaches a page of them sooner. Measured at
# 100,000 clients, a page and its count cost the same both ways at about 5,000 matches.
FEW_MATCHES = 5_000


def search_clients(
    user: Any,
    query: str,
    queryset: Any = None,
    *,
    gender: str = "",
    citizenship: str = "",
    year: int | None = None,
    consent: str = "",
) -> Any:
    """Clients matching a reference code, every word of a name (in any script) or an identifier,
    and the filters given (a gender, a citizenship, a year of registration, an active consent).

    Names are matched through the blind index, so a search never decrypts other records. Each kind
    of match is looked up through its own index first (one query per word, constant), restricted to
    the user's organisation; the clients are then selected by those ids (``_among``). A filter by a
    citizenship or a consent few clients have is looked up the same way (through the citizenship
    tokens and the consents' own index): testing it on every client of a big organisation would
    walk them all. Every filter is also tested on each row selected, whichever way in was taken.
    """
    base = Client.objects.all() if queryset is None else queryset
    query = query.strip()[:200]
    ids = _matching(user, base, query) if query else None
    if citizenship and can(user, "client.list"):
        ids = _narrow(
            ids,
            SearchToken.objects.filter(
                organisation_id=user.organisation_id,
                token=citizenship_token(user.organisation, citizenship),
            ).values_list("client_id", flat=True),
        )
    if consent and can(user, "client.list"):
        ids = _narrow(
            ids,
            Consent.objects.filter(
                organisation_id=user.organisation_id, purpose=consent, withdrawn_on__isnull=True
            ).values_list("client_id", flat=True),
        )
    clients = visible_clients(user, base) if ids is None else _among(user, base, ids)
    if gender:
        clients = clients.filter(gender=gender)
    if citizenship:
        # A JSON list of validated ISO codes: the quoted code matches one element exactly.
        clients = clients.filter(citizenship__icontains=f'"{citizenship}"')
    if year:
        clients = clients.filter(registered_on__year=year)
    if consent:  # EXISTS rather than a join: no DISTINCT, and a count can stop early
        active = Consent.objects.filter(
            client=OuterRef("pk"), purpose=consent, withdrawn_on__isnull=True
        )
        clients = clients.filter(Exists(active))
    return clients


def _matching(user: Any, base: Any, query: str) -> set[uuid.UUID]:
    """Ids of the user's organisation's clients that a search query matches."""
    groups, identifiers = query_tokens(user.organisation, query)
    tokens = SearchToken.objects.filter(organisation_id=user.organisation_id)
    ids = set(
        visible_clients(user, base).filter(reference=query.upper()).values_list("id", flat=True)
    )
    by_name: set[uuid.UUID] | None = None
    for group in groups:
        found = set(
            tokens.filter(kind=SearchToken.Kind.NAME, token__in=group).values_list(
                "client_id", flat=True
            )[:MAX_MATCHES]
        )
        by_name = found if by_name is None else by_name & found
        if not by_name:
            break
    ids |= by_name or set()
    if identifiers:
        ids |= set(
            tokens.exclude(kind=SearchToken.Kind.CITIZENSHIP)
            .filter(token__in=identifiers)
            .values_list("client_id", flat=True)
        )
    return ids


def _narrow(ids: set[uuid.UUID] | None, lookup: Any) -> set[uuid.UUID] | None:
    """``ids`` narrowed to the clients a filter's own index finds, if it finds few; unchanged (the
    filter is then tested on each row only) if it finds more than ``FEW_MATCHES``."""
    # The ORM's own SQL, but rows read raw: turning 5,001 ids into UUIDs only to find there are
    # too many took 5 of the 6.5 ms this costs at 100,000 clients. Rows, not clients: a client
    # may hold several.
    sql, params = lookup[: FEW_MATCHES + 1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if len(rows) > FEW_MATCHES:
        return ids
    found = {_as_uuid(client_id) for (client_id,) in rows}
    return found if ids is None else ids & found


def clients_by_id(user: Any, ids: list[uuid.UUID]) -> dict[uuid.UUID, Client]:
    """The user's organisation's clients with these ids, by id (a page of the list, whose ids were
    found first), with their organisation."""
    return dict(_among(user, Client.objects.select_related("organisation"), set(ids)).in_bulk())


def _among(user: Any, queryset: Any, ids: set[uuid.UUID]) -> Any:
    """``visible_clients`` with these ids (found through the user's organisation's indexes).

    Few ids are looked up by primary key, and the organisation is checked on each row found
    (``EXISTS``) instead of by ``organisation_id = …``: SQLite, which has no statistics unless
    ``ANALYZE`` has run, takes that equality for the most selective condition and walks every client
    of the organisation through its index to test the ids (190 ms at 100,000 clients for two ids).
    Many ids are tested along the organisation's list instead, which finds a page of them sooner.
    """
    if not can(user, "client.list") or len(ids) > FEW_MATCHES:
        return visible_clients(user, queryset).filter(id__in=ids)
    return queryset.filter(_in_organisation_of(user), id__in=ids)


def _in_organisation_of(user: Any) -> Exists:
    """The client belongs to the user's organisation, as a condition tested on each row found by
    other means (ids): unlike ``organisation_id = …``, SQLite cannot mistake it for the way in."""
    own = Organisation.objects.filter(pk=OuterRef("organisation_id")).filter(
        pk=user.organisation_id
    )
    return Exists(own)
