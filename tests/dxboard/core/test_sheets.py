"""The one reader of imported spreadsheets: the rows a sheet holds, whatever size it states; caps on rows
and columns; every way a file can be unreadable is one clear error."""

import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from dxboard.core.sheets import SheetError, read_rows, read_sheets
from tests.workbooks import damaged_sheet, huge_dimension, rewrite_sheet


def xlsx(rows, title="Data", extra=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    if extra:
        wb.create_sheet(extra).append(["other"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_stated_dimension_of_a1_xfd20000_gives_only_the_real_rows():
    data = huge_dimension(xlsx([["code", "value"], ["A", 1], ["B", 2]]))
    assert len(data) < 10_000 and b'ref="A1:XFD20000"' in zipfile.ZipFile(io.BytesIO(data)).read(
        "xl/worksheets/sheet1.xml")
    rows = read_rows(data)
    assert rows == [("code", "value"), ("A", 1), ("B", 2)]
    assert sum(len(row) for row in rows) == 6


def test_a_value_beyond_the_column_cap_is_refused():
    far_right = rewrite_sheet(xlsx([["code", "value"], ["A", 1]]), lambda xml: xml.replace(
        "</row></sheetData>", '<c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    with pytest.raises(SheetError) as refused:
        read_rows(far_right)
    with translation.override("en"):
        assert str(refused.value) == "The sheet “Data” has more than 200 columns."


def test_rows_end_at_their_last_value_and_the_sheet_at_its_last_row():
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["C1"] = "a", "c"
    ws["A3"] = 3
    ws["Z9"] = None  # a formatted, empty cell far away
    ws["Z9"].number_format = "0.00"
    ws["E12"] = "   "
    out = io.BytesIO()
    wb.save(out)
    assert read_rows(out.getvalue()) == [("a", None, "c"), (), (3,)]


def test_the_named_sheet_or_the_first():
    data = xlsx([["first"]], extra="Nhiệm vụ")
    assert read_rows(data, sheet="Nhiệm vụ") == [("other",)]
    assert read_rows(data, sheet="absent") == [("first",)]
    assert read_sheets(data, only=("Nhiệm vụ", "absent")) == {"Nhiệm vụ": [("other",)]}
    assert list(read_sheets(data)) == ["Data", "Nhiệm vụ"]


def test_more_rows_than_the_cap_is_refused_naming_the_sheet_and_the_limit(settings):
    settings.IMPORT_MAX_ROWS = 5
    assert len(read_rows(xlsx([[n] for n in range(5)]))) == 5
    with pytest.raises(SheetError) as refused:
        read_rows(xlsx([[n] for n in range(6)]))
    with translation.override("vi"):
        assert str(refused.value) == "Trang tính “Data” có nhiều hơn 5 dòng."


def test_a_damaged_sheet_inside_a_sound_zip_is_one_clear_error():
    with pytest.raises(SheetError) as refused:
        read_rows(damaged_sheet(xlsx([["a", 1], ["b", 2]])))
    with translation.override("vi"):
        assert str(refused.value) == "Không đọc được tệp dưới dạng bảng tính Excel: nội dung một trang tính bị hỏng."


@pytest.mark.parametrize("data", [b"", b"%PDF-1.4", b"PK\x03\x04 garbage", b"not a zip at all"])
def test_what_is_not_a_workbook_is_one_clear_error(data):
    with pytest.raises(SheetError) as refused:
        read_rows(data)
    with translation.override("en"):
        assert str(refused.value).startswith("The file cannot be read as an Excel workbook: ")


def test_a_zip_without_a_workbook_inside_is_one_clear_error():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(SheetError):
        read_rows(out.getvalue())


def test_a_zip_that_unpacks_to_more_than_the_cap_is_not_opened(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    data = rewrite_sheet(xlsx([["a"]]), lambda xml: xml.replace("<sheetData>", "<sheetData>" + " " * 2_000_000))
    assert len(data) < 50_000
    with pytest.raises(SheetError) as refused:
        read_rows(data)
    with translation.override("en"):
        assert str(refused.value) == "The file cannot be read as an Excel workbook: it unpacks to more than 1 MB."
