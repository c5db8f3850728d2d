"""Upload of observations from CSV or XLSX through the import pipeline (core.imports): a template per metric,
a preview with the problems of each row — the row as the file numbers it, the column by its letter and
header —, then all or nothing on confirm (the file checked again, then the same `store_observations` as the
push API, audited, a new value for a key a correction of the old one).

Columns: metric, unit, period, numerator, denominator (header row first; extra columns ignored, e.g.
the unit's name in the template)."""

from __future__ import annotations

import csv
import io

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from dxboard.accounts.permissions import is_admin
from dxboard.core import imports
from dxboard.core.i18n import Message
from dxboard.core.sheets import read_rows
from dxboard.core.spreadsheets import append
from dxboard.core.uploads import check_text_upload, check_upload

from . import actions

COLUMNS = ["metric", "unit", "unit_name", "period", "numerator", "denominator"]
FIELDS = ("metric", "unit", "period", "numerator", "denominator")


def template(metric, units, period: str = "") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = metric.code[:31]
    append(ws, COLUMNS)
    for unit in units:
        append(ws, [metric.code, unit.code, unit.name, period, None, None])
    notes = wb.create_sheet("README")
    append(notes, ["metric", metric.code, metric.name])
    append(notes, ["numerator", metric.numerator_label])
    append(notes, ["denominator", metric.denominator_label or "—"])
    append(notes, ["period", "2026-W05 / 2026-03 / 2026-Q1 / 2026", metric.get_frequency_display()])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def checked_bytes(upload_file) -> tuple[bytes, str]:
    """The bytes of an uploaded .xlsx (through the platform's upload check: content, zip bomb, size) or .csv
    (name, size and emptiness; its content is checked row by row), and which of the two it is. Raises
    UploadError."""
    if (upload_file.name or "").lower().endswith(".xlsx"):
        return check_upload(upload_file, allowed=("xlsx",)).content.read(), "xlsx"
    return check_text_upload(upload_file, (".csv", ".xlsx")), "csv"


def _records(data: bytes, kind: str) -> list:
    """The file's rows as lists, numbered as the file numbers them (row 1 is records[0]). ValueError (a
    Message; SheetError for a workbook) if unreadable."""
    if kind == "xlsx":
        return read_rows(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(Message(gettext_noop("The CSV file is not UTF-8 text: save it as “CSV UTF-8”."))) from exc
    first = text.split("\n", 1)[0]
    try:
        return list(csv.reader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ","))
    except csv.Error as exc:  # e.g. a NUL byte: the file is not the text it claims to be
        raise ValueError(Message(gettext_noop("The CSV file cannot be read as comma-separated text."))) from exc


class KpiImporter(imports.Importer):
    """Observations of any metrics and units the uploader may add figures for; the context is the file's kind
    (csv / xlsx) and the uploader, whose units are checked again on confirm."""
    key = "kpi-upload"
    changes_template = "kpi/_upload_changes.html"

    def parse(self, data: bytes, context: dict) -> imports.Preview:
        try:
            records = _records(data, context["kind"])
        except ValueError as exc:  # SheetError too: the whole file, in the reader's language
            return imports.Preview(problems=[imports.Problem(exc.args[0])], context=context)
        header = [str(h if h is not None else "").strip() for h in (records[0] if records else ())]
        columns: dict[str, int] = {}  # a field's column: the first headed with its name (other columns ignored)
        for i, heading in enumerate(header):
            if heading.lower() in FIELDS:
                columns.setdefault(heading.lower(), i)
        rows, numbers = [], []
        for number, record in enumerate(records[1:], start=2):  # numbered as the file numbers its rows
            if not any(v not in (None, "") for v in record):
                continue
            row = {k: record[i] if i < len(record) else None for k, i in columns.items()}
            for k in ("metric", "unit", "period"):
                if row.get(k) is not None:
                    row[k] = str(row[k]).strip()
            rows.append({k: row.get(k) for k in FIELDS})
            numbers.append(number)
        if not rows:
            return imports.Preview(problems=[imports.Problem(Message(gettext_noop(
                "The file has no row of figures under its header row.")))], context=context)
        user = get_user_model().objects.filter(pk=context["user"], is_active=True).first()
        if user is None:  # never "no one" read as "anyone": the uploader is gone, so is their right to write
            return imports.Preview(problems=[imports.Problem(Message(gettext_noop(
                "You may not upload figures.")))], context=context)
        _clean, errors = actions.validate(rows, user=None if is_admin(user) else user)
        problems = []
        for i, message, key in errors:
            at = columns.get(key)
            problems.append(imports.Problem(message, numbers[i - 1], "" if at is None else get_column_letter(at + 1),
                                            "" if at is None else header[at]))
        changes = [{"row": n, **r} for n, r in zip(numbers, rows, strict=True)]
        return imports.Preview(problems=problems, changes=changes, context=context)

    def apply(self, preview: imports.Preview, acting_user) -> dict:
        rows = [{k: c[k] for k in FIELDS} for c in preview.changes]
        return actions.store_observations(acting_user=acting_user, rows=rows, source="upload")


KPI_IMPORT = KpiImporter()
