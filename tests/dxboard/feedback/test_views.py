import json

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from dxboard.feedback import actions
from dxboard.feedback.models import Report, Status
from dxboard.feedback.views import KEY_COOKIE

from .conftest import photo


def form_data(fb, tree, **extra):
    data = {"idempotency_key": "web-1", "category": fb["road"].pk, "description": "Ổ gà trước cổng trường",
            "latitude": "21.2731", "longitude": "106.1946", "location_source": "gps", "commune": tree["A"].pk,
            "address": "Số 1", "name": "Nguyễn Văn An", "phone": "0912345678", "email": "an@example.org",
            "consent": "on", "photos": photo()}
    data.update(extra)
    return data


def test_report_form_renders_with_a_key_and_consent(client, fb):
    response = client.get(reverse("feedback:new"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="idempotency_key"' in html and "2025.1" in html and "Đồng ý xử lý" in html
    assert "fb_device" in response.cookies


def test_submit_through_the_page_and_follow(client, fb, tree):
    response = client.post(reverse("feedback:new"), form_data(fb, tree))
    assert response.status_code == 302
    report = Report.objects.get()
    assert response["Location"] == reverse("feedback:follow", args=[report.code]) + f"?k={report.access_key}"
    # the submission writes no session (the key is in the link); following the link exchanges it for a cookie
    assert not Session.objects.exists()
    page = client.get(response["Location"], follow=True).content.decode()
    assert report.code in page and "Nguyễn Văn An" not in page
    assert client.cookies[KEY_COOKIE].value == report.access_key


def test_submit_json_retry_gives_the_stored_report(client, fb, tree):
    url = reverse("feedback:new")
    r1 = client.post(url, form_data(fb, tree), headers={"Accept": "application/json"})
    r2 = client.post(url, form_data(fb, tree), headers={"Accept": "application/json"})
    assert r1.status_code == r2.status_code == 200
    assert json.loads(r1.content)["code"] == json.loads(r2.content)["code"]
    assert json.loads(r2.content)["created"] is False and Report.objects.count() == 1
    r3 = client.post(url, form_data(fb, tree, description="khác"), headers={"Accept": "application/json"})
    assert r3.status_code == 409 and json.loads(r3.content)["errors"]


def test_submit_without_photo_for_on_site_is_refused(client, fb, tree):
    data = form_data(fb, tree)
    data.pop("photos")
    response = client.post(reverse("feedback:new"), data)
    assert response.status_code == 400 and Report.objects.count() == 0
    assert "photo" in response.content.decode()


def test_follow_without_key_shows_no_controls_and_rating_needs_the_key(client, make_report, personas, tree):
    r = make_report()
    actions.route(r, tree["A"], acting_user=personas["admin"])
    actions.answer(r, acting_user=personas["officer_a"], text="Đã xử lý xong")
    page = client.get(reverse("feedback:follow", args=[r.code])).content.decode()
    assert "Đã xử lý xong" in page and 'id="rate-form"' not in page
    assert client.post(reverse("feedback:rate", args=[r.code]), {"score": 5}).status_code == 404
    page = client.get(reverse("feedback:follow", args=[r.code]) + f"?k={r.access_key}", follow=True).content.decode()
    assert 'id="rate-form"' in page
    # the key is now in the report's cookie: the form posts without it
    client.post(reverse("feedback:rate", args=[r.code]), {"score": 5, "reason": "tốt"})
    r.refresh_from_db()
    assert r.status == Status.CLOSED and r.ratings.get().score == 5


def test_citizen_deletes_their_data(client, make_report):
    r = make_report()
    response = client.post(reverse("feedback:forget", args=[r.code]), {"k": r.access_key})
    assert response.status_code == 302
    r.personal.refresh_from_db()
    assert r.personal.name == "" and r.personal.anonymised_at


@pytest.mark.parametrize("persona,status", [("admin", 200), ("officer_a", 200), ("officer_b", 404),
                                            ("dept_officer", 404), ("leader", 200), ("reviewer", 404),
                                            ("anonymous", 302)])
def test_office_page_permissions(login, personas, make_report, tree, persona, status):
    r = make_report()
    actions.route(r, tree["A"], acting_user=personas["admin"])
    client = login(personas[persona])
    assert client.get(reverse("feedback:office", args=[r.pk])).status_code == status


def test_unrouted_report_only_for_intake(login, personas, make_report):
    r = make_report()
    assert login(personas["officer_a"]).get(reverse("feedback:office", args=[r.pk])).status_code == 404
    assert login(personas["admin"]).get(reverse("feedback:office", args=[r.pk])).status_code == 200


def test_reporter_identity_only_for_intake(login, personas, make_report, tree):
    r = make_report()
    actions.route(r, tree["A"], acting_user=personas["admin"])
    intake = login(personas["admin"]).get(reverse("feedback:office", args=[r.pk])).content.decode()
    assert "Nguyễn Văn An" in intake and "0912345678" in intake
    for persona in ("officer_a", "leader"):
        page = login(personas[persona]).get(reverse("feedback:office", args=[r.pk])).content.decode()
        assert "Nguyễn Văn An" not in page and "0912345678" not in page and "an@example.org" not in page
    queue = login(personas["officer_a"]).get(reverse("feedback:queue")).content.decode()
    assert r.code in queue and "Nguyễn Văn An" not in queue


def test_intake_permission_can_be_granted(login, personas, make_report, django_user_model):
    from django.contrib.auth.models import Permission

    r = make_report()
    clerk = django_user_model.objects.create_user("clerk", password="x")
    clerk.user_permissions.add(Permission.objects.get(codename="intake_report"))
    page = login(clerk).get(reverse("feedback:office", args=[r.pk])).content.decode()
    assert "Nguyễn Văn An" in page


def test_office_flow_through_the_pages(login, personas, make_report, tree):
    r = make_report("road")
    url = reverse("feedback:office-action", args=[r.pk])
    admin = login(personas["admin"])
    admin.post(url, {"action": "route", "unit": tree["A"].pk})
    r.refresh_from_db()
    assert r.unit == tree["A"]
    officer = login(personas["officer_a"])
    officer.post(url, {"action": "start"})
    officer.post(url, {"action": "answer", "text": "Đã vá", "evidence": photo("after.jpg")})
    r.refresh_from_db()
    assert r.status == Status.ANSWERED
    # another unit's officer cannot act: 404
    assert login(personas["officer_b"]).post(url, {"action": "start"}).status_code == 404


def test_officer_returns_to_intake_and_loses_the_report(login, personas, make_report, tree):
    r = make_report()
    actions.route(r, tree["A"], acting_user=personas["admin"])
    client = login(personas["officer_a"])
    response = client.post(reverse("feedback:office-action", args=[r.pk]),
                           {"action": "return", "reason": "Không thuộc thẩm quyền của xã"})
    assert response["Location"] == reverse("feedback:queue")
    assert client.get(reverse("feedback:office", args=[r.pk])).status_code == 404


def test_bulk_route(login, personas, make_report, tree):
    a, b = make_report(), make_report()
    login(personas["admin"]).post(reverse("feedback:queue"), {"ids": [a.pk, b.pk], "bulk": "route",
                                                             "unit": tree["B"].pk})
    assert set(Report.objects.values_list("unit", flat=True)) == {tree["B"].pk}


def test_public_page_lists_answered_reports_without_identity(client, make_report, personas, tree):
    r = make_report(latitude=21.2, longitude=106.1, accepted=True)
    open_one = make_report(description="chưa trả lời", accepted=True)
    actions.route(r, tree["A"], acting_user=personas["admin"])
    actions.answer(r, acting_user=personas["officer_a"], text="Đã xong")
    page = client.get(reverse("feedback:public")).content.decode()
    assert r.code in page and open_one.code not in page and "Nguyễn Văn An" not in page
    assert "<svg" in page and "Phường Bắc Giang" in page
    page = client.get(reverse("feedback:public"), {"commune": tree["B"].pk}).content.decode()
    assert r.code not in page


def test_hidden_photo_not_served(client, make_report, personas):
    r = make_report("road", accepted=True)
    p = r.photos.get()
    assert client.get(reverse("feedback:photo", args=[p.uid])).status_code == 200
    actions.hide(r, acting_user=personas["admin"], reason="abuse")
    assert client.get(reverse("feedback:photo", args=[p.uid])).status_code == 404


def test_pwa_manifest_and_service_worker(client, db):
    m = client.get(reverse("feedback:manifest"))
    assert m.status_code == 200 and m["Content-Type"] == "application/manifest+json"
    assert json.loads(m.content)["start_url"] == "/feedback/"
    sw = client.get(reverse("feedback:sw"))
    assert sw.status_code == 200 and b"addEventListener" in sw.content


def test_manifest_icons_are_real_pngs_of_the_declared_sizes(client, db):
    """Installers (Android's WebAPK) need PNG icons of 192 and 512 pixels, and a maskable one."""
    from django.contrib.staticfiles import finders
    from PIL import Image

    icons = json.loads(client.get(reverse("feedback:manifest")).content)["icons"]
    pngs = [i for i in icons if i["type"] == "image/png"]
    assert {i["sizes"] for i in pngs} >= {"192x192", "512x512"}
    assert any("maskable" in i["purpose"].split() for i in pngs)
    for icon in pngs:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
        with Image.open(path) as image:
            image.load()  # decodes the whole file: a truncated PNG fails here
            assert image.format == "PNG" and "x".join(map(str, image.size)) == icon["sizes"]
            if "maskable" in icon["purpose"]:
                # a maskable icon fills its square: the corners a launcher may crop are not transparent
                assert image.convert("RGBA").getpixel((0, 0))[3] == 255


def test_no_inline_script_or_style(client, fb):
    for url in (reverse("feedback:home"), reverse("feedback:new"), reverse("feedback:public")):
        html = client.get(url).content.decode()
        assert "<script>" not in html and "<style" not in html and " style=" not in html


def test_follow_page_hides_the_content_of_a_flagged_report_from_others(client, make_report):
    r = make_report(description="Xem ngay http://spam.example giá rẻ")
    page = client.get(reverse("feedback:follow", args=[r.code])).content.decode()
    assert "spam.example" not in page
    page = client.get(reverse("feedback:follow", args=[r.code]) + f"?k={r.access_key}", follow=True).content.decode()
    assert "spam.example" in page


def test_home_panels(login, personas, make_report, tree):
    r = make_report()
    page = login(personas["admin"]).get("/").content.decode()
    assert reverse("feedback:queue") in page
    actions.route(r, tree["A"], acting_user=personas["admin"])
    page = login(personas["officer_a"]).get("/").content.decode()
    assert reverse("feedback:queue") in page
    page = login(personas["officer_b"]).get("/").content.decode()
    assert reverse("feedback:queue") not in page


def test_intake_marks_a_report_urgent_when_routing(login, personas, make_report, tree):
    r = make_report()
    login(personas["admin"]).post(reverse("feedback:office-action", args=[r.pk]),
                                  {"action": "route", "unit": tree["A"].pk, "urgent": "on"})
    r.refresh_from_db()
    assert r.urgent and (r.deadline - r.created_at).total_seconds() < 5 * 86400


def test_routing_quality_page_for_intake_only(login, personas, db):
    assert login(personas["admin"]).get(reverse("feedback:routing")).status_code == 200
    assert login(personas["officer_a"]).get(reverse("feedback:routing")).status_code == 404


def test_intake_classifies(login, personas, make_report, fb):
    r = make_report()
    url = reverse("feedback:office-action", args=[r.pk])
    login(personas["officer_a"]).post(url, {"action": "classify", "category": fb["violence"].pk})
    r.refresh_from_db()
    assert r.category == fb["procedure"]
    login(personas["admin"]).post(url, {"action": "classify", "category": fb["violence"].pk})
    r.refresh_from_db()
    assert r.category == fb["violence"] and r.events.filter(kind="classified").exists()


def test_map_coordinates_are_not_localised(client, make_report, personas, tree):
    import re

    r = make_report(latitude=21.2, longitude=106.1, accepted=True)
    r2 = make_report(latitude=21.25, longitude=106.17, accepted=True)
    for report in (r, r2):
        actions.route(report, tree["A"], acting_user=personas["admin"])
        actions.answer(report, acting_user=personas["officer_a"], text="ok")
    page = client.get(reverse("feedback:public"), headers={"Accept-Language": "vi"}).content.decode()
    coords = re.findall(r'c[xy]="([^"]+)"', page)
    assert coords and all("," not in c for c in coords)


def test_api_lists_only_visible_reports_without_identity(login, personas, make_report, tree):
    ra, rb = make_report(), make_report()
    actions.route(ra, tree["A"], acting_user=personas["admin"])
    actions.route(rb, tree["B"], acting_user=personas["admin"])
    data = login(personas["officer_a"]).get("/api/v1/feedback/reports/").json()
    assert [r["code"] for r in data["results"]] == [ra.code]
    assert "Nguyễn" not in json.dumps(data, ensure_ascii=False)
    assert login(personas["officer_a"]).get(f"/api/v1/feedback/reports/{rb.pk}/").status_code == 404
    data = login(personas["admin"]).get("/api/v1/feedback/reports/", {"unit": tree["B"].pk}).json()
    assert [r["code"] for r in data["results"]] == [rb.code]
    figures = login(personas["leader"]).get("/api/v1/feedback/figures/").json()
    assert {u["unit"] for u in figures["units"]} == {"07210", "09187"} and figures["total"]["received"] == 2


def test_settings_rules_consent_clients_categories(login, personas, fb, tree):
    from dxboard.audit.models import AuditEntry
    from dxboard.feedback.models import ApiClient, ConsentVersion, RoutingRule

    assert login(personas["officer_a"]).get(reverse("feedback:settings")).status_code == 404
    client = login(personas["admin"])
    assert client.get(reverse("feedback:settings")).status_code == 200
    client.post(reverse("feedback:settings"), {"op": "rule", "category": fb["procedure"].pk, "unit": tree["D"].pk})
    assert actions.rule_unit(fb["procedure"], tree["B"]) == tree["D"]
    client.post(reverse("feedback:settings"), {"op": "rule", "category": "", "commune": "", "unit": tree["D"].pk})
    assert not RoutingRule.objects.filter(category=None, commune=None).exists()
    rule = RoutingRule.objects.get(category=fb["procedure"])
    client.post(reverse("feedback:settings"), {"op": "rule_delete", "rule": rule.pk})
    assert not RoutingRule.objects.filter(pk=rule.pk).exists()
    client.post(reverse("feedback:settings"), {"op": "consent", "version": "2026.1", "text": "Văn bản mới"})
    assert ConsentVersion.current().version == "2026.1"
    page = client.post(reverse("feedback:settings"), {"op": "client", "name": "iHanoi bridge"}).content.decode()
    key = page.split('<code>')[1].split('</code>')[0]
    assert actions.client_for_key(key) == ApiClient.objects.get(name="iHanoi bridge")
    client.post(reverse("feedback:category", args=[fb["road"].pk]),
                {"code": "road", "name": "Đường sá", "deadline_days": 3, "deadline_hours": 12, "on_site": "on"})
    fb["road"].refresh_from_db()
    assert fb["road"].name == "Đường sá" and fb["road"].deadline_days == 3 and not fb["road"].active
    assert AuditEntry.objects.filter(action__in=["feedback.rule", "feedback.consent", "feedback.category"]).count() == 3
    assert not any(key in str(e.after) for e in AuditEntry.objects.all())


def test_intake_deletes_reporter_data_on_request(login, personas, make_report, tree):
    r = make_report()
    actions.route(r, tree["A"], acting_user=personas["admin"])
    url = reverse("feedback:office-action", args=[r.pk])
    login(personas["officer_a"]).post(url, {"action": "forget"})
    r.personal.refresh_from_db()
    assert r.personal.name  # a handling unit cannot
    login(personas["admin"]).post(url, {"action": "forget"})
    r.personal.refresh_from_db()
    assert r.personal.name == "" and r.personal.anonymised_at


@pytest.mark.parametrize("field, value, limit", [
    ("email", "an." * 84 + "@example.org", 254),  # 264 characters, a valid address otherwise
    ("phone", "0912 345 678 máy lẻ 1234 gọi sau 17 giờ", 30),
    ("name", "Nguyễn " * 30, 200),
    ("address", "Số 1 " * 61, 300),
])
def test_what_does_not_fit_is_refused_at_its_field_never_cut(client, fb, tree, field, value, limit):
    response = client.post(reverse("feedback:new"), form_data(fb, tree, **{field: value}))
    page = response.content.decode()
    assert response.status_code == 400 and Report.objects.count() == 0
    errors = page.split(f'id="id_{field}_error"')[1].split("</ul>")[0]  # shown beside the field's label
    assert f"tối đa {limit}" in errors


@pytest.mark.parametrize("lat, lon, words", [("0", "0", "0, 0"), ("10.7769", "106.7009", "ngoài")])
def test_a_point_without_a_fix_or_outside_the_province_is_refused(client, fb, tree, lat, lon, words):
    response = client.post(reverse("feedback:new"), form_data(fb, tree, latitude=lat, longitude=lon))
    assert response.status_code == 400 and Report.objects.count() == 0
    assert words in response.content.decode()
