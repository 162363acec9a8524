"""The demo's cases: every client gets a plausible case history, the same one for the same seed,
written through the batch action with its audit events, and a re-run adds none."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone

from strada.accounts.models import User
from strada.audit.log import verify
from strada.audit.models import AuditEvent
from strada.cases import codes
from strada.cases.access import read_notes
from strada.cases.models import Case, CaseNote, Service, TraffickingEvent
from strada.clients.models import Client
from strada.demo.caseplans import ClientFacts, cases_for
from strada.demo.cases import CaseInput, Providers, do_open_cases_batch, facts_of
from strada.demo.network import NETWORK
from strada.directory.models import Entry as DirectoryEntry

CLIENTS = 40
CLOSED = {codes.CaseStatus.CLOSED, codes.CaseStatus.CLOSED_REFERRED}


def run_demo(clients: int = CLIENTS, **options: object) -> str:
    out = io.StringIO()
    call_command("demo", clients=clients, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo(db: object) -> str:
    return run_demo()


def test_it_gives_every_client_a_case_and_some_two(demo):
    per_client = Counter(Case.objects.values_list("client_id", flat=True))
    assert set(per_client) == set(Client.objects.values_list("id", flat=True))
    assert set(per_client.values()) <= {1, 2}
    assert sum(1 for n in per_client.values() if n == 2) < CLIENTS * 0.25
    for client_id, count in per_client.items():
        numbers = sorted(Case.objects.filter(client_id=client_id).values_list("number", flat=True))
        assert numbers == list(range(1, count + 1))
    assert "Cases: " in demo


def test_its_cases_have_the_expected_shape(demo):
    today = timezone.localdate()
    cases = list(Case.objects.select_related("client", "owner"))
    statuses = Counter(case.trafficking_status for case in cases)
    assert statuses[codes.TraffickingStatus.NOT_A_VICTIM] < len(cases) * 0.2
    for case in cases:
        assert case.owner.role == "caseworker"
        assert case.owner.organisation_id == case.organisation_id
        assert case.organisation_id == case.client.organisation_id
        assert case.opened_on >= case.client.registered_on
        assert case.identification_date <= case.opened_on
        case.full_clean(exclude=["client", "organisation"], validate_unique=False)
        if case.status in CLOSED:
            assert case.reason_for_case_closure
            assert case.opened_on <= case.closed_on <= today
        else:
            assert not case.reason_for_case_closure
            assert case.closed_on is None


def test_its_routes_go_from_recruitment_to_exploitation(demo):
    routes: dict[object, list[TraffickingEvent]] = {}
    for event in TraffickingEvent.objects.order_by("case_id", "sequence"):
        routes.setdefault(event.case_id, []).append(event)
    assert set(routes) == set(Case.objects.values_list("id", flat=True))
    abroad = 0
    for case_id, events in routes.items():
        types = [event.type for event in events]
        assert types[0] == codes.TraffickingEventType.RECRUITMENT
        assert types.count(codes.TraffickingEventType.RECRUITMENT) == 1
        assert codes.TraffickingEventType.EXPLOITATION in types
        first_exploitation = types.index(codes.TraffickingEventType.EXPLOITATION)
        assert all(t == codes.TraffickingEventType.TRANSIT for t in types[1:first_exploitation])
        dates = [event.date for event in events]
        assert dates == sorted(dates), case_id
        case = Case.objects.get(id=case_id)
        assert dates[first_exploitation] <= case.identification_date
        abroad += events[0].country != events[first_exploitation].country
    assert abroad > len(routes) * 0.3  # most routes cross a border; some stay inside a country


def test_its_services_start_on_or_after_registration(demo):
    today = timezone.localdate()
    services = list(Service.objects.select_related("case", "case__client"))
    assert len(services) >= Case.objects.count()
    first: dict[object, dt.date] = {}
    for service in services:
        case = service.case
        assert service.start_date >= case.client.registered_on
        assert service.start_date >= case.opened_on
        assert service.start_date <= today
        if service.end_date is not None:
            assert service.start_date <= service.end_date <= today
        if case.closed_on is not None:
            assert service.end_date is not None
            assert service.end_date <= case.closed_on
            assert service.outcome != codes.ServiceOutcome.ONGOING
        first[case.id] = min(first.get(case.id, service.start_date), service.start_date)
        if service.provider_kind == codes.ProviderKind.NETWORK:
            assert service.provider_organisation_id not in (None, case.organisation_id)
    waits = sorted(
        (start - Case.objects.get(id=cid).opened_on).days for cid, start in first.items()
    )
    assert waits[len(waits) // 2] <= 7  # the first service comes soon, for most


def test_it_audits_each_case_once_and_closures_by_the_supervisor(demo):
    cases = Case.objects.count()
    assert AuditEvent.objects.filter(action="case.open").count() == cases
    closes = AuditEvent.objects.filter(action="case.close")
    assert closes.count() == Case.objects.filter(status__in=CLOSED).count()
    assert {event.actor_username.split(".")[0] for event in closes} <= {"supervisor"}
    assert verify().ok


def test_its_notes_are_encrypted_and_readable_by_the_caseworker(demo):
    note = CaseNote.objects.select_related("case__client__organisation", "author").first()
    assert note is not None
    assert note.author.username.startswith("caseworker.")
    case = note.case
    texts = [text for _note, text in read_notes(note.author, case)]
    assert texts
    assert all(text.encode() not in bytes(n.text_enc) for n, text in read_notes(note.author, case))


def test_it_makes_the_same_cases_with_the_same_seed(demo):
    today = timezone.localdate()
    expected = Counter()
    for client in Client.objects.select_related("organisation"):
        for case in cases_for(
            2026, NETWORK.by_code(client.organisation.code), facts_of(client), today
        ):
            expected[
                (client.reference, case.values["trafficking_status"], tuple(case.values["type_of_exploitation"]),
                 len(case.events), len(case.services))
            ] += 1  # fmt: skip
    found = Counter(
        (case.client.reference, case.trafficking_status, tuple(case.type_of_exploitation),
         case.events.count(), case.services.count())
        for case in Case.objects.select_related("client")
    )  # fmt: skip
    assert found == expected
    facts = ClientFacts("NL-2025-00001", dt.date(2025, 3, 1), "Feminine", "BG", 24)
    nl = NETWORK.by_code("nl")
    assert cases_for(2026, nl, facts, today) == cases_for(2026, nl, facts, today)
    assert cases_for(2026, nl, facts, today) != cases_for(7, nl, facts, today)


def test_a_rerun_adds_no_case_and_a_larger_one_adds_cases_for_new_clients_only(demo):
    before = set(Case.objects.values_list("id", flat=True))
    # The newest event's number, not the count: PostgreSQL's sequences do not restart per test.
    last = AuditEvent.objects.aggregate(last=Max("seq"))["last"]
    run_demo()
    assert set(Case.objects.values_list("id", flat=True)) == before
    assert not AuditEvent.objects.filter(action__startswith="case.", seq__gt=last).exists()
    run_demo(CLIENTS + 10)
    new = Case.objects.exclude(id__in=before)
    assert set(Case.objects.filter(id__in=before).values_list("id", flat=True)) == before
    assert new.exists()
    assert not Client.objects.filter(cases__isnull=True).exists()
    assert not new.filter(client__cases__id__in=before).exists()


def test_the_distributions_look_like_the_networks_data():
    today = dt.date(2026, 6, 1)
    forms: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    total = 0
    for org in NETWORK.case_holders:
        for number in range(60):
            citizenship = org.citizenships[number % len(org.citizenships)][0]
            gender = "Masculine" if number % 4 == 0 else "Feminine"
            facts = ClientFacts(
                f"{org.code}-{number}",
                today - dt.timedelta(days=number * 15),
                gender,
                citizenship,
                25,
            )
            for case in cases_for(1, org, facts, today):
                total += 1
                statuses[str(case.values["trafficking_status"])] += 1
                forms.update(str(form) for form in case.values["type_of_exploitation"])  # type: ignore[attr-defined]
    assert 0.4 < forms[codes.TypeOfExploitation.SEXUAL_EXPLOITATION] / total < 0.6
    assert 0.25 < forms[codes.TypeOfExploitation.FORCED_LABOUR] / total < 0.45
    assert statuses[codes.TraffickingStatus.NOT_A_VICTIM] / total < 0.1


def test_services_name_a_directory_entry_when_there_is_one(db):
    kinds = ("shelter", "health", "lawyer", "ngo", "social_services", "international")
    entries = [
        DirectoryEntry.objects.create(name=f"Example {kind} {country}", kind=kind, country=country)
        for country in ("NL", "UA", "MD", "PL")
        for kind in kinds
    ]
    run_demo()
    used = Service.objects.filter(provider_entry__in=entries).select_related(
        "provider_entry", "case__organisation"
    )
    assert used.exists()
    for service in used:
        assert service.provider_kind == codes.ProviderKind.DIRECTORY
        assert service.provider_entry.country == service.case.organisation.country
    assert len(Providers.load().directory["NL"]) >= len(kinds)  # plus the demo's own entries


def test_the_batch_action_needs_a_supervisor_to_close(demo):
    caseworker = User.objects.get(username="caseworker.cz")
    client = Client.objects.filter(organisation=caseworker.organisation).first()
    closed = CaseInput(client, {"opened_on": client.registered_on, "status": codes.CaseStatus.CLOSED,
                                "closed_on": client.registered_on, "reason_for_case_closure": "Other"})  # fmt: skip
    with pytest.raises(PermissionDenied):
        do_open_cases_batch(caseworker, [closed], closer=caseworker)
    other = User.objects.get(username="caseworker.nl")
    with pytest.raises(PermissionDenied):
        do_open_cases_batch(other, [CaseInput(client, {"opened_on": client.registered_on})])
    supervisor = User.objects.get(username="supervisor.cz")
    cases, counts = do_open_cases_batch(caseworker, [closed], closer=supervisor)
    assert counts["closed"] == 1
    assert cases[0].number == Case.objects.filter(client=client).count()
