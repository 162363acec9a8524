"""Reading an uploaded CSV or XLSX file as rows of cell texts, defensively.

Limits before anything is parsed: the file size, the encoding of a CSV (UTF-8, with or without a
BOM; anything else is refused with a message that says so, never guessed), the number of members
and their declared uncompressed size in an XLSX (Python's zip reader never inflates a member past its
declared size, so checking the declared sizes is enough against zip bombs). While reading: rows are
streamed and empty rows skipped without being kept, the number of non-empty rows and of columns is
capped. Formula cells of an XLSX are never evaluated: openpyxl is opened with ``data_only=False`` so
that a formula shows as its text (``=1+1``) and the row is refused, instead of silently taking the
cached result that ``data_only=True`` would give.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from strada.sharing.htcds import cell_text

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000  # non-empty rows, the header included
MAX_COLUMNS = 100
MAX_UNCOMPRESSED = 512 * 1024 * 1024  # all members of an XLSX together
MAX_MEMBERS = 1000
CSV = "csv"
XLSX = "xlsx"


class FileProblem(Exception):
    """The file cannot be read at all; the message says why, for the person who uploaded it."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row


def detect_format(data: bytes) -> str:
    return XLSX if data[:4] == b"PK\x03\x04" else CSV


def read_rows(data: bytes, fmt: str) -> Iterator[tuple[int, list[str]]]:
    """(row number in the file, cell texts) of every non-empty row, the header first."""
    if len(data) > MAX_BYTES:
        raise FileProblem(
            _("The file is larger than %(mb)d MB; split it into several files.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    rows = _xlsx_rows(data) if fmt == XLSX else _csv_rows(data)
    count = 0
    for number, cells in rows:
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(cells) > MAX_COLUMNS:
            raise FileProblem(
                _("Row %(row)d has more than %(max)d columns.")
                % {"row": number, "max": MAX_COLUMNS},
                number,
            )
        count += 1
        if count > MAX_ROWS:
            raise FileProblem(
                _("The file has more than %(max)s rows; split it into several files.")
                % {"max": f"{MAX_ROWS:,}"},
                number,
            )
        yield number, cells


def _decode_csv(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE)):
        raise FileProblem(
            _("The file is in UTF-16 or UTF-32. Save it as “CSV UTF-8” and upload it again.")
        )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if b"\x00" in data[:4096]:
        raise FileProblem(
            _("The file is not UTF-8 text (it looks like UTF-16). Save it as “CSV UTF-8”.")
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileProblem(
            _(
                "The file is not UTF-8 (line %(line)d has a byte that UTF-8 does not allow; "
                "Windows-1251 and other legacy encodings are not guessed). Save it as “CSV UTF-8” "
                "and upload it again."
            )
            % {"line": line},
            line,
        ) from exc


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode_csv(data)
    first_line = text.split("\n", 1)[0]
    if ";" in first_line and "," not in first_line:
        raise FileProblem(_("Columns must be separated by commas, not semicolons."), 1)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for cells in reader:
            yield reader.line_num, [cell.strip() for cell in cells]
    except csv.Error as exc:
        raise FileProblem(
            _("Line %(line)d is not valid CSV.") % {"line": reader.line_num}, reader.line_num
        ) from exc


def check_zip(data: bytes) -> None:
    """Refuse an XLSX whose members would inflate beyond the limit (a zip bomb), before opening."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileProblem(_("The file is not a valid XLSX workbook.")) from exc
    if len(members) > MAX_MEMBERS:
        raise FileProblem(_("The XLSX workbook has too many parts."))
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED:
        raise FileProblem(
            _("The XLSX workbook would unpack to more than %(mb)d MB; it is refused.")
            % {"mb": MAX_UNCOMPRESSED // (1024 * 1024)}
        )


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    check_zip(data)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False, keep_vba=False
        )
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise FileProblem(_("The file is not a valid XLSX workbook.")) from exc
    try:
        sheet: Any = workbook.worksheets[0]
        # Never trust the declared dimensions: a sheet claiming A1:XFD1048576 would have every row
        # padded to 16,384 cells. Without them an empty row costs nothing and a row is as wide as
        # its last cell; a row wider than the limit stops the reading at once.
        sheet.reset_dimensions()
        number = 0
        try:
            for number, row in enumerate(sheet.iter_rows(), start=1):
                if len(row) > MAX_COLUMNS and (
                    len(row) > 10 * MAX_COLUMNS
                    or any(cell.value is not None for cell in row[MAX_COLUMNS:])
                ):
                    raise FileProblem(
                        _("Row %(row)d has more than %(max)d columns.")
                        % {"row": number, "max": MAX_COLUMNS},
                        number,
                    )
                yield number, [_xlsx_text(cell) for cell in row[:MAX_COLUMNS]]
        except FileProblem:
            raise
        except Exception as exc:
            raise FileProblem(
                _("Row %(row)d of the workbook cannot be read.") % {"row": number + 1}, number + 1
            ) from exc
    finally:
        workbook.close()


def _xlsx_text(cell: Any) -> str:
    value = cell.value
    if value is None:
        return ""
    if getattr(cell, "data_type", None) == "f":
        text = value if isinstance(value, str) else str(getattr(value, "text", "") or "")
        return text if text.startswith("=") else "=" + text
    return cell_text(value)
