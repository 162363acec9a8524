"""Cross-organisation duplicate detection: keep a client's linkage tokens, compare them with other
organisations' tokens, and raise an alert to both organisations on a likely match.

Called in the transaction of every registration and identity edit (``clients.actions``). A match
opens nothing: each organisation learns only that *its own* client may be assisted elsewhere, and
may send a contact request. The secretariat never sees alerts (the policy gives them to case roles
only, and their audit events and notifications belong to the two organisations).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar
from uuid import UUID

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from strada.audit.log import Entry, record_many
from strada.clients.identity import Identity
from strada.lib import linkage
from strada.lib.bulk import insert_rows
from strada.orgs.keys import linkage_key
from strada.orgs.models import Organisation
from strada.referrals import codes
from strada.referrals.models import DuplicateAlert, LinkageToken, Notification, Referral

# The name fields that take part, by field: first names, surname, each in the original script and
# the Latin spelling. Not the aliases (nicknames would join too many people), nor the middle name: a
# patronymic is shared by brothers and sisters, so with the surname and a birth date it would join
# twins (bench/linkage.py measures it); first name and surname are enough.
LINKAGE_FIELDS = (("first_name", "first_name_latin"), ("second_name", "second_name_latin"))
CHUNK = 5000
_T = TypeVar("_T")


def identity_tokens(identity: Identity, birth_year: int | None) -> dict[str, str]:
    name = [[getattr(identity, field) for field in spellings] for spellings in LINKAGE_FIELDS]
    return linkage.tokens(linkage_key(), name, identity.birth_date, birth_year)


def _linked_by_referral(client_ids: list[UUID]) -> set[frozenset[UUID]]:
    """Pairs already known to be the same person: a referral's two ends."""
    pairs = Referral.objects.filter(
        Q(source_client__in=client_ids) | Q(receiver_client__in=client_ids),
        source_client__isnull=False,
        receiver_client__isnull=False,
    ).values_list("source_client_id", "receiver_client_id")
    return {frozenset(pair) for pair in pairs}


def matches(
    org: Organisation, tokens_by_client: dict[UUID, dict[str, str]]
) -> dict[tuple[UUID, UUID], tuple[UUID, str]]:
    """``{(own client, other client): (other organisation, strongest kind)}`` for likely matches
    with other organisations that take part."""
    owners: dict[str, list[UUID]] = defaultdict(list)
    for client_id, tokens in tokens_by_client.items():
        for token in tokens:
            owners[token].append(client_id)
    found: dict[tuple[UUID, UUID], set[str]] = defaultdict(set)
    other_org: dict[UUID, UUID] = {}
    all_tokens = list(owners)
    for chunk in _chunks(all_tokens):
        for token, other, other_org_id, kind in _others_tokens(org, chunk):
            other_org[other] = other_org_id
            for own in owners[token]:
                found[(own, other)].add(kind)
    own_dated = {
        client_id
        for client_id, tokens in tokens_by_client.items()
        if linkage.has_full_date(tokens.values())
    }
    other_dated = _with_full_date(
        {
            other
            for (own, other), kinds in found.items()
            if own in own_dated and kinds.isdisjoint(linkage.FULL_DATE)
        }
    )
    result = {}
    for (own, other), kinds in found.items():
        strength = linkage.likely(kinds, own in own_dated and other in other_dated)
        if strength is not None:
            result[(own, other)] = (other_org[other], strength)
    return result


def _others_tokens(org: Organisation, tokens: list[str]) -> list[tuple[str, UUID, UUID, str]]:
    """(token, client, organisation, kind) of other organisations' rows holding these tokens.

    Plain SQL, run in every registration's transaction: the ORM's building of this one query took
    half of the duplicate check (``docs/performance.md``). Names come from the model, values are
    bound as parameters."""
    table = connection.ops.quote_name(LinkageToken._meta.db_table)
    columns = ", ".join(_column(name) for name in ("token", "client", "organisation", "kind"))
    sql = (
        f"SELECT {columns} FROM {table} "  # noqa: S608 (names from the model)
        f"WHERE {_column('token')} IN ({', '.join(['%s'] * len(tokens))}) "
        f"AND {_column('organisation')} <> %s"
    )
    organisation = LinkageToken._meta.get_field("organisation")
    assert isinstance(organisation, models.ForeignKey)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*tokens, organisation.get_db_prep_value(org.id, connection)])
        return [
            (token, _uuid(client), _uuid(other_org), kind)
            for token, client, other_org, kind in cursor.fetchall()
        ]


def _chunks(items: list[_T]) -> Iterator[list[_T]]:
    """``items`` in lists of at most ``CHUNK`` (a query's parameters stay under the database's
    limit)."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _column(name: str) -> str:
    field = LinkageToken._meta.get_field(name)
    assert isinstance(field, models.Field)
    return connection.ops.quote_name(str(field.column))


def _uuid(value: object) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _with_full_date(client_ids: set[UUID]) -> set[UUID]:
    """Those of these clients (of other organisations) whose tokens show a full birth date: asked
    only about clients met on the year alone, so that namesakes born the same year do not match."""
    if not client_ids:
        return set()
    return set(
        LinkageToken.objects.filter(client_id__in=client_ids, kind__in=linkage.FULL_DATE)
        .values_list("client_id", flat=True)
        .distinct()
    )


def refresh(
    org: Organisation, people: Sequence[tuple[UUID, Identity, int | None]], *, new: bool = False
) -> list[DuplicateAlert]:
    """Replace the linkage tokens of these clients of ``org`` (id, identity, birth year) and raise
    alerts for new likely matches (or open again withdrawn ones); return those alerts. Must run
    inside the caller's transaction. ``new``: the clients were registered in this transaction, so
    they have no tokens to delete."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("duplicates.refresh must run inside the caller's transaction")
    ids = [client_id for client_id, _identity, _year in people]
    if not new:
        for chunk in _chunks(ids):
            LinkageToken.objects.filter(client_id__in=chunk).delete()
    if not org.linkage_enabled:
        return []
    tokens_by_client = {
        client_id: identity_tokens(identity, year) for client_id, identity, year in people
    }
    insert_rows(
        LinkageToken,
        [
            {"client_id": client_id, "organisation_id": org.id, "token": token, "kind": kind}
            for client_id, tokens in tokens_by_client.items()
            for token, kind in tokens.items()
        ],
    )
    found = matches(org, {k: v for k, v in tokens_by_client.items() if v})
    if not found:
        return []
    taking_part = set(
        Organisation.objects.filter(
            id__in={other_org for other_org, _kind in found.values()},
            linkage_enabled=True,
            active=True,
        ).values_list("id", flat=True)
    )
    known = _linked_by_referral(ids)
    return _raise_alerts(
        org,
        [
            (own, other, other_org, kind)
            for (own, other), (other_org, kind) in found.items()
            if other_org in taking_part and frozenset((own, other)) not in known
        ],
    )


def _raise_alerts(
    org: Organisation, pairs: Iterable[tuple[UUID, UUID, UUID, str]]
) -> list[DuplicateAlert]:
    """Alert both organisations of each pair that has no alert yet, and open again the alerts of
    pairs found again after being withdrawn (an organisation had turned duplicate alerts off and on
    again); an alert a person dismissed or answered stays as it is. A constant number of queries
    whatever the number of pairs (a re-link may find thousands)."""
    wanted: dict[tuple[UUID, UUID], DuplicateAlert] = {}
    own_ids: set[UUID] = set()
    for own, other, other_org, kind in pairs:
        a, b = sorted([(own, org.id), (other, other_org)], key=lambda side: str(side[0]))
        wanted[(a[0], b[0])] = DuplicateAlert(
            client_a_id=a[0], org_a_id=a[1], client_b_id=b[0], org_b_id=b[1], strength=kind
        )
        own_ids.add(own)
    if not wanted:
        return []
    existing = _existing_alerts(list(own_ids))
    alerts = _create_new([alert for pair, alert in wanted.items() if pair not in existing])
    alerts += _reopen_withdrawn(
        {
            existing[pair][0]: alert.strength
            for pair, alert in wanted.items()
            if pair in existing and existing[pair][1] == codes.AlertStatus.WITHDRAWN
        }
    )
    Notification.objects.bulk_create(
        Notification(
            organisation_id=org_id, kind=codes.NotificationKind.DUPLICATE_FOUND, alert=alert
        )
        for alert in alerts
        for org_id in (alert.org_a_id, alert.org_b_id)
    )
    # One event in each organisation's own log, about its own client only, by no named person (the
    # other organisation's log must not learn who registered the match).
    record_many(
        (
            Entry(
                action="duplicate.found",
                org_id=org_id,
                object_type="client",
                object_id=client_id,
            )
            for alert in alerts
            for org_id, client_id in (
                (alert.org_a_id, alert.client_a_id),
                (alert.org_b_id, alert.client_b_id),
            )
        ),
        returning=False,
    )
    return alerts


def _existing_alerts(client_ids: list[UUID]) -> dict[tuple[UUID, UUID], tuple[UUID, str]]:
    """``{(client a, client b): (alert id, status)}`` of every alert about these clients."""
    existing = {}
    for chunk in _chunks(client_ids):
        rows = DuplicateAlert.objects.filter(
            Q(client_a_id__in=chunk) | Q(client_b_id__in=chunk)
        ).values_list("id", "client_a_id", "client_b_id", "status")
        for alert_id, client_a, client_b, status in rows:
            existing[(client_a, client_b)] = (alert_id, status)
    return existing


def _create_new(alerts: list[DuplicateAlert]) -> list[DuplicateAlert]:
    """Insert the new alerts; return those this transaction wrote. A pair that another transaction
    alerted meanwhile (two organisations registering the same person at once) is left to it."""
    if not alerts:
        return []
    DuplicateAlert.objects.bulk_create(alerts, ignore_conflicts=True)
    written: set[UUID] = set()
    for chunk in _chunks([alert.id for alert in alerts]):
        written.update(DuplicateAlert.objects.filter(id__in=chunk).values_list("id", flat=True))
    return [alert for alert in alerts if alert.id in written]


def _reopen_withdrawn(strengths: dict[UUID, str]) -> list[DuplicateAlert]:
    """Open again these withdrawn alerts (``{alert id: strength now}``), as found now. They are
    locked and their status read again first, so that two re-links that meet do not open (and
    announce) one alert twice."""
    alerts: list[DuplicateAlert] = []
    for chunk in _chunks(list(strengths)):
        alerts += DuplicateAlert.objects.select_for_update().filter(
            id__in=chunk, status=codes.AlertStatus.WITHDRAWN
        )
    now = timezone.now()
    by_strength: dict[str, list[UUID]] = defaultdict(list)
    for alert in alerts:
        alert.status = codes.AlertStatus.OPEN
        alert.strength = strengths[alert.id]
        alert.found_at = now
        alert.closed_by = None
        by_strength[alert.strength].append(alert.id)
    for strength, same in by_strength.items():
        for chunk in _chunks(same):
            DuplicateAlert.objects.filter(id__in=chunk).update(
                status=codes.AlertStatus.OPEN, strength=strength, found_at=now, closed_by=None
            )
    return alerts


def forget_organisation(org: Organisation) -> int:
    """Delete every linkage token of the organisation (it turned the feature off) and withdraw its
    open alerts; return the number of tokens deleted. Once the feature is on again, the re-link
    opens a withdrawn alert again if both organisations take part and the pair still matches."""
    with transaction.atomic():
        deleted, _ = LinkageToken.objects.filter(organisation=org).delete()
        DuplicateAlert.objects.filter(
            Q(org_a=org) | Q(org_b=org), status=codes.AlertStatus.OPEN
        ).update(status=codes.AlertStatus.WITHDRAWN, closed_by=org)
    return deleted
