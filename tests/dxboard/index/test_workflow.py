"""The index from the first form to the published ranking, through the actions."""

import pytest

from dxboard.audit.models import AuditEntry
from dxboard.core.models import Notification
from dxboard.index import actions
from dxboard.index.models import Answer, Campaign, Framework, ResultSnapshot, Submission

from .conftest import SMALL_FRAMEWORK, answer, fill, sent


def test_import_is_idempotent_and_a_change_makes_a_new_version(small_framework):
    from dxboard.index.frameworks import import_framework

    again, created = import_framework(SMALL_FRAMEWORK.encode(), "small.yaml", acting_user=None)
    assert (again.pk, created) == (small_framework.pk, False)
    changed = SMALL_FRAMEWORK.replace("max: 20", "max: 25")
    v2, created = import_framework(changed.encode(), "small.yaml", acting_user=None)
    assert created and v2.version == 2 and v2.previous == small_framework
    assert v2.total_points == 55 and small_framework.total_points == 50
    assert v2.indicators.get(code="A2").mapped_from.get().old == small_framework.indicators.get(code="A2")
    assert Framework.objects.get(pk=small_framework.pk).definition != v2.definition


def test_a_bad_framework_is_a_clear_error_naming_the_fault(db):
    import dxindex
    from dxboard.index.frameworks import import_framework

    with pytest.raises(dxindex.InputError) as err:
        import_framework(SMALL_FRAMEWORK.replace("parents: {T: 1}}", "parents: {X: 1}}", 1).encode(), "bad.yaml",
                         acting_user=None)
    assert "X" in str(err.value) and "bad.yaml" in str(err.value)
    assert not Framework.objects.exists()


def test_opening_makes_one_submission_and_answers_per_unit(campaign, personas):
    assert campaign.status == Campaign.Status.OPEN
    assert campaign.submissions.count() == 2
    assert Answer.objects.filter(submission__campaign=campaign).count() == 8
    assert Notification.objects.filter(user=personas["officer_a"]).exists()
    assert campaign.framework.is_frozen


def test_points_follow_the_rules(sub_a, personas):
    fill(sub_a, personas["officer_a"])
    points = {a.indicator.code: a.self_points for a in sub_a.answers.select_related("indicator")}
    assert points == {"A1": 10.0, "A2": 15.0, "B1": 5.0, "B2": 10.0}


def test_optimistic_locking_refuses_the_second_save(sub_a, personas):
    first = answer(sub_a, "B2")
    second = answer(sub_a, "B2")  # the same version, read by a colleague
    actions.save_answer(acting_user=personas["officer_a"], answer=first, expected_version=first.version, value="5")
    with pytest.raises(actions.Conflict) as err:
        actions.save_answer(acting_user=personas["officer_a"], answer=second, expected_version=second.version,
                            value="1")
    assert "B2" in str(err.value)
    assert answer(sub_a, "B2").value == 5.0


@pytest.mark.parametrize(("code", "fields", "message"), [
    ("A2", {"numerator": "5", "denominator": "4"}, "A2"),
    ("A2", {"numerator": "abc"}, "tử số"),  # the field named in words, in the reader's language
    ("B1", {"choice": "giam_doc"}, "giam_doc"),
    ("A1", {"value": "2"}, "A1"),
    ("B2", {"value": "-1"}, "B2"),
])
def test_bad_inputs_are_refused_naming_the_field(sub_a, personas, code, fields, message):
    a = answer(sub_a, code)
    with pytest.raises(actions.ActionError) as err:
        actions.save_answer(acting_user=personas["officer_a"], answer=a, expected_version=a.version, **fields)
    assert message in str(err.value)
    assert answer(sub_a, code).version == a.version


def test_not_applicable_needs_a_reason(sub_a, personas):
    a = answer(sub_a, "B2")
    with pytest.raises(actions.ActionError):
        actions.save_answer(acting_user=personas["officer_a"], answer=a, expected_version=a.version,
                            state="not_applicable")
    actions.save_answer(acting_user=personas["officer_a"], answer=a, expected_version=a.version,
                        state="not_applicable", na_reason="Phường không có trang tin")
    assert answer(sub_a, "B2").state == "not_applicable"


def test_another_unit_cannot_save_or_attach(sub_a, personas):
    a = answer(sub_a, "A1")
    for persona in ("officer_b", "dept_officer", "reviewer", "leader"):
        with pytest.raises(actions.NotAllowed):
            actions.save_answer(acting_user=personas[persona], answer=a, expected_version=a.version, value="1")
    from .conftest import jpeg_upload

    with pytest.raises(actions.NotAllowed):
        actions.attach_evidence(acting_user=personas["officer_b"], answer=a, upload=jpeg_upload(), summary="x")


def test_submit_refuses_missing_answers_and_evidence(sub_a, personas):
    with pytest.raises(actions.ActionError) as err:
        actions.submit(acting_user=personas["officer_a"], submission=sub_a)
    assert "A1" in str(err.value) and "B2" in str(err.value)
    a1 = answer(sub_a, "A1")
    actions.save_answer(acting_user=personas["officer_a"], answer=a1, expected_version=a1.version, value="1")
    for code, fields in {"A2": {"value": "0.5"}, "B1": {"choice": "khac"}, "B2": {"value": "0"}}.items():
        a = answer(sub_a, code)
        actions.save_answer(acting_user=personas["officer_a"], answer=a, expected_version=a.version, **fields)
    with pytest.raises(actions.ActionError) as err:
        actions.submit(acting_user=personas["officer_a"], submission=sub_a)
    assert "A1" in str(err.value) and "B2" not in str(err.value)  # A1 claims points without evidence


def test_the_whole_review_path(sub_a, personas, campaign):
    officer, reviewer = personas["officer_a"], personas["reviewer"]
    fill(sub_a, officer)
    actions.submit(acting_user=officer, submission=sub_a)
    assert sub_a.status == Submission.Status.SUBMITTED
    with pytest.raises(actions.ActionError):  # a submitted form is frozen for the unit
        a = answer(sub_a, "B2")
        actions.save_answer(acting_user=officer, answer=a, expected_version=a.version, value="1")
    with pytest.raises(actions.NotAllowed):  # the officer cannot review their own unit
        actions.start_review(acting_user=officer, submission=sub_a)
    actions.start_review(acting_user=reviewer, submission=sub_a)
    actions.review_answer(acting_user=reviewer, answer=answer(sub_a, "A1"), decision="accepted")
    actions.review_answer(acting_user=reviewer, answer=answer(sub_a, "A2"), decision="adjusted",
                          note="Số liệu hệ thống: 1/2", numerator="1", denominator="2")
    actions.review_answer(acting_user=reviewer, answer=answer(sub_a, "B2"), decision="returned",
                          note="Cần danh sách tin bài kèm đường dẫn")
    with pytest.raises(actions.ActionError):  # B1 still pending, B2 returned
        actions.accept_submission(acting_user=reviewer, submission=sub_a)
    actions.return_submission(acting_user=reviewer, submission=sub_a)
    assert sub_a.status == Submission.Status.RETURNED
    assert Notification.objects.filter(user=officer, subject__contains="returned").exists() or \
        Notification.objects.filter(user=officer, subject__contains="trả lại").exists()
    with pytest.raises(actions.ActionError):  # only the returned indicator may change
        a = answer(sub_a, "A1")
        actions.save_answer(acting_user=officer, answer=a, expected_version=a.version, value="0")
    b2 = answer(sub_a, "B2")
    actions.save_answer(acting_user=officer, answer=b2, expected_version=b2.version, value="8",
                        comment="Bổ sung danh sách")
    actions.submit(acting_user=officer, submission=sub_a)
    assert sub_a.status == Submission.Status.RESUBMITTED
    assert answer(sub_a, "B2").review == Answer.Review.PENDING
    actions.start_review(acting_user=reviewer, submission=sub_a)
    for code in ("B1", "B2"):
        actions.review_answer(acting_user=reviewer, answer=answer(sub_a, code), decision="accepted")
    actions.accept_submission(acting_user=reviewer, submission=sub_a)
    assert sub_a.status == Submission.Status.ACCEPTED
    # self-assessed and verified values are both kept
    a2 = answer(sub_a, "A2")
    assert (a2.self_points, a2.verified_points, a2.numerator, a2.verified_numerator) == (15.0, 10.0, 3.0, 1.0)
    actions_in_log = list(AuditEntry.objects.filter(object_type__startswith="index.").values_list("action", flat=True))
    for expected in ("index.save_answer", "index.submit", "index.start_review", "index.review_answer",
                     "index.return", "index.resubmit", "index.accept", "index.attach_evidence"):
        assert expected in actions_in_log


def test_illegal_transitions_are_refused(sub_a, personas):
    with pytest.raises(actions.ActionError):
        actions.accept_submission(acting_user=personas["reviewer"], submission=sub_a)
    with pytest.raises(actions.ActionError):
        actions.start_review(acting_user=personas["reviewer"], submission=sub_a)
    assert Submission.objects.get(pk=sub_a.pk).status == Submission.Status.DRAFT


def _accept_all(submission, personas):
    actions.submit(acting_user=personas["officer_a"] if submission.unit.code == "07210" else personas["officer_b"],
                   submission=submission)
    actions.start_review(acting_user=personas["admin"], submission=submission)
    for a in submission.answers.select_related("indicator", "submission__unit"):
        actions.review_answer(acting_user=personas["admin"], answer=a, decision="accepted")
    actions.accept_submission(acting_user=personas["admin"], submission=submission)


def test_results_provisional_appeal_finalise_publish(campaign, sub_a, sub_b, personas):
    fill(sub_a, personas["officer_a"])
    b_inputs = {"A1": {"value": "0"}, "A2": {"numerator": "1", "denominator": "4"}, "B1": {"choice": "chu_tich"},
                "B2": {"value": "2"}}
    for code, fields in b_inputs.items():
        a = answer(sub_b, code)
        actions.save_answer(acting_user=personas["officer_b"], answer=a, expected_version=a.version, **fields)
    for s in (sub_a, sub_b):
        _accept_all(s, personas)
    snapshot = actions.publish_provisional(acting_user=personas["admin"], campaign=campaign)
    campaign.refresh_from_db()
    # each unit's officers told, with the link to their own submission, the e-mail queued
    from django.urls import reverse

    from dxboard.jobs.models import Job

    told = {tuple(j.payload["to"]): j.payload["body"] for j in Job.objects.filter(kind="core.mail")
            if reverse("index:submission", args=[sub_a.pk]) in j.payload["body"]
            or reverse("index:submission", args=[sub_b.pk]) in j.payload["body"]}
    assert reverse("index:submission", args=[sub_a.pk]) in told[("officer_a@example.org",)]
    assert reverse("index:submission", args=[sub_b.pk]) in told[("officer_b@example.org",)]
    assert campaign.status == Campaign.Status.PROVISIONAL and campaign.official == snapshot
    units = snapshot.payload["units"]
    # A: 10 + 15 + 5 + 10 = 40 of 50; B: 0 + 5 + 10 + 4 = 19 of 50
    assert (units["07210"]["points"]["T"], units["09187"]["points"]["T"]) == (40.0, 19.0)
    assert units["07210"]["values"]["T"] == pytest.approx(0.8)
    assert (units["07210"]["ranks"]["T"], units["09187"]["ranks"]["T"]) == (1.0, 2.0)
    # a rerun on the same inputs is harmless: the same snapshot
    sent(campaign)
    assert actions.compute_results(acting_user=personas["admin"], campaign=campaign) == snapshot
    with pytest.raises(actions.ActionError):
        actions.publish(acting_user=personas["leader"], campaign=campaign)  # not finalised yet
    appeal = actions.file_appeal(acting_user=personas["officer_b"], answer=answer(sub_b, "B2"),
                                 text="Có 6 tin bài, danh sách kèm theo")
    with pytest.raises(actions.ActionError):
        actions.finalise_campaign(acting_user=personas["admin"], campaign=campaign)  # appeal open
    actions.decide_appeal(acting_user=personas["admin"], appeal=appeal, upheld=True, decision="Chấp nhận: 6 tin bài",
                          value="6")
    final = actions.finalise_campaign(acting_user=personas["admin"], campaign=campaign)
    assert final != snapshot and final.payload["units"]["09187"]["points"]["T"] == 25.0
    assert ResultSnapshot.objects.filter(pk=snapshot.pk).exists()  # the provisional run is kept
    with pytest.raises(actions.NotAllowed):
        actions.publish(acting_user=personas["officer_a"], campaign=campaign)
    actions.publish(acting_user=personas["leader"], campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PUBLISHED and campaign.published_by == personas["leader"]


def test_snapshots_are_immutable(campaign, personas):
    sent(campaign)
    snapshot = actions.compute_results(acting_user=personas["admin"], campaign=campaign)
    snapshot.payload = {}
    with pytest.raises(RuntimeError):
        snapshot.save()


def test_rank_intervals_are_seeded_and_bracket_the_nominal_rank():
    import numpy as np
    import pandas as pd

    from dxboard.index.results import rank_intervals

    rng = np.random.default_rng(1)
    points = pd.DataFrame(rng.uniform(0, 100, size=(12, 3)), columns=["X", "Y", "Z"],
                          index=[f"u{i}" for i in range(12)])
    maxima = pd.DataFrame(100.0, index=points.index, columns=points.columns)
    first, again = rank_intervals(points, maxima, ["X", "Y", "Z"]), rank_intervals(points, maxima, ["X", "Y", "Z"])
    assert first == again
    total = points.sum(axis=1)
    best = total.idxmax()
    assert first[best]["nominal"] == 1
    for row in first.values():
        assert row["q05"] <= row["median"] <= row["q95"]
    still = rank_intervals(points, maxima, ["X", "Y", "Z"], noise=0.0)
    assert all(r["q05"] == r["q95"] == r["nominal"] for r in still.values())


def test_figures_from_other_sources_are_entered_by_the_office_not_the_unit(tree, personas):
    import datetime

    from dxboard.index.frameworks import import_framework

    from .conftest import SMALL_FRAMEWORK

    survey = SMALL_FRAMEWORK.replace("rule: {type: fraction, max: 20},\n     source: self",
                                     "rule: {type: fraction, max: 20},\n     source: kpi")
    framework, _ = import_framework(survey.encode(), "kpi.yaml", acting_user=None)
    c = actions.create_campaign(acting_user=personas["admin"], framework=framework, name="K", period="2025",
                                unit_kind="commune", opens=datetime.date(2025, 1, 1),
                                closes=datetime.date(2025, 12, 31), units=[tree["A"]])
    actions.open_campaign(acting_user=personas["admin"], campaign=c)
    a2 = answer(c.submissions.get(), "A2")
    with pytest.raises(actions.NotAllowed):
        actions.save_answer(acting_user=personas["officer_a"], answer=a2, expected_version=a2.version, value="0.9")
    actions.save_answer(acting_user=personas["admin"], answer=a2, expected_version=a2.version, value="0.9")
    assert answer(c.submissions.get(), "A2").self_points == 18.0


def test_reminders_before_closing_are_sent_once_to_units_not_done(campaign, sub_a, personas, mailoutbox,
                                                                  django_capture_on_commit_callbacks):
    import datetime

    from django.core.management import call_command

    from dxboard.index.reminders import send_campaign_reminders

    fill(sub_a, personas["officer_a"])
    actions.submit(acting_user=personas["officer_a"], submission=sub_a)
    mailoutbox.clear()
    three_days_before = campaign.closes - datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_campaign_reminders(three_days_before) == 1  # only B has not submitted
    assert send_campaign_reminders(three_days_before) == 0  # idempotent
    assert send_campaign_reminders(campaign.closes - datetime.timedelta(days=4)) == 0  # not a reminder day
    assert [m.to for m in mailoutbox] == [["officer_b@example.org"]]
    assert Notification.objects.filter(user=personas["officer_b"], subject__contains="3").exists()
    assert not Notification.objects.filter(user=personas["officer_a"], subject__contains="3").exists()
    call_command("index_reminders")


def test_a_campaign_tells_each_unit_once_with_the_mail_queued(campaign, sub_a, sub_b, personas):
    from dxboard.core.notify import MAIL_JOB
    from dxboard.jobs.models import Job

    opened = Job.objects.filter(kind=MAIL_JOB)
    assert sorted(j.payload["to"] for j in opened) == [["officer_a@example.org"], ["officer_b@example.org"]]
    assert all("Thử 2025" in j.payload["subject"] for j in opened)
    assert Notification.objects.filter(user=personas["officer_a"], subject__contains="Thử 2025").count() == 1


def test_a_unit_that_never_sent_its_form_does_not_hold_publication_back(campaign, sub_a, sub_b, personas):
    from dxboard.index.results import not_submitted, ranking

    fill(sub_a, personas["officer_a"])
    _accept_all(sub_a, personas)
    snapshot = actions.publish_provisional(acting_user=personas["admin"], campaign=campaign)
    assert [r["code"] for r in ranking(snapshot)] == ["07210"]
    assert [u["code"] for u in not_submitted(snapshot)] == ["09187"]
    actions.finalise_campaign(acting_user=personas["admin"], campaign=campaign)
    actions.publish(acting_user=personas["leader"], campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == "published"
