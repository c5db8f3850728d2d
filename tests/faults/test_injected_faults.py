"""An exception injected at every query of each multi-step action (approve, return, finalise,
publish, merge, route, answer, extension, KPI upload): nothing half-done, the audit log consistent,
and the action succeeds once the fault is gone. Transactional tests: the atomic blocks are real."""

import datetime

import pytest

from tests.dxboard.feedback.conftest import photo
from tests.dxboard.index.conftest import answer, fill

from .injection import all_or_nothing

pytestmark = pytest.mark.django_db(transaction=True)


def audit_since(start_pk: int) -> list[str]:
    from dxboard.audit.models import AuditEntry

    return list(AuditEntry.objects.filter(pk__gt=start_pk).order_by("pk").values_list("action", flat=True))


def last_audit_pk() -> int:
    from dxboard.audit.models import AuditEntry

    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_index_workflow_under_faults(campaign, sub_a, sub_b, personas):
    from dxboard.index import actions
    from dxboard.index.models import Appeal, Campaign, ResultSnapshot, Submission

    admin, leader = personas["admin"], personas["leader"]
    sub = lambda s: Submission.objects.get(pk=s.pk)  # noqa: E731 — a fresh copy for each run
    camp = lambda: Campaign.objects.get(pk=campaign.pk)  # noqa: E731
    fill(sub_a, personas["officer_a"])
    for code, fields in {"A1": {"value": "0"}, "A2": {"numerator": "1", "denominator": "4"},
                         "B1": {"choice": "chu_tich"}, "B2": {"value": "2"}}.items():
        a = answer(sub_b, code)
        actions.save_answer(acting_user=personas["officer_b"], answer=a, expected_version=a.version, **fields)

    # submit (answers checked, status, notification to the reviewers, audit)
    mark = last_audit_pk()
    all_or_nothing(lambda: actions.submit(acting_user=personas["officer_a"], submission=sub(sub_a)))
    assert sub(sub_a).status == Submission.Status.SUBMITTED and audit_since(mark) == ["index.submit"]

    # return for more evidence
    actions.start_review(acting_user=admin, submission=sub(sub_a))
    actions.review_answer(acting_user=admin, answer=answer(sub_a, "A1"), decision="returned", note="Thiếu số, ngày")
    mark = last_audit_pk()
    all_or_nothing(lambda: actions.return_submission(acting_user=admin, submission=sub(sub_a)))
    assert sub(sub_a).status == Submission.Status.RETURNED and audit_since(mark) == ["index.return"]

    # resubmit, then approve (accept) both submissions
    a1 = answer(sub_a, "A1")
    actions.save_answer(acting_user=personas["officer_a"], answer=a1, expected_version=a1.version, value="1")
    actions.submit(acting_user=personas["officer_a"], submission=sub(sub_a))
    for s, who in ((sub_a, None), (sub_b, personas["officer_b"])):
        if who is not None:
            actions.submit(acting_user=who, submission=sub(s))
        actions.start_review(acting_user=admin, submission=sub(s))
        for a in Submission.objects.get(pk=s.pk).answers.select_related("indicator", "submission__unit"):
            actions.review_answer(acting_user=admin, answer=a, decision="accepted")
    mark = last_audit_pk()
    all_or_nothing(lambda: actions.accept_submission(acting_user=admin, submission=sub(sub_a)))
    assert sub(sub_a).status == Submission.Status.ACCEPTED and audit_since(mark) == ["index.accept"]
    actions.accept_submission(acting_user=admin, submission=sub(sub_b))

    # provisional results: a snapshot, the official pointer, the status, an audit row for each
    mark = last_audit_pk()
    provisional, _ = all_or_nothing(lambda: actions.publish_provisional(acting_user=admin, campaign=camp()))
    assert camp().official == provisional and ResultSnapshot.objects.count() == 1
    assert audit_since(mark) == ["index.set_official_result", "index.compute_results", "index.publish_provisional"]

    # an appeal upheld, then finalise: a second snapshot becomes official, submissions finalised
    appeal = actions.file_appeal(acting_user=personas["officer_b"], answer=answer(sub_b, "B2"), text="Có 6 tin bài")
    mark = last_audit_pk()
    all_or_nothing(lambda: actions.decide_appeal(acting_user=admin, appeal=Appeal.objects.get(pk=appeal.pk),
                                                 upheld=True, decision="Chấp nhận", value="6"))
    assert audit_since(mark) == ["index.decide_appeal"]
    mark = last_audit_pk()
    final, _ = all_or_nothing(lambda: actions.finalise_campaign(acting_user=admin, campaign=camp()))
    assert final != provisional and camp().official == final and camp().status == Campaign.Status.FINALISED
    assert set(Submission.objects.filter(campaign=campaign).values_list("status", flat=True)) == {"finalised"}
    assert audit_since(mark) == ["index.set_official_result", "index.compute_results", "index.finalise"]

    # publication
    mark = last_audit_pk()
    all_or_nothing(lambda: actions.publish(acting_user=leader, campaign=camp()))
    assert camp().status == Campaign.Status.PUBLISHED and audit_since(mark) == ["index.publish"]


def test_feedback_route_answer_merge_under_faults(make_report, personas, tree):
    from dxboard.core.models import Notification
    from dxboard.feedback import actions
    from dxboard.feedback.models import Assignment, Photo, Report, Status

    admin, officer = personas["admin"], personas["officer_a"]
    main, duplicate = make_report(category="road"), make_report(category="road")
    fresh = lambda r: Report.objects.get(pk=r.pk)  # noqa: E731

    mark = last_audit_pk()
    all_or_nothing(lambda: actions.route(fresh(main), tree["A"], acting_user=admin, note="Phường A"))
    assert fresh(main).status == Status.ROUTED and Assignment.objects.filter(report=main).count() == 1
    assert Notification.objects.filter(user=officer).exists() and audit_since(mark) == ["feedback.route"]

    mark = last_audit_pk()
    all_or_nothing(lambda: actions.merge(fresh(duplicate), fresh(main), acting_user=admin))
    assert fresh(duplicate).merged_into_id == main.pk and audit_since(mark) == ["feedback.merge"]

    # the answer carries an evidence photo: a failed run must not leave its file behind either
    mark = last_audit_pk()
    all_or_nothing(lambda: actions.answer(fresh(main), acting_user=officer, text="Đã vá ổ gà",
                                          evidence=[photo("after.jpg", (20, 200, 20))]))
    assert fresh(main).status == Status.ANSWERED and fresh(duplicate).status == Status.ANSWERED
    assert Photo.objects.filter(report=main, role=Photo.Role.EVIDENCE).count() == 1
    assert audit_since(mark) == ["feedback.answer"]


def test_steering_extension_approval_under_faults(tree, personas):
    from dxboard.steering import actions
    from dxboard.steering.models import ExtensionRequest, Task

    admin = personas["admin"]
    plan = actions.create_plan(acting_user=admin, unit=tree["P"], title="Kế hoạch CĐS", year=2025,
                               start=datetime.date(2025, 1, 1), end=datetime.date(2030, 1, 1))
    task = actions.create_task(acting_user=admin, plan=plan, title="Số hoá hồ sơ", lead_unit=tree["A"],
                               deadline=datetime.date(2026, 3, 2))
    ext = actions.request_extension(acting_user=personas["officer_a"], task=task,
                                    requested_deadline=datetime.date(2026, 4, 1), reason="Chờ kinh phí")
    mark = last_audit_pk()
    all_or_nothing(lambda: actions.decide_extension(
        acting_user=admin, extension=ExtensionRequest.objects.get(pk=ext.pk), approve=True, note="Đồng ý"))
    assert Task.objects.get(pk=task.pk).deadline == datetime.date(2026, 4, 1)
    assert ExtensionRequest.objects.get(pk=ext.pk).status == "approved"
    assert audit_since(mark) == ["steering.decide_extension", "steering.extend"]


def test_kpi_upload_apply_under_faults(tree, personas):
    from dxboard.kpi import actions
    from dxboard.kpi.models import Observation
    from tests.dxboard.kpi.conftest import make_metric

    metric = make_metric()
    rows = lambda n: [{"metric": metric.code, "unit": u.code, "period": "2025-W10", "numerator": n, "denominator": 40}  # noqa: E731
                      for u in (tree["A"], tree["B"])]
    actions.store_observations(acting_user=personas["admin"], source="upload", rows=rows(10))
    mark = last_audit_pk()
    # a correction of both rows: old rows superseded, new rows, links, audit — all or nothing
    counts, _ = all_or_nothing(lambda: actions.store_observations(acting_user=personas["admin"], source="upload",
                                                                  rows=rows(30)))
    assert counts == {"created": 0, "corrected": 2, "unchanged": 0}
    assert Observation.objects.filter(is_current=True).count() == 2
    assert set(Observation.objects.filter(is_current=False).values_list("superseded_by__numerator", flat=True)) == {30}
    assert audit_since(mark) == ["kpi.observations.store"]
