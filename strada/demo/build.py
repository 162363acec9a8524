"""Building the demo network in the database, through the same actions the web and the API use.

Organisations and accounts are made with ``do_create_organisation`` / ``do_create_user`` (actor
``None``: the operator at the command line), clients with ``do_register_clients`` by the organisation's
caseworker, so that keys, encryption, search tokens and audit events are all real.

Re-running is safe: what exists is kept, every demo account gets the given password again, and each
organisation gets only the clients it lacks to reach its share of ``--clients``. Cases (with
routes, services, legal steps, notes) are given to the clients that have none yet, opened by the
organisation's caseworker and, when already closed, closed by its supervisor (``demo.cases``).
Referrals in every state and a few people registered by two members (duplicate alerts) are made
once, before the cases (``referrals.demo``).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from axes.utils import reset as reset_lockouts
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strada.accounts.models import User
from strada.audit.log import Entry, record_many
from strada.clients.actions import (
    LINK_INLINE,
    ConsentInput,
    Registration,
    do_register_clients,
    do_withdraw_consent,
)
from strada.clients.models import Client
from strada.demo.cases import Providers, add_cases, clients_without_cases
from strada.demo.network import NETWORK, DemoOrg, Network, allocate
from strada.demo.people import Person, faker_for, people
from strada.directory.demo import build_directory
from strada.orgs.actions import do_create_organisation, do_create_user
from strada.orgs.models import Organisation
from strada.orgs.policy import can
from strada.referrals.demo import build_referrals
from strada.stats.demo import build_rounds

# Batches small enough to be checked for duplicates across members as they are registered (bigger
# ones are left to a background task).
BATCH_SIZE = LINK_INLINE


class DemoError(Exception):
    """Something in the database stops the demo from being completed (said in the message)."""


@dataclass
class Summary:
    organisations_created: list[str] = field(default_factory=list)
    organisations_kept: list[str] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)
    users_kept: list[str] = field(default_factory=list)
    clients_added: dict[str, int] = field(default_factory=dict)
    clients_total: dict[str, int] = field(default_factory=dict)
    consents_withdrawn: int = 0
    directory_entries_added: int = 0
    rounds: dict[str, int] = field(default_factory=dict)
    referrals: dict[str, int] = field(default_factory=dict)
    cases_added: dict[str, int] = field(default_factory=dict)
    case_rows: Counter[str] = field(default_factory=Counter)  # closed, events, services, notes…
    seconds: float = 0.0


def _staff_name(seed: int, org: DemoOrg, username: str) -> tuple[str, str]:
    fake = faker_for(org.staff_locale)
    fake.seed_instance(f"strada-demo-staff:{seed}:{username}")
    return fake.first_name(), fake.last_name()


def _ensure_organisations(network: Network, summary: Summary) -> dict[str, Organisation]:
    existing = {org.code: org for org in Organisation.objects.all()}
    result: dict[str, Organisation] = {}
    for demo_org in network.organisations:
        org = existing.get(demo_org.code)
        if org is None:
            org = do_create_organisation(None, **demo_org.organisation_values())
            summary.organisations_created.append(demo_org.code)
        else:
            summary.organisations_kept.append(demo_org.code)
        result[demo_org.code] = org
    return result


def _ensure_users(
    network: Network,
    orgs: dict[str, Organisation],
    seed: int,
    password: str,
    summary: Summary,
) -> dict[str, User]:
    wanted = [
        (demo_org, name) for demo_org in network.organisations for name in demo_org.usernames()
    ]
    existing = {u.username: u for u in User.objects.filter(username__in=[n for _o, n in wanted])}
    users: dict[str, User] = {}
    for demo_org, username in wanted:
        user = existing.get(username)
        if user is None:
            first_name, last_name = _staff_name(seed, demo_org, username)
            user = do_create_user(
                None,
                organisation=orgs[demo_org.code],
                username=username,
                role=username.split(".", 1)[0],
                password=None,
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@strada-demo.example",
                language=demo_org.language,
            )
            summary.users_created.append(username)
        else:
            summary.users_kept.append(username)
        users[username] = user
    _set_demo_password(list(users.values()), password)
    return users


def _set_demo_password(users: list[User], password: str) -> None:
    """Give every demo account the demo password, bypassing the password validators on purpose
    (the demo password is printed on screen for everyone to use). Hashing once for all accounts
    keeps the demo fast: with one shared, published password a shared salt reveals nothing."""
    encoded = make_password(password)
    with transaction.atomic():
        User.objects.filter(id__in=[u.id for u in users]).update(password=encoded)
        record_many(
            Entry(
                action="user.set_password",
                actor=None,
                org_id=user.organisation_id,
                object_type="user",
                object_id=user.id,
                fields=["password"],
                reason="strada demo",
            )
            for user in users
        )
    for user in users:
        user.password = encoded
        reset_lockouts(username=user.username)


def _registration(person: Person, orgs: dict[str, Organisation]) -> Registration:
    return Registration(
        identity=person.identity,
        coded=dict(person.coded),
        registered_on=person.registered_on,
        consents=[
            ConsentInput(
                purpose=c.purpose,
                given_on=c.given_on,
                wording_version=c.wording_version,
                language=c.language,
                form=c.form,
                recipient=orgs[c.recipient_code] if c.recipient_code else None,
            )
            for c in person.consents
        ],
    )


def _withdraw(caseworker: User, client: Client, person: Person) -> int:
    withdrawn = 0
    for consent in person.consents:
        if consent.withdrawn_on is None:
            continue
        row = client.consents.get(
            purpose=consent.purpose, given_on=consent.given_on, withdrawn_on__isnull=True
        )
        do_withdraw_consent(caseworker, row, consent.withdrawn_on)
        withdrawn += 1
    return withdrawn


def _add_clients(
    demo_org: DemoOrg,
    caseworker: User,
    orgs: dict[str, Organisation],
    *,
    seed: int,
    target: int,
    today: dt.date,
    summary: Summary,
    progress: Callable[[str, int, int], None] | None,
) -> None:
    have = Client.objects.filter(organisation=orgs[demo_org.code]).count()
    missing = people(seed, demo_org, have, target, today) if target > have else []
    if missing and not (
        can(caseworker, "client.register") and caseworker.organisation_id == orgs[demo_org.code].id
    ):
        raise DemoError(
            _("%(username)s can no longer register clients (deactivated, or another role).")
            % {"username": caseworker.username}
        )
    for start in range(0, len(missing), BATCH_SIZE):
        batch = missing[start : start + BATCH_SIZE]
        clients = do_register_clients(caseworker, [_registration(p, orgs) for p in batch])
        for client, person in zip(clients, batch, strict=True):
            summary.consents_withdrawn += _withdraw(caseworker, client, person)
        if progress is not None:
            progress(demo_org.code, start + len(batch), len(missing))
    summary.clients_added[demo_org.code] = len(missing)
    summary.clients_total[demo_org.code] = have + len(missing)


def _add_cases(
    demo_org: DemoOrg,
    users: dict[str, User],
    orgs: dict[str, Organisation],
    *,
    seed: int,
    today: dt.date,
    providers: Providers,
    summary: Summary,
) -> None:
    org = orgs[demo_org.code]
    clients = clients_without_cases(org)
    if not clients:
        summary.cases_added[demo_org.code] = 0
        return
    caseworker = users[f"caseworker.{demo_org.code}"]
    supervisor = users[f"supervisor.{demo_org.code}"]
    for user, action in ((caseworker, "case.edit"), (supervisor, "case.close")):
        if not (can(user, action) and user.organisation_id == org.id):
            raise DemoError(
                _("%(username)s can no longer open or close cases (deactivated, or another role).")
                % {"username": user.username}
            )
    written = add_cases(
        demo_org, clients, caseworker, supervisor, seed=seed, today=today, providers=providers
    )
    summary.cases_added[demo_org.code] = written.pop("cases", 0)
    summary.case_rows.update(written)


def build(
    *,
    clients: int,
    seed: int,
    password: str,
    today: dt.date | None = None,
    network: Network = NETWORK,
    progress: Callable[[str, int, int], None] | None = None,
) -> Summary:
    """Create what is missing of the demo network and return what was done."""
    started = time.monotonic()
    today = today or timezone.localdate()
    summary = Summary()
    orgs = _ensure_organisations(network, summary)
    users = _ensure_users(network, orgs, seed, password, summary)
    targets = allocate(clients, network)
    # The directory first: services of the demo cases name some of its entries.
    summary.directory_entries_added = build_directory(None, seed)
    providers = Providers.load()
    for demo_org in network.case_holders:
        _add_clients(
            demo_org,
            users[f"caseworker.{demo_org.code}"],
            orgs,
            seed=seed,
            target=targets[demo_org.code],
            today=today,
            summary=summary,
            progress=progress,
        )
    # Referrals between members, and people registered by two of them (strada.referrals.demo),
    # before the cases: the clients they bring get cases too.
    summary.referrals = build_referrals(orgs, users, today=today)
    for demo_org in network.case_holders:
        _add_cases(
            demo_org,
            users,
            orgs,
            seed=seed,
            today=today,
            providers=providers,
            summary=summary,
        )
    # Reporting rounds of the last three years, with submissions in every state.
    summary.rounds = build_rounds(today, seed)
    summary.seconds = time.monotonic() - started
    return summary
