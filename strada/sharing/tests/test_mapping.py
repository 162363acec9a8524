"""The HTCDS mapping table: every column names a real field and its code list, and is documented."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings

from strada.cases.models import Case, PerpetratorRole, SupportPlan, TraffickingEvent
from strada.clients.identity import Identity
from strada.clients.models import Client
from strada.sharing import htcds

MODELS = {
    htcds.CLIENT: Client, htcds.CASE: Case, htcds.RECRUITMENT: TraffickingEvent,
    htcds.EXPLOITATION: TraffickingEvent, htcds.PERPETRATOR: PerpetratorRole,
    htcds.PLAN: SupportPlan, htcds.KEY: Client,
}  # fmt: skip
REFERENCE = (
    Path(settings.BASE_DIR).parent / "shared" / "reference" / "htcds" / "htcds-2.0-fields.csv"
)


@pytest.mark.parametrize("column", htcds.COLUMNS, ids=lambda c: c.name)
def test_it_maps_every_column_to_a_model_field_and_its_code_list(column):
    if column.identifying:
        assert column.field in Identity.field_names()
        return
    field = MODELS[column.part]._meta.get_field(column.field)
    if field.choices and column.kind == htcds.CODE:
        assert column.codes is not None
        assert [value for value, _label in field.choices] == list(column.codes.values)
    if column.part == htcds.CASE and column.field in Case.LIST_FIELDS:
        assert column.codes is Case.LIST_FIELDS[column.field]


@pytest.mark.parametrize(
    "column", [c for c in htcds.COLUMNS if c.codes is not None], ids=lambda c: c.name
)
def test_it_reads_back_every_code_it_writes(column):
    for value in column.codes.values:
        written = htcds.format_cell(column, [value] if column.kind == htcds.CODES else value)
        assert htcds.parse_cell(column, written) == (
            [value] if column.kind == htcds.CODES else value,
            None,
        )


def test_it_names_columns_after_htcds_fields_or_strada_additions():
    if not REFERENCE.exists():
        pytest.skip("the HTCDS field list is not next to the repository")
    with REFERENCE.open(encoding="utf-8") as handle:
        known = {row["Field Name including Prefix"] for row in csv.DictReader(handle)}
    for column in htcds.COLUMNS:
        if column.name.startswith("hte_"):
            continue  # one group per event type: hte_<Type><Field>
        assert column.name.startswith("strada_") or column.name in known, column.name


def test_it_documents_every_column():
    text = (Path(settings.BASE_DIR) / "docs" / "data-mapping.md").read_text(encoding="utf-8")
    for column in htcds.COLUMNS:
        assert f"`{column.name}`" in text, column.name
