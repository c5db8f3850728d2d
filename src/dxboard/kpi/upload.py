"""Upload of observations from CSV or XLSX: a template per metric, a preview with the errors of each
row, then all or nothing (the same `store_observations` as the push API).

Columns: metric, unit, period, numerator, denominator (header row first; extra columns ignored, e.g.
the unit's name in the template)."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext_noop
from openpyxl import Workbook

from dxboard.core.i18n import Message
from dxboard.core.sheets import read_rows
from dxboard.core.spreadsheets import append
from dxboard.core.uploads import check_text_upload, check_upload

COLUMNS = ["metric", "unit", "unit_name", "period", "numerator", "denominator"]


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


def _rows(header, records) -> list[dict]:
    keys = [str(h or "").strip().lower() for h in header]
    rows = []
    for record in records:
        if not any(v not in (None, "") for v in record):
            continue
        row = {k: v for k, v in zip(keys, record, strict=False) if k}
        for k in ("metric", "unit", "period"):
            if row.get(k) is not None:
                row[k] = str(row[k]).strip()
        rows.append(row)
    return rows


def checked_bytes(upload_file) -> bytes:
    """The bytes of an uploaded .xlsx (through the platform's upload check: content, zip bomb, size) or .csv
    (name, size and emptiness; its content is checked row by row). Raises UploadError."""
    if (upload_file.name or "").lower().endswith(".xlsx"):
        return check_upload(upload_file, allowed=("xlsx",)).content.read()
    return check_text_upload(upload_file, (".csv", ".xlsx"))


def read(data: bytes, filename: str) -> list[dict]:
    """Rows as dicts from a CSV (UTF-8, comma or semicolon) or XLSX file (its first sheet). ValueError (a
    Message; SheetError for a workbook) if unreadable."""
    if filename.lower().endswith(".xlsx"):
        records = read_rows(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValueError(Message(gettext_noop("The CSV file is not UTF-8 text: save it as “CSV UTF-8”."))) \
                from exc
        dialect = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
        records = list(csv.reader(io.StringIO(text), delimiter=dialect))
    if not records:
        return []
    return _rows(records[0], records[1:])
