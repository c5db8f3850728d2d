"""The feedback figures people read — the handling table of the public page (read by leaders too), the
figures API, the home panels' counts — recomputed here by hand from the raw rows of a small case."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from dxboard.feedback import actions, figures
from dxboard.feedback.models import Assignment, Report, Status
from dxboard.feedback.panels import home_panels

H = datetime.timedelta(hours=1)


def case(make_report, personas, tree):
    """Commune A's unit: one answer on time, one late, one open and overdue, one open in time, one
    re-routed to B (still open there)."""
    admin, officer = personas["admin"], personas["officer_a"]
    on_time, late, overdue, in_time, rerouted = (make_report() for _ in range(5))
    for r in (on_time, late, overdue, in_time, rerouted):
        actions.route(r, tree["A"], acting_user=admin)
    actions.answer(on_time, acting_user=officer, text="Đã xử lý")
    actions.answer(late, acting_user=officer, text="Đã xử lý")
    stay = Assignment.objects.get(report=late)
    stay.deadline = stay.ended_at - 2 * H  # answered two hours after its deadline
    stay.save()
    past = timezone.now() - 3 * H
    Assignment.objects.filter(report=overdue).update(deadline=past)
    Report.objects.filter(pk=overdue.pk).update(deadline=past)
    actions.route(rerouted, tree["B"], acting_user=admin)
    return {"on_time": on_time, "late": late, "overdue": overdue, "in_time": in_time, "rerouted": rerouted}


def test_handling_figures_recomputed_from_the_raw_rows(make_report, personas, tree, client, login):
    case(make_report, personas, tree)
    # Raw rows of unit A: 5 stays; finished = 2 answered + 1 re-routed = 3; counted = 3 + 1 open overdue = 4;
    # on time = 1 → 1/4; re-routed share = 1/3; B: one open stay, not due → nothing counted.
    assert Assignment.objects.filter(unit=tree["A"]).count() == 5
    expected_on_time = round(100 * 1 / (3 + 1), 1)
    expected_reroute = round(100 * 1 / 3, 1)
    units = dict(figures.table()["units"])
    a, b = units[tree["A"]], units[tree["B"]]
    assert (a.received, a.finished, a.counted, a.on_time) == (5, 3, 4, 1)
    assert a.on_time_pct == expected_on_time == 25.0 and a.reroute_pct == expected_reroute
    assert (b.received, b.on_time_pct) == (1, None)
    # the public page's row for A says the same, written the Vietnamese way (25,0 and 33,3)
    page = client.get(reverse("feedback:public")).content.decode()
    row = re.search(rf"<tr><td>{tree['A'].name}</td>(.*?)</tr>", page).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[0] == "5" and cells[1] == "25,0" and cells[7] == "33,3"
    # the figures API (for the office's tools) too
    api = login(personas["admin"]).get("/api/v1/feedback/figures/").json()
    mine = next(u for u in api["units"] if u["unit"] == tree["A"].code)
    assert mine["on_time_pct"] == 25.0 and mine["received"] == 5 and mine["rerouted"] == 1


def test_counts_by_status_and_overdue_in_the_panels(make_report, personas, tree, rf):
    rows = case(make_report, personas, tree)
    make_report()  # one more, not yet classified
    # Raw statuses: answered 2 (on_time, late); routed 3 (overdue, in_time at A; rerouted at B); received 1
    statuses = dict.fromkeys(Status.values, 0)
    for status in Report.objects.values_list("status", flat=True):
        statuses[status] += 1
    assert statuses[Status.ANSWERED] == 2 and statuses[Status.ROUTED] == 3 and statuses[Status.RECEIVED] == 1

    def panel(user):
        request = rf.get("/")
        request.user = user
        (found,) = home_panels(request)
        return found

    a = panel(personas["officer_a"])
    # A handles overdue and in_time (2), one past its deadline; the overdue one first
    assert (a.todo, a.context["overdue"]) == (2, 1)
    assert [r.pk for r in a.context["top"]] == [rows["overdue"].pk, rows["in_time"].pk]
    assert panel(personas["officer_b"]).todo == 1 and panel(personas["officer_b"]).context["overdue"] == 0
    assert panel(personas["admin"]).todo == statuses[Status.RECEIVED] == 1
