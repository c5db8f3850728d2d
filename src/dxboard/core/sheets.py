"""The one reader of uploaded spreadsheets (every importer reads its XLSX here; core/spreadsheets.py writes).

A workbook states its own size (`<dimension ref="A1:XFD20000"/>`) and openpyxl's read-only rows are padded
to it, and to each row's last cell: a 1.6 KB file could cost seconds of CPU per request. So the rows are
taken from the sheet's XML as they are, never padded beyond the last value of a row, cut after the last row
that holds a value, and bounded by settings.IMPORT_MAX_ROWS and IMPORT_MAX_COLUMNS (a value beyond them
refuses the file: nothing of it is applied). Whatever makes the file unreadable — not a zip, a zip that
unpacks to too much, a damaged sheet — is one `SheetError` with a message for the person."""

import io
import zipfile
import zlib

from django.conf import settings
from django.utils.translation import gettext_noop
from lxml.etree import LxmlError
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import WorkSheetParser

from .i18n import Message, number

# Everything openpyxl, zipfile, zlib and the XML parsers raise on a damaged file (XML syntax errors are
# SyntaxError, lxml's others LxmlError; defusedxml's refusals are ValueError).
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, IndexError, ValueError, TypeError,
              AttributeError, SyntaxError, LxmlError, InvalidFileException)


class SheetError(ValueError):
    """The file cannot be imported; `str(error)` says why, in the reader's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def _unreadable(reason: str, params: dict | None = None) -> SheetError:
    return SheetError(Message(gettext_noop("The file cannot be read as an Excel workbook: %(reason)s"),
                              {"reason": Message(reason, params)}))


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a zip whose members unpack to more than the cap, before anything is unpacked (zipfile stops
    each member at its declared size, so the declared sizes bound the work)."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable(gettext_noop("it is not an XLSX file.")) from exc
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    if sum(member.file_size for member in members) > limit:
        raise _unreadable(gettext_noop("it unpacks to more than %(megabytes)s MB."),
                          {"megabytes": number(limit // (1024 * 1024))})


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _rows(workbook, worksheet, max_rows: int, max_columns: int) -> list[tuple]:
    """The sheet's rows from its XML, numbered as in the file (row 1 is rows[0]; a missing row is ()).
    The XML parser of openpyxl's read-only worksheet is used directly, because the worksheet's own rows pad
    every row to its last cell (16,384 values for one cell in column XFD)."""
    rows: list[tuple] = []
    with worksheet._get_source() as source:
        parser = WorkSheetParser(source, workbook.shared_strings, data_only=True, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats,
                                 timedelta_formats=workbook._timedelta_formats)
        for index, cells in parser.parse():
            # blanks (empty text, spaces) are kept inside a row but neither make a row nor count for the caps
            filled = [cell["column"] for cell in cells if not _blank(cell["value"])]
            if not filled:
                continue
            if index > max_rows:
                raise SheetError(Message(gettext_noop("The sheet “%(sheet)s” has more than %(limit)s rows."),
                                         {"sheet": worksheet.title, "limit": number(max_rows)}))
            width = max(filled)
            if width > max_columns:
                raise SheetError(Message(gettext_noop("The sheet “%(sheet)s” has more than %(limit)s columns."),
                                         {"sheet": worksheet.title, "limit": number(max_columns)}))
            row = [None] * width
            for cell in cells:
                if cell["column"] <= width:
                    row[cell["column"] - 1] = cell["value"]
            rows.extend(() for _ in range(len(rows), index))
            rows[index - 1] = tuple(row)  # a row stated twice: the last one counts, as in openpyxl
    return rows


def _read(data: bytes, choose, max_rows: int | None, max_columns: int | None) -> dict[str, list[tuple]]:
    max_rows = max_rows or settings.IMPORT_MAX_ROWS
    max_columns = max_columns or settings.IMPORT_MAX_COLUMNS
    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UNREADABLE as exc:
        raise _unreadable(gettext_noop("it is not an XLSX file, or it is damaged.")) from exc
    try:
        names = choose(workbook.sheetnames)
        return {name: _rows(workbook, workbook[name], max_rows, max_columns) for name in names}
    except SheetError:
        raise
    except UNREADABLE as exc:
        raise _unreadable(gettext_noop("the content of a sheet is damaged.")) from exc
    finally:
        workbook.close()


def read_sheets(data: bytes, *, only=None, max_rows: int | None = None,
                max_columns: int | None = None) -> dict[str, list[tuple]]:
    """{sheet name: rows} in the workbook's order, for every sheet or for those of `only` that the workbook
    has (a missing name is missing from the answer). Row n is rows[n - 1], a tuple of cell values (computed
    values, not formulas) ending at the row's last value, () for an empty row; rows end at the last row with
    a value. Raises SheetError."""
    return _read(data, lambda names: [n for n in names if only is None or n in only], max_rows, max_columns)


def read_rows(data: bytes, *, sheet: str | None = None, max_rows: int | None = None,
              max_columns: int | None = None) -> list[tuple]:
    """The rows of one sheet (as in `read_sheets`): `sheet` when the workbook has it, else the first sheet.
    Raises SheetError."""
    sheets = _read(data, lambda names: [sheet if sheet in names else names[0]] if names else [], max_rows,
                   max_columns)
    return next(iter(sheets.values()), [])
