"""Sensitive reports and pre-moderation, read on the raw bodies of every public surface: the follow page,
the public list and Open311 GET (list and one, JSON and XML)."""

import pytest
from django.urls import reverse

from dxboard.audit.models import AuditEntry
from dxboard.core.models import Notification
from dxboard.feedback import actions, reminders
from dxboard.feedback import figures as figures_module
from dxboard.feedback.models import Report
from dxboard.feedback.views import KEY_COOKIE
from dxboard.jobs import queue
from tests.smtp import smtp_server  # noqa: F401  (fixture)

from .conftest import photo

SECRET_TEXT = "Hàng xóm đánh con gái 8 tuổi mỗi tối"
SECRET_ADDRESS = "Nhà số 17 ngõ 42 Lê Lợi"


def public_bodies(client, report) -> dict[str, str]:
    """Every public page and Open311 GET answer that could show the report, as raw text."""
    paths = [reverse("feedback:follow", args=[report.code]), reverse("feedback:public"),
             "/open311/v2/requests.json", "/open311/v2/requests.xml",
             f"/open311/v2/requests/{report.code}.json", f"/open311/v2/requests/{report.code}.xml"]
    return {path: client.get(path).content.decode() for path in paths}


def not_listed(client, report) -> bool:
    """Open311 neither lists the report nor returns it by its id."""
    lists = [client.get(f"/open311/v2/requests.{fmt}").content.decode() for fmt in ("json", "xml")]
    ones = [client.get(f"/open311/v2/requests/{report.code}.{fmt}").status_code for fmt in ("json", "xml")]
    return all(report.code not in body for body in lists) and ones == [404, 404]


def leaks(bodies: dict[str, str], *secrets: str) -> list[str]:
    return [f"{path}: {secret}" for path, body in bodies.items() for secret in secrets if secret in body]


def handle_to_the_end(report, personas, tree):
    """Accepted, routed, answered and rated: every step that could make a report public."""
    actions.approve(report, acting_user=personas["admin"])
    actions.route(report, tree["A"], acting_user=personas["admin"])
    actions.answer(report, acting_user=personas["officer_a"], text="Đã phối hợp công an xã xử lý")
    actions.rate(report, score=4)
    report.refresh_from_db()


def web_form(fb, tree):
    return {"idempotency_key": "sensitive-web-1", "category": fb["violence"].pk, "description": SECRET_TEXT,
            "latitude": "21.273111", "longitude": "106.194622", "location_source": "gps", "commune": tree["A"].pk,
            "address": SECRET_ADDRESS, "name": "Nguyễn Thị Hoa", "phone": "0912345678", "email": "",
            "consent": "on", "photos": photo()}


def test_a_sensitive_report_from_the_web_form_never_shows_its_content_in_public(client, fb, tree, personas):
    response = client.post(reverse("feedback:new"), web_form(fb, tree))
    assert response.status_code == 302
    report = Report.objects.get()
    uid = str(report.photos.get().uid)
    handle_to_the_end(report, personas, tree)
    public = client.__class__()  # anyone holding the tracking code, without the key
    bodies = public_bodies(public, report)
    assert leaks(bodies, SECRET_TEXT, SECRET_ADDRESS, uid, "21.273", "công an xã") == []
    follow = bodies[reverse("feedback:follow", args=[report.code])]
    # the status is there, the category not, neither on the follow page nor in the list's filter and figures
    assert report.code in follow and 'id="status"' in follow and "Bạo lực gia đình" not in follow
    assert "Bạo lực gia đình" not in bodies[reverse("feedback:public")]
    assert public.get(reverse("feedback:photo", args=[uid])).status_code == 404
    # the reporter, through the link the platform gave, reads everything
    mine = client.get(response["Location"], follow=True).content.decode()
    assert SECRET_TEXT in mine and SECRET_ADDRESS in mine and uid in mine
    assert client.get(reverse("feedback:own-photo", args=[report.code, uid])).status_code == 200


def test_a_sensitive_report_from_open311_never_shows_its_content_in_public(client, fb, tree, personas):
    _, key = actions.create_api_client("Tổng đài 1022", acting_user=None)
    response = client.post("/open311/v2/requests.json", {
        "api_key": key, "service_code": "violence", "description": SECRET_TEXT, "address_string": SECRET_ADDRESS,
        "lat": "21.273111", "long": "106.194622", "media": photo()})
    assert response.status_code == 200, response.content
    report = Report.objects.get()
    uid = str(report.photos.get().uid)
    handle_to_the_end(report, personas, tree)
    bodies = public_bodies(client, report)
    assert leaks(bodies, SECRET_TEXT, SECRET_ADDRESS, uid, "21.273") == []
    assert not_listed(client, report)


def test_a_report_text_is_public_only_after_the_intake_office_accepted_it(client, make_report, personas, tree):
    text, address = "Ổ gà sâu trước cổng chợ Thương", "Số 9 Xương Giang"
    report = make_report("road", description=text, address=address, latitude=21.2731, longitude=106.1946)
    uid = str(report.photos.get().uid)
    actions.route(report, tree["A"], acting_user=personas["admin"])
    actions.answer(report, acting_user=personas["officer_a"], text="Đã vá", evidence=[photo("after.jpg")])
    report.refresh_from_db()
    bodies = public_bodies(client, report)
    assert leaks(bodies, text, address, uid, "21.2731") == []
    assert not_listed(client, report)
    assert client.get(reverse("feedback:photo", args=[uid])).status_code == 404

    actions.approve(report, acting_user=personas["admin"])
    assert AuditEntry.objects.filter(action="feedback.approve", object_id=str(report.pk)).exists()
    bodies = public_bodies(client, report)
    for path, body in bodies.items():
        assert text in body, path
    for path in ("/open311/v2/requests.json", "/open311/v2/requests.xml", f"/open311/v2/requests/{report.code}.xml"):
        assert address in bodies[path] and uid in bodies[path]
    assert client.get(reverse("feedback:photo", args=[uid])).status_code == 200


def test_a_category_without_pre_moderation_publishes_at_once(client, make_report, fb):
    fb["procedure"].premoderated = False
    fb["procedure"].save()
    report = make_report("procedure", description="Hồ sơ đất trễ hẹn ba tuần")
    assert "Hồ sơ đất trễ hẹn" in client.get(f"/open311/v2/requests/{report.code}.json").content.decode()


def test_the_office_sees_what_waits_for_acceptance_and_accepts_it(login, make_report, personas):
    report = make_report("procedure")
    office = login(personas["admin"])
    page = office.get(reverse("feedback:office", args=[report.pk])).content.decode()
    assert 'id="not-public"' in page and 'id="accept"' in page
    office.post(reverse("feedback:office-action", args=[report.pk]), {"action": "approve"})
    report.refresh_from_db()
    assert report.accepted_at is not None and report.content_public


@pytest.mark.parametrize("https", [False, True])
def test_the_access_key_is_exchanged_for_a_cookie_and_leaves_the_address(client, make_report, https):
    report = make_report(description="Đèn đường tắt cả tuần")
    follow = reverse("feedback:follow", args=[report.code])
    response = client.get(follow, {"k": report.access_key, "lang": "vi"}, secure=https)
    assert response.status_code == 302
    assert response["Location"] == follow + "?lang=vi" and report.access_key not in response["Location"]
    cookie = response.cookies[KEY_COOKIE]
    assert cookie.value == report.access_key and cookie["path"] == follow
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and bool(cookie["secure"]) is https
    page = client.get(response["Location"], secure=https).content.decode()
    assert "Đèn đường tắt cả tuần" in page and 'id="keep-link"' in page  # the reporter's page, by the cookie
    assert report.access_key not in page


def test_a_wrong_key_is_dropped_from_the_address_and_gives_no_cookie(client, make_report):
    report = make_report()
    follow = reverse("feedback:follow", args=[report.code])
    response = client.get(follow, {"k": "not-the-key"})
    assert response.status_code == 302 and response["Location"] == follow
    assert KEY_COOKIE not in response.cookies
    assert 'id="keep-link"' not in client.get(follow).content.decode()


def test_the_cookie_of_one_report_opens_no_other(client, make_report):
    mine, other = make_report(), make_report()
    client.get(reverse("feedback:follow", args=[mine.code]), {"k": mine.access_key})
    client.cookies[KEY_COOKIE]["path"] = "/"  # even sent everywhere, it holds another report's key
    page = client.get(reverse("feedback:follow", args=[other.code])).content.decode()
    assert 'id="keep-link"' not in page


def _steps_of_a_sensitive_report(fb, tree, personas):
    """Filed, accepted, routed and overdue: each step notifies someone."""
    report, _ = actions.submit(category=fb["violence"], description=SECRET_TEXT, consent=fb["consent"],
                               commune=tree["A"], address=SECRET_ADDRESS, idempotency_key="sensitive-notice",
                               photos=[photo()])
    actions.approve(report, acting_user=personas["admin"])
    actions.route(report, tree["A"], acting_user=personas["admin"])
    assert reminders.send(report.assignments.get(), "after")  # the overdue reminder goes up to leaders
    return report


def test_office_notices_of_a_sensitive_report_carry_neither_its_text_nor_its_category(
        fb, tree, personas, smtp_server, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        report = _steps_of_a_sensitive_report(fb, tree, personas)
    queue.work(max_jobs=10)
    notices = list(Notification.objects.all())
    # the intake office, the handling unit and the escalation were told, each pointing to the report
    assert {n.user for n in notices} >= {personas["admin"], personas["officer_a"]} and len(notices) >= 3
    assert all(n.link.endswith(f"/{report.pk}/") and report.code in n.subject for n in notices)
    written = [f"{n.subject} {n.body}" for n in notices]
    written += [f"{m['subject']} {m['body']}" for m in smtp_server.messages]
    assert len(smtp_server.messages) >= 3
    for text in written:
        assert SECRET_TEXT not in text and SECRET_ADDRESS not in text and fb["violence"].name not in text
    assert any("đọc trong nền tảng" in n.body for n in notices if n.user == personas["officer_a"])


def test_office_notices_of_an_ordinary_report_still_quote_its_start(fb, tree, personas):
    report, _ = actions.submit(category=fb["procedure"], description="Hồ sơ chậm trả kết quả", consent=fb["consent"],
                               commune=tree["A"], idempotency_key="ordinary-notice")
    actions.route(report, tree["A"], acting_user=personas["admin"])
    officer = Notification.objects.get(user=personas["officer_a"])
    assert officer.body == "Hồ sơ chậm trả kết quả" and fb["procedure"].name in officer.subject


def test_public_figures_count_sensitive_reports_in_their_group_only(client, fb, tree, personas):
    fb["violence"].group = "Xã hội"
    fb["violence"].save()
    for n in range(2):
        report, _ = actions.submit(category=fb["violence"], description=SECRET_TEXT, consent=fb["consent"],
                                   commune=tree["A"], idempotency_key=f"sensitive-figures-{n}")
        actions.route(report, tree["A"], acting_user=personas["admin"])
    page = client.get(reverse("feedback:public")).content.decode()
    figures = page.split('class="fb-figures"')[2]  # the second table: per category
    row = figures.split("<td>Xã hội</td>")[1].split("</tr>")[0]
    assert row.startswith("<td>2</td>")  # both reports, received, in the group's row
    assert "Bạo lực gia đình" not in page
    # the office's own figures still name the category
    assert fb["violence"] in [key for key, _ in figures_module.table()["categories"]]
