"""Referrals and duplicate alerts for the demo network, through the same actions the pages use.

``build_referrals`` runs after the demo's clients are registered (and before their cases are opened,
so that the clients a referral or a duplicate brings get cases too). It

* makes sure every demo client has its linkage tokens (a database built before the demo linked
  its clients inline gets them here, organisation by organisation);
* registers in a second member three people who are already clients of another member: one with the
  name in Cyrillic on one side and in Latin on the other, one with first name and surname swapped,
  one with a typo in the surname. The registration raises the duplicate alerts itself (``clients
  .actions`` calls ``referrals.duplicates``); one of them gets a contact request;
* sends referrals between members in every state: sent and waiting in the inbox, accepted (with an
  update sent back in reply), declined with a reason, completed, revoked, one sent by a supervisor
  without consent (with the reason), and one to a directory entry outside the network, taken up.
  Each referred client first gets its referral consent recorded (unless it already had one, or the
  supervisor overrides), and the dates are then moved back over the last months.

Re-running is safe: the referrals and duplicates are made once, in a network without referrals
(anything already there is kept as it is), and linking again changes nothing. No e-mail is sent.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.test.utils import override_settings
from django.utils import timezone

from strada.accounts.models import User
from strada.audit.models import AuditEvent
from strada.clients.actions import ConsentInput, Registration, do_record_consent, register_batch
from strada.clients.identity import Identity, unseal
from strada.clients.models import Client, Consent
from strada.directory.models import Entry
from strada.orgs.models import Organisation
from strada.orgs.policy import can
from strada.referrals import actions, codes, duplicates
from strada.referrals.actions import ReferralInput
from strada.referrals.models import DuplicateAlert, LinkageToken, Notification, Referral

# On the audit events of the people the demo registers as someone else's duplicate.
DEMO_REASON = "strada demo: the same person registered by a second member"
LINK_CHUNK = 500
Status = codes.Status
Kind = codes.NotificationKind


# Duplicates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Twin:
    """A client of ``first`` registered again by ``second``, changed by ``how``; ``fallback`` is the
    person registered by ``first`` when it has no client that fits (a very small demo)."""

    how: str  # "latin", "swapped" or "typo"
    first: str
    second: str
    fallback: Identity
    citizenship: str
    contact_request: bool = False


TWINS = (
    Twin(
        "latin",
        "ua",
        "pl",
        Identity(first_name="Олена", second_name="Коваленко", birth_date=dt.date(1994, 5, 17)),
        "UA",
        contact_request=True,
    ),
    Twin(
        "swapped",
        "md",
        "nl",
        Identity(first_name="Mariana", second_name="Ceban", birth_date=dt.date(1998, 2, 11)),
        "MD",
    ),
    Twin(
        "typo",
        "bg",
        "cz",
        Identity(first_name="Десислава", second_name="Петрова", birth_date=dt.date(1991, 9, 3)),
        "BG",
    ),
)


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= char <= "\u04ff" for char in text)


def _fits(twin: Twin, identity: Identity) -> bool:
    if not (identity.first_name and identity.second_name and identity.birth_date):
        return False
    if twin.how == "latin":
        return _is_cyrillic(identity.first_name + identity.second_name) and bool(
            identity.first_name_latin and identity.second_name_latin
        )
    if twin.how == "typo":
        return len(identity.second_name) >= 6
    return identity.first_name != identity.second_name


def _with_typo(name: str) -> str:
    """Two letters near the end swapped ("Petrova" → "Petrvoa"), or one doubled if they are the
    same: one typo, which the linkage tokens still meet."""
    i = len(name) - 3
    if name[i] == name[i + 1]:
        return name[: i + 1] + name[i] + name[i + 1 :]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _twin_identity(twin: Twin, identity: Identity) -> Identity:
    if twin.how == "latin":
        first, second = identity.first_name_latin, identity.second_name_latin
    elif twin.how == "swapped":
        first, second = identity.second_name, identity.first_name
    else:
        first, second = identity.first_name, _with_typo(identity.second_name)
    return Identity(first_name=first, second_name=second, birth_date=identity.birth_date)


def _registration(identity: Identity, coded: dict[str, Any], day: dt.date) -> Registration:
    return Registration(
        identity=identity,
        coded=coded,
        registered_on=day,
        consents=[
            ConsentInput(
                purpose=purpose, given_on=day, wording_version=f"{day.year}-1", language="en"
            )
            for purpose in ("services", "statistics")
        ],
    )


def _register(actor: User, registration: Registration) -> Client:
    """One client registered through the registration path of the web and the import (keys,
    search tokens, consents, audit, and the duplicate check), the audit events saying why."""
    org = actor.organisation
    if org is None or not can(actor, "client.register"):
        raise PermissionDenied
    (client,) = register_batch(actor, org, [registration], reason=DEMO_REASON)
    return client


def _existing(twin: Twin, org: Organisation, used: set[Any]) -> tuple[Client, Identity] | None:
    clients = (
        Client.objects.filter(organisation=org, has_name=True, birth_year__isnull=False)
        .exclude(id__in=used)
        .select_related("organisation")
        .order_by("reference")
    )
    for client in clients:
        identity = unseal(client)
        if _fits(twin, identity):
            return client, identity
    return None


def _add_twins(
    orgs: dict[str, Organisation], caseworkers: dict[str, User], today: dt.date, used: set[Any]
) -> tuple[int, int]:
    """Register the duplicates; return (clients registered, alerts raised)."""
    registered = alerts = 0
    for number, twin in enumerate(TWINS):
        first, second = caseworkers.get(twin.first), caseworkers.get(twin.second)
        if first is None or second is None:
            continue
        day = min(today - dt.timedelta(days=20 + 15 * number), timezone.localdate())
        found = _existing(twin, orgs[twin.first], used)
        if found is None:
            coded = {"gender": "Feminine", "citizenship": [twin.citizenship]}
            source = _register(first, _registration(twin.fallback, coded, day))
            identity = unseal(source)
            registered += 1
        else:
            source, identity = found
        used.add(source.id)
        coded = {"gender": source.gender or "Feminine", "citizenship": list(source.citizenship)}
        later = max(day, source.registered_on)  # the second member meets the person after the first
        copy = _register(second, _registration(_twin_identity(twin, identity), coded, later))
        used.add(copy.id)
        registered += 1
        alert = DuplicateAlert.objects.filter(
            client_a_id__in=(source.id, copy.id), client_b_id__in=(source.id, copy.id)
        ).first()
        if alert is None:
            continue  # one of the two organisations turned duplicate alerts off
        alerts += 1
        if twin.contact_request:
            actions.do_request_contact(second, alert)
    return registered, alerts


# Referrals -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """One referral of the demo: from, to (an organisation code, or ``entry:<country>`` for a
    directory entry there), how it ends, and when (days before today; then days after sending)."""

    sender: str
    recipient: str
    outcome: str
    sent_days_ago: int
    answer_after: float | None = None
    close_after: float | None = None
    purpose: str = codes.Reason.ADDITIONAL_SERVICES
    urgency: str = codes.Urgency.ROUTINE
    fields: tuple[str, ...] = ("first_name", "second_name", "birth_date", "gender", "message")
    message: str = ""
    decline_reason: str = ""
    override_reason: str = ""  # sent by the supervisor without consent
    reply: Plan | None = None  # an update sent back by the receiver after accepting


LATIN = ("first_name_latin", "second_name_latin")
CONTACT = ("mobile_phone",)
CODED = ("gender", "citizenship", "primary_language")
PLANS = (
    Plan(
        "nl",
        "ua",
        Status.SENT,
        4,
        purpose=codes.Reason.MIGRATION,
        urgency=codes.Urgency.URGENT,
        fields=(
            "first_name",
            "second_name",
            *LATIN,
            "birth_date",
            *CODED,
            "mobile_phone",
            "message",
        ),
        message="Returns to Kharkiv next week; asks for reintegration support and a doctor.",
    ),
    Plan(
        "pl",
        "ua",
        Status.ACCEPTED,
        75,
        answer_after=3,
        purpose=codes.Reason.MIGRATION,
        fields=("first_name", "second_name", *LATIN, "birth_date", *CODED, *CONTACT, "message"),
        message="Going home after the trial; needs housing and psychological support in Lviv.",
        reply=Plan(
            "ua",
            "pl",
            Status.ACCEPTED,
            20,
            answer_after=2,
            purpose=codes.Reason.OTHER,
            fields=("first_name", "second_name", "message"),
            message="Update: found work through the reintegration programme, and a flat.",
        ),
    ),
    Plan(
        "nl",
        "md",
        Status.DECLINED,
        95,
        answer_after=6,
        fields=("first_name", "second_name", "birth_date", *CODED, "mailing_city", "message"),
        message="Needs a shelter place near Balti, with a child of four.",
        decline_reason="We have no shelter place in the north at the moment; our hotline can name "
        "an organisation near Balti.",
    ),
    Plan(
        "cz",
        "md",
        Status.COMPLETED,
        160,
        answer_after=2,
        close_after=45,
        purpose=codes.Reason.MIGRATION,
        fields=("first_name", "second_name", "birth_date", *CODED, "message"),
        message="Return after labour exploitation in a warehouse; asks for legal advice on wages.",
    ),
    Plan(
        "bg",
        "mk",
        Status.REVOKED,
        33,
        close_after=1,
        fields=("first_name", "second_name", "gender", "message"),
        message="Wants to stay with family in Skopje for a while.",
    ),
    Plan(
        "pl",
        "by",
        Status.ACCEPTED,
        50,
        answer_after=8,
        purpose=codes.Reason.MIGRATION,
        fields=("first_name", "second_name", *LATIN, "birth_date", *CODED, "message"),
        message="Returns to Hrodna; needs help with new identity documents.",
    ),
    Plan(
        "ua",
        "pl",
        Status.SENT,
        9,
        fields=("first_name", "second_name", *LATIN, *CODED, "message"),
        message="Works in Wroclaw again; asks for a lawyer about unpaid wages.",
    ),
    Plan(
        "md",
        "nl",
        Status.ACCEPTED,
        12,
        answer_after=0.5,
        urgency=codes.Urgency.EMERGENCY,
        fields=("first_name", "second_name", *LATIN, "birth_date", *CODED, *CONTACT, "message"),
        message="Called our hotline from Rotterdam: the employer holds the passport; afraid to stay.",
        override_reason="In danger now, and could not be reached again to consent to this "
        "organisation; the client's safety cannot wait for it.",
    ),
    Plan(
        "nl",
        "entry:UA",
        Status.COMPLETED,
        120,
        close_after=10,
        purpose=codes.Reason.MIGRATION,
        fields=("first_name", "second_name", "gender", "message"),
        message="Needs a shelter on arrival in Kyiv.",
    ),
    Plan(
        "aff1",
        "md",
        Status.COMPLETED,
        210,
        answer_after=4,
        close_after=60,
        fields=("first_name", "second_name", "birth_date", *CODED, "message"),
        message="Moves back to family in Cahul; needs vocational training.",
    ),
)


def _moment(today: dt.date, days_ago: float) -> dt.datetime:
    noon = dt.datetime.combine(today, dt.time(11), tzinfo=timezone.get_current_timezone())
    return noon - dt.timedelta(days=days_ago)


def _consented(recipient: Organisation | None, entry: Entry | None) -> Any:
    consents = Consent.objects.filter(
        client=OuterRef("pk"), purpose="referral", withdrawn_on__isnull=True
    )
    if recipient is not None:
        return Exists(consents.filter(recipient=recipient))
    return Exists(consents.filter(recipient_entry=entry))


def _pick_client(
    org: Organisation,
    recipient: Organisation | None,
    entry: Entry | None,
    sent_on: dt.date,
    used: set[Any],
) -> Client | None:
    """A named client of the sender, registered before the referral, preferably one who already
    consented to this recipient and whose citizenship is the recipient's country."""
    place = recipient if recipient is not None else entry
    country = place.country.code if place is not None else ""
    candidates = (
        Client.objects.filter(organisation=org, has_name=True)
        .exclude(id__in=used)
        .annotate(consented=_consented(recipient, entry))
        .order_by("reference")
        .values_list("id", "registered_on", "consented", "citizenship")
    )
    best: tuple[tuple[bool, bool, bool], Any] | None = None
    for client_id, registered_on, consented, citizenship in candidates:
        rank = (registered_on <= sent_on, bool(consented), country in (citizenship or []))
        if best is None or rank > best[0]:
            best = (rank, client_id)
    if best is None:
        return None
    return Client.objects.select_related("organisation").get(id=best[1])


def _record_consent(
    caseworker: User, client: Client, recipient: Any, entry: Entry | None, sent_on: dt.date
) -> None:
    given_on = min(max(client.registered_on, sent_on - dt.timedelta(days=2)), timezone.localdate())
    do_record_consent(
        caseworker,
        client,
        ConsentInput(
            purpose="referral",
            given_on=given_on,
            wording_version=f"{given_on.year}-1",
            language="en",
            recipient=recipient,
            recipient_entry=entry,
        ),
    )


class _Sender:
    """Sends and answers the plans, then moves each referral's dates back to the plan's."""

    def __init__(self, orgs: dict[str, Organisation], users: dict[str, User], today: dt.date):
        self.orgs = orgs
        self.users = users
        self.today = today
        self.used: set[Any] = set()
        self.made: Counter[str] = Counter()

    def user(self, role: str, code: str) -> User | None:
        user = self.users.get(f"{role}.{code}")
        org = self.orgs.get(code)
        if user is None or org is None or not user.is_active or user.organisation_id != org.id:
            return None
        return user

    def send(
        self, plan: Plan, client: Client | None = None, reply_to: Referral | None = None
    ) -> None:
        caseworker = self.user("caseworker", plan.sender)
        sender = self.user("supervisor", plan.sender) if plan.override_reason else caseworker
        entry = None
        recipient: Organisation | None = None
        if plan.recipient.startswith("entry:"):
            country = plan.recipient.split(":", 1)[1]
            entry = Entry.objects.filter(active=True, country=country).order_by("name").first()
            if entry is None:
                return
        else:
            recipient = self.orgs.get(plan.recipient)
        receiver = self.user("caseworker", plan.recipient) if recipient is not None else None
        if caseworker is None or sender is None or (recipient is not None and receiver is None):
            return
        sent_at = _moment(self.today, plan.sent_days_ago)
        if client is None:
            client = _pick_client(
                self.orgs[plan.sender], recipient, entry, sent_at.date(), self.used
            )
            if client is None:
                return
        self.used.add(client.id)
        data = ReferralInput(
            purpose=plan.purpose,
            fields=list(plan.fields),
            recipient=recipient,
            recipient_entry=entry,
            urgency=plan.urgency,
            message=plan.message,
            override_reason=plan.override_reason,
            in_reply_to=reply_to,
        )
        if not plan.override_reason and actions.referral_consent(client, data) is None:
            _record_consent(caseworker, client, recipient, entry, sent_at.date())
        referral = actions.do_send_referral(sender, client, data)
        self._answer(plan, referral, caseworker, receiver)
        self._move(plan, referral, sent_at)
        self.made[plan.outcome] += 1
        if plan.reply is not None and receiver is not None and referral.receiver_client_id:
            answered = Referral.objects.get(id=referral.id)
            self.send(plan.reply, client=answered.receiver_client, reply_to=answered)

    def _answer(
        self, plan: Plan, referral: Referral, caseworker: User, receiver: User | None
    ) -> None:
        if plan.outcome == Status.REVOKED:
            actions.do_revoke_referral(caseworker, referral)
        elif plan.outcome == Status.DECLINED and receiver is not None:
            actions.do_decline_referral(receiver, referral, plan.decline_reason)
        elif plan.outcome in (Status.ACCEPTED, Status.COMPLETED) and receiver is not None:
            actions.do_accept_referral(receiver, referral)
        if plan.outcome == Status.COMPLETED:
            actions.do_complete_referral(receiver or caseworker, referral)

    def _move(self, plan: Plan, referral: Referral, sent_at: dt.datetime) -> None:
        """The actions stamp the time of the demo run: put the plan's dates instead, on the referral
        and on the notifications it made."""
        answered_at = closed_at = None
        if plan.answer_after is not None and referral.answered_at is not None:
            answered_at = sent_at + dt.timedelta(days=plan.answer_after)
        if plan.close_after is not None and referral.closed_at is not None:
            closed_at = sent_at + dt.timedelta(days=plan.close_after)
        Referral.objects.filter(id=referral.id).update(
            sent_at=sent_at,
            answered_at=answered_at,
            closed_at=closed_at,
        )
        if answered_at is not None and referral.receiver_client_id and not referral.in_reply_to_id:
            # The receiver's record dates from the acceptance (within its reference code's year).
            Client.objects.filter(
                id=referral.receiver_client_id, registered_on__year=answered_at.year
            ).update(registered_on=answered_at.date())
        moments = {
            Kind.REFERRAL_RECEIVED: sent_at,
            Kind.REFERRAL_ACCEPTED: answered_at,
            Kind.REFERRAL_DECLINED: answered_at,
            Kind.REFERRAL_COMPLETED: closed_at,
            Kind.REFERRAL_REVOKED: closed_at,
        }
        for kind, moment in moments.items():
            if moment is not None:
                Notification.objects.filter(referral=referral, kind=kind).update(created_at=moment)


# Linkage ---------------------------------------------------------------------------------------


def link_unlinked(orgs: list[Organisation]) -> int:
    """Give linkage tokens to the clients of every organisation that has clients but no token at
    all (a demo database built before its clients were linked at registration); return how many
    clients were linked. The same work as the background task that links a big import."""
    linked = 0
    has_tokens = LinkageToken.objects.filter(organisation=OuterRef("pk"))
    bare = [
        org
        for org in Organisation.objects.filter(id__in=[o.id for o in orgs], linkage_enabled=True)
        .annotate(tokens=Exists(has_tokens))
        .filter(tokens=False)
        if Client.objects.filter(organisation=org).exists()
    ]
    for org in bare:
        ids = list(Client.objects.filter(organisation=org).values_list("id", flat=True))
        for start in range(0, len(ids), LINK_CHUNK):
            with transaction.atomic():
                clients = list(
                    Client.objects.filter(id__in=ids[start : start + LINK_CHUNK]).select_related(
                        "organisation"
                    )
                )
                duplicates.refresh(
                    org, [(client.id, unseal(client), client.birth_year) for client in clients]
                )
            linked += len(clients)
    return linked


# The whole ---------------------------------------------------------------------------------------


def made_clients() -> set[str]:
    """Ids of the clients the referral demo brought: the duplicates it registered and the
    receivers' records of accepted referrals (not counted in the demo's ``--clients``)."""
    twins = AuditEvent.objects.filter(action="client.register", reason=DEMO_REASON).values_list(
        "object_id", flat=True
    )
    received = Referral.objects.filter(
        receiver_client__isnull=False, in_reply_to__isnull=True
    ).values_list("receiver_client_id", flat=True)
    return {str(i) for i in twins} | {str(i) for i in received}


def build_referrals(
    orgs: dict[str, Organisation],
    users: dict[str, User],
    *,
    today: dt.date,
) -> dict[str, int]:
    """Make the demo's duplicates and referrals once; return what was done."""
    case_holders = [org for org in orgs.values() if org.kind in ("member", "affiliate")]
    # The demo sends no e-mail: its people's addresses are made up.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        # Clients it brought in an earlier run (the demo's client counts include them).
        summary = {"linked": link_unlinked(case_holders), "clients_earlier": len(made_clients())}
        if Referral.objects.exists():
            return summary
        sender = _Sender(orgs, users, today)
        caseworkers = {code: u for code in orgs if (u := sender.user("caseworker", code))}
        with transaction.atomic():
            summary["duplicates_registered"], summary["alerts"] = _add_twins(
                orgs, caseworkers, today, sender.used
            )
            for plan in PLANS:
                sender.send(plan)
        summary.update({f"referrals_{status}": n for status, n in sender.made.items()})
        summary["referrals"] = sum(sender.made.values())
        summary["alerts_total"] = DuplicateAlert.objects.count()
    return summary
