"""Referral statistics for the service monitoring: how many referrals an organisation sent and
received in a period, how they ended, the share accepted of those answered, and how long the
receivers took to answer.

Security contract: counts only, from the columns of the ``Referral`` table that say who sent to
whom, why, how urgently, the status and the dates. Nothing is decrypted, no client is read, and no
id of a client or a referral leaves this module. ``stats_scope`` says what a person may see: the
secretariat's analysts and network admins the whole network (one row per organisation, and the
network total); supervisors, data managers and organisation admins of a member or an affiliate their
own organisation's figures only; everyone else nothing (PermissionDenied).

Definitions. A referral belongs to the period of the day it was *sent* (inclusive bounds, local
time). *Answered* means the receiver accepted or declined it (``answered_at`` is set; a referral
outside the network is never answered, its sender records that it was taken up by completing it).
The *accepted share* is the accepted (including those since completed) among the answered. *Days to
answer* run from sending to the answer, in fractions of a day; the 90th percentile is the
nearest-rank one (the smallest value that at least 90 % of the answers do not exceed).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from strada.orgs import rls
from strada.orgs.models import CASE_ORG_KINDS, Organisation, Role
from strada.orgs.policy import can
from strada.referrals import codes
from strada.referrals.models import Referral

Status = codes.Status
NETWORK = "network"
ORGANISATION = "organisation"
NETWORK_ROLES = frozenset({Role.ANALYST, Role.NETWORK_ADMIN})
SECONDS_PER_DAY = 86_400


def stats_scope(user: Any) -> str:
    """``"network"`` for the secretariat's analysts and network admins, ``"organisation"`` for the
    other roles the policy allows, in a member or an affiliate; PermissionDenied otherwise."""
    if not can(user, "referral.stats"):
        raise PermissionDenied
    if user.role in NETWORK_ROLES:
        return NETWORK
    if user.organisation.kind in CASE_ORG_KINDS:
        return ORGANISATION
    raise PermissionDenied


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The first moment of ``start`` and of the day after ``end``, in local time."""
        zone = timezone.get_current_timezone()
        first = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        after = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return first, after


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (``share`` between 0 and 1) of the values; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Tally:
    """Referrals counted by their current status, and the days each answered one took."""

    total: int = 0
    pending: int = 0
    accepted: int = 0  # accepted and not completed yet
    declined: int = 0
    completed: int = 0
    revoked: int = 0
    answered_accepted: int = 0  # answered with yes (now accepted or completed)
    days_to_answer: list[float] = field(default_factory=list)

    def add(self, status: str, days: float | None) -> None:
        self.total += 1
        if status == Status.SENT:
            self.pending += 1
        elif status == Status.ACCEPTED:
            self.accepted += 1
        elif status == Status.DECLINED:
            self.declined += 1
        elif status == Status.COMPLETED:
            self.completed += 1
        elif status == Status.REVOKED:
            self.revoked += 1
        if days is not None:
            self.days_to_answer.append(days)
            if status in (Status.ACCEPTED, Status.COMPLETED):
                self.answered_accepted += 1

    @property
    def answered(self) -> int:
        return len(self.days_to_answer)

    @property
    def accepted_share(self) -> float | None:
        """Accepted among the answered, from 0 to 1; None when none was answered."""
        return self.answered_accepted / self.answered if self.answered else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days_to_answer) if self.days_to_answer else None

    @property
    def p90_days(self) -> float | None:
        return percentile(self.days_to_answer, 0.9)


@dataclass
class Pair:
    """Sent and received, side by side."""

    sent: Tally = field(default_factory=Tally)
    received: Tally = field(default_factory=Tally)


@dataclass
class Figures:
    """One organisation's figures (or the network's: every referral is *sent*, and those within
    the network are also *received*)."""

    sent: Tally = field(default_factory=Tally)
    received: Tally = field(default_factory=Tally)
    sent_internal: Tally = field(default_factory=Tally)
    sent_external: Tally = field(default_factory=Tally)
    by_purpose: dict[str, Pair] = field(default_factory=lambda: defaultdict(Pair))
    by_urgency: dict[str, Pair] = field(default_factory=lambda: defaultdict(Pair))

    def count_sent(self, row: _Row) -> None:
        self.sent.add(row.status, row.days)
        (self.sent_external if row.external else self.sent_internal).add(row.status, row.days)
        self.by_purpose[row.purpose].sent.add(row.status, row.days)
        self.by_urgency[row.urgency].sent.add(row.status, row.days)

    def count_received(self, row: _Row) -> None:
        self.received.add(row.status, row.days)
        self.by_purpose[row.purpose].received.add(row.status, row.days)
        self.by_urgency[row.urgency].received.add(row.status, row.days)

    def purposes(self) -> list[tuple[str, str, Pair]]:
        """``(code, label, pair)`` for every purpose of the code list, in its order."""
        return _breakdown(self.by_purpose, codes.Reason.choices)

    def urgencies(self) -> list[tuple[str, str, Pair]]:
        return _breakdown(self.by_urgency, codes.Urgency.choices)


def _breakdown(pairs: dict[str, Pair], choices: Any) -> list[tuple[str, str, Pair]]:
    return [(code, str(label), pairs.get(code) or Pair()) for code, label in choices]


@dataclass(frozen=True)
class _Row:
    sender_id: Any
    recipient_id: Any
    status: str
    purpose: str
    urgency: str
    days: float | None

    @property
    def external(self) -> bool:
        return self.recipient_id is None


@dataclass
class NetworkFigures:
    """One row per member and affiliate (those with referrals in the period, and every active
    one), and the network total."""

    rows: list[tuple[Organisation, Figures]]
    total: Figures


def _referrals(period: Period) -> QuerySet[Referral]:
    first, after = period.bounds()
    return Referral.objects.filter(sent_at__gte=first, sent_at__lt=after)


def _rows(referrals: QuerySet[Referral]) -> Iterable[_Row]:
    columns = referrals.order_by().values_list(
        "sender_id", "recipient_id", "status", "purpose", "urgency", "sent_at", "answered_at"
    )
    for sender_id, recipient_id, status, purpose, urgency, sent_at, answered_at in columns:
        days = None
        if answered_at is not None:
            days = max(0.0, (answered_at - sent_at).total_seconds() / SECONDS_PER_DAY)
        yield _Row(sender_id, recipient_id, status, purpose, urgency, days)


def organisation_figures(org: Organisation, period: Period) -> Figures:
    """What the organisation sent and received in the period (one query)."""
    figures = Figures()
    referrals = _referrals(period).filter(Q(sender_id=org.id) | Q(recipient_id=org.id))
    for row in _rows(referrals):
        if row.sender_id == org.id:
            figures.count_sent(row)
        if row.recipient_id == org.id:
            figures.count_received(row)
    return figures


def network_figures(period: Period) -> NetworkFigures:
    """Every organisation's figures and the network's, for the secretariat (two queries)."""
    per_org: dict[Any, Figures] = defaultdict(Figures)
    total = Figures()
    with rls.system():  # counts across the network, from no record's content (docs/security.md)
        rows = list(_rows(_referrals(period)))
    for row in rows:
        per_org[row.sender_id].count_sent(row)
        total.count_sent(row)
        if row.recipient_id is not None:
            per_org[row.recipient_id].count_received(row)
            total.count_received(row)
    organisations = Organisation.objects.filter(
        Q(id__in=list(per_org)) | Q(active=True, kind__in=CASE_ORG_KINDS)
    ).order_by("name")
    return NetworkFigures(
        rows=[(org, per_org.get(org.id) or Figures()) for org in organisations], total=total
    )


def years(user: Any) -> list[int]:
    """The years that have referrals the person's scope counts, newest first, and this year."""
    referrals = Referral.objects.all()
    if stats_scope(user) == ORGANISATION:
        org = user.organisation_id
        referrals = referrals.filter(Q(sender_id=org) | Q(recipient_id=org))
        found = {day.year for day in referrals.order_by().dates("sent_at", "year")}
    else:
        with rls.system():  # the network's years (docs/security.md)
            found = {day.year for day in referrals.order_by().dates("sent_at", "year")}
    found.add(timezone.localdate().year)
    return sorted(found, reverse=True)


# Tables for files: one line per organisation and measure -----------------------------------------

COLUMNS = [
    "organisation",
    "name",
    "measure",
    "referrals",
    "pending",
    "accepted",
    "declined",
    "completed",
    "revoked",
    "answered",
    "accepted_share",
    "median_days_to_answer",
    "p90_days_to_answer",
]


def _rounded(value: float | None, digits: int) -> float | str:
    return "" if value is None else round(value, digits)


def tally_cells(tally: Tally) -> list[Any]:
    return [
        tally.total,
        tally.pending,
        tally.accepted,
        tally.declined,
        tally.completed,
        tally.revoked,
        tally.answered,
        _rounded(tally.accepted_share, 3),
        _rounded(tally.median_days, 1),
        _rounded(tally.p90_days, 1),
    ]


def measures(figures: Figures, *, breakdowns: bool = True) -> list[tuple[str, Tally]]:
    """``(measure code, tally)`` lines of an organisation's (or the network's) figures."""
    lines = [("sent", figures.sent), ("received", figures.received)]
    if not breakdowns:
        return lines
    lines += [("sent.internal", figures.sent_internal), ("sent.external", figures.sent_external)]
    for name, breakdown in (("purpose", figures.purposes()), ("urgency", figures.urgencies())):
        for code, _label, pair in breakdown:
            lines.append((f"sent.{name}.{code}", pair.sent))
            lines.append((f"received.{name}.{code}", pair.received))
    return lines


def organisation_table(org: Organisation, figures: Figures) -> list[list[Any]]:
    return [
        [org.code, org.name, measure, *tally_cells(tally)] for measure, tally in measures(figures)
    ]


def network_table(network: NetworkFigures) -> list[list[Any]]:
    lines = [
        [org.code, org.name, measure, *tally_cells(tally)]
        for org, figures in network.rows
        for measure, tally in measures(figures, breakdowns=False)
    ]
    lines += [
        [NETWORK, "", measure, *tally_cells(tally)] for measure, tally in measures(network.total)
    ]
    return lines
