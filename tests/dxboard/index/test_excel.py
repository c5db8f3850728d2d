"""The self-assessment form as Excel (template, upload, preview, all-or-nothing apply) and the XLSX
exports of a campaign, on a tiny points framework written here."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path, reverse
from django.utils import translation

from dxboard import urls as project_urls
from dxboard.audit.models import AuditEntry
from dxboard.core import imports
from dxboard.index import actions, excel
from dxboard.index.frameworks import import_framework
from dxboard.index.models import Answer, Campaign, Submission
from tests.workbooks import damaged_sheet, huge_dimension

from .conftest import sent

# The project URLconf, with the index's Excel routes under /index/ if the index is not wired in yet.
urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "index" for p in urlpatterns):
    urlpatterns.append(path("index/", include(("dxboard.index.urls_excel", "index"))))

FRAMEWORK = """
code: tiny-excel
name: {vi: Bộ chỉ số thử, en: Tiny test index}
model: points
nodes:
  - code: B1
    name: {vi: Có kế hoạch chuyển đổi số, en: Has a plan}
    parents: {G1: 1}
    rule: {type: binary, max: 10}
    source: self
    evidence: Kế hoạch (số, ngày)
  - code: C1
    name: {vi: Thời hạn ban hành kế hoạch, en: When the plan was issued}
    parents: {G1: 1}
    rule: {type: categorical, max: 10, choices: {dung_han: 10, tre_han: 5, chua: 0}}
    source: self
  - code: F1
    name: {vi: Tỷ lệ thôn có tổ công nghệ số, en: Share of villages with a digital team}
    parents: {G2: 1}
    rule: {type: fraction, max: 20}
    source: self
  - code: S1
    name: {vi: Số tin bài tuyên truyền, en: Awareness posts}
    parents: {G2: 1}
    rule: {type: step, max: 10, steps: [[1, 5], [5, 10]]}
    source: self
  - code: D1
    name: {vi: Chỉ dành cho sở, en: Departments only}
    parents: {G2: 1}
    rule: {type: binary, max: 5}
    applies_to: [department]
  - {code: G1, type: aggregate, name: {vi: Nhóm một, en: Group one}, parents: {ROOT: 1}, max_points: 20}
  - {code: G2, type: aggregate, name: {vi: Nhóm hai, en: Group two}, parents: {ROOT: 1}, max_points: 35}
  - {code: ROOT, type: aggregate, name: {vi: Chỉ số thử, en: Test index}, max_points: 55}
"""
ROW = {"B1": 2, "C1": 3, "F1": 4, "S1": 5}  # where the template puts each indicator (framework order)
COL = {key: i + 1 for i, key in enumerate(excel.KEYS)}


@pytest.fixture(autouse=True)
def _urls(settings, tmp_path):
    settings.ROOT_URLCONF = __name__
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def campaign(tree):
    framework, _created = import_framework(FRAMEWORK.encode("utf-8"), "tiny.yaml", acting_user=None)
    campaign = Campaign.objects.create(framework=framework, name="Chỉ số thử 2025", period="2025",
                                       unit_kind="commune", opens=datetime.date(2025, 1, 1),
                                       closes=datetime.date(2025, 12, 31))
    campaign.units.set([tree["A"], tree["B"]])
    actions.open_campaign(acting_user=None, campaign=campaign)
    return campaign


@pytest.fixture
def sub_a(campaign, tree):
    return Submission.objects.get(campaign=campaign, unit=tree["A"])


@pytest.fixture
def sub_b(campaign, tree):
    return Submission.objects.get(campaign=campaign, unit=tree["B"])


def fill(data: bytes, changes: dict | None = None, extra: list[dict] = ()) -> bytes:
    """Type into a downloaded template as a person would in Excel (openpyxl ignores the protection)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[excel.FORM_SHEET]
    for code, values in (changes or {}).items():
        for key, value in values.items():
            ws.cell(row=ROW[code], column=COL[key]).value = value  # None empties the cell
    for values in extra:
        row = ws.max_row + 1
        for key, value in values.items():
            ws.cell(row=row, column=COL[key], value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def answer(submission, code) -> Answer:
    return Answer.objects.get(submission=submission, indicator__code=code)


def xlsx_upload(data: bytes, name: str = "tu-danh-gia.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=excel.CONTENT_TYPE)


def read(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def places(preview) -> list[tuple]:
    """Where the preview's problems are: (row, column key), the key found back from the column letter."""
    key_of = {letter: key for key, letter in excel.LETTER.items()}
    return [(p.row, key_of.get(p.column, "")) for p in preview.problems]


# -- the template ---------------------------------------------------------------------------------
def test_template_lists_the_units_indicators_with_answers_and_versions(sub_a, personas):
    actions.save_answer(acting_user=personas["officer_a"], answer=answer(sub_a, "C1"), expected_version=0,
                        choice="tre_han", comment="=HYPERLINK(\"http://evil\")")
    wb = read(excel.form_workbook(sub_a))
    assert wb.sheetnames[:2] == ["Hướng dẫn", "Tự đánh giá"]
    ws = wb["Tự đánh giá"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][COL["value"] - 1] == "Giá trị / Value"
    assert rows[0][COL["na"] - 1] == "Không áp dụng (x) / Not applicable (x)"
    # applicable indicators only: no aggregate, not D1 (departments only)
    assert [r[0] for r in rows[1:]] == ["B1", "C1", "F1", "S1"]
    c1 = rows[ROW["C1"] - 1]
    assert c1[COL["max"] - 1] == 10
    assert c1[COL["choice"] - 1] == "tre_han"
    assert c1[COL["version"] - 1] == 1
    assert rows[ROW["B1"] - 1][COL["version"] - 1] == 0
    assert rows[ROW["B1"] - 1][COL["evidence"] - 1] == "Kế hoạch (số, ngày)"
    comment = ws.cell(row=ROW["C1"], column=COL["comment"])
    assert comment.value.startswith("=HYPERLINK") and comment.data_type == "s"  # text, never a formula
    # hidden version column, protected sheet, only the input cells unlocked
    assert ws.column_dimensions[excel.LETTER["version"]].hidden
    assert ws.protection.sheet
    assert ws.cell(row=2, column=COL["code"]).protection.locked
    assert ws.cell(row=2, column=COL["max"]).protection.locked
    assert not ws.cell(row=2, column=COL["value"]).protection.locked
    assert not ws.cell(row=2, column=COL["na_reason"]).protection.locked
    # dropdowns: yes/no on the binary row, the choices on the categorical row, "x" for not applicable
    lists = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            for (row, column) in cell_range.cells:
                lists.setdefault((row, column), []).append((dv.type, dv.formula1))
    assert ("list", '"1,0"') in lists[(ROW["B1"], COL["value"])]
    assert ("list", '"x"') in lists[(ROW["S1"], COL["na"])]
    (kind, formula), = [v for v in lists[(ROW["C1"], COL["choice"])] if v[0] == "list"]
    sheet, cells = formula.split("!")
    referenced = wb[sheet.strip("'")][cells.replace("$", "")]
    assert [c.value for c in referenced[0]] == ["dung_han", "tre_han", "chua"]
    # instructions: Vietnamese, then English
    text = [r[0] for r in wb["Hướng dẫn"].iter_rows(values_only=True) if r[0]]
    assert text.index("HƯỚNG DẪN NHẬP PHIẾU TỰ ĐÁNH GIÁ") < text.index("HOW TO FILL IN THE SELF-ASSESSMENT")


def test_unchanged_template_is_valid_and_changes_nothing(sub_a):
    preview = excel.parse_form(sub_a, excel.form_workbook(sub_a))
    assert preview.ok and [r.code for r in preview.rows] == ["B1", "C1", "F1", "S1"]
    assert preview.changes == []


# -- round trip through the pages ------------------------------------------------------------------
def test_round_trip_download_fill_upload_preview_apply(login, personas, sub_a):
    client = login(personas["officer_a"])
    response = client.get(reverse("index:excel-template", args=[sub_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == excel.CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.isascii() and ".xlsx" in disposition
    filled = fill(response.content, {
        "B1": {"value": 1},
        "C1": {"choice": "tre_han"},
        "F1": {"numerator": 3, "denominator": "4,0", "comment": "3 trên 4 thôn"},
        "S1": {"na": "x", "na_reason": "Xã chưa có trang thông tin điện tử"},
    })
    page = client.post(reverse("index:excel-upload", args=[sub_a.pk]), {"file": xlsx_upload(filled)})
    assert page.status_code == 200
    preview = page.context["preview"]
    assert preview.ok
    assert [r.code for r in preview.changes] == ["B1", "C1", "F1", "S1"]
    assert 'id="confirm-import"' in page.content.decode() and "Xác nhận nhập" in page.content.decode()
    # the preview wrote nothing
    assert answer(sub_a, "B1").value is None and answer(sub_a, "B1").version == 0
    token = page.context["token"]
    assert token
    done = client.post(reverse("index:excel-upload", args=[sub_a.pk]), {"token": token})  # the page's confirm
    assert done.status_code == 302
    b1, c1, f1, s1 = (answer(sub_a, c) for c in ("B1", "C1", "F1", "S1"))
    assert (b1.value, b1.self_points, b1.version, b1.updated_by) == (1.0, 10.0, 1, personas["officer_a"])
    assert (c1.choice, c1.self_points) == ("tre_han", 5.0)
    assert (f1.numerator, f1.denominator, f1.comment, f1.self_points) == (3.0, 4.0, "3 trên 4 thôn", 15.0)
    assert (s1.state, s1.na_reason, s1.self_points) == (Answer.State.NOT_APPLICABLE,
                                                         "Xã chưa có trang thông tin điện tử", None)
    assert AuditEntry.objects.filter(action="index.save_answer").count() == 4
    # the token is spent: applying again does nothing
    again = client.post(reverse("index:excel-apply", args=[sub_a.pk]), {"token": token})
    assert again.status_code == 302 and answer(sub_a, "B1").version == 1
    # the same (now stale) file again: every row equals what is saved, so nothing to apply, no conflict
    page = client.post(reverse("index:excel-upload", args=[sub_a.pk]), {"file": xlsx_upload(filled)})
    assert page.context["preview"].ok and page.context["preview"].changes == [] and not page.context["token"]


def test_preview_page_shows_each_rows_errors_in_vietnamese_and_offers_no_apply(login, personas, sub_a):
    client = login(personas["officer_a"])
    filled = fill(excel.form_workbook(sub_a), {"B1": {"value": 1}, "F1": {"numerator": "ba", "denominator": 4},
                                               "S1": {"na": "x"}})
    page = client.post(reverse("index:excel-upload", args=[sub_a.pk]), {"file": xlsx_upload(filled)})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Có 2 lỗi" in html
    assert "F1, trường “tử số”: “ba” không phải là số." in html
    assert "S1: ghi rõ lý do không áp dụng." in html
    assert (f"<td>{excel.FORM_SHEET} · {ROW['F1']}</td><td>{excel.LETTER['numerator']} · Tử số / Numerator</td>"
            in html)
    assert not page.context["token"] and 'id="confirm-import"' not in html
    assert client.session.get(excel.FORM_IMPORT.session_key) is None
    assert answer(sub_a, "B1").version == 0


def test_apply_with_a_forged_token_applies_nothing(login, personas, sub_a):
    client = login(personas["officer_a"])
    filled = fill(excel.form_workbook(sub_a), {"B1": {"value": 1}})
    client.post(reverse("index:excel-upload", args=[sub_a.pk]), {"file": xlsx_upload(filled)})
    response = client.post(reverse("index:excel-apply", args=[sub_a.pk]), {"token": "forged"})
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("index:excel-upload", args=[sub_a.pk]))
    assert answer(sub_a, "B1").version == 0


# -- every error kind, named by row and column, Vietnamese then English ---------------------------
CASES = {
    "unknown code": ({}, [{"code": "ZZ9", "value": 1}], 6, "code",
                     "không phải mã chỉ tiêu", "“ZZ9” is not an indicator code of this framework"),
    "not in this submission": ({}, [{"code": "D1", "value": 1}], 6, "code",
                               "không thuộc phiếu tự đánh giá", "D1 is not part of this unit's self-assessment"),
    "aggregate is not an input": ({}, [{"code": "G1", "value": 1}], 6, "code",
                                  "không thuộc phiếu tự đánh giá", "G1 is not part of this unit's self-assessment"),
    "duplicate row": ({}, [{"code": "B1", "value": 1}], 6, "code",
                      "xuất hiện nhiều lần", "B1 appears more than once (first on row 2)"),
    "code erased": ({}, [{"value": 1}], 6, "code", "không có mã chỉ tiêu", "There is no indicator code"),
    "not a number": ({"F1": {"numerator": "ba", "denominator": 4}}, [], 4, "numerator",
                     "không phải là số", "F1, field “numerator”: “ba” is not a number"),
    "negative": ({"S1": {"value": -2}}, [], 5, "value", "không được là số âm", "must not be negative"),
    "binary not 1/0": ({"B1": {"value": 2}}, [], 2, "value", "có (1) hoặc không (0)", "answer yes (1) or no (0)"),
    "choice not offered": ({"C1": {"choice": "som"}}, [], 3, "choice", "không thuộc các phương án",
                           "C1: “som” is not one of the choices (dung_han, tre_han, chua)"),
    "numerator above denominator": ({"F1": {"numerator": 5, "denominator": 4}}, [], 4, "numerator",
                                    "tử số không được lớn hơn mẫu số", "the numerator must not exceed"),
    "share above one": ({"F1": {"value": 1.5}}, [], 4, "value", "tỷ lệ phải nằm trong khoảng",
                        "a share is between 0 and 1"),
    "not applicable without reason": ({"S1": {"na": "x"}}, [], 5, "na_reason", "ghi rõ lý do không áp dụng",
                                      "S1: give the reason it does not apply"),
    "not applicable mark": ({"S1": {"na": "có", "na_reason": "?"}}, [], 5, "na", "Ghi “x”", "Write “x”"),
    "version damaged": ({"B1": {"value": 1, "version": None}}, [], 2, "version", "Cột phiên bản",
                        "hidden version column is empty or damaged"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_error_names_row_and_column_in_vietnamese_or_english(sub_a, case):
    changes, extra, row, column, vi, en = CASES[case]
    before = list(Answer.objects.filter(submission=sub_a).values_list("pk", "version", "value", "state"))
    data = fill(excel.form_workbook(sub_a), changes, extra)
    context = {"submission": sub_a.pk, "name": "tu-danh-gia.xlsx"}
    preview = excel.FORM_IMPORT.parse(data, context)
    assert not preview.ok
    assert places(preview) == [(row, column)]
    problem = preview.problems[0]
    assert (problem.sheet, problem.row, problem.column, problem.field) == (excel.FORM_SHEET, row,
                                                                           excel.LETTER[column], excel.HEADERS[column])
    assert vi in str(problem.message) and en not in str(problem.message)  # one language at a time
    with translation.override("en"):
        assert en in str(problem.message)
    with pytest.raises(imports.ImportRefused):
        imports.apply(excel.FORM_IMPORT, data, context, acting_user=None)
    after = list(Answer.objects.filter(submission=sub_a).values_list("pk", "version", "value", "state"))
    assert after == before


def test_a_row_changed_by_someone_else_since_the_download_is_a_conflict(sub_a, personas):
    template = excel.form_workbook(sub_a)
    actions.save_answer(acting_user=personas["admin"], answer=answer(sub_a, "C1"), expected_version=0,
                        choice="dung_han")
    # the officer's copy still says C1 is empty (version 0) and now picks another choice
    preview = excel.parse_form(sub_a, fill(template, {"C1": {"choice": "chua"}, "B1": {"value": 1}}))
    assert places(preview) == [(ROW["C1"], "choice")]
    assert "đã được người khác sửa" in str(preview.problems[0].message)
    with translation.override("en"):
        assert "C1 was changed by someone else after this file was downloaded (version 0, now 1)" in \
            str(preview.problems[0].message)
    # the officer's copy leaves C1 as it was: the stale empty cell must not wipe the admin's choice
    preview = excel.parse_form(sub_a, fill(template, {"B1": {"value": 1}}))
    assert places(preview) == [(ROW["C1"], "choice")]
    assert answer(sub_a, "C1").choice == "dung_han"


def test_a_returned_submission_takes_only_the_returned_rows(sub_a, personas):
    officer, reviewer = personas["officer_a"], personas["reviewer"]
    for code, fields in {"B1": {"value": 1}, "C1": {"choice": "dung_han"}, "F1": {"value": 0.5},
                         "S1": {"value": 3}}.items():
        a = answer(sub_a, code)
        actions.save_answer(acting_user=officer, answer=a, expected_version=a.version, **fields)
    # evidence is required for B1 (it claims points): attach it, then submit and review
    pdf = SimpleUploadedFile("kh.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                             content_type="application/pdf")
    actions.attach_evidence(acting_user=officer, answer=answer(sub_a, "B1"), upload=pdf, summary="Kế hoạch 12/KH")
    actions.submit(acting_user=officer, submission=sub_a)
    actions.start_review(acting_user=reviewer, submission=sub_a)
    actions.review_answer(acting_user=reviewer, answer=answer(sub_a, "F1"), decision="returned", note="Thiếu danh sách")
    for code in ("B1", "C1", "S1"):
        actions.review_answer(acting_user=reviewer, answer=answer(sub_a, code), decision="accepted")
    actions.return_submission(acting_user=reviewer, submission=sub_a)
    sub_a.refresh_from_db()
    template = excel.form_workbook(sub_a)
    preview = excel.parse_form(sub_a, fill(template, {"F1": {"value": 0.75}}))
    assert preview.ok and [r.code for r in preview.changes] == ["F1"]
    preview = excel.parse_form(sub_a, fill(template, {"F1": {"value": 0.75}, "S1": {"value": 9}}))
    assert places(preview) == [(ROW["S1"], "value")]
    with translation.override("en"):
        assert "S1 was not returned by the reviewer" in str(preview.problems[0].message)


def test_a_submitted_form_takes_no_upload(sub_a):
    Submission.objects.filter(pk=sub_a.pk).update(status=Submission.Status.SUBMITTED)
    sub_a.refresh_from_db()
    preview = excel.parse_form(sub_a, fill(excel.form_workbook(sub_a), {"B1": {"value": 1}}))
    assert places(preview) == [(None, "")]
    with translation.override("en"):
        assert "can no longer be changed" in str(preview.problems[0].message)


# -- all or nothing ---------------------------------------------------------------------------------
def test_apply_is_all_or_nothing_when_the_last_row_conflicts(sub_a, personas):
    filled = fill(excel.form_workbook(sub_a), {"B1": {"value": 1}, "F1": {"numerator": 1, "denominator": 2},
                                               "S1": {"value": 7}})
    preview = excel.parse_form(sub_a, filled)
    assert preview.ok and [r.code for r in preview.changes] == ["B1", "F1", "S1"]
    # between the preview and the confirmation, someone saves the last row
    actions.save_answer(acting_user=personas["admin"], answer=answer(sub_a, "S1"), expected_version=0, value=2)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(actions.Conflict) as caught:
        excel.FORM_IMPORT.apply(preview, acting_user=personas["officer_a"])
    assert f"Dòng {ROW['S1']}" in str(caught.value)
    b1, f1, s1 = answer(sub_a, "B1"), answer(sub_a, "F1"), answer(sub_a, "S1")
    assert (b1.value, b1.version, b1.self_points) == (None, 0, None)  # the first row was rolled back
    assert (f1.numerator, f1.version) == (None, 0)
    assert (s1.value, s1.version) == (2.0, 1)  # the other person's value stands
    assert AuditEntry.objects.count() == audit_before


def test_apply_page_rechecks_and_applies_nothing_after_a_conflict(login, personas, sub_a):
    client = login(personas["officer_a"])
    filled = fill(excel.form_workbook(sub_a), {"B1": {"value": 1}, "S1": {"value": 7}})
    page = client.post(reverse("index:excel-upload", args=[sub_a.pk]), {"file": xlsx_upload(filled)})
    token = page.context["token"]
    actions.save_answer(acting_user=personas["admin"], answer=answer(sub_a, "S1"), expected_version=0, value=2)
    response = client.post(reverse("index:excel-apply", args=[sub_a.pk]), {"token": token})
    assert response.status_code == 409
    assert places(response.context["preview"]) == [(ROW["S1"], "value")]
    assert answer(sub_a, "B1").version == 0 and answer(sub_a, "S1").value == 2.0


def test_an_error_in_a_known_cell_is_shown_at_that_row_and_column_and_nothing_is_written(login, personas, sub_a):
    client = login(personas["officer_a"])
    filled = fill(excel.form_workbook(sub_a), {"B1": {"value": 1}, "C1": {"choice": "som"}})
    audit_before = AuditEntry.objects.count()
    page = client.post(reverse("index:excel-upload", args=[sub_a.pk]), {"file": xlsx_upload(filled)})
    assert page.status_code == 200
    html = page.content.decode()
    # row 3 (C1) as Excel numbers it, column J (the choice) with its header, and what is wrong in words
    assert (f"<td>{excel.FORM_SHEET} · 3</td><td>J · Lựa chọn / Choice</td>"
            "<td>C1: “som” không thuộc các phương án (dung_han, tre_han, chua).</td>") in html
    assert 'id="confirm-import"' not in html and client.session.get(excel.FORM_IMPORT.session_key) is None
    assert [(a.version, a.value, a.choice) for a in Answer.objects.filter(submission=sub_a).order_by("pk")] == \
        [(0, None, "")] * 4
    assert AuditEntry.objects.count() == audit_before


def test_the_confirm_checks_the_file_again_and_refuses_it_when_the_answers_moved(login, personas, sub_a):
    client = login(personas["officer_a"])
    filled = fill(excel.form_workbook(sub_a), {"B1": {"value": 1}, "C1": {"choice": "tre_han"}})
    page = client.post(reverse("index:excel-upload", args=[sub_a.pk]), {"file": xlsx_upload(filled)})
    token = page.context["token"]
    assert token and 'id="confirm-import"' in page.content.decode()
    # between the preview and the confirm, a reviewer-side correction lands on C1
    actions.save_answer(acting_user=personas["admin"], answer=answer(sub_a, "C1"), expected_version=0,
                        choice="chua")
    audit_before = AuditEntry.objects.count()
    refused = client.post(reverse("index:excel-upload", args=[sub_a.pk]), {"token": token})  # the page's confirm
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Các câu trả lời đã thay đổi kể từ lúc xem trước; chưa có gì được ghi." in html
    assert f"<td>{excel.FORM_SHEET} · {ROW['C1']}</td><td>J · Lựa chọn / Choice</td>" in html
    assert 'id="confirm-import"' not in html
    b1, c1 = answer(sub_a, "B1"), answer(sub_a, "C1")
    assert (b1.value, b1.version) == (None, 0) and (c1.choice, c1.version) == ("chua", 1)
    assert AuditEntry.objects.count() == audit_before
    # the token is spent: the same confirm again applies nothing
    again = client.post(reverse("index:excel-upload", args=[sub_a.pk]), {"token": token})
    assert again.status_code == 302 and answer(sub_a, "B1").version == 0


# -- files that are not the template ------------------------------------------------------------------
def _zip(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(("name", "data"), [
    ("form.xlsx", b"Ma,Gia tri\nB1,1\n"),  # CSV renamed
    ("form.xlsx", b"%PDF-1.4\n%%EOF\n"),  # a PDF renamed
    ("form.xlsx", _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})),  # a DOCX renamed
    ("form.xlsx", b""),
])
def test_upload_refuses_files_that_are_not_real_xlsx(login, personas, sub_a, name, data):
    client = login(personas["officer_a"])
    response = client.post(reverse("index:excel-upload", args=[sub_a.pk]),
                           {"file": SimpleUploadedFile(name, data, content_type=excel.CONTENT_TYPE)})
    assert response.status_code == 400
    assert response.context["upload_error"]
    assert "preview" not in response.context or response.context["preview"] is None


def test_upload_refuses_an_xlsx_with_another_extension(login, personas, sub_a):
    client = login(personas["officer_a"])
    response = client.post(reverse("index:excel-upload", args=[sub_a.pk]),
                           {"file": xlsx_upload(excel.form_workbook(sub_a), "form.pdf")})
    assert response.status_code == 400


def test_parse_reports_workbooks_that_are_not_the_template(sub_a, sub_b):
    other = openpyxl.Workbook()
    buffer = io.BytesIO()
    other.save(buffer)
    preview = excel.parse_form(sub_a, buffer.getvalue())
    assert "Tự đánh giá" in str(preview.problems[0].message) and not preview.rows
    preview = excel.parse_form(sub_a, b"PK\x03\x04 broken")
    assert "Không đọc được tệp" in str(preview.problems[0].message)
    # the template of commune B uploaded on commune A's submission
    preview = excel.parse_form(sub_a, fill(excel.form_workbook(sub_b), {"B1": {"value": 1}}))
    assert places(preview) == [(None, "")]
    assert "09187" in str(preview.problems[0].message)


# -- permissions -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("persona", "template", "upload"), [
    ("officer_a", 200, 200), ("officer_b", 404, 404), ("dept_officer", 404, 404), ("reviewer", 200, 404),
    ("leader", 200, 404), ("admin", 200, 200),
])
def test_form_pages_of_another_unit_are_404(login, personas, sub_a, persona, template, upload):
    client = login(personas[persona])
    assert client.get(reverse("index:excel-template", args=[sub_a.pk])).status_code == template
    assert client.get(reverse("index:excel-upload", args=[sub_a.pk])).status_code == upload
    filled = fill(excel.form_workbook(sub_a), {"B1": {"value": 1}})
    assert client.post(reverse("index:excel-upload", args=[sub_a.pk]),
                       {"file": xlsx_upload(filled)}).status_code == upload


def test_officer_b_cannot_apply_on_officer_a_submission(login, personas, sub_a, sub_b, client):
    # officer_b holds a valid token for their own submission and tries it on A's
    login(personas["officer_b"])
    filled = fill(excel.form_workbook(sub_b), {"B1": {"value": 1}})
    page = client.post(reverse("index:excel-upload", args=[sub_b.pk]), {"file": xlsx_upload(filled)})
    token = page.context["token"]
    assert client.post(reverse("index:excel-apply", args=[sub_a.pk]), {"token": token}).status_code == 404
    assert answer(sub_a, "B1").version == 0 and answer(sub_b, "B1").version == 0
    # and on their own it works
    assert client.post(reverse("index:excel-apply", args=[sub_b.pk]), {"token": token}).status_code == 302
    assert answer(sub_b, "B1").value == 1.0


def test_anonymous_is_sent_to_log_in(login, sub_a, campaign):
    client = login(None)
    for url in (reverse("index:excel-template", args=[sub_a.pk]), reverse("index:excel-upload", args=[sub_a.pk]),
                reverse("index:export-inputs", args=[campaign.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(reverse("index:excel-apply", args=[sub_a.pk]), {"token": "x"}).status_code == 302


# -- exports ---------------------------------------------------------------------------------------
@pytest.fixture
def answered(campaign, sub_a, sub_b, personas):
    """A: 10 + 5 + 15 + 5 = 35 points of 50 (S1 = 3 posts reaches the first step);
    B: 0 + 10 + 10 + not applicable = 20 of 40."""
    inputs = {
        sub_a: {"B1": {"value": 1}, "C1": {"choice": "tre_han"}, "F1": {"numerator": 3, "denominator": 4},
                "S1": {"value": 3}},
        sub_b: {"B1": {"value": 0}, "C1": {"choice": "dung_han"}, "F1": {"value": 0.5},
                "S1": {"state": Answer.State.NOT_APPLICABLE, "na_reason": "Chưa có trang tin"}},
    }
    officers = {sub_a: personas["officer_a"], sub_b: personas["officer_b"]}
    for submission, rows in inputs.items():
        for code, fields in rows.items():
            a = answer(submission, code)
            actions.save_answer(acting_user=officers[submission], answer=a, expected_version=a.version, **fields)
    pdf = SimpleUploadedFile("kh.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                             content_type="application/pdf")
    actions.attach_evidence(acting_user=personas["officer_a"], answer=answer(sub_a, "B1"), upload=pdf,
                            summary="Kế hoạch 12/KH-UBND")
    return campaign


def test_results_workbook_has_the_ranking_main_indices_and_all_points(answered, tree):
    sent(answered)
    snapshot = actions.compute_results(acting_user=None, campaign=answered, basis="self", official=True)
    wb = read(excel.results_workbook(snapshot))
    assert wb.sheetnames == ["Xếp hạng", "G1", "G2", "Điểm chi tiết", "Thông tin"]
    ranking = list(wb["Xếp hạng"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2]) for r in ranking] == [(1, "07210", "Phường Bắc Giang"), (2, "09187", "Phường Kinh Bắc")]
    assert ranking[0][3:6] == (35, 50, 0.7)  # points, maximum, value
    assert ranking[1][3:6] == (20, 40, 0.5)
    assert (ranking[0][6], ranking[1][6]) == ("Tốt", "Trung bình")  # default bands: ≥ 0.70, ≥ 0.40
    assert ranking[0][7] is not None and ranking[0][7] <= 1 <= ranking[0][8]  # rank interval holds the rank
    g2 = list(wb["G2"].iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[3], r[4]) for r in g2] == [("07210", 20, 30), ("09187", 10, 20)]
    points = list(wb["Điểm chi tiết"].iter_rows(values_only=True))
    codes = list(points[0])
    a_row = next(r for r in points[2:] if r[0] == "07210")
    b_row = next(r for r in points[2:] if r[0] == "09187")
    assert {c: a_row[codes.index(c)] for c in ("B1", "C1", "F1", "S1", "ROOT")} == \
        {"B1": 10, "C1": 5, "F1": 15, "S1": 5, "ROOT": 35}
    assert b_row[codes.index("S1")] is None and b_row[codes.index("ROOT")] == 20


def test_inputs_workbook_lists_every_answer(answered, sub_a, sub_b):
    wb = read(excel.inputs_workbook(answered))
    rows = list(wb.active.iter_rows(values_only=True))
    header = rows[0]
    assert len(rows) - 1 == Answer.objects.filter(submission__campaign=answered).count() == 8
    by_key = {(r[0], r[3]): dict(zip(header, r, strict=True)) for r in rows[1:]}
    f1 = by_key[("07210", "F1")]
    assert (f1["Tử số / Numerator"], f1["Mẫu số / Denominator"], f1["Điểm tự chấm / Self points"]) == (3, 4, 15)
    b1 = by_key[("07210", "B1")]
    assert b1["Số tài liệu kiểm chứng / Evidence count"] == 1 and b1["Giá trị / Value"] == 1
    assert b1["Thẩm định / Review"] == str(Answer.Review.PENDING.label)
    s1 = by_key[("09187", "S1")]
    assert s1["Lý do không áp dụng / Reason not applicable"] == "Chưa có trang tin"
    assert by_key[("09187", "C1")]["Lựa chọn / Choice"] == "dung_han"


@pytest.mark.parametrize(("persona", "status"), [
    ("admin", 200), ("leader", 200), ("officer_a", 404), ("officer_b", 404), ("reviewer", 404),
    ("dept_officer", 404),
])
def test_exports_are_for_admins_and_leaders(login, personas, answered, persona, status):
    sent(answered)
    actions.compute_results(acting_user=None, campaign=answered, basis="self", official=True)
    client = login(personas[persona])
    for name in ("export-results", "export-inputs"):
        response = client.get(reverse(f"index:{name}", args=[answered.pk]))
        assert response.status_code == status
        if status == 200:
            assert response["Content-Disposition"].isascii()
            assert response["Content-Disposition"].startswith('attachment; filename="')
            read(response.content)  # a real workbook


def test_results_export_without_any_result_is_404(login, personas, campaign):
    client = login(personas["admin"])
    assert client.get(reverse("index:export-results", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("index:export-results", args=[campaign.pk]) + "?snapshot=abc").status_code == 404


# -- what the reader refuses or ignores (dxboard.core.sheets) --------------------------------------
def _template(client, submission) -> bytes:
    return client.get(reverse("index:excel-template", args=[submission.pk])).content


def test_a_form_stating_a1_xfd20000_previews_only_its_rows(login, personas, sub_a):
    client = login(personas["officer_a"])
    stated = huge_dimension(fill(_template(client, sub_a), {"B1": {"value": 1}}), excel.FORM_SHEET)
    page = client.post(reverse("index:excel-upload", args=[sub_a.pk]), {"file": xlsx_upload(stated)})
    assert page.status_code == 200 and page.context["preview"].ok
    assert [r.code for r in page.context["preview"].changes] == ["B1"]
    assert len(page.context["preview"].rows) == len(ROW)


def test_a_damaged_sheet_is_a_clear_error_on_the_page_and_nothing_is_stored(login, personas, sub_a):
    client = login(personas["officer_a"])
    damaged = damaged_sheet(fill(_template(client, sub_a), {"B1": {"value": 1}}), excel.FORM_SHEET)
    page = client.post(reverse("index:excel-upload", args=[sub_a.pk]), {"file": xlsx_upload(damaged)})
    assert page.status_code == 200 and not page.context["token"]
    assert "Không đọc được tệp dưới dạng bảng tính Excel: nội dung một trang tính bị hỏng." in page.content.decode()
    assert answer(sub_a, "B1").version == 0


def test_a_form_beyond_the_row_cap_is_refused_naming_the_limit(login, personas, sub_a, settings):
    client = login(personas["officer_a"])
    settings.IMPORT_MAX_ROWS = 3
    page = client.post(reverse("index:excel-upload", args=[sub_a.pk]),
                       {"file": xlsx_upload(fill(_template(client, sub_a), {"B1": {"value": 1}}))})
    assert page.status_code == 200 and not page.context["token"]
    assert f"Trang tính “{excel.FORM_SHEET}” có nhiều hơn 3 dòng." in page.content.decode()
    assert answer(sub_a, "B1").version == 0
