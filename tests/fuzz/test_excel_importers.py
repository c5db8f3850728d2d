"""Fuzz targets for the platform's file importers: each starts from the file the module itself hands out
(template or export), lets hypothesis type anything into its cells, and reads it back the way the upload
page does. Whatever was typed: a preview (with row errors naming the row) or the module's own clear
error — never another exception; and an import that reports success really applied, all or nothing.

Covered: the self-assessment form (index/excel.py), the steering plan import (steering/excel.py), the IT
registry import (itprojects/excel.py), the KPI upload (kpi/upload.py + actions, CSV and XLSX), and the
index engine's framework and data workbooks (dxindex iMeta / iData XLSX). The YAML and CSV readers of the
engine are in test_importers.py."""

import datetime
import io
import os

import openpyxl
import pytest
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("DXBOARD_FUZZ_EXAMPLES", "12"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# What a person (or a broken export) might leave in a cell. Control characters are left out: openpyxl
# cannot write them, so no workbook can carry them.
PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc"))
CELL = st.one_of(
    st.none(), st.text(PRINTABLE, max_size=25), st.integers(-10**15, 10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(datetime.date(1900, 3, 1), datetime.date(2100, 1, 1)),
    st.sampled_from(["=1/0", "=A1+B2", "#N/A", "NA", "x", "X", "-1", "1e309", "0,5", "3.334.900", "không áp dụng",
                     "07210", "07210 - Phường Bắc Giang", "SKHCN; 09187; NOPE", "31/02/2025", "01/01/2025",
                     "2026-W02", "2026-13", "chua", "dung_han", "high - Cao", "monthly", " ", "é" * 300]),
)


def edits(rows: int, columns: int):
    return st.lists(st.tuples(st.integers(1, rows), st.integers(1, columns), CELL), max_size=8)


def typed_into(data: bytes, changes, sheet: str | None = None) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[sheet] if sheet else wb.worksheets[0]
    for row, column, value in changes:
        ws.cell(row=row, column=column).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def clear(message) -> None:
    """A message a person can act on, in their language: Vietnamese by default, English when chosen —
    each whole, never one beside the other."""
    vietnamese = str(message)
    assert len(vietnamese) > 8, vietnamese
    if isinstance(message, Promise):  # a lazy message: its English is another text, not a half of this one
        with translation.override("en"):
            english = str(message)
        assert vietnamese != english and english not in vietnamese, vietnamese


def rolled_back(run):
    """Apply inside a savepoint that is then rolled back, so each example starts from the same data."""
    with transaction.atomic():
        result = run()
        transaction.set_rollback(True)
    return result


# -- the self-assessment form (fixtures from tests/dxboard/index/conftest.py, see conftest.py here) ----


@FUZZ
@given(changes=edits(12, 12))
@example(changes=[])  # the file as handed out
def test_self_assessment_form(sub_a, personas, changes):
    from dxboard.index import actions, excel

    data = typed_into(excel.form_workbook(sub_a), changes, excel.FORM_SHEET)
    preview = excel.FORM_IMPORT.parse(data, {"submission": sub_a.pk, "name": "form.xlsx"})
    for problem in preview.problems:
        clear(problem.message)
    if preview.ok and preview.changes:
        try:
            rolled_back(lambda: excel.FORM_IMPORT.apply(preview, acting_user=personas["officer_a"]))
        except actions.ActionError as exc:
            clear(exc)


# -- the steering plan import -------------------------------------------------------------------------
@FUZZ
@given(changes=edits(6, 15))
@example(changes=[])  # the file as handed out
def test_steering_plan_import(tree, personas, changes):
    from dxboard.steering import actions, excel
    from dxboard.steering.models import Task

    data = typed_into(excel.template_workbook(), changes, excel.SHEET)
    parsed = excel.parse(data)
    for error in parsed["errors"]:
        clear(error["message"])
    if parsed["errors"]:
        return
    fields = {"unit": tree["P"], "title": "Kế hoạch thử", "year": 2025, "start": datetime.date(2025, 1, 1),
              "end": datetime.date(2025, 12, 31)}
    before = Task.objects.count()

    def apply():
        plan = excel.apply(acting_user=personas["admin"], data=data, plan_fields=fields, document_fields=None)
        return plan.tasks.filter(parent=None).count()

    try:
        created = rolled_back(apply)
    except actions.ActionError as exc:
        clear(exc)
    else:
        assert created == len(parsed["rows"])  # every row a task: all, not some
    assert Task.objects.count() == before


# -- the IT registry import ---------------------------------------------------------------------------
@pytest.fixture
def registry(tree):
    from tests.dxboard.itprojects.conftest import make_system

    make_system(tree["A"], "sys-a", go_live=datetime.date(2024, 1, 1))
    make_system(tree["B"], "sys-b")


@FUZZ
@given(changes=edits(6, 30))
@example(changes=[])  # the file as handed out
def test_it_registry_import(registry, personas, changes):
    from dxboard.core import imports
    from dxboard.itprojects import actions, excel
    from dxboard.itprojects.models import System

    data = typed_into(excel.export_workbook(System.objects.all()), changes, excel.SHEET)
    importer = excel.RegistryImporter(personas["officer_a"])
    preview = importer.parse(data, {})
    for problem in preview.problems:
        clear(problem.message)
    if preview.ok and preview.changes:
        try:
            rolled_back(lambda: imports.apply(importer, data, {}, acting_user=personas["officer_a"]))
        except actions.ActionError as exc:
            clear(exc)


# -- the KPI upload -----------------------------------------------------------------------------------
def _kpi_read_and_store(data: bytes, kind: str, officer):
    from dxboard.core import imports
    from dxboard.kpi import upload

    preview = upload.KPI_IMPORT.parse(data, {"kind": kind, "user": officer.pk})
    last = len(data.splitlines()) if kind == "csv" else float("inf")
    for problem in preview.problems:
        assert problem.row is None or 2 <= problem.row <= last  # a row of the file, under its header
        clear(problem.message)
    if preview.ok:  # a file that previews clean is applied whole
        rolled_back(lambda: imports.apply(upload.KPI_IMPORT, data, preview.context, acting_user=officer))


@pytest.fixture
def kpi_metric(db):
    from tests.dxboard.kpi.conftest import make_metric

    return make_metric()


@FUZZ
@given(changes=edits(4, 7))
@example(changes=[])  # the file as handed out
def test_kpi_upload_xlsx(tree, personas, kpi_metric, changes):
    from dxboard.kpi import upload

    data = typed_into(upload.template(kpi_metric, [tree["A"], tree["B"]], "2026-W02"), changes)
    _kpi_read_and_store(data, "xlsx", personas["officer_a"])


@FUZZ
@given(text=st.lists(st.sampled_from(["metric,unit,period,numerator,denominator\n", "T_RATE,07210,2026-W02,3,4\n",
                                      "T_RATE;09187;2026-W02;1;2\n", ",", ";", "\n", "\"", "NA", "-1", "1e309",
                                      "0,5", "07210", "2026-W53", "x"]), max_size=12).map("".join),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
def test_kpi_upload_csv(tree, personas, kpi_metric, text, encoding):
    _kpi_read_and_store(text.encode(encoding, errors="replace"), "csv", personas["officer_a"])


# -- the engine's framework (iMeta) and data (iData) workbooks ----------------------------------------
@pytest.fixture(scope="module")
def engine_workbooks(tmp_path_factory):
    from pathlib import Path

    import dxindex

    root = Path(__file__).resolve().parents[2]
    folder = tmp_path_factory.mktemp("engine")
    framework = dxindex.read_framework(root / "frameworks" / "dti-2022-province.yaml")
    dxindex.write_framework(framework, folder / "framework.xlsx")
    return framework, (folder / "framework.xlsx").read_bytes()


@FUZZ
@given(changes=edits(8, 12))
@example(changes=[])  # the file as handed out
def test_framework_workbook(tmp_path_factory, engine_workbooks, changes):
    import dxindex

    path = tmp_path_factory.mktemp("fw") / "khung.xlsx"
    path.write_bytes(typed_into(engine_workbooks[1], changes))
    try:
        framework = dxindex.read_framework(path)
    except dxindex.InputError as exc:
        assert "khung.xlsx" in str(exc)
    else:
        assert framework.codes


@FUZZ
@given(changes=edits(6, 8))
@example(changes=[])  # the file as handed out
def test_data_workbook(tmp_path_factory, engine_workbooks, changes):
    import dxindex

    framework = engine_workbooks[0]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["unit", "indicator", "value"])
    for unit in ("DN", "HN"):
        for code in sorted(framework.codes)[:5]:
            ws.append([unit, code, 0.5])
    out = io.BytesIO()
    wb.save(out)
    path = tmp_path_factory.mktemp("data") / "so-lieu.xlsx"
    path.write_bytes(typed_into(out.getvalue(), changes))
    try:
        data = dxindex.read_data(path)
        dxindex.compute(framework, data)
    except dxindex.InputError as exc:
        assert "so-lieu.xlsx" in str(exc) or exc.reason_en

