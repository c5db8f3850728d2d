"""The shared import pipeline (core/imports.py) with a tiny importer of permission groups, one per row."""

import io
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from openpyxl import Workbook

from dxboard.core import imports
from dxboard.core.sheets import SheetError, read_rows

pytestmark = pytest.mark.django_db


class GroupImporter(imports.Importer):
    """Column A: a group name, new and not blank. A name "fails on write" makes apply fail at that row."""
    key = "test-groups"

    def parse(self, data, context):
        try:
            rows = read_rows(data)
        except SheetError as exc:
            return imports.Preview(problems=[imports.Problem(exc.message)])
        problems, names = [], []
        for number, values in enumerate(rows[1:], 2):
            name = str(values[0] or "").strip() if values else ""
            if not name:
                problems.append(imports.Problem("The name is required.", number, "A", "Name", "Sheet"))
            elif Group.objects.filter(name=name).exists():
                problems.append(imports.Problem("This group exists already.", number, "A", "Name", "Sheet"))
            names.append((number, name))
        return imports.Preview(problems=problems, changes=names, context=context)

    def apply(self, preview, acting_user):
        for number, name in preview.changes:
            if name == "fails on write":
                raise RuntimeError(f"row {number}")
            Group.objects.create(name=name)
        return len(preview.changes)


IMPORTER = GroupImporter()


def workbook(*names) -> bytes:
    wb = Workbook()
    wb.active.append(["Name"])
    for name in names:
        wb.active.append([name])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def session():
    return import_module(settings.SESSION_ENGINE).SessionStore()


def test_problems_carry_row_and_column():
    preview = IMPORTER.parse(workbook("a", "", "c"), {})
    assert not preview.ok
    assert [(p.row, p.column, p.field) for p in preview.problems] == [(3, "A", "Name")]


def test_a_failure_in_row_3_of_apply_leaves_rows_1_and_2_unwritten():
    with pytest.raises(RuntimeError, match="row 4"):
        imports.apply(IMPORTER, workbook("first", "second", "fails on write"), {}, acting_user=None)
    assert not Group.objects.filter(name__in=["first", "second"]).exists()


def test_staged_file_applies_once_with_its_token(session):
    token = imports.stage(session, IMPORTER, workbook("first", "second"), {"note": "x"})
    assert imports.unstage(session, IMPORTER, "not-the-token") is None
    data, context = imports.unstage(session, IMPORTER, token)
    assert context == {"note": "x"}
    assert imports.apply(IMPORTER, data, context, acting_user=None) == 2
    assert set(Group.objects.values_list("name", flat=True)) == {"first", "second"}
    assert imports.unstage(session, IMPORTER, token) is None  # used: a second confirm applies nothing


def test_an_expired_preview_applies_nothing(session, monkeypatch):
    token = imports.stage(session, IMPORTER, workbook("first"), {})
    monkeypatch.setattr(imports, "STAGING_SECONDS", -1)
    assert imports.unstage(session, IMPORTER, token) is None
    assert not Group.objects.exists()


def test_the_file_is_checked_again_on_apply(session):
    token = imports.stage(session, IMPORTER, workbook("first", "second"), {})
    Group.objects.create(name="second")  # the data moved between preview and confirm
    data, context = imports.unstage(session, IMPORTER, token)
    with pytest.raises(imports.ImportRefused) as refused:
        imports.apply(IMPORTER, data, context, acting_user=None)
    assert [(p.row, p.column) for p in refused.value.preview.problems] == [(3, "A")]
    assert not Group.objects.filter(name="first").exists()


def test_a_damaged_file_is_one_problem_for_the_whole_file():
    preview = IMPORTER.parse(b"PK\x03\x04 not a workbook", {})
    assert [(p.row, p.column) for p in preview.problems] == [(None, "")]
    assert "Excel" in str(preview.problems[0].message)
