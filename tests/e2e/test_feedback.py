"""The citizen's path on a phone (390×844) in a real browser: report with a photo and the phone's
position (after consent), follow the report, read the unit's answer with its after-photo, rate it.
Then the flaky network: a report sent offline is kept on the phone and sent once when the network
returns, with the same idempotency key (no duplicate)."""

import io
import time

import pytest
from PIL import Image

from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg() -> bytes:
    buf = io.BytesIO()
    image = Image.new("RGB", (64, 48), (90, 90, 90))
    exif = image.getexif()
    exif[0x8825] = {1: "N", 2: (21.0, 11.0, 30.0), 3: "E", 4: (106.0, 4.0, 0.0)}
    image.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


@pytest.fixture
def setup(tree, personas, settings, tmp_path):
    from dxboard.feedback.models import Category, ConsentVersion

    settings.MEDIA_ROOT = tmp_path / "media"
    road = Category.objects.create(code="road", name="Đường hư hỏng", description="Ổ gà, sụt lún", on_site=True)
    Category.objects.create(code="procedure", name="Thủ tục hành chính", on_site=False)
    ConsentVersion.objects.create(version="2025.1", text="Tôi đồng ý để cơ quan tiếp nhận xử lý dữ liệu cá nhân.")
    return {"road": road}


def wait_for(predicate, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_citizen_reports_follows_and_rates_on_a_phone(journey, live_server, setup, tree, personas):
    """The citizen's journey (test_journeys.py has the other roles): every page checked by `j.step`."""
    from playwright.sync_api import expect

    from dxboard.feedback import actions
    from dxboard.feedback.models import Report

    j = journey("citizen", PHONE)
    page = j.page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 21.2731, "longitude": 106.1946})
    page.goto(live_server.url + "/feedback/")
    j.step("home")
    page.locator("#report-link").click()
    page.wait_for_url("**/feedback/new/")
    j.step("report-form")
    page.locator("#id_category").select_option(label="Đường hư hỏng")
    page.locator("#id_description").fill("Ổ gà sâu trước cổng trường tiểu học")
    page.locator("#id_photos").set_input_files([{"name": "o-ga.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    page.locator("#use-gps").click()
    expect(page.locator("#gps-status")).to_contain_text("21.27310")
    page.locator("#id_name").fill("Nguyễn Văn An")
    page.locator("#id_phone").fill("0912345678")
    page.locator("#id_consent").check()
    j.step("report-filled")
    # the form fits the phone: no horizontal scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#send").click()
    page.wait_for_url("**/feedback/r/**")
    code = page.locator("#tracking-code").inner_text()
    report = Report.objects.get(code=code)
    assert report.location_source == "gps" and round(report.latitude, 4) == 21.2731
    assert report.photos.count() == 1 and "Nguyễn Văn An" not in page.content()
    expect(page.locator("#keep-link")).to_be_visible()
    j.step("follow")

    # the office routes, the commune answers with an after-photo
    from django.core.files.uploadedfile import SimpleUploadedFile

    actions.route(report, tree["A"], acting_user=personas["admin"])
    actions.answer(report, acting_user=personas["officer_a"], text="Đã vá ổ gà ngày hôm nay.",
                   evidence=[SimpleUploadedFile("sau.jpg", jpeg(), content_type="image/jpeg")])
    page.reload()
    expect(page.locator("#answer")).to_contain_text("Đã vá ổ gà")
    expect(page.locator("#answer img")).to_be_visible()
    j.step("answered")
    page.locator("#rate-form input[name=score][value='5']").check()
    page.locator("#rate-form textarea[name=reason]").fill("Xử lý nhanh")
    page.locator("#rate-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#status")).to_have_class("c-status status-closed")
    report.refresh_from_db()
    assert report.ratings.get().score == 5
    j.step("rated")
    # the home page remembers the report on this phone
    page.goto(live_server.url + "/feedback/")
    expect(page.locator("#my-reports")).to_contain_text(code)
    j.step("my-reports")
    j.finish()


def test_report_sent_offline_goes_once_when_the_network_returns(open_page, live_server, setup, tree):
    from playwright.sync_api import expect

    from dxboard.feedback.models import Report

    w = open_page(viewport=PHONE)
    page = w.page
    page.goto(live_server.url + "/feedback/new/")
    page.locator("#id_category").select_option(label="Thủ tục hành chính")
    page.locator("#id_description").fill("Hồ sơ cấp phép xây dựng quá hạn")
    page.locator("#id_commune").select_option(label=tree["A"].name)
    page.locator("#id_consent").check()
    page.context.set_offline(True)
    first_key = page.locator("#id_idempotency_key").input_value()
    page.locator("#send").click()
    expect(page.locator("#send-status")).to_be_visible()
    expect(page.locator("#id_description")).to_have_value("")  # queued on the phone, form ready for another
    # a second report written while still offline gets its own key: both are kept
    page.locator("#id_category").select_option(label="Thủ tục hành chính")
    page.locator("#id_description").fill("Hồ sơ đất đai chưa được trả")
    page.locator("#id_commune").select_option(label=tree["A"].name)
    page.locator("#id_consent").check()
    assert page.locator("#id_idempotency_key").input_value() != first_key
    page.locator("#send").click()
    time.sleep(0.5)
    assert Report.objects.count() == 0
    page.context.set_offline(False)
    assert wait_for(lambda: Report.objects.count() == 2), "the outbox was not sent when the network returned"
    page.goto(live_server.url + "/feedback/")
    time.sleep(1)
    assert Report.objects.count() == 2  # no duplicate: the outbox entries were removed, and keys are idempotent
    assert set(Report.objects.values_list("description", flat=True)) == {"Hồ sơ cấp phép xây dựng quá hạn",
                                                                        "Hồ sơ đất đai chưa được trả"}
    w.errors = [e for e in w.errors if "ERR_INTERNET_DISCONNECTED" not in e and "Failed to fetch" not in e]
    w.assert_clean()


def _log_in(page, base, username, device=None):
    from django_otp.oath import totp

    from tests.conftest import PASSWORD

    page.goto(base + "/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    if device is not None:
        page.wait_for_url("**/accounts/2fa/verify/**")
        page.locator("input[name=token]").fill(f"{totp(device.bin_key):06d}")
        page.locator("form.panel button[type=submit]").click()
    page.wait_for_load_state()


def test_office_routes_and_the_commune_answers(open_page, live_server, setup, tree, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import expect

    from dxboard.feedback import actions
    from dxboard.feedback.models import ConsentVersion, Report, Status

    report, _ = actions.submit(category=setup["road"], description="Cột đèn đổ chắn lối đi", idempotency_key="e2e",
                               consent=ConsentVersion.current(), commune=tree["A"], name="Trần Thị Bình",
                               phone="0987654321",
                               photos=[SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg")])
    device = TOTPDevice.objects.create(user=personas["admin"], name="phone", confirmed=True)
    w = open_page()
    page = w.page
    _log_in(page, live_server.url, "admin", device)
    page.goto(live_server.url + "/feedback/office/")
    page.locator("#queue").get_by_role("link", name=report.code).click()
    expect(page.locator("#reporter")).to_contain_text("Trần Thị Bình")  # the intake office sees the reporter
    page.locator("form:has(input[value=route]) select[name=unit]").first.select_option(str(tree["A"].pk))
    page.locator("form:has(input[value=route]) button[type=submit]").first.click()
    expect(page.locator("#handling-unit")).to_have_text(tree["A"].name)
    w.shot("feedback-office-routed")
    w.assert_clean()

    w2 = open_page()
    page = w2.page
    _log_in(page, live_server.url, "officer_a")
    page.goto(live_server.url + f"/feedback/office/{report.pk}/")
    assert "Trần Thị Bình" not in page.content() and "0987654321" not in page.content()
    page.locator("form:has(input[value=start]) button").click()
    page.wait_for_load_state()
    page.locator("#answer-form textarea[name=text]").fill("Đã dựng lại cột đèn.")
    page.locator("#answer-form input[name=evidence]").set_input_files(
        [{"name": "sau.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    page.locator("#answer-form button[type=submit]").click()
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == Status.ANSWERED
    page.goto(live_server.url + f"/feedback/r/{report.code}/")
    expect(page.locator("#answer")).to_contain_text("Đã dựng lại cột đèn.")
    assert Report.objects.get(pk=report.pk).answers.get().evidence.count() == 1
    w2.shot("feedback-office-answered")
    w2.assert_clean()


CENTROIDS = {"A": (21.2731, 106.1946, 30.0), "B": (21.1861, 106.0763, 25.0)}


def _screen_point(page, unit_pk, dx=0.0, dy=0.0):
    """Where on the screen the map shows the point dx, dy km from a commune's centroid."""
    page.locator("#pick-svg").scroll_into_view_if_needed()
    return page.evaluate(
        """([pk, dx, dy]) => {
            const svg = document.getElementById("pick-svg");
            const cell = document.querySelector(`.fb-cell[data-unit="${pk}"]`);
            const pt = svg.createSVGPoint();
            pt.x = parseFloat(cell.dataset.x) + dx; pt.y = parseFloat(cell.dataset.y) + dy;
            const s = pt.matrixTransform(svg.getScreenCTM());
            return [s.x, s.y, parseFloat(cell.dataset.x) + dx, parseFloat(cell.dataset.y) + dy];
        }""", [unit_pk, dx, dy])


def test_citizen_picks_the_point_on_the_offline_map(open_page, live_server, setup, tree):
    """No GPS: the citizen taps the map (drawn from the communes' centroids, nothing from another host),
    zooms in, taps the exact place; the commune of that cell is chosen, and the stored report has the
    point and the commune. Then a second report where the citizen corrects the commune the map chose."""
    from playwright.sync_api import expect

    from dxboard.feedback import basemap
    from dxboard.feedback.models import Report
    from dxboard.units.models import Unit

    for name, (lat, lon, area) in CENTROIDS.items():
        Unit.objects.filter(pk=tree[name].pk).update(latitude=lat, longitude=lon, area_km2=area)
    a, b = tree["A"].pk, tree["B"].pk
    w = open_page(viewport=PHONE)
    page = w.page
    page.goto(live_server.url + "/feedback/new/")
    page.locator("#id_category").select_option(label="Thủ tục hành chính")
    page.locator("#id_description").fill("Biển báo giao thông bị đổ")
    expect(page.locator("#pick-svg .fb-cell")).to_have_count(2)
    x, y, *_ = _screen_point(page, b, 0.4, 0.2)
    page.mouse.click(x, y)
    expect(page.locator("#id_commune")).to_have_value(str(b))
    expect(page.locator("#map-status")).to_contain_text(tree["B"].name)
    full_box = page.locator("#pick-svg").get_attribute("viewBox")
    page.locator("#map-zoom-in").click()
    page.locator("#map-zoom-in").click()
    zoomed = [float(v) for v in page.locator("#pick-svg").get_attribute("viewBox").split()]
    assert zoomed[2] == pytest.approx(float(full_box.split()[2]) / 4)
    # a drag moves the zoomed map and does not move the chosen point
    chosen = page.locator("#id_latitude").input_value()
    box = page.locator("#pick-svg").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 - 60, box["y"] + box["height"] / 2 - 20, steps=6)
    page.mouse.up()
    panned = [float(v) for v in page.locator("#pick-svg").get_attribute("viewBox").split()]
    assert panned[0] > zoomed[0] and panned[1] > zoomed[1] and page.locator("#id_latitude").input_value() == chosen
    x, y, km_x, km_y = _screen_point(page, b, -0.5, 0.3)  # zoomed in: one pixel is a few metres
    page.mouse.click(x, y)
    page.locator("#id_consent").check()
    w.shot("feedback-phone-map-picked")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#send").click()
    page.wait_for_url("**/feedback/r/**")
    report = Report.objects.get(code=page.locator("#tracking-code").inner_text())
    drawn = basemap.province_map()
    lat, lon = basemap.Projection(drawn["lat0"], drawn["lon0"]).to_latlon(km_x, km_y)
    assert report.location_source == "map" and report.commune_id == b
    assert report.latitude == pytest.approx(lat, abs=0.0005) and report.longitude == pytest.approx(lon, abs=0.0005)

    # the map proposes the commune of the tapped cell; the citizen knows better and changes it
    page.goto(live_server.url + "/feedback/new/")
    page.locator("#id_category").select_option(label="Thủ tục hành chính")
    page.locator("#id_description").fill("Cống thoát nước bị tắc ở ranh giới hai phường")
    x, y, km_x, km_y = _screen_point(page, b, 0.0, 0.0)
    page.mouse.click(x, y)
    expect(page.locator("#id_commune")).to_have_value(str(b))
    page.locator("#id_commune").select_option(str(a))
    page.locator("#id_consent").check()
    page.locator("#send").click()
    page.wait_for_url("**/feedback/r/**")
    second = Report.objects.get(code=page.locator("#tracking-code").inner_text())
    assert second.commune_id == a and second.latitude == pytest.approx(CENTROIDS["B"][0], abs=0.002)
    w.assert_clean()


def test_manifest_icons_are_served_as_png(open_page, live_server, setup):
    w = open_page(viewport=PHONE)
    page = w.page
    page.goto(live_server.url + "/feedback/")
    manifest = page.request.get(live_server.url + page.locator("link[rel=manifest]").get_attribute("href")).json()
    for icon in [i for i in manifest["icons"] if i["type"] == "image/png"]:
        response = page.request.get(live_server.url + icon["src"])
        assert response.status == 200 and response.headers["content-type"] == "image/png"
        assert response.body()[:8] == b"\x89PNG\r\n\x1a\n"
    w.assert_clean()


def test_feedback_pages_fit_a_phone(open_page, live_server, setup, tree, personas):
    """At 390 px nothing is wider than the screen: the office's queue and report page (tables scroll in
    their box), and the citizen's pages (report form, follow page, public list, a mistyped code)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dxboard.feedback import actions
    from dxboard.feedback.models import ConsentVersion
    from dxboard.units.models import Unit

    # a unit with a province-length name: the unit lists (filter, routing) must not widen the page
    Unit.objects.create(code="TTPVHCC", kind=tree["D"].kind, parent=tree["P"],
                        name="Trung tâm Phục vụ hành chính công và Kiểm soát thủ tục hành chính tỉnh Bắc Ninh")
    reports = []
    for i in range(3):
        report, _ = actions.submit(category=setup["road"], description="Cột đèn đổ chắn lối đi " * 8,
                                   idempotency_key=f"w{i}", consent=ConsentVersion.current(), commune=tree["A"],
                                   address="Số 120 đường Nguyễn Thị Minh Khai, khu dân cư số 3",
                                   photos=[SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg")])
        reports.append(report)
    actions.route(reports[0], tree["A"], acting_user=personas["admin"], note="Chuyển gấp")
    device = TOTPDevice.objects.create(user=personas["admin"], name="phone", confirmed=True)
    w = open_page(viewport=PHONE)
    page = w.page
    code = reports[0].code
    citizen = {"new": "/feedback/new/", "follow": f"/feedback/r/{code}/", "public": "/feedback/public/"}
    for name, path in citizen.items():
        page.goto(live_server.url + path)
        w.shot(f"feedback-phone-{name}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    lost = open_page(viewport=PHONE)  # its 404 is the browser's only console message: not asserted clean
    assert lost.page.goto(live_server.url + "/feedback/r/PAKN.20260101.9999/").status == 404
    lost.shot("feedback-phone-not-found")
    assert lost.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _log_in(page, live_server.url, "admin", device)
    for name, path in {"queue": "/feedback/office/", "report": f"/feedback/office/{reports[0].pk}/"}.items():
        page.goto(live_server.url + path)
        w.shot(f"feedback-phone-{name}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    w.assert_clean()
