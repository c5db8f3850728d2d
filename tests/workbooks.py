"""XLSX files that lie about themselves, built in the test from a real workbook: its first sheet's XML
rewritten (a stated dimension far beyond the data, a far-right cell, damaged XML), the zip otherwise intact."""

import io
import re
import zipfile

from openpyxl import load_workbook


def rewrite_sheet(data: bytes, rewrite, sheet: str | None = None) -> bytes:
    """The workbook (saved by openpyxl, which stores its n-th sheet as xl/worksheets/sheet<n>.xml) with the
    XML of `sheet` (the first by default) passed through `rewrite(xml: str) -> str`."""
    position = load_workbook(io.BytesIO(data), read_only=True).sheetnames.index(sheet) + 1 if sheet else 1
    name = f"xl/worksheets/sheet{position}.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == name:
                content = rewrite(content.decode()).encode()
            target.writestr(member, content)
    return out.getvalue()


def huge_dimension(data: bytes, sheet: str | None = None) -> bytes:
    """The sheet says it spans A1:XFD20000 (16,384 columns, 20,000 rows) whatever it holds."""
    def rewrite(xml):
        if "<dimension " in xml:
            return re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD20000"/>', xml)
        return xml.replace("<sheetData", '<dimension ref="A1:XFD20000"/><sheetData', 1)
    return rewrite_sheet(data, rewrite, sheet)


def damaged_sheet(data: bytes, sheet: str | None = None) -> bytes:
    """The sheet's XML cut in the middle of its data (the zip and every other part are sound)."""
    return rewrite_sheet(data, lambda xml: xml[: xml.index("<sheetData>") + 40] + "<row r=", sheet)
