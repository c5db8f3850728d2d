"""Index part of the Bắc Ninh demo: a finalised and published 2024 commune campaign, and 2025
commune and department campaigns with submissions in every state, evidence and reviews.

Deterministic (values come from a generator seeded by the unit code) and idempotent (campaigns are
looked up by name). Everything is marked demo: these are not official figures.
"""

import datetime
import hashlib
import io
import random
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from dxboard.units.models import Unit

from . import actions
from .frameworks import import_framework
from .models import Answer, Campaign, Submission

COMMUNE_2024 = "Đánh giá chuyển đổi số cấp xã năm 2024 (demo)"
COMMUNE_2025 = "Đánh giá chuyển đổi số cấp xã năm 2025 (demo)"
DEPARTMENT_2025 = "Đánh giá chuyển đổi số cấp sở, ngành năm 2025 (demo)"


def _framework_file(name: str) -> Path:
    here = Path(__file__).resolve()
    for root in (Path.cwd(), *here.parents):
        candidate = root / "frameworks" / name
        if candidate.exists():
            return candidate
    raise FileNotFoundError(name)


def _rng(*parts) -> random.Random:
    seed = int(hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:12], 16)
    return random.Random(seed)


def _inputs(indicator, rng: random.Random, quality: float) -> dict:
    """Plausible inputs for an indicator from a unit whose overall quality is `quality` (0..1)."""
    rule = indicator.rule or {}
    kind = rule.get("type")
    good = rng.random() < quality
    if kind == "binary":
        return {"value": 1.0 if good else 0.0}
    if kind == "categorical":
        choices = [c for c, _p in sorted(rule["choices"], key=lambda c: -c[1])]
        return {"choice": choices[0] if good else rng.choice(choices)}
    if kind == "step":
        steps = rule.get("steps") or [[0, 0]]
        top = steps[-1][0]
        return {"value": float(round(top * min(1.2, max(0.0, rng.gauss(quality, 0.25)))))}
    if kind == "goalposts":
        low, high = rule["low"], rule["high"]
        return {"value": round(low + (high - low) * min(1.1, max(0.0, rng.gauss(quality, 0.2))), 2)}
    if kind == "fraction":
        denominator = float(rng.randint(20, 400))
        share = min(1.0, max(0.0, rng.gauss(quality, 0.15)))
        return {"numerator": float(round(denominator * share)), "denominator": denominator}
    if kind == "ratio":
        denominator = float(rng.randint(20, 400))
        out = {"numerator": float(round(denominator * min(1.0, max(0.0, rng.gauss(quality, 0.15)))))}
        if isinstance(rule.get("denominator"), str):
            out["denominator"] = denominator
        else:
            out["numerator"] = round(float(rule["denominator"]) * min(1.0, max(0.0, rng.gauss(quality, 0.2))), 2)
        return out
    return {}


def _quality(unit: Unit, period: str) -> float:
    base = _rng(unit.code).uniform(0.35, 0.95)
    return min(0.98, base + (0.05 if period == "2025" else 0.0))


def _fill_directly(submission: Submission, period: str) -> None:
    """Bulk answers for the many units nobody clicks through (the 2024 history)."""
    rng = _rng(submission.unit.code, period)
    quality = _quality(submission.unit, period)
    answers = list(submission.answers.select_related("indicator"))
    for answer in answers:
        for key, value in _inputs(answer.indicator, rng, quality).items():
            setattr(answer, key, value)
        answer.review = Answer.Review.ACCEPTED
    Answer.objects.bulk_update(answers, ["value", "numerator", "denominator", "choice", "review"])


def _evidence_image(text: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 420), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 620, 400), outline=(179, 38, 30), width=4)
    draw.text((40, 40), "TAI LIEU KIEM CHUNG (DEMO)", fill=(179, 38, 30))
    draw.text((40, 80), text[:60], fill=(30, 30, 30))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=80)
    return SimpleUploadedFile("tai-lieu-kiem-chung.jpg", buf.getvalue(), content_type="image/jpeg")


def _not_after_today(day: datetime.date) -> datetime.date:
    """A demo document is never dated after the day the demo is built (in the platform's time zone)."""
    return min(day, timezone.localdate())


def _fill_with_actions(submission: Submission, officer, period: str, evidence: bool = True) -> None:
    rng = _rng(submission.unit.code, period, "form")
    quality = _quality(submission.unit, period)
    for answer in submission.answers.select_related("indicator", "submission__unit"):
        if answer.indicator.source not in ("", "self"):
            continue
        fields = _inputs(answer.indicator, rng, quality)
        answer = actions.save_answer(acting_user=officer, answer=answer, expected_version=answer.version, **fields)
        if evidence and answer.indicator.evidence and (answer.self_points or 0) > 0:
            actions.attach_evidence(acting_user=officer, answer=answer,
                                    upload=_evidence_image(f"{answer.indicator.code} {submission.unit.name}"),
                                    summary=f"Tài liệu kiểm chứng {answer.indicator.code} (demo)",
                                    document_number=f"{rng.randint(10, 250)}/BC-UBND",
                                    document_date=_not_after_today(
                                        datetime.date(int(period), rng.randint(1, 10), rng.randint(1, 28))),
                                    issuer=submission.unit.name)


def _office_figures(submission: Submission, admin, period: str) -> None:
    """Indicators fed by other sources are entered by the standing office until their module feeds them."""
    rng = _rng(submission.unit.code, period, "office")
    quality = _quality(submission.unit, period)
    for answer in submission.answers.select_related("indicator", "submission__unit"):
        if answer.indicator.source not in ("", "self"):
            actions.save_answer(acting_user=admin, answer=answer, expected_version=answer.version,
                                **_inputs(answer.indicator, rng, quality))


def _people():
    User = get_user_model()
    return {name: User.objects.get(username=name) for name in ("admin", "lanhdao", "thamdinh", "cb.skhcn",
                                                                "cb.bacgiang", "cb.kinhbac")}


def _campaign(name, framework, period, kind, opens, closes, units) -> tuple[Campaign, bool]:
    existing = Campaign.objects.filter(name=name).first()
    if existing:
        return existing, False
    campaign = actions.create_campaign(acting_user=None, framework=framework, name=name, period=period,
                                       unit_kind=kind, opens=opens, closes=closes, units=units)
    campaign.is_demo = True
    campaign.save(update_fields=["is_demo"])
    actions.open_campaign(acting_user=None, campaign=campaign)
    return campaign, True


def _published_2024(commune_framework, people) -> None:
    # The demo back-casts 2024 onto the communes of today, so that the two years compare unit by unit.
    campaign, created = _campaign(COMMUNE_2024, commune_framework, "2024", "commune", datetime.date(2024, 11, 1),
                                  datetime.date(2025, 1, 15),
                                  Unit.objects.as_of(datetime.date(2025, 7, 1)).filter(kind="commune"))
    if not created:
        return
    for submission in campaign.submissions.select_related("unit"):
        _fill_directly(submission, "2024")
    campaign.submissions.update(status=Submission.Status.ACCEPTED)
    actions.publish_provisional(acting_user=None, campaign=campaign, appeal_days=0)
    Campaign.objects.filter(pk=campaign.pk).update(appeal_until=datetime.date(2025, 2, 1))
    campaign.refresh_from_db()
    actions.finalise_campaign(acting_user=people["admin"], campaign=campaign)
    actions.publish(acting_user=people["lanhdao"], campaign=campaign)


def _running_2025(commune_framework, department_framework, people) -> None:
    communes = Unit.objects.as_of(datetime.date(2025, 11, 1)).filter(kind="commune")
    campaign, created = _campaign(COMMUNE_2025, commune_framework, "2025", "commune", datetime.date(2025, 11, 1),
                                  datetime.date(2026, 12, 20), communes)
    if created:
        admin, reviewer = people["admin"], people["thamdinh"]
        by_code = {s.unit.code: s for s in campaign.submissions.select_related("unit")}
        # Bắc Giang: submitted, reviewed, returned for one indicator (waits on the unit)
        bac_giang = by_code["07210"]
        _fill_with_actions(bac_giang, people["cb.bacgiang"], "2025")
        _office_figures(bac_giang, admin, "2025")
        actions.submit(acting_user=people["cb.bacgiang"], submission=bac_giang)
        actions.start_review(acting_user=reviewer, submission=bac_giang)
        answers = list(bac_giang.answers.select_related("indicator", "submission__unit"))
        for answer in answers[:6]:
            actions.review_answer(acting_user=reviewer, answer=answer, decision="accepted")
        actions.review_answer(acting_user=reviewer, answer=answers[6], decision="returned",
                              note="Đề nghị bổ sung danh sách kèm đường dẫn và ngày đăng (demo)")
        actions.return_submission(acting_user=reviewer, submission=bac_giang)
        # Kinh Bắc: submitted and in review, one value adjusted
        kinh_bac = by_code["09187"]
        _fill_with_actions(kinh_bac, people["cb.kinhbac"], "2025")
        _office_figures(kinh_bac, admin, "2025")
        actions.submit(acting_user=people["cb.kinhbac"], submission=kinh_bac)
        actions.start_review(acting_user=reviewer, submission=kinh_bac)
        fraction = next(a for a in kinh_bac.answers.select_related("indicator", "submission__unit")
                        if a.indicator.rule_type == "fraction" and a.numerator)
        actions.review_answer(acting_user=reviewer, answer=fraction, decision="adjusted",
                              note="Số liệu trên hệ thống quản lý văn bản thấp hơn (demo)",
                              numerator=str(max(0.0, fraction.numerator - 10)), denominator=str(fraction.denominator))
        # a few more in other states, filled by the office on the units' behalf for the demo
        others = [s for code, s in sorted(by_code.items()) if code not in ("07210", "09187")]
        for submission in others[:3]:  # submitted, waiting for the reviewer
            _fill_with_actions(submission, admin, "2025", evidence=True)
            _office_figures(submission, admin, "2025")
            actions.submit(acting_user=admin, submission=submission)
        for submission in others[3:5]:  # accepted
            _fill_with_actions(submission, admin, "2025", evidence=True)
            _office_figures(submission, admin, "2025")
            actions.submit(acting_user=admin, submission=submission)
            actions.start_review(acting_user=admin, submission=submission)
            for answer in submission.answers.select_related("indicator", "submission__unit"):
                actions.review_answer(acting_user=admin, answer=answer, decision="accepted")
            actions.accept_submission(acting_user=admin, submission=submission)
        for submission in others[5:12]:  # drafts half filled
            rng = _rng(submission.unit.code, "draft")
            for answer in list(submission.answers.select_related("indicator", "submission__unit"))[:10]:
                if answer.indicator.source in ("", "self"):
                    actions.save_answer(acting_user=admin, answer=answer, expected_version=answer.version,
                                        **_inputs(answer.indicator, rng, 0.6))
        actions.compute_results(acting_user=admin, campaign=campaign, basis="self", official=True)
    departments = Unit.objects.current().filter(kind="department")
    dept, created = _campaign(DEPARTMENT_2025, department_framework, "2025", "department", datetime.date(2025, 11, 1),
                              datetime.date(2026, 12, 20), departments)
    if created:
        skhcn = dept.submissions.get(unit__code="SKHCN")
        _fill_with_actions(skhcn, people["cb.skhcn"], "2025")


@transaction.atomic
def load_demo() -> None:
    people = _people()
    commune, _ = import_framework(_framework_file("province-commune-template.yaml").read_bytes(),
                                  "province-commune-template.yaml", acting_user=None, year=2024)
    department, _ = import_framework(_framework_file("province-department-template.yaml").read_bytes(),
                                     "province-department-template.yaml", acting_user=None, year=2025)
    _published_2024(commune, people)
    _running_2025(commune, department, people)
