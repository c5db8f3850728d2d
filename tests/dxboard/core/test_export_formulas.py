"""Spreadsheet formula injection: every XLSX export writes text that begins with "=", "+", "-", "@", a tab or
a carriage return as text — the reader's Excel shows it as typed and evaluates nothing. Each export is
downloaded through its page by the persona who may, and opened with openpyxl."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from dxboard.core.spreadsheets import append, put
from dxboard.units.models import Unit
from tests.dxboard.itprojects.conftest import make_system
from tests.dxboard.kpi.conftest import make_metric, obs

LINK = '=HYPERLINK("http://x","y")'
PLUS, MINUS, AT = "+1", "-2+3", "@SUM(A1)"
TEXTS = (LINK, PLUS, MINUS, AT)


def _cells(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    wb = load_workbook(io.BytesIO(response.content))
    return [cell for ws in wb for row in ws.iter_rows() for cell in row]


def assert_as_typed(response, *texts) -> None:
    cells = _cells(response)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    shown = {c.value for c in cells if c.data_type == "s"}
    for text in texts:
        assert text in shown, text


@pytest.fixture
def odd_units(tree):
    """Communes A and B named as a formula and as an "@" expression."""
    Unit.objects.filter(pk=tree["A"].pk).update(name=LINK)
    Unit.objects.filter(pk=tree["B"].pk).update(name=AT)
    for key in ("A", "B"):
        tree[key].refresh_from_db()
    return tree


def test_the_shared_cells_keep_text_as_text_and_numbers_as_numbers():
    wb = Workbook()
    ws = wb.active
    append(ws, [*TEXTS, "\t=1+1", "\r=1+1", "#N/A", -2, 3.5, datetime.date(2026, 1, 5)])
    put(ws, 2, 1, LINK)
    put(ws, 2, 2, -7)
    out = io.BytesIO()
    wb.save(out)
    ws = load_workbook(io.BytesIO(out.getvalue())).active
    row = [(c.value, c.data_type) for c in ws[1]]
    assert row[:7] == [(t, "s") for t in (*TEXTS, "\t=1+1", "\r=1+1", "#N/A")]
    assert row[7:9] == [(-2, "n"), (3.5, "n")]
    assert row[9][0] == datetime.datetime(2026, 1, 5) and row[9][1] == "d"
    assert [(c.value, c.data_type) for c in ws[2]][:2] == [(LINK, "s"), (-7, "n")]


def test_steering_task_list_and_summary(login, personas, odd_units, make_task):
    today = timezone.localdate()
    for i, text in enumerate(TEXTS):
        make_task(lead="A", deadline=today - datetime.timedelta(days=10 + i), title=text, code=f"NV-{i}")
    client = login(personas["admin"])
    assert_as_typed(client.get("/steering/tasks/?format=xlsx"), *TEXTS)
    assert_as_typed(client.get(f"/steering/summary/?period={today.year}&format=xlsx"), *TEXTS)
    assert_as_typed(client.get("/steering/plans/template.xlsx"))


def test_workdays_year(login, personas, tree):
    from dxboard.workdays import actions

    actions.save_day(acting_user=personas["admin"], date=datetime.date(2025, 9, 3), name=LINK, name_en=PLUS,
                     source=AT)
    actions.save_day(acting_user=personas["admin"], date=datetime.date(2025, 9, 4), name=MINUS)
    assert_as_typed(login(personas["admin"]).get("/workdays/2025.xlsx"), *TEXTS)


def test_kpi_overview_metric_and_template(login, personas, odd_units):
    metric = make_metric(name=LINK, numerator_label=PLUS, denominator_label=MINUS)
    obs(metric, odd_units["A"], "2026-W02", 9, 10)
    obs(metric, odd_units["B"], "2026-W02", 5, 10)
    client = login(personas["leader"])
    assert_as_typed(client.get("/kpi/overview.xlsx"), LINK)
    assert_as_typed(client.get(f"/kpi/metrics/{metric.code}/export.xlsx"), LINK, AT)
    assert_as_typed(login(personas["officer_a"]).get(f"/kpi/metrics/{metric.code}/template.xlsx"),
                    LINK, PLUS, MINUS)


def test_itprojects_registry(login, personas, tree):
    make_system(tree["A"], "sys-a", name=LINK, purpose=PLUS)
    make_system(tree["A"], "sys-b", name=MINUS, purpose=AT)
    assert_as_typed(login(personas["officer_a"]).get("/itprojects/export.xlsx"), *TEXTS)


def test_index_form_results_and_inputs(login, personas, odd_units, published):
    client = login(personas["leader"])
    assert_as_typed(client.get(f"/index/campaigns/{published.pk}/export/results.xlsx"), LINK, AT)
    assert_as_typed(client.get(f"/index/campaigns/{published.pk}/export/inputs.xlsx"), LINK, AT)
    submission = published.submissions.get(unit=odd_units["A"])
    assert_as_typed(login(personas["admin"]).get(f"/index/submissions/{submission.pk}/excel/"))
