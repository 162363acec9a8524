"""Spreadsheet import of the organisation's own records (``records.import``, the data manager).

Security contract: every entry point checks ``records.import`` and that the actor belongs to the
job's organisation; background tasks get the job id only and check again, against the person who
started the import. The uploaded file is stored encrypted with the organisation key (bound to the
job id) and erased when the import ends or the job is discarded. Reports name rows, columns and
codes, never an identifying value; the preview shows coded columns only.

The import is all or nothing: the dry run must find no error, and the write is one transaction
that builds clients with ``clients.actions.register_checked_batch`` (the body of ``do_register_clients``:
keys, encryption, search tokens, reference codes, audit) and cases with the validation of
``cases.actions``. Rows are validated once: by the dry run, whose file digest the write compares,
or, for a file the dry run did not pass, by the write itself before anything is written. Audit: one
``client.register`` event per client and one ``case.open`` event per case (reason ``import``), whose
fields name the case fields and the parts written with it (``events``, ``perpetrators``, ``plan``),
and one ``records.import`` event for the job. Data managers may not ``client.register`` or
``case.edit`` one by one; ``records.import`` is their right to do it in bulk.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strada.audit.log import Entry, record, record_many
from strada.cases.models import Case, PerpetratorRole, SupportPlan, TraffickingEvent
from strada.clients.actions import Registration, check_registration, register_checked_batch
from strada.lib import crypto, names
from strada.lib.bulk import insert_rows
from strada.orgs.keys import org_key
from strada.orgs.models import Organisation
from strada.orgs.policy import can
from strada.sharing import htcds
from strada.sharing.models import ImportJob
from strada.sharing.readers import CSV, FileProblem, detect_format, read_rows

Status = ImportJob.Status
MAX_REPORTED_ERRORS = 1000
PREVIEW_ROWS = 10
CHUNK = 1000  # rows built and written together inside the one import transaction
PROGRESS_EVERY = 2000  # rows between progress updates of the job row
INLINE_BYTES = 256 * 1024  # larger files are checked and imported by a background task


def _require(actor: Any, org_id: Any) -> None:
    if not can(actor, "records.import") or actor.organisation_id != org_id:
        raise PermissionDenied


def _aad(job: ImportJob) -> bytes:
    return crypto.associated_data("import-file", job.organisation_id, job.id)


def _file(job: ImportJob) -> bytes:
    if job.file_enc is None:
        raise FileProblem(_("The uploaded file is no longer stored; upload it again."))
    return crypto.decrypt(org_key(job.organisation), bytes(job.file_enc), _aad(job))


def do_upload(actor: Any, data: bytes) -> ImportJob:
    """Store an uploaded file, encrypted, as a new import job of the actor's organisation."""
    org = actor.organisation
    _require(actor, org.id)
    job = ImportJob(
        id=uuid.uuid4(),
        organisation=org,
        created_by=actor,
        format=detect_format(data),
        size=len(data),
        background=len(data) > INLINE_BYTES,
    )
    job.file_enc = crypto.encrypt(org_key(org), data, _aad(job))
    with transaction.atomic():
        job.save()
        record(_event(actor, "records.import.upload", job, [job.format]))
    return job


def do_discard(actor: Any, job: ImportJob) -> None:
    """Erase a job's file and mark it discarded (not while it is being imported)."""
    _require(actor, job.organisation_id)
    if job.status in (Status.IMPORT_QUEUED, Status.IMPORTING, Status.DONE):
        raise ValidationError(_("This import can no longer be discarded."))
    with transaction.atomic():
        job.status = Status.DISCARDED
        job.file_enc = None
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "file_enc", "finished_at"])
        record(_event(actor, "records.import.discard", job, []))


def do_start_import(actor: Any, job: ImportJob) -> None:
    """Mark a checked job without errors for import; the caller runs or enqueues ``run_import``."""
    _require(actor, job.organisation_id)
    updated = ImportJob.objects.filter(id=job.id, status=Status.READY, error_count=0).update(
        status=Status.IMPORT_QUEUED, started_by=actor
    )
    if not updated:
        raise ValidationError(_("Only a checked file without errors can be imported."))
    job.refresh_from_db()


def _event(actor: Any, action: str, job: ImportJob, fields: list[str], reason: str = "") -> Entry:
    return Entry(
        action=action,
        actor=actor,
        org_id=job.organisation_id,
        object_type="import_job",
        object_id=job.id,
        fields=fields,
        reason=reason,
    )


# -- Reading a file into rows -------------------------------------------------------------------


@dataclass
class Walked:
    """One data row, read and tied to its client: ``problems`` empty means it can be imported."""

    row: int
    cells: dict[str, str]
    data: htcds.RowInput | None
    problems: list[htcds.Problem] = field(default_factory=list)
    client_key: str = ""
    new_client: bool = True
    case_number: int | None = None


@dataclass
class _ClientSeen:
    first: htcds.RowInput | None  # the client's first row, until a repeat needs its signature
    row: int
    numbers: set[int]
    signature: tuple[Any, ...] | None = None

    def same_client(self, data_row: htcds.RowInput) -> bool:
        if self.signature is None:
            assert self.first is not None
            self.signature, self.first = self.first.client_signature(), None
        return self.signature == data_row.client_signature()


class FileErrors(Exception):
    def __init__(self, problems: list[tuple[int | None, htcds.Problem]]) -> None:
        super().__init__("file errors")
        self.problems = problems


def walk(data: bytes, fmt: str) -> Iterator[Walked]:
    """Every data row of the file, read, checked against the layout and tied to its client.

    Raises FileProblem (unreadable file) or FileErrors (bad header) before the first row."""
    rows = read_rows(data, fmt)
    header_row = next(rows, None)
    if header_row is None:
        raise FileProblem(_("The file is empty."))
    header_number, header = header_row
    problems = htcds.check_header(header)
    if "" in header:
        problems.append(htcds.Problem("", _("A column has no name in the header row.")))
    if problems:
        raise FileErrors([(header_number, p) for p in problems])
    clients: dict[str, _ClientSeen] = {}
    names = tuple(header)
    for number, cells in rows:
        if len(cells) > len(header):
            walked = Walked(
                number, {}, None, [htcds.Problem("", _("The row has more cells than the header."))]
            )
            yield walked
            continue
        named = dict(zip(header, cells, strict=False))
        data_row, row_problems = htcds.parse_row(named, names)
        walked = Walked(number, named, data_row, row_problems)
        if data_row is not None:
            _tie(walked, data_row, clients)
        yield walked


def _tie(walked: Walked, data_row: htcds.RowInput, clients: dict[str, _ClientSeen]) -> None:
    key = data_row.reference or f"#row{walked.row}"
    walked.client_key = key
    seen = clients.get(key)
    if seen is None:
        # A row without a reference is a client of its own: nothing to compare it with later.
        first = data_row if data_row.reference else None
        seen = clients[key] = _ClientSeen(first, walked.row, set())
    else:
        walked.new_client = False
        if not seen.same_client(data_row):
            walked.problems.append(
                htcds.Problem(
                    "strada_Reference",
                    _("The client columns differ from row %(row)d of the same reference.")
                    % {"row": seen.row},
                )
            )
            return
    if data_row.case is None:
        if not walked.new_client:
            walked.problems.append(
                htcds.Problem("strada_Reference", _("This client is repeated without a case."))
            )
        return
    number = data_row.case.values.pop("number", None)
    if number is None:
        number = max(seen.numbers, default=0) + 1
    elif number in seen.numbers or number == 0:
        walked.problems.append(
            htcds.Problem("strada_CaseNumber", _("This case number is repeated for the client."))
        )
        return
    seen.numbers.add(number)
    walked.case_number = number


# -- Validation shared by the dry run and the write ------------------------------------------


_CLIENT_COLUMNS = {c.field: c.name for c in htcds.COLUMNS if c.part == htcds.CLIENT}
_CASE_COLUMNS = {c.field: c.name for c in htcds.COLUMNS if c.part == htcds.CASE}


def _problems_of(error: ValidationError, columns: dict[str, str]) -> list[htcds.Problem]:
    if not hasattr(error, "error_dict"):
        return [htcds.Problem("", " ".join(error.messages))]
    return [
        htcds.Problem(columns.get(name, ""), " ".join(ValidationError(errors).messages))
        for name, errors in error.error_dict.items()
    ]


def _registration(data_row: htcds.RowInput) -> Registration:
    return Registration(
        identity=data_row.identity, coded=data_row.coded, registered_on=data_row.registered_on
    )


@dataclass
class _CaseRows:
    """A case and its parts, as rows for ``insert_rows`` (model instances when validated)."""

    case: Any
    events: list[Any]
    perpetrator: Any | None
    plan: Any | None


def _build_case(org: Organisation, client_id: Any, walked: Walked, *, validate: bool) -> _CaseRows:
    """The case rows of a walked row. ``validate``: checked as ``do_open_case`` and ``do_add_part``
    do (countries were checked against ISO 3166 by the reader, so Django's slow check is skipped);
    without it, plain rows for a write whose rows the dry run has validated."""
    assert walked.data is not None
    assert walked.data.case is not None
    assert walked.case_number is not None
    given = walked.data.case
    case_id = uuid.uuid4()
    case_values = {
        "id": case_id,
        "client_id": client_id,
        "organisation_id": org.id,
        "number": walked.case_number,
        "owner_id": None,
        **given.values,
    }
    events: list[Any] = [{"id": uuid.uuid4(), "case_id": case_id, **v} for v in given.events]
    perpetrator: Any = None
    if given.perpetrator_roles:
        perpetrator = {
            "id": uuid.uuid4(),
            "case_id": case_id,
            "role_in_process": given.perpetrator_roles,
        }
    plan: Any = {"case_id": case_id, **given.plan} if given.plan else None
    if not validate:
        return _CaseRows(case_values, events, perpetrator, plan)
    case = Case(**case_values)
    try:
        # The one constraint (client, number) involves an excluded field, as for the parts below.
        case.full_clean(
            exclude=["client", "organisation", "owner"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        raise _RowInvalid(_problems_of(error, _CASE_COLUMNS)) from error
    checked_events = []
    for values in events:
        prefix = "hte_" + values["type"]
        columns = {"city": prefix + "City", "date": prefix + "Date", "country": prefix + "Country"}
        try:
            checked_events.append(_checked_event(values))
        except ValidationError as error:
            raise _RowInvalid(_problems_of(error, columns)) from error
    if perpetrator is not None:
        perpetrator = PerpetratorRole(**perpetrator)
        try:
            perpetrator.full_clean(
                exclude=["case", "citizenship"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            raise _RowInvalid(
                _problems_of(error, {"role_in_process": "per_RoleInProcess"})
            ) from error
    if plan is not None:
        plan = SupportPlan(**plan)
    return _CaseRows(case, checked_events, perpetrator, plan)


# The fields of a route event that a dry run checks (the case is the row's own, the country was
# checked against ISO 3166 by the reader).
_EVENT_FIELDS = [
    model_field
    for model_field in TraffickingEvent._meta.concrete_fields
    if model_field.name not in ("id", "case", "country")
]


def _checked_event(values: dict[str, Any]) -> dict[str, Any]:
    """Check a route event's values field by field as ``full_clean`` would (a model has no rules of
    its own beyond its fields), without building a model instance: a dry run checks two events a
    row, and building them was a fifth of its time. Returns the values, cleaned."""
    errors: dict[str, list[ValidationError]] = {}
    cleaned = dict(values)
    for model_field in _EVENT_FIELDS:
        raw = values.get(model_field.attname, model_field.get_default())
        if model_field.blank and raw in model_field.empty_values:
            continue
        try:
            cleaned[model_field.attname] = model_field.clean(raw, None)
        except ValidationError as error:
            errors[model_field.name] = error.error_list
    if errors:
        raise ValidationError(errors)
    return cleaned


class _RowInvalid(Exception):
    def __init__(self, problems: list[htcds.Problem]) -> None:
        super().__init__("row invalid")
        self.problems = problems


def _check_walked(org: Organisation, walked: Walked) -> None:
    """Add the model's own rules (Client.clean, Case.clean…) to the problems of a walked row."""
    if walked.problems or walked.data is None:
        return
    if walked.new_client:
        try:
            check_registration(org, _registration(walked.data))
        except ValidationError as error:
            walked.problems += _problems_of(error, _CLIENT_COLUMNS)
            return
    if walked.data.case is not None:
        try:
            _build_case(org, None, walked, validate=True)
        except _RowInvalid as invalid:
            walked.problems += invalid.problems


# -- The dry run ----------------------------------------------------------------------------------


def _coded_preview(walked: Walked) -> list[str]:
    return [walked.cells.get(name, "") for name in htcds.CODED_HEADER]


def _side_update(job_id: Any, **values: Any) -> None:
    """Write progress that other requests can see while the import transaction is open.

    On PostgreSQL a second connection (a short thread) commits it at once. SQLite has one writer:
    the import transaction holds it, so the page shows the phase without a percentage there."""
    if connection.vendor != "postgresql":
        return

    def work() -> None:
        from django.db import connections

        try:
            ImportJob.objects.filter(id=job_id).update(**values)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


def check_job(job_id: Any) -> ImportJob:
    """The dry run: read every row, record counts, a preview and an error per bad row."""
    job = ImportJob.objects.select_related("organisation").get(id=job_id)
    if job.status != Status.QUEUED:
        return job
    job.status = Status.CHECKING
    job.save(update_fields=["status"])
    org = job.organisation
    errors: list[dict[str, Any]] = []
    error_count = rows = clients = cases = 0
    preview: list[list[str]] = []
    data = b""
    try:
        data = _file(job)
        if job.format == CSV:  # cheap to count first; an XLSX is read once, its total unknown
            job.rows_total = max(0, sum(1 for _row in read_rows(data, job.format)) - 1)
            job.save(update_fields=["rows_total"])
        for walked in walk(data, job.format):
            rows += 1
            _check_walked(org, walked)
            if walked.problems:
                error_count += len(walked.problems)
                for problem in walked.problems:
                    if len(errors) < MAX_REPORTED_ERRORS:
                        errors.append(
                            {
                                "row": walked.row,
                                "column": problem.column,
                                "message": problem.message,
                            }
                        )
            else:
                clients += walked.new_client
                cases += walked.case_number is not None
                if len(preview) < PREVIEW_ROWS:
                    preview.append(_coded_preview(walked))
            if rows % PROGRESS_EVERY == 0:
                ImportJob.objects.filter(id=job.id).update(rows_checked=rows)
        if rows == 0:
            raise FileProblem(_("The file has a header but no data rows."))
    except FileProblem as problem:
        errors = [{"row": problem.row, "column": "", "message": problem.message}]
        error_count = 1
    except FileErrors as bad:
        errors = [{"row": row, "column": p.column, "message": p.message} for row, p in bad.problems]
        error_count = len(errors)
    except crypto.DecryptionError:
        errors = [{"row": None, "column": "", "message": _("The stored file cannot be read.")}]
        error_count = 1
    job.rows_total = rows
    job.rows_checked = rows
    job.clients_count = clients
    job.cases_count = cases
    job.errors = errors
    job.error_count = error_count
    job.preview = preview
    job.status = Status.INVALID if error_count else Status.READY
    # The write trusts this dry run (and skips validating the rows again) only for these very bytes.
    job.checked_sha256 = "" if error_count else hashlib.sha256(data).hexdigest()
    if error_count:
        job.file_enc = None  # nothing will be imported from it: do not keep it
        job.finished_at = timezone.now()
    job.save()
    return job


# -- The write ------------------------------------------------------------------------------------


class _Abort(Exception):
    pass


def run_import(job_id: Any) -> ImportJob:
    """Import a checked job in one transaction (the task and the inline path both call this)."""
    job = ImportJob.objects.select_related("organisation", "started_by").get(id=job_id)
    if job.status != Status.IMPORT_QUEUED:
        return job
    actor = job.started_by
    try:
        _require(actor, job.organisation_id)
    except PermissionDenied:
        return _fail(job, _("The person who started this import may no longer import."))
    job.status = Status.IMPORTING
    job.save(update_fields=["status"])
    try:
        with transaction.atomic(), _large_page_cache():
            with names.remembered_forms():  # 100,000 people hold a few thousand name words
                counts = _write(job, actor)
            job.status = Status.DONE
            job.rows_imported, job.clients_count, job.cases_count = counts
            job.file_enc = None
            job.finished_at = timezone.now()
            job.save()
            record(
                _event(
                    actor, "records.import", job, ["clients", "cases"], reason=f"{counts[0]} rows"
                )
            )
    except _Abort:
        return _fail(
            job, _("The file changed between the check and the import; nothing was imported.")
        )
    except Exception:  # noqa: BLE001 - any failure rolls back the whole import and is reported
        return _fail(job, _("The import failed and was rolled back; nothing was imported."))
    return job


IMPORT_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def _large_page_cache() -> Iterator[None]:
    """On SQLite, a page cache of 64 MiB for the import's one transaction (the default 2 MiB holds
    a small part of the indexes a large import writes into), then the connection's own again.
    A cache size changes memory use only: durability (WAL, synchronous=FULL) is untouched."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _fail(job: ImportJob, message: str) -> ImportJob:
    job.refresh_from_db()
    job.status = Status.FAILED
    job.message = message
    job.file_enc = None
    job.finished_at = timezone.now()
    job.save()
    return job


def _write(job: ImportJob, actor: Any) -> tuple[int, int, int]:
    """Write every row of the job's file. The rows are validated once: by the dry run when the file
    is the one it checked without error (same SHA-256), else here, row by row, before writing."""
    org = job.organisation
    client_ids: dict[str, Any] = {}
    pending: list[Walked] = []
    rows = clients = cases = 0
    try:
        data = _file(job)
        checked = bool(job.checked_sha256) and hmac.compare_digest(
            job.checked_sha256, hashlib.sha256(data).hexdigest()
        )
        for walked in walk(data, job.format):
            if not checked:
                _check_walked(org, walked)
            if walked.problems:
                raise _Abort
            pending.append(walked)
            if len(pending) >= CHUNK:
                c, k = _flush(org, actor, pending, client_ids)
                rows, clients, cases = rows + len(pending), clients + c, cases + k
                pending = []
                if rows % PROGRESS_EVERY == 0:
                    _side_update(job.id, rows_imported=rows)
        c, k = _flush(org, actor, pending, client_ids)
    except (FileProblem, FileErrors, _RowInvalid, ValidationError) as exc:
        raise _Abort from exc
    return rows + len(pending), clients + c, cases + k


def _flush(
    org: Organisation, actor: Any, chunk: list[Walked], client_ids: dict[str, Any]
) -> tuple[int, int]:
    """Write a chunk of validated rows: clients through ``register_batch``, then the cases and
    their parts, and one ``case.open`` event per case that names the parts written with it."""
    if not chunk:
        return 0, 0
    new = [walked for walked in chunk if walked.new_client]
    registrations = [_registration(walked.data) for walked in new if walked.data is not None]
    created = register_checked_batch(actor, org, registrations, reason="import")
    for walked, client_id in zip(new, created, strict=True):
        client_ids[walked.client_key] = client_id
    built = [
        _build_case(org, client_ids[walked.client_key], walked, validate=False)
        for walked in chunk
        if walked.case_number is not None
    ]
    insert_rows(Case, [b.case for b in built])
    insert_rows(TraffickingEvent, [e for b in built for e in b.events])
    insert_rows(PerpetratorRole, [b.perpetrator for b in built if b.perpetrator is not None])
    insert_rows(SupportPlan, [b.plan for b in built if b.plan is not None])
    entries = []
    for b in built:
        case = b.case
        filled = [k for k in ("number", *_CASE_COLUMNS) if case.get(k) not in ("", None, [])]
        if b.events:
            filled.append("events")
        if b.perpetrator is not None:
            filled.append("perpetrators")
        if b.plan is not None:
            filled.append("plan")
        entries.append(
            Entry(
                action="case.open",
                actor=actor,
                org_id=org.id,
                object_type="case",
                object_id=case["id"],
                fields=sorted(set(filled)),
                reason="import",
            )
        )
    record_many(entries, returning=False)
    return len(created), len(built)
