"""The home page as a work queue: overdue tasks, tasks due within a week and the requests waiting for the
standing office, each with its count and its first items; nothing shown where nothing waits."""

import datetime

from django.test import RequestFactory
from django.utils import timezone

from dxboard.steering import actions
from dxboard.steering.models import Task
from dxboard.steering.panels import home_panels

DAY = datetime.timedelta(days=1)


def panels(user):
    request = RequestFactory().get("/")
    request.user = user
    return {p.title: p for p in home_panels(request)}


def test_a_unit_sees_its_overdue_and_due_soon_tasks_counted(make_task, personas):
    today = timezone.localdate()
    # whole weeks back: the same weekday as today, so each effective deadline is its own day
    late = [make_task(lead="A", deadline=today - 7 * (2 + i) * DAY, title=f"Trễ {i}") for i in range(3)]
    make_task(lead="A", deadline=today + 3 * DAY, title="Sắp đến hạn")
    make_task(lead="A", deadline=today + 60 * DAY, title="Còn lâu")
    make_task(lead="B", deadline=today - 10 * DAY, title="Của đơn vị khác")
    done = make_task(lead="A", deadline=today - 20 * DAY, title="Đã xong")
    Task.objects.filter(pk=done.pk).update(completed_on=today - 21 * DAY)
    mine = panels(personas["officer_a"])
    assert set(mine) == {"Nhiệm vụ quá hạn", "Nhiệm vụ đến hạn trong tuần"}
    overdue = mine["Nhiệm vụ quá hạn"]
    assert overdue.todo == 3 and [t.title for t in overdue.context["tasks"]] == [t.title for t in reversed(late)]
    assert mine["Nhiệm vụ đến hạn trong tuần"].todo == 1
    html = _home(personas["officer_a"])
    assert "Trễ 0" in html and "Sắp đến hạn" in html and "Của đơn vị khác" not in html


def test_a_unit_with_tasks_in_hand_only_sees_them_as_information(make_task, personas):
    make_task(lead="A", deadline=timezone.localdate() + 60 * DAY, title="Còn lâu")
    mine = panels(personas["officer_a"])
    assert list(mine) == ["Nhiệm vụ đang thực hiện"] and mine["Nhiệm vụ đang thực hiện"].todo == 0


def test_nothing_to_do_no_panel(personas, plan):
    assert panels(personas["officer_a"]) == {} and panels(personas["admin"]) == {}


def test_the_office_sees_the_requests_waiting_for_its_decision(make_task, personas):
    today = timezone.localdate()
    task = make_task(lead="A", deadline=today + 30 * DAY, title="Xin gia hạn")
    other = make_task(lead="A", deadline=today + 40 * DAY, title="Báo xong")
    actions.request_extension(acting_user=personas["officer_a"], task=task, requested_deadline=today + 60 * DAY,
                              reason="Chờ vốn")
    actions.declare_completion(acting_user=personas["officer_a"], task=other)
    office = panels(personas["admin"])
    assert list(office) == ["Chờ quyết định của bạn"]
    queue = office["Chờ quyết định của bạn"]
    assert queue.todo == 2 and [i.task.title for i in queue.context["items"]] == ["Xin gia hạn", "Báo xong"]
    assert "Chờ quyết định của bạn" not in panels(personas["leader"])  # the decision is the office's


def _home(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get("/").content.decode()
