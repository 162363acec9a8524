"""Benchmark 4: importing an HTCDS spreadsheet (CSV) through the real import, against a floor.

The real path is what a data manager's "Import all" runs: the file is read and checked (the dry run),
then written in one transaction with encryption, search tokens, reference codes, cases, route events
and audit events (``strada.sharing.actions``). The floor writes the same client, case and event rows
with plain ``bulk_create`` (random bytes where the real path encrypts; no validation, tokens or audit)
in one transaction. Rows are generated before the clock starts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import time
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from bench import data
from bench.out import say
from strada.cases.models import Case, TraffickingEvent
from strada.clients.models import Client
from strada.orgs.actions import do_create_organisation, do_create_user
from strada.sharing import actions
from strada.sharing.htcds import HEADER

SEED = 2026
TARGET_RATE = 2000.0  # rows/s, SQLite, with encryption and audit
EXPLOITATION = ["ForcedLabour", "SexualExploitation", "ForcedBegging", "CriminalActivities"]
DESTINATIONS = ["NL", "DE", "PL", "CZ", "BE"]


def _rows(count: int) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rows = []
    for number in range(count):
        registration = data.registration(SEED, number, today)
        identity = registration.identity
        rng = random.Random(number)
        opened = registration.registered_on or today
        rows.append(
            {
                "strada_RegisteredOn": opened.isoformat(),
                "prs_FirstName": identity.first_name,
                "prs_SecondName": identity.second_name,
                "prs_Birthdate": identity.birth_date.isoformat() if identity.birth_date else "",
                "prs_MobilePhone": identity.mobile_phone,
                "prs_Gender": registration.coded["gender"],
                "prs_Citizenship": ";".join(registration.coded["citizenship"]),
                "prs_PrimaryLanguage": registration.coded["primary_language"],
                "strada_CaseOpenedOn": opened.isoformat(),
                "vic_TraffickingStatus": "ActualVictimOfTrafficking",
                "vic_TypeOfExploitation": rng.choice(EXPLOITATION),
                "hte_RecruitmentCountry": registration.coded["citizenship"][0],
                "hte_ExploitationCountry": rng.choice(DESTINATIONS),
            }
        )
    return rows


def _csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    header = [name for name in HEADER if name in rows[0]]
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _floor(org: Any, rows: list[dict[str, Any]]) -> None:
    """The same client, case and event rows, bulk-inserted as they are: the floor."""
    now = timezone.now()
    clients, cases, events = [], [], []
    for n, row in enumerate(rows):
        client = Client(
            id=uuid.uuid4(), organisation=org, reference=f"F-{n:07d}",
            registered_on=dt.date.fromisoformat(row["strada_RegisteredOn"]),
            wrapped_key=os.urandom(61), gender=row["prs_Gender"],
            citizenship=row["prs_Citizenship"].split(";"),
            primary_language=row["prs_PrimaryLanguage"], created_at=now,
            first_name_enc=os.urandom(40) if row["prs_FirstName"] else None,
            second_name_enc=os.urandom(40) if row["prs_SecondName"] else None,
            birth_date_enc=os.urandom(39) if row["prs_Birthdate"] else None,
            mobile_phone_enc=os.urandom(45) if row["prs_MobilePhone"] else None,
        )  # fmt: skip
        case = Case(
            id=uuid.uuid4(), client=client, organisation=org, number=1,
            opened_on=client.registered_on, trafficking_status=row["vic_TraffickingStatus"],
            type_of_exploitation=[row["vic_TypeOfExploitation"]],
        )  # fmt: skip
        clients.append(client)
        cases.append(case)
        events += [
            TraffickingEvent(case=case, type="Recruitment", sequence=0,
                             country=row["hte_RecruitmentCountry"]),
            TraffickingEvent(case=case, type="Exploitation", sequence=1,
                             country=row["hte_ExploitationCountry"]),
        ]  # fmt: skip
    with transaction.atomic():
        Client.objects.bulk_create(clients, batch_size=1000)
        Case.objects.bulk_create(cases, batch_size=1000)
        TraffickingEvent.objects.bulk_create(events, batch_size=1000)


def import_htcds(bench: Any, count: int) -> dict[str, Any]:
    rows = _rows(count)
    content = _csv(rows)
    manager = do_create_user(
        None, organisation=bench.org, username="data_manager", role="data_manager", password=None
    )
    say(f"  {count:,} rows, {len(content) / 2**20:.1f} MB of CSV")

    started = time.perf_counter()
    job = actions.do_upload(manager, content)
    job = actions.check_job(job.id)
    checked = time.perf_counter()
    assert job.status == job.Status.READY, job.errors[:5]
    actions.do_start_import(manager, job)
    job = actions.run_import(job.id)
    finished = time.perf_counter()
    assert job.status == job.Status.DONE, job.message
    check_rate = count / (checked - started)
    write_rate = count / (finished - checked)
    total_rate = count / (finished - started)
    say(
        f"  real: check {check_rate:,.0f} rows/s, write {write_rate:,.0f} rows/s, "
        f"check + write {total_rate:,.0f} rows/s"
    )

    floor_org = do_create_organisation(
        None, code="floor", name="Floor", kind="member", country="NL"
    )
    started = time.perf_counter()
    _floor(floor_org, rows)
    floor_rate = count / (time.perf_counter() - started)
    say(f"  floor: plain bulk insert {floor_rate:,.0f} rows/s")
    return {
        "name": "HTCDS import (CSV, encryption, tokens, audit, one transaction)",
        "rows": count,
        "bytes": len(content),
        "check": check_rate,
        "write": write_rate,
        "real": total_rate,
        "floor": floor_rate,
        "ratio": floor_rate / total_rate,
        "ratio_write": floor_rate / write_rate,
        "target": TARGET_RATE,
    }
