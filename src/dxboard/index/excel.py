"""The self-assessment form as an Excel workbook, and XLSX exports of results and inputs.

Round trip: `form_workbook()` writes a template with the unit's answers and a hidden version per
answer; `FORM_IMPORT` (a core.imports importer) reads an uploaded copy back and checks every row
without writing anything (`parse_form()`, a `FormPreview`), then saves the changed rows through
`actions.save_answer` in one transaction, so a file applies whole or not at all. The version column
is optimistic locking carried through the file: a row someone else changed since the download is a
conflict, never overwritten.

Sheet texts are written in Vietnamese then English; problems are `Message()`s placed by row and column.
"""

from __future__ import annotations

import dataclasses
import io
import re

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dxboard.core import imports
from dxboard.core.i18n import Message, choice_label
from dxboard.core.sheets import SheetError, read_sheets
from dxboard.core.spreadsheets import put

from . import actions
from .models import Answer, Campaign, Indicator, ResultSnapshot, Submission
from .results import not_submitted, ranking

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMAT = "dxboard-index-form/1"
FORM_SHEET = "Tự đánh giá"
HELP_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
META_SHEET = "meta"
MAX_ROWS = 5000  # far above any framework; a bigger sheet is not our template
UPLOAD_MAX_BYTES = 2 * 1024 * 1024

# (key, Vietnamese header, English header, editable)
COLUMNS = [
    ("code", "Mã", "Code", False),
    ("name", "Chỉ tiêu", "Indicator", False),
    ("rule", "Cách tính", "Rule type", False),
    ("max", "Điểm tối đa", "Max points", False),
    ("evidence", "Tài liệu kiểm chứng", "Required evidence", False),
    ("hint", "Cách nhập", "How to answer", False),
    ("value", "Giá trị", "Value", True),
    ("numerator", "Tử số", "Numerator", True),
    ("denominator", "Mẫu số", "Denominator", True),
    ("choice", "Lựa chọn", "Choice", True),
    ("na", "Không áp dụng (x)", "Not applicable (x)", True),
    ("na_reason", "Lý do", "Reason", True),
    ("comment", "Ghi chú", "Comment", True),
    ("version", "version", "version", False),
]
KEYS = [c[0] for c in COLUMNS]
EDITABLE = {c[0] for c in COLUMNS if c[3]}
HEADERS = {key: f"{vi} / {en}" if vi != en else vi for key, vi, en, _e in COLUMNS}
LETTER = {key: get_column_letter(i + 1) for i, key in enumerate(KEYS)}
INPUTS = ("value", "numerator", "denominator", "choice")
WIDTHS = {"code": 9, "name": 46, "rule": 16, "max": 9, "evidence": 40, "hint": 40, "value": 11, "numerator": 11,
          "denominator": 11, "choice": 16, "na": 12, "na_reason": 28, "comment": 28, "version": 8}

RULE_NAMES = {
    "binary": ("Có hoặc không", "Yes or no"),
    "categorical": ("Chọn phương án", "Choice"),
    "fraction": ("Tỷ lệ", "Share"),
    "ratio": ("Tỷ số", "Ratio"),
    "step": ("Theo mức", "Steps"),
    "goalposts": ("Theo khoảng", "Range"),
}

INSTRUCTIONS_VI = [
    "HƯỚNG DẪN NHẬP PHIẾU TỰ ĐÁNH GIÁ",
    "1. Nhập tại trang “Tự đánh giá”, mỗi dòng một chỉ tiêu. Chỉ các ô nền vàng được nhập; các ô khác bị khóa.",
    "2. Cột “Cách nhập” cho biết mỗi chỉ tiêu cần cột nào: Giá trị, Tử số và Mẫu số, hoặc Lựa chọn.",
    "3. Chỉ tiêu có/không: nhập 1 (có) hoặc 0 (không) ở cột Giá trị. Chỉ tiêu chọn phương án: chọn trong danh sách.",
    "4. Chỉ tiêu tỷ lệ: nhập Tử số và Mẫu số (tử số không lớn hơn mẫu số), hoặc tỷ lệ từ 0 đến 1 ở cột Giá trị.",
    "5. Chỉ tiêu không áp dụng với đơn vị: nhập “x” ở cột Không áp dụng và ghi rõ lý do.",
    "6. Số thập phân dùng dấu phẩy hoặc dấu chấm đều được. Không sửa cột Mã và không xóa dòng.",
    "7. Tải tệp lên tại trang tự đánh giá. Hệ thống kiểm tra từng dòng và chỉ ghi khi cả tệp hợp lệ "
    "và người dùng xác nhận; nếu có lỗi thì không dòng nào được ghi.",
    "8. Nếu có người khác đã sửa một chỉ tiêu sau khi tệp này được tải về, dòng đó bị báo xung đột: "
    "hãy tải mẫu mới để xem giá trị hiện tại.",
    "9. Tài liệu kiểm chứng đính kèm trên trang tự đánh giá, không đính kèm trong tệp này.",
]
INSTRUCTIONS_EN = [
    "HOW TO FILL IN THE SELF-ASSESSMENT",
    "1. Enter answers on the sheet “Tự đánh giá”, one row per indicator. Only the yellow cells take input; "
    "the others are locked.",
    "2. The column “How to answer” says which columns an indicator needs: Value, Numerator and Denominator, or Choice.",
    "3. Yes/no indicators: 1 (yes) or 0 (no) in Value. Choice indicators: pick from the list.",
    "4. Share indicators: numerator and denominator (the numerator not above the denominator), or a share "
    "between 0 and 1 in Value.",
    "5. An indicator that does not apply to the unit: “x” in Not applicable, and the reason.",
    "6. Decimals may use a comma or a point. Do not change the Code column and do not delete rows.",
    "7. Upload the file on the self-assessment page. Every row is checked, and nothing is saved until the "
    "whole file is valid and you confirm; with any error, no row is saved.",
    "8. If someone changed an indicator after this file was downloaded, that row is reported as a conflict: "
    "download a new template to see the current value.",
    "9. Evidence documents are attached on the self-assessment page, not in this file.",
]

INPUT_FILL = PatternFill("solid", fgColor="FFF4C2")
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


# -- small helpers --------------------------------------------------------------------------------
def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number_cell(value):
    """What a number column held: None when empty, the number, or the text as typed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return value
    return str(value).strip()


def _xlsx(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _hint(indicator: Indicator) -> str:
    rule = indicator.rule or {}
    kind = rule.get("type", "")
    unit = f" ({indicator.unit_of_measure})" if indicator.unit_of_measure else ""
    if kind == "binary":
        return "Giá trị: 1 = có, 0 = không / Value: 1 = yes, 0 = no"
    if kind == "categorical":
        listed = "; ".join(f"{c} = {p:g} điểm" for c, p in rule.get("choices", []))
        return f"Lựa chọn / Choice: {listed}"
    if kind == "fraction":
        return ("Tử số và Mẫu số, hoặc tỷ lệ 0–1 ở Giá trị / Numerator and denominator, or a share 0–1 "
                "in Value")
    if kind == "ratio":
        den = rule.get("denominator")
        if isinstance(den, str):
            return f"Tử số và Mẫu số ({den}){unit} / Numerator and denominator ({den})"
        return f"Giá trị hoặc Tử số{unit}; mẫu số cố định {_fmt(den)} / Value or numerator; fixed denominator"
    if kind == "step":
        steps = "; ".join(f"≥ {t:g} → {p:g}" for t, p in rule.get("steps", []))
        return f"Giá trị{unit}: {steps} / Value{unit}: points by step"
    if kind == "goalposts":
        return f"Giá trị{unit}: {_fmt(rule.get('low'))} → 0, {_fmt(rule.get('high'))} → tối đa / max"
    return "Giá trị / Value"


def _rule_name(indicator: Indicator) -> str:
    vi, en = RULE_NAMES.get(indicator.rule_type, (indicator.rule_type, indicator.rule_type))
    return f"{vi} / {en}" if vi != en else vi


def _answers(submission: Submission):
    return list(submission.answers.select_related("indicator").order_by("indicator__position", "pk"))


# -- the template ---------------------------------------------------------------------------------
def form_workbook(submission: Submission) -> bytes:
    """The self-assessment form of one submission as an XLSX, pre-filled with the current answers."""
    campaign = submission.campaign
    wb = Workbook()
    help_ws = wb.active
    help_ws.title = HELP_SHEET
    info = [
        ("Đợt đánh giá / Campaign", campaign.name),
        ("Kỳ / Period", campaign.period),
        ("Đơn vị / Unit", f"{submission.unit.name} ({submission.unit.code})"),
        ("Bộ chỉ số / Framework", str(campaign.framework)),
        ("Hạn nộp / Closes", campaign.closes.strftime("%d/%m/%Y")),
        ("Tải về lúc / Downloaded", timezone.localtime().strftime("%d/%m/%Y %H:%M")),
    ]
    row = 1
    for label, value in info:
        put(help_ws, row, 1, label).font = BOLD
        put(help_ws, row, 2, value)
        row += 1
    row += 1
    for block in (INSTRUCTIONS_VI, INSTRUCTIONS_EN):
        for i, line in enumerate(block):
            cell = put(help_ws, row, 1, line)
            if i == 0:
                cell.font = BOLD
            row += 1
        row += 1
    help_ws.column_dimensions["A"].width = 30
    help_ws.column_dimensions["B"].width = 70

    ws = wb.create_sheet(FORM_SHEET)
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    for r, (key, value) in enumerate([("format", FORMAT), ("submission", submission.pk),
                                      ("campaign", campaign.pk), ("unit", submission.unit.code)], start=1):
        put(meta, r, 1, key)
        put(meta, r, 2, value)

    col = {key: i + 1 for i, key in enumerate(KEYS)}
    for key in KEYS:
        cell = put(ws, 1, col[key], HEADERS[key])
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP
        ws.column_dimensions[LETTER[key]].width = WIDTHS[key]
    ws.column_dimensions[LETTER["version"]].hidden = True
    ws.freeze_panes = f"{LETTER['value']}2"

    yes_no = DataValidation(type="list", formula1='"1,0"', allow_blank=True, showErrorMessage=True,
                            errorTitle="Có / không", error="Nhập 1 (có) hoặc 0 (không) / Enter 1 (yes) or 0 (no)")
    not_applicable = DataValidation(type="list", formula1='"x"', allow_blank=True, showErrorMessage=True,
                                    errorTitle="Không áp dụng", error="Nhập x hoặc để trống / Enter x or leave empty")
    numbers = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                             showErrorMessage=True, errorTitle="Số / Number",
                             error="Nhập một số không âm / Enter a number, not negative")
    for dv in (yes_no, not_applicable, numbers):
        ws.add_data_validation(dv)
    list_row = 0
    answers = _answers(submission)
    for r, answer in enumerate(answers, start=2):
        ind = answer.indicator
        values = {
            "code": ind.code, "name": ind.name if not ind.name_en else f"{ind.name}\n{ind.name_en}",
            "rule": _rule_name(ind), "max": ind.max_points, "evidence": ind.evidence, "hint": _hint(ind),
            "value": answer.value, "numerator": answer.numerator, "denominator": answer.denominator,
            "choice": answer.choice or None,
            "na": "x" if answer.state == Answer.State.NOT_APPLICABLE else None,
            "na_reason": answer.na_reason or None, "comment": answer.comment or None, "version": answer.version,
        }
        for key in KEYS:
            cell = put(ws, r, col[key], values[key])
            cell.alignment = WRAP
            if key in EDITABLE:
                cell.protection = Protection(locked=False)
                cell.fill = INPUT_FILL
        kind = ind.rule_type
        if kind == "binary":
            yes_no.add(f"{LETTER['value']}{r}")
        elif kind == "categorical" and (ind.rule or {}).get("choices"):
            list_row += 1
            choices = [c for c, _p in ind.rule["choices"]]
            put(lists, list_row, 1, ind.code)
            for j, choice in enumerate(choices, start=2):
                put(lists, list_row, j, choice)
            first, last = get_column_letter(2), get_column_letter(len(choices) + 1)
            dv = DataValidation(type="list", formula1=f"'{LISTS_SHEET}'!${first}${list_row}:${last}${list_row}",
                                allow_blank=True, showErrorMessage=True, errorTitle="Lựa chọn / Choice",
                                error="Chọn trong danh sách / Pick from the list")
            ws.add_data_validation(dv)
            dv.add(f"{LETTER['choice']}{r}")
        if kind != "binary":
            numbers.add(f"{LETTER['value']}{r}")
        numbers.add(f"{LETTER['numerator']}{r}:{LETTER['denominator']}{r}")
        not_applicable.add(f"{LETTER['na']}{r}")
    ws.protection.sheet = True  # no password: it guards against slips, not against people
    ws.protection.formatRows = False  # rows may still be resized
    ws.protection.formatColumns = False
    wb.active = 1
    return _xlsx(wb)


# -- reading it back ------------------------------------------------------------------------------
AT_ROW = gettext_noop("Row %(row)s")


def _problem(row: int | None, column: str, message) -> imports.Problem:
    """A problem at `column` (a key of COLUMNS, "" for the whole row or file) of a row of the form sheet."""
    if row is None:
        return imports.Problem(message)
    return imports.Problem(message, row, LETTER.get(column, ""), HEADERS.get(column, ""), FORM_SHEET)


@dataclasses.dataclass
class RowPreview:
    row: int
    code: str
    answer: Answer | None = None
    version: int | None = None
    fields: dict = dataclasses.field(default_factory=dict)
    diffs: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)  # (header, before, after)
    problems: list[imports.Problem] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.diffs)


@dataclasses.dataclass
class FormPreview(imports.Preview):
    """`changes` are the changed rows; `rows` every row read, so that an unchanged file says so."""
    rows: list[RowPreview] = dataclasses.field(default_factory=list)


def _file_error(preview: FormPreview, message: str, params: dict | None = None) -> FormPreview:
    preview.problems.append(_problem(None, "", Message(message, params)))
    return preview


def _read_meta(sheets: dict) -> dict:
    out = {}
    for row in sheets.get(META_SHEET, [])[:20]:
        key, value = (tuple(row) + (None, None))[:2]
        if key:
            out[str(key)] = value
    return out


def _current(answer: Answer) -> dict:
    return {"value": answer.value, "numerator": answer.numerator, "denominator": answer.denominator,
            "choice": answer.choice, "state": answer.state, "na_reason": answer.na_reason, "comment": answer.comment}


FIELD_COLUMN = {"value": "value", "numerator": "numerator", "denominator": "denominator", "choice": "choice",
                "state": "na", "na_reason": "na_reason", "comment": "comment"}


def _check_row(submission: Submission, item: RowPreview, cells: dict, answer: Answer) -> None:
    indicator = answer.indicator
    errors = item.problems

    def error(column: str, message: str, params: dict | None = None) -> None:
        errors.append(_problem(item.row, column, Message(message, params)))

    raw = {key: _number_cell(cells.get(key)) for key in ("value", "numerator", "denominator")}
    raw["choice"] = _text(cells.get("choice"))
    # one column at a time, so that each error names its cell
    for key in INPUTS:
        try:
            actions.clean_inputs(indicator, {key: raw[key]})
        except actions.ActionError as exc:
            errors.append(_problem(item.row, key, exc.args[0]))
    if not errors:
        try:
            actions.clean_inputs(indicator, {"numerator": raw["numerator"], "denominator": raw["denominator"]})
        except actions.ActionError as exc:
            errors.append(_problem(item.row, "numerator", exc.args[0]))
    cleaned: dict = {}
    if not errors:
        try:
            cleaned = actions.clean_inputs(indicator, raw)
        except actions.ActionError as exc:  # pragma: no cover - the checks above cover every rule today
            errors.append(_problem(item.row, "value", exc.args[0]))
    na_mark = _text(cells.get("na")).lower()
    if na_mark not in ("", "x"):
        error("na", gettext_noop("Write “x” to mark it not applicable, or leave it empty."))
    not_applicable = na_mark == "x"
    reason = _text(cells.get("na_reason"))
    if not_applicable and not reason:
        error("na_reason", gettext_noop("%(code)s: give the reason it does not apply."), {"code": indicator.code})
    version = cells.get("version")
    if isinstance(version, float) and version.is_integer():
        version = int(version)
    if isinstance(version, str) and version.strip().isdigit():
        version = int(version.strip())
    if not isinstance(version, int) or isinstance(version, bool):
        error("version", gettext_noop("The hidden version column is empty or damaged. Download a new template."))
        version = None
    item.version = version
    if errors:
        return
    item.fields = cleaned | {"state": Answer.State.NOT_APPLICABLE if not_applicable else Answer.State.ANSWERED,
                             "na_reason": reason, "comment": _text(cells.get("comment"))}
    current = _current(answer)
    changed = [key for key, after in item.fields.items() if not _same(current[key], after)]
    item.diffs = [(HEADERS[FIELD_COLUMN[k]], _show(k, current[k]), _show(k, item.fields[k])) for k in changed]
    if not changed:
        return
    first_changed = FIELD_COLUMN[changed[0]]
    if version != answer.version:
        error(first_changed, gettext_noop("%(code)s was changed by someone else after this file was downloaded "
                                          "(version %(yours)s, now %(theirs)s); this row would overwrite their "
                                          "change. Download a new template."),
              {"code": indicator.code, "yours": version, "theirs": answer.version})
    if submission.status == Submission.Status.RETURNED and answer.review != Answer.Review.RETURNED:
        error(first_changed, gettext_noop("%(code)s was not returned by the reviewer and cannot be changed."),
              {"code": indicator.code})


def _same(before, after) -> bool:
    """Equal once empty text and None are taken as the same (0 stays different from empty)."""
    return (None if before == "" else before) == (None if after == "" else after)


def _show(key: str, value) -> str:
    if key == "state":
        return "x" if value == Answer.State.NOT_APPLICABLE else ""
    return _fmt(value)


def parse_form(submission: Submission, uploaded_bytes: bytes) -> FormPreview:
    """Read an uploaded form and check every row. Writes nothing."""
    preview = FormPreview()
    try:
        sheets = read_sheets(uploaded_bytes, only=(FORM_SHEET, META_SHEET))
    except SheetError as exc:
        preview.problems.append(_problem(None, "", exc.message))
        return preview
    _parse(preview, submission, sheets)
    preview.problems += [p for r in preview.rows for p in r.problems]
    preview.changes = [r for r in preview.rows if r.changed]
    return preview


def _parse(preview: FormPreview, submission: Submission, sheets: dict) -> FormPreview:
    if FORM_SHEET not in sheets:
        return _file_error(preview, gettext_noop("This is not the self-assessment template: the sheet “%(sheet)s” "
                                                 "is missing."), {"sheet": FORM_SHEET})
    meta = _read_meta(sheets)
    if str(meta.get("submission", "")) != str(submission.pk):
        return _file_error(preview, gettext_noop("This file was made for another self-assessment (%(other)s). "
                                                 "Download the template of this one."),
                           {"other": meta.get("unit") or "?"})
    if not submission.editable_by_unit:
        return _file_error(preview, gettext_noop("This submission is “%(status)s” and can no longer be changed."),
                           {"status": choice_label(submission, "status")})
    rows = iter(sheets[FORM_SHEET])
    header = [_text(h) for h in next(rows, ())]
    position = {}
    for key in KEYS:
        if HEADERS[key] not in header:
            return _file_error(preview, gettext_noop("The columns of the sheet were changed: column “%(column)s” is "
                                                     "missing. Download a new template."), {"column": HEADERS[key]})
        position[key] = header.index(HEADERS[key])
    framework_codes = set(submission.campaign.framework.indicators.values_list("code", flat=True))
    answers = {a.indicator.code: a for a in _answers(submission)}
    seen: dict[str, int] = {}
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            return _file_error(preview, gettext_noop("The sheet has more than %(n)s rows; it is not the template."),
                               {"n": MAX_ROWS})
        cells = {key: (values[i] if i < len(values) else None) for key, i in position.items()}
        code = _text(cells["code"])
        if not code and all(cells[k] in (None, "") for k in INPUTS + ("na", "na_reason", "comment")):
            continue
        item = RowPreview(number, code)
        preview.rows.append(item)
        if not code:
            item.problems.append(_problem(number, "code", Message(gettext_noop("There is no indicator code on "
                                                                                "this row."))))
        elif code in seen:
            item.problems.append(_problem(number, "code", Message(
                gettext_noop("%(code)s appears more than once (first on row %(first)s)."),
                {"code": code, "first": seen[code]})))
        elif code not in framework_codes:
            item.problems.append(_problem(number, "code", Message(
                gettext_noop("“%(code)s” is not an indicator code of this framework."), {"code": code})))
        elif code not in answers:
            item.problems.append(_problem(number, "code", Message(
                gettext_noop("%(code)s is not part of this unit's self-assessment."), {"code": code})))
        else:
            seen[code] = number
            item.answer = answers[code]
            _check_row(submission, item, cells, item.answer)
    return preview


# -- applying it ----------------------------------------------------------------------------------
class FormImporter(imports.Importer):
    """A unit's answers from its filled-in template; the context names the submission (the view has
    checked that the person may change it) and the file's name, shown again on a refused confirm."""
    key = "index-form"
    changes_template = "index/_excel_changes.html"

    def parse(self, data: bytes, context: dict) -> FormPreview:
        submission = Submission.objects.select_related("campaign__framework", "unit").get(pk=context["submission"])
        preview = parse_form(submission, data)
        preview.context = context
        return preview

    @transaction.atomic
    def apply(self, preview: FormPreview, acting_user) -> int:
        """Save every changed row through `actions.save_answer`, in one transaction: if one row fails (a
        conflict, a permission, a rule), nothing is saved. Returns the rows saved."""
        for item in preview.changes:
            try:
                actions.save_answer(acting_user=acting_user, answer=item.answer, expected_version=item.version,
                                    **item.fields)
            except actions.ActionError as exc:
                # raised inside the atomic block: every row saved before this one is rolled back
                raise type(exc)(f"{Message(AT_ROW, {'row': item.row})}: {exc}") from exc
        return len(preview.changes)


FORM_IMPORT = FormImporter()


# -- exports --------------------------------------------------------------------------------------
def _sheet_title(text: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "-", text).strip() or "sheet"
    base = base[:31]
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def _table(ws, headers: list[str], rows: list[list]) -> None:
    for c, header in enumerate(headers, start=1):
        cell = put(ws, 1, c, header)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP
        ws.column_dimensions[get_column_letter(c)].width = max(10, min(40, len(header) + 2))
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value)
    ws.freeze_panes = "A2"


RANK_HEADERS = ["Hạng / Rank", "Mã đơn vị / Unit code", "Đơn vị / Unit", "Điểm / Points", "Điểm tối đa / Max points",
                "Chỉ số (0–1) / Value (0–1)", "Xếp loại / Grade"]


def results_workbook(snapshot: ResultSnapshot) -> bytes:
    """A result snapshot: the ranking, one ranking per main index, and every unit × node's points."""
    payload = snapshot.payload
    campaign = snapshot.campaign
    nodes = {n["code"]: n for n in payload.get("nodes", [])}
    wb = Workbook()
    taken: set[str] = set()
    ws = wb.active
    ws.title = _sheet_title("Xếp hạng", taken)
    rows = []
    for r in ranking(snapshot):
        interval = r.get("interval") or {}
        rows.append([r["rank"], r["code"], r["name"], r["points"], r["max"], r["value"], r["grade"],
                     interval.get("q05"), interval.get("q95"), interval.get("median")])
    _table(ws, RANK_HEADERS + ["Hạng tốt nhất trong khoảng (5%) / Best rank in interval (5%)",
                               "Hạng kém nhất trong khoảng (95%) / Worst rank in interval (95%)",
                               "Hạng trung vị / Median rank"], rows)
    apart = not_submitted(snapshot)
    if apart:  # never ranked: listed on their own sheet, without rank, points or grade
        sheet = wb.create_sheet(_sheet_title("Chưa nộp", taken))
        _table(sheet, ["Mã đơn vị / Unit code", "Đơn vị / Unit"], [[u["code"], u["name"]] for u in apart])
    for code in payload.get("main", []):
        node = nodes.get(code, {})
        sheet = wb.create_sheet(_sheet_title(code, taken))
        sheet_rows = [[r["rank"], r["code"], r["name"], r["points"], r["max"], r["value"], r["grade"]]
                      for r in ranking(snapshot, node=code)]
        _table(sheet, RANK_HEADERS, sheet_rows)
        sheet.insert_rows(1)
        put(sheet, 1, 1, f"{code} — {node.get('name', '')}").font = BOLD
        sheet.freeze_panes = "A3"
    points = wb.create_sheet(_sheet_title("Điểm chi tiết", taken))
    codes = [n["code"] for n in payload.get("nodes", [])]
    units = sorted(payload.get("units", {}).items())
    _table(points, ["Mã đơn vị / Unit code", "Đơn vị / Unit"] + codes,
           [[code, unit["name"]] + [unit["points"].get(c) for c in codes] for code, unit in units])
    points.insert_rows(2)
    put(points, 2, 2, "Tên / Name — Điểm tối đa / Max")
    for j, c in enumerate(codes, start=3):
        node = nodes[c]
        put(points, 2, j, f"{node.get('name', '')} — {_fmt(node.get('max'))}")
    points.freeze_panes = "C3"
    about = wb.create_sheet(_sheet_title("Thông tin", taken))
    _table(about, ["Mục / Item", "Giá trị / Value"], [
        ["Đợt đánh giá / Campaign", campaign.name],
        ["Kỳ / Period", campaign.period],
        ["Cơ sở / Basis", snapshot.basis],
        ["Tính lúc / Computed", timezone.localtime(snapshot.created).strftime("%d/%m/%Y %H:%M")],
        ["Kết quả chính thức / Official", "x" if campaign.official_id == snapshot.pk else ""],
        ["Dữ liệu đầu vào (SHA-256) / Inputs (SHA-256)", snapshot.inputs_sha256],
        ["Phiên bản / Engine version", snapshot.engine_version],
    ])
    about.column_dimensions["B"].width = 70
    return _xlsx(wb)


INPUT_HEADERS = [
    "Mã đơn vị / Unit code", "Đơn vị / Unit", "Trạng thái phiếu / Submission status", "Mã chỉ tiêu / Indicator code",
    "Chỉ tiêu / Indicator", "Trạng thái / State", "Giá trị / Value", "Tử số / Numerator", "Mẫu số / Denominator",
    "Lựa chọn / Choice", "Lý do không áp dụng / Reason not applicable", "Ghi chú / Comment",
    "Điểm tự chấm / Self points", "Thẩm định / Review", "Ý kiến thẩm định / Review note",
    "Giá trị thẩm định / Verified value", "Tử số thẩm định / Verified numerator",
    "Mẫu số thẩm định / Verified denominator", "Lựa chọn thẩm định / Verified choice",
    "Điểm thẩm định / Verified points", "Số tài liệu kiểm chứng / Evidence count", "Phiên bản / Version",
]


def inputs_workbook(campaign: Campaign) -> bytes:
    """Every answer of every submission of a campaign, with its review and evidence count."""
    answers = (Answer.objects.filter(submission__campaign=campaign)
               .select_related("submission__unit", "indicator")
               .annotate(evidence_count=Count("evidence"))
               .order_by("submission__unit__code", "indicator__position", "pk"))
    rows = []
    for a in answers:
        s = a.submission
        rows.append([s.unit.code, s.unit.name, s.get_status_display(), a.indicator.code, a.indicator.name,
                     a.get_state_display(), a.value, a.numerator, a.denominator, a.choice, a.na_reason, a.comment,
                     a.self_points, a.get_review_display(), a.review_note, a.verified_value, a.verified_numerator,
                     a.verified_denominator, a.verified_choice, a.verified_points, a.evidence_count, a.version])
    wb = Workbook()
    ws = wb.active
    ws.title = "Dữ liệu nhập"
    _table(ws, INPUT_HEADERS, rows)
    return _xlsx(wb)
