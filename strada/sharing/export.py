"""Export of the organisation's own records in the HTCDS layout (``records.export``).

Security contract: the rows come from ``clients.access.visible_clients`` and
``cases.access.visible_cases`` (own organisation only). Data managers get the coded columns, the
identity columns empty. Identities are written only for ``records.export_identities`` (supervisors)
and only when asked for; they are decrypted by ``read_identities``, which audits every client as an
identity read with the reason "export". Every export is audited (``records.export``). Every text cell
is escaped against formula injection (``strada.lib.csvsafe``), in CSV and in XLSX alike.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from strada.audit.log import Entry, record_now
from strada.cases.access import visible_cases
from strada.cases.models import Case, TraffickingEvent
from strada.clients.access import read_identities, visible_clients
from strada.clients.identity import Identity
from strada.clients.models import Client
from strada.lib.csvsafe import SafeWriter, escape_cell
from strada.orgs.policy import can
from strada.sharing import htcds

CHUNK = 1000
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _case_cells(case: Case) -> dict[str, Any]:
    values: dict[str, Any] = {}
    first: dict[str, TraffickingEvent] = {}
    for event in case.events.all():  # prefetched, in route order
        first.setdefault(event.type, event)
    roles: list[str] = []
    for perpetrator in case.perpetrators.all():
        roles += [role for role in perpetrator.role_in_process if role not in roles]
    try:
        plan = case.plan
    except Case.plan.RelatedObjectDoesNotExist:
        plan = None
    for column in htcds.COLUMNS:
        if column.part == htcds.CASE:
            values[column.name] = getattr(case, column.field)
        elif column.part in (htcds.RECRUITMENT, htcds.EXPLOITATION):
            found = first.get(column.part.split(":")[1])
            values[column.name] = getattr(found, column.field) if found else None
        elif column.part == htcds.PERPETRATOR:
            values[column.name] = roles
        elif column.part == htcds.PLAN:
            values[column.name] = getattr(plan, column.field) if plan else None
    return values


def _client_cells(client: Client, identity: Identity | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in htcds.COLUMNS:
        if column.part == htcds.KEY:
            values[column.name] = client.reference
        elif column.part == htcds.CLIENT:
            values[column.name] = getattr(client, column.field)
        elif column.part == htcds.IDENTITY:
            values[column.name] = getattr(identity, column.field) if identity else None
    return values


def records(user: Any, with_identities: bool) -> Iterator[list[Any]]:
    """The header, then one row per client and case (a client without a case: one row)."""
    yield list(htcds.HEADER)
    ids = list(
        visible_clients(user)
        .filter(organisation_id=user.organisation_id)
        .order_by("registered_on", "reference")
        .values_list("id", flat=True)
    )
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        clients = Client.objects.select_related("organisation").in_bulk(chunk)
        cases: dict[Any, list[Case]] = {}
        for case in (
            visible_cases(user)
            .filter(client_id__in=chunk)
            .select_related("plan")
            .prefetch_related("events", "perpetrators")
            .order_by("client_id", "number")
        ):
            cases.setdefault(case.client_id, []).append(case)
        ordered = [clients[client_id] for client_id in chunk]
        identities = read_identities(user, ordered, reason="export") if with_identities else {}
        for client in ordered:
            base = _client_cells(client, identities.get(client.id))
            client_cases: list[Case | None] = list(cases.get(client.id, [])) or [None]
            for item in client_cases:
                values = dict(base, **(_case_cells(item) if item else {}))
                yield [htcds.format_cell(c, values.get(c.name)) for c in htcds.COLUMNS]


def do_export(user: Any, fmt: str, with_identities: bool = False) -> tuple[bytes, str, str]:
    """The organisation's records as a file: (content, file name, content type). Audited."""
    if not can(user, "records.export"):
        raise PermissionDenied
    if with_identities and not can(user, "records.export_identities"):
        raise PermissionDenied
    org = user.organisation
    rows = records(user, with_identities)
    content = to_xlsx(rows) if fmt == "xlsx" else to_csv(rows)
    record_now(
        Entry(
            action="records.export",
            actor=user,
            org_id=org.id,
            object_type="organisation",
            object_id=org.id,
            fields=["coded", "identity"] if with_identities else ["coded"],
            reason=fmt,
        )
    )
    stamp = timezone.localdate().isoformat()
    suffix = "-identities" if with_identities else ""
    name = f"strada-{org.code}-htcds-{stamp}{suffix}.{fmt}"
    return content, name, XLSX_TYPE if fmt == "xlsx" else CSV_TYPE


def _text(value: Any) -> str:
    return htcds.cell_text(value) if not isinstance(value, str) else value


def to_csv(rows: Iterator[list[Any]]) -> bytes:
    """UTF-8 with a BOM (so that Excel reads it as UTF-8), every cell escaped."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: Iterator[list[Any]]) -> bytes:
    """One sheet, written in streaming mode; dates as date cells, text escaped (openpyxl would
    otherwise store a text starting with ``=`` as a formula)."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet: Any = workbook.create_sheet("HTCDS")
    for row in rows:
        sheet.append([escape_cell(value) if value != "" else None for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
