"""The Bắc Ninh demo of the steering programme, on top of the core demo: every status, progress
reports, extensions and declarations of every kind; idempotent."""

import pytest
from django.utils import timezone

from dxboard.steering.models import CompletionDeclaration, Decision, ExtensionRequest, ProgressReport, Task
from dxboard.steering.status import STATUSES


@pytest.fixture
def demo(db):
    from dxboard.core.demo import load_demo as core_demo
    from dxboard.steering.demo import load_demo

    core_demo()
    return load_demo()


def test_demo_has_tasks_in_every_status_and_is_idempotent(demo, client):
    from dxboard.steering.demo import load_demo

    today = timezone.localdate()
    statuses = set(Task.objects.countable().with_status(today).values_list("status", flat=True))
    assert statuses == set(STATUSES)
    units = set(Task.objects.values_list("lead_unit__kind", flat=True))
    assert {"department", "commune"} <= units
    assert ProgressReport.objects.exists()
    assert set(ExtensionRequest.objects.values_list("status", flat=True)) == set(Decision.values)
    assert set(CompletionDeclaration.objects.values_list("status", flat=True)) == set(
        CompletionDeclaration.Status.values)
    assert Task.objects.filter(is_recurring=True).count() == 2
    assert all(Task.objects.values_list("is_demo", flat=True))
    counts = (Task.objects.count(), ProgressReport.objects.count(), ExtensionRequest.objects.count())
    load_demo()
    assert (Task.objects.count(), ProgressReport.objects.count(), ExtensionRequest.objects.count()) == counts
    _pages_answer(demo, client)


def _pages_answer(demo, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="cb.bacgiang"))
    html = client.get("/steering/").content.decode()
    assert "Tập huấn kỹ năng số" in html
    client.force_login(get_user_model().objects.get(username="lanhdao"))
    year = timezone.localdate().year
    for url in ("/steering/tasks/", f"/steering/plans/{demo.pk}/", f"/steering/league/?period={year}",
                f"/steering/summary/?period={year}", f"/steering/summary/?period={year}&format=docx"):
        assert client.get(url).status_code == 200, url


def test_demo_dates_agree_with_today_and_with_each_other(demo):
    from django.db.models import F

    today, now = timezone.localdate(), timezone.now()
    tasks = Task.objects.all()
    assert not tasks.filter(start_date__gt=F("deadline")).exists()  # nothing due before it starts
    assert not tasks.filter(completed_on__gt=today).exists()
    assert not tasks.filter(start_date__lt=F("plan__start")).exists()
    assert not tasks.filter(is_recurring=False, effective_deadline__gt=F("plan__end")).exists()
    assert not ProgressReport.objects.filter(created__gt=now).exists()  # no report dated in the future
    assert not CompletionDeclaration.objects.filter(declared_on__gt=today).exists()
    assert not ExtensionRequest.objects.filter(requested_deadline__lte=F("task__original_deadline")).exists()
