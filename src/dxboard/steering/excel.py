"""Plans in Excel: a template with dropdowns, a checked import (preview with errors per row, in the
reader's language; all or nothing), and XLSX exports of any task list and of the summary. Headers are
written in the language of whoever downloads the file; sheet names are Vietnamese, as the template's
import finds them."""

import datetime
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dxboard.core import imports
from dxboard.core.i18n import Message
from dxboard.core.sheets import SheetError, read_rows
from dxboard.core.spreadsheets import append, put
from dxboard.core.text import parse_date
from dxboard.units.models import Unit

from . import actions
from .models import Pillar, Priority, RecurrenceRule
from .status import LABELS

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "Nhiệm vụ"
LISTS = "Danh mục"

COLUMNS = [  # key, header, width
    ("code", _("Code"), 10),
    ("title", _("Title (*)"), 50),
    ("content", _("Content"), 40),
    ("pillar", _("Pillar"), 22),
    ("lead_unit", _("Lead unit (*)"), 36),
    ("coordinating", _("Coordinating units (codes, separated by ;)"), 30),
    ("assigned_by", _("Assigning leader"), 24),
    ("start_date", _("Start date (dd/mm/yyyy)"), 16),
    ("deadline", _("Deadline (*) (dd/mm/yyyy)"), 18),
    ("expected_output", _("Expected output"), 30),
    ("indicator_code", _("Linked indicator"), 16),
    ("priority", _("Priority"), 14),
    ("frequency", _("Recurrence"), 16),
    ("working_day", _("n-th working day"), 14),
]
KEYS = [c[0] for c in COLUMNS]
FREQUENCIES = {"": None, "monthly": "monthly", "quarterly": "quarterly", "yearly": "yearly",
               "hàng tháng": "monthly", "hàng quý": "quarterly", "hàng năm": "yearly"}


def _choice_label(value, label) -> str:
    return f"{value} - {label}"


def _units():
    today = timezone.localdate()
    return list(Unit.objects.filter(kind__in=["department", "commune", "province"])
                .exclude(valid_to__lt=today).order_by("kind", "name"))


def template_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    lists = wb.create_sheet(LISTS)
    for i, (_key, header, width) in enumerate(COLUMNS, 1):
        cell = put(ws, 1, i, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    from django.utils import translation

    with translation.override("vi"):
        pillars = [_choice_label(v, str(lbl)) for v, lbl in Pillar.choices]
        priorities = [_choice_label(v, str(lbl)) for v, lbl in Priority.choices]
    units = [_choice_label(u.code, u.name) for u in _units()]
    freqs = ["monthly", "quarterly", "yearly"]
    for col, values in enumerate([pillars, priorities, units, freqs], 1):
        for row, value in enumerate(values, 1):
            put(lists, row, col, value)
    lists.sheet_state = "hidden"

    def validation(list_col: int, n: int, target: str):
        letter = get_column_letter(list_col)
        dv = DataValidation(type="list", formula1=f"='{LISTS}'!${letter}$1:${letter}${max(n, 1)}", allow_blank=True)
        dv.add(f"{target}2:{target}1000")
        ws.add_data_validation(dv)

    letter = {k: get_column_letter(i) for i, k in enumerate(KEYS, 1)}
    validation(1, len(pillars), letter["pillar"])
    validation(2, len(priorities), letter["priority"])
    validation(3, len(units), letter["lead_unit"])
    validation(4, len(freqs), letter["frequency"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value):
    if value in (None, ""):
        return None
    day = parse_date(value)
    if day is None:
        raise ValueError(_text(value))
    return day


def _code(value: str) -> str:
    return value.split(" - ", 1)[0].strip()


def parse(data: bytes) -> dict:
    """{"rows": [clean rows], "errors": [{row, letter, header, message}]}. Nothing is written."""
    errors: list[dict] = []
    rows: list[dict] = []

    def err(row, key, message, params=None):
        i = KEYS.index(key) + 1 if key else None
        errors.append({"row": row, "letter": get_column_letter(i) if i else "", "header": COLUMNS[i - 1][1] if i
                       else "", "message": Message(message, params)})

    try:
        sheet = read_rows(data, sheet=SHEET)
    except SheetError as exc:
        errors.append({"row": None, "letter": "", "header": "", "message": exc.message})
        return {"rows": rows, "errors": errors}
    units = {u.code: u for u in Unit.objects.all()}
    today = timezone.localdate()
    codes_seen: dict[str, int] = {}
    for r, values in enumerate(sheet[1:], 2):
        values = list(values)[: len(KEYS)] + [None] * max(0, len(KEYS) - len(values))
        raw = dict(zip(KEYS, values, strict=True))
        if all(_text(v) == "" for v in values):
            continue
        row = {"row": r}
        row["code"] = _text(raw["code"])[:40]
        if row["code"]:
            if row["code"] in codes_seen:
                err(r, "code", gettext_noop("The code %(code)s is used twice (rows %(a)s and %(b)s)."),
                    {"code": row["code"], "a": codes_seen[row["code"]], "b": r})
            codes_seen[row["code"]] = r
        row["title"] = _text(raw["title"])
        if not row["title"]:
            err(r, "title", gettext_noop("The title is required."))
        elif len(row["title"]) > 500:
            err(r, "title", gettext_noop("The title is longer than %(n)s characters."), {"n": 500})
        row["content"] = _text(raw["content"])
        pillar = _code(_text(raw["pillar"])) or Pillar.GOVERNMENT
        if pillar not in Pillar.values:
            err(r, "pillar", gettext_noop("Unknown pillar “%(value)s”."), {"value": pillar})
        row["pillar"] = pillar
        lead = _code(_text(raw["lead_unit"]))
        if not lead:
            err(r, "lead_unit", gettext_noop("The lead unit is required."))
        elif lead not in units:
            err(r, "lead_unit", gettext_noop("Unknown unit code “%(value)s”."), {"value": lead})
        elif units[lead].valid_to and units[lead].valid_to < today:
            err(r, "lead_unit", gettext_noop("The unit %(value)s no longer exists."), {"value": lead})
        row["lead_unit"] = lead
        coordinating = [_code(c) for c in _text(raw["coordinating"]).replace(",", ";").split(";") if c.strip()]
        for c in coordinating:
            if c not in units:
                err(r, "coordinating", gettext_noop("Unknown unit code “%(value)s”."), {"value": c})
        row["coordinating"] = coordinating
        row["assigned_by"] = _text(raw["assigned_by"])[:200]
        for key in ("start_date", "deadline"):
            try:
                row[key] = _date(raw[key])
            except ValueError:
                row[key] = None
                err(r, key, gettext_noop("“%(value)s” is not a date (dd/mm/yyyy)."), {"value": _text(raw[key])})
        if row["deadline"] is None and not any(e["row"] == r and e["letter"] == get_column_letter(9) for e in errors):
            err(r, "deadline", gettext_noop("The deadline is required."))
        if row["start_date"] and row["deadline"] and row["deadline"] < row["start_date"]:
            err(r, "deadline", gettext_noop("The deadline is before the start date."))
        row["expected_output"] = _text(raw["expected_output"])[:500]
        row["indicator_code"] = _text(raw["indicator_code"])[:80]
        priority = _code(_text(raw["priority"])) or Priority.NORMAL
        if priority not in Priority.values:
            err(r, "priority", gettext_noop("Unknown priority “%(value)s”."), {"value": priority})
        row["priority"] = priority
        freq = _text(raw["frequency"]).lower()
        if freq not in FREQUENCIES:
            err(r, "frequency", gettext_noop("Unknown recurrence “%(value)s” (monthly, quarterly, yearly)."),
                {"value": freq})
        row["frequency"] = FREQUENCIES.get(freq)
        row["working_day"] = None
        if row["frequency"]:
            try:
                n = int(_text(raw["working_day"]) or 5)
                if not (1 <= n <= 20 or n == -1):
                    raise ValueError
                row["working_day"] = n
            except ValueError:
                err(r, "working_day", gettext_noop("The working day must be a number from 1 to 20 (or -1)."))
        rows.append(row)
    if not rows and not errors:
        err(None, None, gettext_noop("The sheet has no task."))
    return {"rows": rows, "errors": errors}


@transaction.atomic
def apply(*, acting_user, data: bytes, plan_fields: dict, document_fields: dict | None) -> "actions.Plan":
    """Parse again and create the document, the plan and every task in one transaction (all or nothing)."""
    parsed = parse(data)
    if parsed["errors"]:
        raise actions.ActionError(parsed["errors"][0]["message"])
    return _write(acting_user, parsed["rows"], plan_fields, document_fields)


def _write(acting_user, rows: list[dict], plan_fields: dict, document_fields: dict | None) -> "actions.Plan":
    document = actions.create_document(acting_user=acting_user, **document_fields) if document_fields else None
    plan = actions.create_plan(acting_user=acting_user, document=document, **plan_fields)
    units = {u.code: u for u in Unit.objects.all()}
    for row in rows:
        recurrence = None
        if row["frequency"]:
            recurrence = RecurrenceRule.objects.create(frequency=row["frequency"], working_day=row["working_day"])
        actions.create_task(
            acting_user=acting_user, plan=plan, title=row["title"], lead_unit=units[row["lead_unit"]],
            deadline=row["deadline"], coordinating_units=[units[c] for c in row["coordinating"]],
            recurrence=recurrence, code=row["code"], content=row["content"], pillar=row["pillar"],
            assigned_by=row["assigned_by"], start_date=row["start_date"], expected_output=row["expected_output"],
            indicator_code=row["indicator_code"], priority=row["priority"])
    return plan


class PlanImporter(imports.Importer):
    """A plan and its tasks from the template; the context is the plan form's fields (dates as ISO text)."""
    key = "steering-plan"
    changes_template = "steering/_plan_import_changes.html"

    def parse(self, data: bytes, context: dict) -> imports.Preview:
        parsed = parse(data)
        problems = [imports.Problem(e["message"], e["row"], e["letter"], e["header"], SHEET)
                    for e in parsed["errors"]]
        return imports.Preview(problems=problems, changes=parsed["rows"], context=context)

    def apply(self, preview: imports.Preview, acting_user) -> "actions.Plan":
        from .summary import province_unit

        fields = preview.context
        unit = province_unit()
        if unit is None:
            raise actions.ActionError(_("No province unit is loaded."))
        plan_fields = {"unit": unit, "title": fields["title"], "year": int(fields["year"]),
                       "start": datetime.date.fromisoformat(fields["start"]),
                       "end": datetime.date.fromisoformat(fields["end"])}
        document_fields = {"number": fields["doc_number"], "date": datetime.date.fromisoformat(fields["doc_date"]),
                           "issuer": fields["doc_issuer"], "kind": fields["doc_kind"], "title": fields["title"]}
        return _write(acting_user, preview.changes, plan_fields, document_fields)


PLAN_IMPORT = PlanImporter()


def _sheet(ws, headers, rows, widths=None):
    for i, h in enumerate(headers, 1):
        c = put(ws, 1, i, h)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[get_column_letter(i)].width = (widths or {}).get(i, 18)
    for r, row in enumerate(rows, 2):
        for i, v in enumerate(row, 1):
            cell = put(ws, r, i, v)
            if isinstance(v, datetime.date):
                cell.number_format = "dd/mm/yyyy"
    ws.freeze_panes = "A2"


TASK_HEADERS = [_("Code"), _("Task"), _("Plan"), _("Lead unit"), _("Coordinating units"), _("Deadline"),
                _("Effective deadline"), _("Progress (%)"), _("Completed on"), _("Status")]


def tasks_workbook(tasks) -> bytes:
    """Any task list (annotated with status) as XLSX."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    rows = [[t.code, t.title, t.plan.title, t.lead_unit.name, "; ".join(u.name for u in t.coordinating_units.all()),
             t.deadline, t.effective_deadline, t.progress, t.completed_on, LABELS[t.status]] for t in tasks]
    _sheet(ws, TASK_HEADERS, rows, {2: 60, 3: 30, 4: 30, 5: 30, 10: 30})
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def summary_workbook(summary: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    total = summary["total"]
    for label, value in ((_("Period"), str(summary["period"].label)), (_("Tasks due"), total.denominator),
                         (_("Completed"), total.completed), (_("of which on time"), total.on_time),
                         (_("Overdue, not completed"), total.overdue), (_("Completion rate (%)"), _pct(total.rate)),
                         (_("On-time share (%)"), _pct(total.on_time_share))):
        append(ws, [label, value])
    ws.column_dimensions["A"].width = 45
    ws.column_dimensions["B"].width = 20
    units = wb.create_sheet("Đơn vị")
    _sheet(units, [_("Rank"), _("Unit"), _("Completed"), _("On time"), _("Overdue"), _("Completion rate (%)"),
                   _("On-time share (%)"), _("Change (percentage points)")],
           [[row["rank"], row["unit"].name, row["rates"].completed, row["rates"].on_time, row["rates"].overdue,
             _pct(row["rates"].rate), _pct(row["rates"].on_time_share), row["change"]] for row in summary["league"]],
           {2: 40})
    tasks = wb.create_sheet("Quá hạn")
    _sheet(tasks, TASK_HEADERS, [[t.code, t.title, t.plan.title, t.lead_unit.name, "", t.deadline,
                                  t.effective_deadline, t.progress, t.completed_on, LABELS[t.status]]
                                 for t in summary["overdue"]], {2: 60, 3: 30, 4: 30})
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _pct(value):
    return None if value is None else round(value * 100, 1)
