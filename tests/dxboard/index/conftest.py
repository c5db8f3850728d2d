import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

ROOT = Path(__file__).resolve().parents[3]

SMALL_FRAMEWORK = """
code: test-small
name: {vi: Bộ chỉ số thử, en: Small test framework}
model: points
nodes:
  - {code: A1, name: {vi: Có kế hoạch, en: Has a plan}, parents: {A: 1}, rule: {type: binary, max: 10}, source: self,
     evidence: "Kế hoạch (số, ngày)"}
  - {code: A2, name: {vi: Tỷ lệ hồ sơ trực tuyến, en: Online files}, parents: {A: 1}, rule: {type: fraction, max: 20},
     source: self}
  - {code: B1, name: {vi: Người đứng đầu, en: Head}, parents: {B: 1},
     rule: {type: categorical, max: 10, choices: {chu_tich: 10, pho_chu_tich: 5, khac: 0}}, source: self}
  - {code: B2, name: {vi: Số tin bài, en: Posts}, parents: {B: 1},
     rule: {type: step, max: 10, steps: [[1, 4], [5, 10]]}, source: self}
  - {code: A, type: aggregate, name: {vi: Chính quyền số, en: Digital government}, parents: {T: 1}}
  - {code: B, type: aggregate, name: {vi: Nhận thức số, en: Awareness}, parents: {T: 1}}
  - {code: T, type: aggregate, name: {vi: Tổng, en: Total}}
"""


@pytest.fixture
def small_framework(db):
    from dxboard.index.frameworks import import_framework

    framework, _created = import_framework(SMALL_FRAMEWORK.encode(), "small.yaml", acting_user=None)
    return framework


@pytest.fixture
def campaign(tree, personas, small_framework):
    """An open campaign for communes A and B on the small framework (50 points)."""
    from dxboard.index import actions

    c = actions.create_campaign(acting_user=personas["admin"], framework=small_framework, name="Thử 2025",
                                period="2025", unit_kind="commune", opens=datetime.date(2025, 11, 1),
                                closes=datetime.date(2026, 1, 15), units=[tree["A"], tree["B"]])
    actions.open_campaign(acting_user=personas["admin"], campaign=c)
    return c


@pytest.fixture
def sub_a(campaign, tree):
    return campaign.submissions.get(unit=tree["A"])


@pytest.fixture
def sub_b(campaign, tree):
    return campaign.submissions.get(unit=tree["B"])


def answer(submission, code):
    return submission.answers.select_related("indicator", "submission__unit").get(indicator__code=code)


def jpeg_upload(name="plan.jpg") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def fill(submission, user):
    """Answer every indicator of the small framework and attach the evidence A1 needs."""
    from dxboard.index import actions

    inputs = {"A1": {"value": "1"}, "A2": {"numerator": "3", "denominator": "4"}, "B1": {"choice": "pho_chu_tich"},
              "B2": {"value": "6"}}
    for code, fields in inputs.items():
        a = answer(submission, code)
        actions.save_answer(acting_user=user, answer=a, expected_version=a.version, **fields)
    actions.attach_evidence(acting_user=user, answer=answer(submission, "A1"), upload=jpeg_upload(),
                            summary="Kế hoạch CĐS 2025", document_number="12/KH-UBND",
                            document_date=datetime.date(2025, 1, 20), issuer="UBND phường")


def sent(campaign):
    """Every unit of the campaign has sent its self-assessment (results rank only those that have)."""
    from dxboard.index.models import Submission

    Submission.objects.filter(campaign=campaign, status=Submission.Status.DRAFT).update(
        status=Submission.Status.SUBMITTED)


@pytest.fixture
def published(campaign, sub_a, sub_b, personas):
    """The campaign published: A 40 points, B 19 points of 50."""
    from dxboard.index import actions

    fill(sub_a, personas["officer_a"])
    for code, fields in {"A1": {"value": "0"}, "A2": {"numerator": "1", "denominator": "4"},
                         "B1": {"choice": "chu_tich"}, "B2": {"value": "2"}}.items():
        a = answer(sub_b, code)
        actions.save_answer(acting_user=personas["officer_b"], answer=a, expected_version=a.version, **fields)
    for s, who in ((sub_a, personas["officer_a"]), (sub_b, personas["officer_b"])):
        actions.submit(acting_user=who, submission=s)
        actions.start_review(acting_user=personas["admin"], submission=s)
        for a in s.answers.select_related("indicator", "submission__unit"):
            actions.review_answer(acting_user=personas["admin"], answer=a, decision="accepted")
        actions.accept_submission(acting_user=personas["admin"], submission=s)
    actions.publish_provisional(acting_user=personas["admin"], campaign=campaign)
    actions.finalise_campaign(acting_user=personas["admin"], campaign=campaign)
    actions.publish(acting_user=personas["leader"], campaign=campaign)
    campaign.refresh_from_db()
    return campaign
