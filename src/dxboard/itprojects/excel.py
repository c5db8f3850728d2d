"""The registry in Excel: export the systems a person may see; import a filled-in copy.

`export_workbook()` writes one row per system (row 1 headers in the reader's language, row 2 the field
keys the import reads, data from row 3) and a sheet of allowed values. `RegistryImporter` plugs the
import into core.imports: its `parse` checks every row of an uploaded copy without writing anything (a
preview of creations and changes, or problems naming row and column), its `apply` writes all rows through
the actions, in the pipeline's one transaction, so a file applies whole or not at all. A row whose code
names a system the person may not change is a problem, never a write.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import re
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from dxboard.accounts.permissions import can
from dxboard.core import imports
from dxboard.core.i18n import Message
from dxboard.core.sheets import SheetError, read_sheets
from dxboard.core.spreadsheets import append, put
from dxboard.core.text import parse_date
from dxboard.units.models import Unit

from . import actions
from .models import Delivery, Domain, Funding, Hosting, Level, SecurityStatus, Stage, System

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "Hệ thống"
LISTS_SHEET = "Danh mục"
MAX_ROWS = 2000
UPLOAD_MAX_BYTES = 2 * 1024 * 1024

TEXT, INT, MONEY, DATE, BOOL, UNIT, CHOICE = "text", "int", "money", "date", "bool", "unit", "choice"
# (field, Vietnamese header, English header, type, choices or None, required)
COLUMNS = [
    ("code", "Mã hệ thống", "Code", TEXT, None, True),
    ("name", "Tên hệ thống", "Name", TEXT, None, True),
    ("kind", "Loại", "Kind", CHOICE, System.Kind, False),
    ("purpose", "Mục tiêu, chức năng", "Purpose", TEXT, None, False),
    ("function", "Mã chức năng", "Function key", TEXT, None, False),
    ("owner", "Đơn vị chủ quản (mã)", "Owner unit (code)", UNIT, None, True),
    ("operator", "Đơn vị vận hành (mã)", "Operator unit (code)", UNIT, None, False),
    ("origin", "Nguồn gốc trước sáp nhập (mã)", "Origin before merger (code)", UNIT, None, False),
    ("domain", "Lĩnh vực", "Domain", CHOICE, Domain, True),
    ("level", "Cấp phục vụ", "Level served", CHOICE, Level, False),
    ("stage", "Giai đoạn", "Stage", CHOICE, Stage, False),
    ("go_live", "Đưa vào sử dụng", "In service since", DATE, None, False),
    ("retired_on", "Dừng sử dụng", "Retired on", DATE, None, False),
    ("decision_number", "Số quyết định đầu tư", "Investment decision number", TEXT, None, False),
    ("decision_date", "Ngày quyết định", "Decision date", DATE, None, False),
    ("funding", "Nguồn vốn", "Funding source", CHOICE, Funding, False),
    ("budget_approved", "Tổng mức được duyệt (triệu đồng)", "Approved budget (million VND)", MONEY, None, False),
    ("budget_disbursed", "Đã giải ngân (triệu đồng)", "Disbursed (million VND)", MONEY, None, False),
    ("delivery", "Đầu tư hay thuê dịch vụ", "Investment or service", CHOICE, Delivery, False),
    ("contractor", "Nhà thầu", "Contractor", TEXT, None, False),
    ("hosting", "Nơi đặt hệ thống", "Hosting", CHOICE, Hosting, False),
    ("security_level", "Cấp độ ATTT", "Security level", INT, None, False),
    ("security_status", "Tình trạng cấp độ", "Security level status", CHOICE, SecurityStatus, False),
    ("security_decision", "Quyết định phê duyệt cấp độ", "Security decision", TEXT, None, False),
    ("security_assessed", "Kiểm tra, đánh giá gần nhất", "Last assessment", DATE, None, False),
    ("lgsp", "Kết nối LGSP (x)", "LGSP (x)", BOOL, None, False),
    ("ndxp", "Kết nối NDXP (x)", "NDXP (x)", BOOL, None, False),
    ("national_databases", "CSDL quốc gia kết nối", "National databases", TEXT, None, False),
    ("apis", "API cung cấp", "APIs", TEXT, None, False),
    ("target_users", "Số người dùng mục tiêu", "Target users", INT, None, False),
    ("monthly_active_users", "Người dùng hoạt động/tháng", "Monthly active users", INT, None, False),
    ("monthly_transactions", "Giao dịch/tháng", "Monthly transactions", INT, None, False),
    ("incidents_year", "Sự cố trong năm", "Incidents this year", INT, None, False),
    ("yearly_cost", "Chi phí hằng năm (triệu đồng)", "Yearly cost (million VND)", MONEY, None, False),
]
KEYS = [c[0] for c in COLUMNS]
LETTER = {c[0]: get_column_letter(i + 1) for i, c in enumerate(COLUMNS)}


def _spoken(vi: str, en: str) -> str:
    """The Vietnamese or the English wording, whichever the reader's language is."""
    return vi if (translation.get_language() or "vi").startswith("vi") else en


spoken = lazy(_spoken, str)
HEADER = {c[0]: spoken(c[1], c[2]) for c in COLUMNS}
CODE_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


# -- export -----------------------------------------------------------------------------------------
def _cell(system: System, key: str, kind: str):
    value = getattr(system, key)
    if kind == UNIT:
        return value.code if value is not None else None
    if kind == BOOL:
        return "x" if value else None
    if kind == MONEY:
        return float(value) if value is not None else None
    return value if value != "" else None


def export_workbook(systems) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    header_fill = PatternFill("solid", fgColor="DDE3EA")
    for i, (key, *_rest) in enumerate(COLUMNS, start=1):
        header = put(ws, 1, i, HEADER[key])
        header.font, header.fill = Font(bold=True), header_fill
        put(ws, 2, i, key).font = Font(italic=True, color="777777")
        ws.column_dimensions[get_column_letter(i)].width = 28 if key in ("name", "purpose") else 16
    for r, system in enumerate(systems, start=3):
        for i, (key, _vi, _en, kind, _choices, _req) in enumerate(COLUMNS, start=1):
            put(ws, r, i, _cell(system, key, kind))
    ws.freeze_panes = "C3"
    lists = wb.create_sheet(LISTS_SHEET)
    append(lists, [_spoken("Cột", "Column"), _spoken("Giá trị", "Value"), _spoken("Nghĩa", "Meaning")])
    for key, _vi, _en, kind, choices, _req in COLUMNS:
        if kind == CHOICE:
            for value, label in choices.choices:
                append(lists, [HEADER[key], value, label])
    lists.append([])
    append(lists, [_spoken(
        "Hàng 2 chứa mã cột, không sửa. Ngày dạng dd/mm/yyyy. Số tiền tính bằng triệu đồng.",
        "Row 2 holds the column keys: do not change it. Dates as dd/mm/yyyy. Money in million VND.")])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- import (through core.imports) -------------------------------------------------------------------
@dataclasses.dataclass
class Change:
    row: int
    code: str
    system: System | None  # None: a new system
    fields: dict
    diffs: list[tuple[str, object, object]]

    @property
    def is_new(self) -> bool:
        return self.system is None


@dataclasses.dataclass
class RegistryPreview(imports.Preview):
    unchanged: int = 0  # rows of the file that match the registry already


def _problem(row, key: str, message, params: dict | None = None) -> imports.Problem:
    """A problem at a row and column of the sheet; `message` a gettext_noop text (with `params`) or a Message."""
    if isinstance(message, str):
        message = Message(message, params)
    return imports.Problem(message, row, LETTER.get(key, ""), HEADER.get(key, ""), SHEET)


def _value(raw, kind, choices, units: dict):
    """Read one cell; raises ValueError with a Message."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if kind == TEXT:
        return str(raw).strip()
    if kind == INT:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, bool) or not re.fullmatch(r"\d+", str(raw).strip().replace(".", "")):
            raise ValueError(Message(gettext_noop("Enter a whole number.")))
        return int(str(raw).strip().replace(".", ""))
    if kind == MONEY:
        text = str(raw).strip().replace(" ", "")
        if not isinstance(raw, (int, float)) and "," in text:
            text = text.replace(".", "").replace(",", ".")  # Vietnamese: 1.500,5
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(Message(gettext_noop("Enter an amount in million VND."))) from None
        if not value.is_finite():
            raise ValueError(Message(gettext_noop("Enter an amount in million VND.")))
        if value < 0:
            raise ValueError(Message(gettext_noop("The amount cannot be negative.")))
        return value.quantize(Decimal("0.1"))
    if kind == DATE:
        day = parse_date(raw)
        if day is None:
            raise ValueError(Message(gettext_noop("Enter a date as dd/mm/yyyy.")))
        return day
    if kind == BOOL:
        text = str(raw).strip().lower()
        if text in ("x", "1", "true", "có", "co", "yes"):
            return True
        if text in ("0", "false", "không", "khong", "no"):
            return False
        raise ValueError(Message(gettext_noop("Enter x for yes, or leave empty.")))
    if kind == UNIT:
        unit = units.get(str(raw).strip())
        if unit is None:
            raise ValueError(Message(gettext_noop("No unit has the code “%(code)s”."), {"code": raw}))
        return unit
    if kind == CHOICE:
        text = str(raw).strip().lower()
        for value, label in choices.choices:
            if text in (value, str(label).lower()):
                return value
        raise ValueError(Message(gettext_noop("“%(value)s” is not one of: %(values)s."),
                                   {"value": raw, "values": ", ".join(choices.values)}))
    raise AssertionError(kind)


DEFAULTS = {"kind": System.Kind.SYSTEM, "level": Level.PROVINCE, "stage": Stage.PLANNED,
            "security_status": SecurityStatus.NONE, "lgsp": False, "ndxp": False}


def _blank(key: str, kind: str):
    if key in DEFAULTS:
        return DEFAULTS[key]
    return "" if kind in (TEXT, CHOICE) else None


class RegistryImporter(imports.Importer):
    """The registry rows of one person's file: a row may create or change only systems of that person's units.
    Made per request for the person importing; the context is empty."""
    key = "itprojects-registry"
    changes_template = "itprojects/_import_changes.html"
    max_bytes = UPLOAD_MAX_BYTES

    def __init__(self, user):
        self.user = user

    def parse(self, data: bytes, context: dict) -> RegistryPreview:
        preview = RegistryPreview(context=context)
        _check(self.user, data, preview)
        return preview

    def apply(self, preview: RegistryPreview, acting_user) -> int:
        """Write every change of a checked preview; core.imports runs it in one transaction."""
        for change in preview.changes:
            if change.is_new:
                actions.create_system(acting_user=acting_user, **change.fields)
            else:
                actions.update_system(acting_user=acting_user, system=change.system, **change.fields)
        return len(preview.changes)


def _check(user, data: bytes, preview: RegistryPreview) -> None:
    """Every problem of the file into `preview.problems`; the rows without one into `preview.changes` (or its
    `unchanged` count)."""
    problems = preview.problems
    try:
        sheets = read_sheets(data, only=(SHEET,))
    except SheetError as exc:
        problems.append(imports.Problem(exc.message))
        return
    if SHEET not in sheets:
        problems.append(_problem(None, "", gettext_noop(
            "The workbook has no sheet “%(sheet)s”: use the exported file."), {"sheet": SHEET}))
        return
    rows = sheets[SHEET]
    if len(rows) < 2 or [str(c).strip() if c else "" for c in rows[1][:len(KEYS)]] != KEYS:
        problems.append(_problem(2, "", gettext_noop(
            "Row 2 must hold the column keys of the exported file, unchanged.")))
        return
    if len(rows) > MAX_ROWS + 2:
        problems.append(_problem(None, "", gettext_noop("The file has more than %(n)s rows."), {"n": MAX_ROWS}))
        return
    units = {u.code: u for u in Unit.objects.all()}
    existing = {s.code: s for s in System.objects.select_related("owner", "operator", "origin")}
    changeable = set(System.objects.restrict(user, "change").values_list("pk", flat=True))
    seen: set[str] = set()
    for r, row in enumerate(rows[2:], start=3):
        cells = dict(zip(KEYS, list(row) + [None] * (len(KEYS) - len(row)), strict=False))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        fields: dict = {}
        row_ok = True
        for key, _vi, _en, kind, choices, required in COLUMNS:
            try:
                value = _value(cells[key], kind, choices, units)
            except ValueError as exc:
                problems.append(_problem(r, key, exc.args[0]))
                row_ok = False
                continue
            if value is None:
                if required:
                    problems.append(_problem(r, key, gettext_noop("This cell is required.")))
                    row_ok = False
                    continue
                value = _blank(key, kind)
            fields[key] = value
        if not row_ok:
            continue
        code = fields["code"]
        if not CODE_RE.match(code):
            problems.append(_problem(r, "code", gettext_noop("A code uses letters, digits, - and _ only.")))
            continue
        if code in seen:
            problems.append(_problem(r, "code", gettext_noop("The code “%(code)s” appears twice in the file."),
                                     {"code": code}))
            continue
        seen.add(code)
        system = existing.get(code)
        if system is not None and system.pk not in changeable:
            problems.append(_problem(r, "code", gettext_noop("You may not change the system “%(code)s”."),
                                     {"code": code}))
            continue
        owner = fields["owner"]
        if (system is None or owner.pk != system.owner_id) and not can(user, "add", owner, System):
            problems.append(_problem(r, "owner", gettext_noop("You may not register systems for %(unit)s."),
                                     {"unit": owner}))
            continue
        probe = System(**{**(snapshot_fields(system) if system else {}), **fields})
        try:
            actions.check_system(probe)
        except actions.ActionError as exc:
            problems.append(_problem(r, exc.field, exc.args[0]))
            continue
        if system is None:
            preview.changes.append(Change(r, code, None, fields, [(HEADER[k], None, v) for k, v in fields.items()
                                                                  if v not in ("", None, False)]))
            continue
        diffs = [(HEADER[k], _shown(getattr(system, k)), _shown(v)) for k, v in fields.items()
                 if _norm(getattr(system, k)) != _norm(v)]
        if diffs:
            changed = {k: v for k, v in fields.items() if _norm(getattr(system, k)) != _norm(v)}
            preview.changes.append(Change(r, code, system, changed, diffs))
        else:
            preview.unchanged += 1


def snapshot_fields(system: System) -> dict:
    return {k: getattr(system, k) for k in actions.SYSTEM_FIELDS}


def _norm(value):
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.1"))
    if isinstance(value, Unit):
        return value.pk
    return value


def _shown(value):
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if value in ("", None):
        return None
    return str(value)
