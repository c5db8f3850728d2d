"""Cells of the platform's XLSX exports: text is written as text, never as a formula (CSV/formula injection).

openpyxl reads any string beginning with "=" as a formula, and "#N/A", "#REF!"… as error values; an imported
title such as `=HYPERLINK("http://…","…")` would then run in the reader's Excel. Every writer therefore stores
text as an explicit string cell (data_type "s", an inline string in the file): Excel shows exactly the text
typed, with no leading quote, and evaluates nothing — whether it begins with "=", "+", "-", "@", a tab or a
carriage return. Numbers, dates and empty cells keep their own types (a negative number stays a number).
The platform writes no formula of its own into a cell (the lists of the templates are data validations).
"""

from django.utils.functional import Promise
from openpyxl.cell import Cell


def _as_text(cell: Cell, value) -> Cell:
    if isinstance(value, Promise):
        value = str(value)
    cell.value = value  # openpyxl checks the characters and guesses a type here…
    if isinstance(value, str):
        cell.data_type = "s"  # …which for text is always "text"
    return cell


def put(ws, row: int, column: int, value) -> Cell:
    """Write one cell of a worksheet; the cell, to style it."""
    return _as_text(ws.cell(row=row, column=column), value)


def append(ws, values) -> None:
    """Append a row to a worksheet, like Worksheet.append."""
    ws.append([_as_text(Cell(ws), value) for value in values])
