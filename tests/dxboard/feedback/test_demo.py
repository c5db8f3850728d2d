import pytest

from dxboard.feedback import routing
from dxboard.feedback.models import Assignment, Report, Status


@pytest.fixture
def demo_db(tree, personas):
    # the demo's communes come from the tree: A and B (and the admin persona of the province)
    return tree


def test_demo_loads_every_state_and_is_idempotent(demo_db):
    from dxboard.feedback.demo import N_REPORTS, load_demo

    assert load_demo() == N_REPORTS
    assert load_demo() == 0
    assert Report.objects.count() == N_REPORTS and not Report.objects.filter(is_demo=False).exists()
    states = set(Report.objects.values_list("status", flat=True))
    assert {Status.RECEIVED, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED, Status.REJECTED} <= states
    assert Assignment.objects.filter(outcome="rerouted").exists()
    assert Assignment.objects.filter(reopened=True).exists()
    assert routing.evaluate()["accuracy"] is not None


def test_demo_histories_run_forward_and_end_before_now(demo_db):
    """Each step after the one before, nothing dated after today, and the dates a citizen reads beside the
    history (the answer's time, the rating's) are those of its steps."""
    from django.utils import timezone

    from dxboard.feedback.demo import load_demo
    from dxboard.feedback.models import Answer, Rating, ReportEvent

    load_demo()
    now = timezone.now()
    for report in Report.objects.all():
        steps = list(ReportEvent.objects.filter(report=report).order_by("pk").values_list("kind", "at"))
        times = [at for _kind, at in steps]
        assert times == sorted(times) and times[-1] < now, (report.code, steps)
        assert steps[0] == ("received", report.created_at)
        answered = [at for kind, at in steps if kind == "answered"]
        assert list(Answer.objects.filter(report=report).order_by("pk").values_list("answered_at", flat=True)) \
            == answered
        assert list(Rating.objects.filter(report=report).order_by("pk").values_list("at", flat=True)) \
            == [at for kind, at in steps if kind == "rated"]
        for a in Assignment.objects.filter(report=report):
            assert report.created_at <= a.assigned_at < now
            assert a.ended_at is None or a.assigned_at <= a.ended_at < now
            assert a.first_response_at is None or a.assigned_at < a.first_response_at < now
        if report.closed_at:
            assert report.closed_at == times[-1]
