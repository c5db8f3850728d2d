import datetime
import io
import re

import pytest
from PIL import Image

from dxboard.audit.models import AuditEntry
from dxboard.feedback import actions
from dxboard.feedback.models import Assignment, PersonalData, Photo, Report, Status

from .conftest import photo, says


def test_tracking_code_and_history(make_report):
    r = make_report()
    assert re.fullmatch(r"PAKN\.\w{4}\.\w{4}", r.code)
    assert list(r.events.values_list("kind", flat=True)) == ["received"]
    assert AuditEntry.objects.filter(action="feedback.submit", object_id=str(r.pk)).exists()


def test_idempotency_same_key_same_body_returns_the_stored_report(fb, tree):
    kw = dict(category=fb["procedure"], description="Hồ sơ chậm", consent=fb["consent"], commune=tree["A"],
              idempotency_key="abc")
    r1, created1 = actions.submit(**kw)
    r2, created2 = actions.submit(**kw)
    assert created1 and not created2 and r1.pk == r2.pk
    assert Report.objects.count() == 1


def test_idempotency_same_key_other_body_is_an_error(fb, tree):
    kw = dict(category=fb["procedure"], consent=fb["consent"], commune=tree["A"], idempotency_key="abc")
    actions.submit(description="Một", **kw)
    with pytest.raises(actions.IdempotencyConflict):
        actions.submit(description="Hai", **kw)
    assert Report.objects.count() == 1


def test_on_site_needs_a_photo_and_consent_and_location(fb, tree):
    with pytest.raises(actions.FeedbackError) as no_photo:
        actions.submit(category=fb["road"], description="ổ gà", consent=fb["consent"], commune=tree["A"],
                       idempotency_key="1")
    assert says(no_photo, "ít nhất một ảnh", "at least one photo")
    with pytest.raises(actions.FeedbackError) as no_consent:
        actions.submit(category=fb["procedure"], description="x", consent=None, commune=tree["A"],
                       idempotency_key="2")
    assert says(no_consent, "dữ liệu cá nhân", "personal data")
    with pytest.raises(actions.FeedbackError) as no_place:
        actions.submit(category=fb["procedure"], description="x", consent=fb["consent"], idempotency_key="3")
    assert says(no_place, "vị trí", "location")
    with pytest.raises(actions.FeedbackError) as too_many:
        actions.submit(category=fb["road"], description="x", consent=fb["consent"], commune=tree["A"],
                       idempotency_key="4", photos=[photo(f"{i}.jpg") for i in range(6)])
    assert says(too_many, "Tối đa 5 ảnh", "At most 5 photos")


def test_photos_are_reencoded_without_exif(make_report):
    r = make_report("road")
    p = r.photos.get()
    image = Image.open(io.BytesIO(p.file.read()))
    assert not image.getexif()


def test_consent_version_recorded(make_report, fb):
    r = make_report()
    assert r.personal.consent == fb["consent"] and r.personal.consent_at


def test_rate_limit_per_device(fb, tree, settings):
    for i in range(settings.FEEDBACK_RATE_PER_DEVICE):
        actions.submit(category=fb["procedure"], description=f"x{i}", consent=fb["consent"], commune=tree["A"],
                       idempotency_key=f"d{i}", device_id="phone-1")
    with pytest.raises(actions.RateLimited):
        actions.submit(category=fb["procedure"], description="again", consent=fb["consent"], commune=tree["A"],
                       idempotency_key="d-last", device_id="phone-1")
    # a retry of a stored submission is not refused by the limit
    r, created = actions.submit(category=fb["procedure"], description="x0", consent=fb["consent"],
                                commune=tree["A"], idempotency_key="d0", device_id="phone-1")
    assert not created


def test_rate_limit_per_address_counts_every_device(fb, tree, settings):
    settings.FEEDBACK_RATE_PER_ADDRESS = 3

    def send(key, device, ip):
        return actions.submit(category=fb["procedure"], description=key, consent=fb["consent"], commune=tree["A"],
                              idempotency_key=key, device_id=device, ip=ip)

    for i in range(3):
        send(f"a{i}", f"phone-{i}", "10.0.0.1")
    send("other-network", "phone-0", "10.0.0.2")  # another address; phone-0 is under its own limit
    with pytest.raises(actions.RateLimited) as refused:
        send("a-last", "phone-new", "10.0.0.1")
    assert says(refused, "Mạng này", "network") and not Report.objects.filter(idempotency_key="a-last").exists()
    # no device and no address (a server-side caller): nothing to count by, nothing refused
    assert send("anonymous", "", "")[1]


def test_links_are_flagged_for_moderation(make_report, personas):
    r = make_report(description="Mua hàng giá rẻ http://spam.example")
    assert r.flagged and not r.is_public
    actions.approve(r, acting_user=personas["admin"])
    assert not Report.objects.get(pk=r.pk).flagged
    actions.hide(r, acting_user=personas["admin"], reason="quảng cáo")
    assert AuditEntry.objects.filter(action="feedback.hide").exists()
    with pytest.raises(actions.FeedbackError):
        actions.hide(r, acting_user=personas["officer_a"], reason="x")


def test_full_path_route_answer_rate(make_report, personas, tree):
    r = make_report("road")
    assert actions.rule_unit(r.category, r.commune) == tree["A"]
    with pytest.raises(actions.FeedbackError):
        actions.route(r, tree["A"], acting_user=personas["officer_b"])
    actions.route(r, tree["A"], acting_user=personas["admin"])
    r.refresh_from_db()
    assert r.status == Status.ROUTED and r.unit == tree["A"] and r.deadline
    actions.start(r, acting_user=personas["officer_a"])
    with pytest.raises(actions.FeedbackError) as no_evidence:
        actions.answer(r, acting_user=personas["officer_a"], text="Đã sửa")
    assert says(no_evidence, "ảnh sau xử lý", "after-photo")
    with pytest.raises(actions.FeedbackError):
        actions.answer(r, acting_user=personas["officer_b"], text="Đã sửa", evidence=[photo("after.jpg")])
    actions.answer(r, acting_user=personas["officer_a"], text="Đã sửa", evidence=[photo("after.jpg")])
    r.refresh_from_db()
    assert r.status == Status.ANSWERED
    assert r.photos.filter(role=Photo.Role.EVIDENCE).count() == 1
    actions.rate(r, score=4, reason="Nhanh")
    r.refresh_from_db()
    assert r.status == Status.CLOSED
    with pytest.raises(actions.FeedbackError):
        actions.rate(r, score=5)


def test_reroute_keeps_the_first_unit_in_its_figures(make_report, personas, tree):
    r = make_report()
    actions.route(r, tree["A"], acting_user=personas["admin"])
    actions.route(r, tree["B"], acting_user=personas["admin"])  # the intake office re-routes
    stays = list(Assignment.objects.filter(report=r).order_by("pk"))
    assert [(s.unit, s.outcome) for s in stays] == [(tree["A"], "rerouted"), (tree["B"], "open")]
    assert r.events.filter(kind="rerouted").exists()


def test_only_intake_rejects(make_report, personas, tree):
    r = make_report()
    actions.route(r, tree["A"], acting_user=personas["admin"])
    with pytest.raises(actions.FeedbackError):
        actions.reject(r, acting_user=personas["officer_a"], reason="không thuộc thẩm quyền")
    actions.reject(r, acting_user=personas["admin"], reason="không phải PAKN")
    assert Assignment.objects.get(report=r).outcome == "rejected"


def test_pause_moves_the_deadline(make_report, personas, tree):
    r = make_report()
    actions.route(r, tree["A"], acting_user=personas["admin"])
    r.refresh_from_db()
    before = r.deadline
    actions.wait_for_citizen(r, acting_user=personas["officer_a"], note="Xin số nhà")
    Report.objects.filter(pk=r.pk).update(paused_at=r.paused_at - datetime.timedelta(hours=5))
    r.refresh_from_db()
    actions.resume(r, acting_user=personas["officer_a"])
    r.refresh_from_db()
    assert r.deadline - before >= datetime.timedelta(hours=5)
    assert Assignment.objects.get(report=r).paused_seconds >= 5 * 3600


def test_extension_requested_approved_audited(make_report, personas, tree):
    r = make_report()
    actions.route(r, tree["A"], acting_user=personas["admin"])
    r.refresh_from_db()
    before = r.deadline
    ext = actions.request_extension(r, acting_user=personas["officer_a"], days=3, reason="Chờ vật tư")
    with pytest.raises(actions.FeedbackError):
        actions.decide_extension(ext, acting_user=personas["officer_a"], approve=True)
    actions.decide_extension(ext, acting_user=personas["admin"], approve=True)
    r.refresh_from_db()
    assert r.deadline > before
    assert AuditEntry.objects.filter(action="feedback.extension_decide").exists()


def test_reopen_within_window(make_report, personas, tree):
    r = make_report()
    actions.route(r, tree["A"], acting_user=personas["admin"])
    reply = actions.answer(r, acting_user=personas["officer_a"], text="Xong")
    actions.reopen(r, reason="Vẫn hỏng")
    r.refresh_from_db()
    assert r.status == Status.ROUTED and r.unit == tree["A"]
    assert Assignment.objects.get(pk=reply.assignment_id).reopened
    actions.answer(r, acting_user=personas["officer_a"], text="Xong thật")
    r.answers.update(answered_at=r.answers.last().answered_at - datetime.timedelta(days=30))
    with pytest.raises(actions.FeedbackError) as too_late:
        actions.reopen(r, reason="Vẫn hỏng")
    assert says(too_late, "trong vòng 7 ngày", "within 7 days")


def test_merge_keeps_reporters_informed(make_report, personas, tree, mailoutbox,
                                        django_capture_on_commit_callbacks):
    main = make_report(email="a@example.org")
    dup = make_report(email="b@example.org")
    actions.merge(dup, main, acting_user=personas["admin"])
    dup.refresh_from_db()
    assert dup.status == Status.MERGED and dup.merged_into == main
    actions.route(main, tree["A"], acting_user=personas["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer(main, acting_user=personas["officer_a"], text="Đã xử lý")
    recipients = {addr for m in mailoutbox for addr in m.to}
    assert {"a@example.org", "b@example.org"} <= recipients


def test_forget_anonymises_and_keeps_the_report(make_report):
    r = make_report("road", device_id="phone", ip="10.0.0.1", photos=[photo("nha-Nguyen-Van-An.jpg")])
    assert r.photos.get().original_name == "nha-Nguyen-Van-An.jpg"
    actions.forget_reporter(r)
    p = PersonalData.objects.get(report=r)
    assert (p.name, p.phone, p.email) == ("", "", "") and p.anonymised_at
    r.refresh_from_db()
    assert r.description and r.device_hash == "" and r.ip_hash == ""
    assert r.photos.count() == 1 and r.photos.get().original_name == ""  # the photo stays, its file name goes


def test_audit_rows_hold_no_personal_data(make_report, personas, tree):
    r = make_report(device_id="phone", ip="10.0.0.1")
    actions.route(r, tree["A"], acting_user=personas["admin"])
    actions.forget_reporter(r)
    for entry in AuditEntry.objects.filter(object_type="feedback.report"):
        text = str(entry.before) + str(entry.after)
        assert "Nguyễn Văn An" not in text and "0912345678" not in text and r.access_key not in text
