"""Small builders for the sharing tests: files in the HTCDS layout and a full import."""

from __future__ import annotations

import csv
import io
from typing import Any

from strada.sharing import actions
from strada.sharing.models import ImportJob

BASE = {
    "strada_RegisteredOn": "2026-03-01",
    "prs_Gender": "Feminine",
}


def csv_bytes(
    rows: list[dict[str, Any]], header: list[str] | None = None, bom: bool = False
) -> bytes:
    header = header or list(dict.fromkeys(name for row in rows for name in row))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def check(user: Any, data: bytes) -> ImportJob:
    job = actions.do_upload(user, data)
    return actions.check_job(job.id)


def import_file(user: Any, data: bytes) -> ImportJob:
    """Upload, check and (if the check found nothing) import, as the pages do for a small file."""
    job = check(user, data)
    if job.status != ImportJob.Status.READY:
        return job
    actions.do_start_import(user, job)
    return actions.run_import(job.id)
