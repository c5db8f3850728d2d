"""Charts, the Decree 30 report (DOCX and PDF), chart permissions, and the boundary upload.

The campaign is real: the shipped commune template framework, three units of the `tree` fixture,
answers saved through the actions, results computed by the engine."""

import datetime
import io
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from dxboard.audit.models import AuditEntry
from dxboard.index import actions, boundaries, charts, reports
from dxboard.index.frameworks import import_framework
from dxboard.index.models import Answer, Campaign
from dxboard.index.results import ranking

from .conftest import sent

FRAMEWORK = Path(__file__).resolve().parents[3] / "frameworks" / "province-commune-template.yaml"
DAY = datetime.date(2025, 2, 5)
CHARTS = ["chart-ranking", "chart-radar", "chart-heatmap", "chart-series", "chart-map"]
# How many yes/no indicators each unit answers "yes": A first, B second, D last.
YES = {"A": 20, "B": 8, "D": 3}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def campaign(tree, personas):
    framework, _created = import_framework(FRAMEWORK.read_bytes(), FRAMEWORK.name, acting_user=None)
    campaign = Campaign.objects.create(framework=framework, name="Chỉ số chuyển đổi số cấp xã năm 2025",
                                       period="2025", unit_kind="commune", opens=datetime.date(2025, 9, 1),
                                       closes=datetime.date(2025, 10, 31))
    campaign.units.set([tree["A"], tree["B"], tree["D"]])
    actions.open_campaign(acting_user=None, campaign=campaign)
    for key, count in YES.items():
        answers = (Answer.objects.filter(submission__campaign=campaign, submission__unit=tree[key],
                                         indicator__rule__type="binary")
                   .select_related("indicator", "submission__unit").order_by("indicator__position"))
        for answer in list(answers)[:count]:
            actions.save_answer(acting_user=personas["admin"], answer=answer, expected_version=answer.version, value=1)
    sent(campaign)
    actions.compute_results(acting_user=None, campaign=campaign, official=True)
    campaign.refresh_from_db()
    return campaign


def _publish(campaign):
    # The workflow up to publication (review, appeals, finalisation) is the actions' tests' business;
    # here only the published state matters.
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.PUBLISHED)
    campaign.refresh_from_db()


def _svg_root(svg: str):
    return ElementTree.fromstring(svg.encode("utf-8"))  # noqa: S314 (our own output, in a test)


# -- charts as functions ---------------------------------------------------------------------------
ROWS = [{"code": "07210", "name": "Phường Bắc Giang", "value": 0.8125, "rank": 1, "points": 812.5,
         "interval": {"q05": 1, "q95": 2}},
        {"code": "09187", "name": "Phường Kinh Bắc", "value": 0.5, "rank": 2, "points": 500,
         "interval": {"q05": 1, "q95": 3}},
        {"code": "SKHCN", "name": "Sở Khoa học và Công nghệ", "value": None, "rank": None, "points": None,
         "interval": None}]


def test_ranking_bars_svg_names_every_unit_runs_nothing_and_is_deterministic():
    svg = charts.ranking_bars(ROWS, title="Chỉ số chuyển đổi số")
    root = _svg_root(svg)
    assert root.tag.endswith("svg")
    for row in ROWS:
        assert row["name"] in svg
    assert "81,2" in svg  # Vietnamese decimal comma (81.25 rounds half to even)
    assert not charts.has_script(svg)
    assert svg == charts.ranking_bars(ROWS, title="Chỉ số chuyển đổi số")
    png = charts.ranking_bars(ROWS, fmt="png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png == charts.ranking_bars(ROWS, fmt="png")


def test_has_script_catches_scripts_and_handlers():
    assert charts.has_script('<svg><script>alert(1)</script></svg>')
    assert charts.has_script('<svg><g onload="x()"/></svg>')
    assert not charts.has_script('<svg><text>Phường Bắc Giang</text></svg>')


def test_radar_heatmap_and_time_series_render_their_labels():
    codes = ["NT", "TC", "HT"]
    names = {"NT": "Nhận thức số", "TC": "Thể chế số", "HT": "Hạ tầng số"}
    svg = charts.radar(codes, names, {"NT": 0.9, "TC": 0.4, "HT": None}, [0.5, 0.5, 0.5], unit_label="Phường Kinh Bắc")
    _svg_root(svg)
    assert all(n in svg for n in names.values()) and "Phường Kinh Bắc" in svg and "Trung vị" in svg
    heat = charts.heatmap(["Phường Bắc Giang", "Phường Kinh Bắc"], ["NT Nhận thức số", "TC Thể chế số"],
                          [[0.9, None], [0.1, 0.5]])
    _svg_root(heat)
    assert "Phường Bắc Giang" in heat and "TC Thể chế số" in heat and not charts.has_script(heat)
    with pytest.raises(ValueError):
        charts.heatmap(["A"], ["x", "y"], [[0.1]])
    series = charts.time_series(["2024", "2025"], {"Trung vị": [0.4, 0.5], "Phường Kinh Bắc": [None, 0.7]})
    _svg_root(series)
    assert "2024" in series and "Phường Kinh Bắc" in series
    assert charts.radar(codes, names, [0.1, 0.2, 0.3], [0.1, 0.2, 0.3], fmt="png").startswith(b"\x89PNG")


POINTS = [(21.27, 106.19, 0.8, "Phường Bắc Giang", "07210"), (21.18, 106.07, 0.3, "Phường Kinh Bắc", "09187"),
          (None, None, 0.5, "Sở Khoa học và Công nghệ", "SKHCN")]


def _square(lon, lat, size=0.05):
    return [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]]


GEOJSON = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"ma_xa": "07210", "ten": "Bắc Giang"},
     "geometry": {"type": "Polygon", "coordinates": _square(106.17, 21.25)}},
    {"type": "Feature", "properties": {"code": "09187"},
     "geometry": {"type": "MultiPolygon", "coordinates": [_square(106.05, 21.16), _square(106.11, 21.16, 0.02)]}},
    {"type": "Feature", "properties": {"code": "99999"},
     "geometry": {"type": "Polygon", "coordinates": _square(106.3, 21.3)}},
]}


def test_map_without_boundaries_draws_dots_on_centroids():
    svg = charts.commune_map(POINTS)
    _svg_root(svg)
    assert len(re.findall(r'id="dot-\d+"', svg)) == 2  # the department has no coordinates
    assert 'id="area-' not in svg
    assert "<title>Phường Bắc Giang: 80,0</title>" in svg and "Phường Kinh Bắc" in svg
    assert not charts.has_script(svg)


def test_map_with_boundaries_fills_polygons_matched_by_code():
    svg = charts.commune_map(POINTS, GEOJSON)
    _svg_root(svg)
    assert len(re.findall(r'id="area-\d+"', svg)) == 3 and 'id="dot-' not in svg
    assert "<title>Phường Bắc Giang: 80,0</title>" in svg and "<title>Phường Kinh Bắc: 30,0</title>" in svg
    # the feature no unit matches is drawn grey
    unmatched = svg.split('id="area-2"', 1)[1].split("</g>", 1)[0]
    assert charts.MISSING in unmatched
    assert charts.commune_map(POINTS, GEOJSON, fmt="png").startswith(b"\x89PNG")


# -- the report --------------------------------------------------------------------------------------
def test_vn_date_follows_decree_30_leading_zeros():
    assert reports.vn_date(datetime.date(2025, 2, 5), "Bắc Ninh") == "Bắc Ninh, ngày 05 tháng 02 năm 2025"
    assert reports.vn_date(datetime.date(2025, 11, 15), "Bắc Ninh") == "Bắc Ninh, ngày 15 tháng 11 năm 2025"
    assert reports.vn_date(datetime.date(2025, 3, 9), "Hà Nội") == "Hà Nội, ngày 09 tháng 3 năm 2025"


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_docx_report_has_the_decree_30_layout_and_the_ranking(campaign):
    from docx import Document
    from docx.shared import Mm

    rows = ranking(campaign.official)
    assert [r["name"] for r in rows] == ["Phường Bắc Giang", "Phường Kinh Bắc", "Sở Khoa học và Công nghệ"]
    document = Document(io.BytesIO(reports.docx_report(campaign, campaign.official, DAY)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert 13 <= document.styles["Normal"].font.size.pt <= 14

    head = document.tables[0]
    left, right = head.cell(0, 0), head.cell(0, 1)
    assert [p.text for p in left.paragraphs if p.text] == ["UBND TỈNH BẮC NINH", "BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ"]
    assert left.paragraphs[1].runs[0].bold
    assert [p.text for p in right.paragraphs if p.text] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                           "Độc lập - Tự do - Hạnh phúc"]
    assert all(p.runs[0].bold for p in right.paragraphs if p.text)
    assert re.fullmatch(r"Số:\s+/BC-BCĐ", head.cell(1, 0).text.strip())
    place = head.cell(1, 1).paragraphs[0]
    assert place.text == "Bắc Ninh, ngày 05 tháng 02 năm 2025" and place.runs[0].italic
    # a short rule under the issuing body and under the motto (paragraph bottom borders)
    assert sum("w:pBdr" in p._p.xml for cell in (left, right) for p in cell.paragraphs) == 2

    texts = [p.text for p in document.paragraphs]
    title = texts.index("BÁO CÁO")
    assert document.paragraphs[title].runs[0].bold
    assert texts[title + 1] == "Kết quả đánh giá, xếp hạng chuyển đổi số: Chỉ số chuyển đổi số cấp xã năm 2025"

    table = next(t for t in document.tables if t.cell(0, 0).text == "STT")
    header = [c.text for c in table.rows[0].cells]
    assert header == ["STT", "Đơn vị", "Điểm", "Tỷ lệ (%)", "Hạng", "Khoảng thứ hạng", "Xếp loại"]
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[1] for r in body] == [r["name"] for r in rows]
    assert [r[0] for r in body] == ["1", "2", "3"]
    assert body[0][4] == str(int(rows[0]["rank"]))
    assert body[0][3] == charts.vn_number(rows[0]["value"] * 100, 1)
    assert body[0][6] == rows[0]["grade"]

    assert len(document.inline_shapes) == 2  # ranking bars and the top unit's radar
    assert all(shape.width <= Mm(165) for shape in document.inline_shapes)
    text = _docx_text(document)
    for needle in ("TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN", "Nơi nhận:", "Hình 1.", "Hình 2.", "Phường Bắc Giang"):
        assert needle in text
    sign = document.tables[-1]
    assert sign.cell(0, 0).paragraphs[0].text == "Nơi nhận:"
    assert sign.cell(0, 1).paragraphs[0].text == "TM. BAN CHỈ ĐẠO"


def test_report_takes_the_province_from_the_units_tree(campaign, tree):
    from docx import Document

    tree["P"].name = "Thành phố Hải Phòng"
    tree["P"].save()
    document = Document(io.BytesIO(reports.docx_report(campaign, campaign.official, DAY)))
    text = _docx_text(document)
    assert "UBND THÀNH PHỐ HẢI PHÒNG" in text and "Hải Phòng, ngày 05 tháng 02 năm 2025" in text
    assert "BẮC NINH" not in text


def test_pdf_report_has_the_same_content(campaign):
    from pypdf import PdfReader

    data = reports.pdf_report(campaign, campaign.official, DAY)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    for needle in ("UBND TỈNH BẮC NINH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "Bắc Ninh, ngày 05 tháng 02 năm 2025", "BÁO CÁO", "TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN", "Nơi nhận:",
                   "Phường Bắc Giang", "Phường Kinh Bắc", "Sở Khoa học và Công nghệ"):
        assert needle in flat, needle
    # the ranking table lists the units in rank order
    positions = [flat.index(name, flat.index("Khoảng thứ")) for name in
                 ("Phường Bắc Giang", "Phường Kinh Bắc", "Sở Khoa học và Công nghệ")]
    assert positions == sorted(positions)
    assert b"DejaVuSerif" in data
    images = sum(len(page.images) for page in reader.pages)
    assert images == 2


# -- pages: permissions ---------------------------------------------------------------------------
def _url(name, campaign):
    return reverse(f"index:{name}", args=[campaign.pk])


@pytest.mark.parametrize("persona", ["anonymous", "officer_a", "reviewer", "dept_officer"])
def test_charts_of_an_unpublished_campaign_are_404_except_for_staff(campaign, personas, login, persona):
    client = login(personas[persona])
    for name in CHARTS:
        assert client.get(_url(name, campaign)).status_code == 404, name


@pytest.mark.parametrize("persona", ["admin", "leader"])
def test_staff_see_every_chart_as_svg(campaign, personas, login, persona):
    client = login(personas[persona])
    for name in CHARTS:
        response = client.get(_url(name, campaign))
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("image/svg+xml")
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert response["Cache-Control"].startswith("private")
        svg = response.content.decode("utf-8")
        _svg_root(svg)
        assert not charts.has_script(svg)
        if name in ("chart-ranking", "chart-heatmap"):
            for unit in ("Phường Bắc Giang", "Phường Kinh Bắc", "Sở Khoa học và Công nghệ"):
                assert unit in svg, (name, unit)


@pytest.mark.parametrize("persona", ["anonymous", "officer_b"])
def test_published_charts_are_public(campaign, personas, login, persona):
    _publish(campaign)
    client = login(personas[persona])
    for name in CHARTS:
        response = client.get(_url(name, campaign))
        assert response.status_code == 200, name
        assert response["Cache-Control"].startswith("public")


def test_chart_parameters_are_checked(campaign, personas, login):
    client = login(personas["leader"])
    assert client.get(_url("chart-ranking", campaign), {"node": "NOPE"}).status_code == 404
    assert client.get(_url("chart-radar", campaign), {"unit": "NOPE"}).status_code == 404
    assert client.get(_url("chart-series", campaign), {"unit": "NOPE"}).status_code == 404
    ranked = client.get(_url("chart-ranking", campaign), {"node": "NT"}).content.decode()
    assert "Nhận thức số" in ranked
    heat = client.get(_url("chart-heatmap", campaign), {"node": "NT"}).content.decode()
    assert "NT1" in heat and "NT5" in heat and "TC1" not in heat
    radar = client.get(_url("chart-radar", campaign), {"unit": "09187"}).content.decode()
    assert "Phường Kinh Bắc" in radar
    series = client.get(_url("chart-series", campaign)).content.decode()
    assert "Trung vị" in series and "2025" in series


def test_campaign_without_official_result_is_404(tree, personas, login, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(official=None)
    client = login(personas["admin"])
    for name in CHARTS + ["report-docx", "report-pdf"]:
        assert client.get(_url(name, campaign)).status_code == 404, name


@pytest.mark.parametrize("persona,status", [("admin", 200), ("leader", 200), ("officer_a", 404), ("reviewer", 404)])
def test_reports_are_for_the_standing_office_and_leaders(campaign, personas, login, persona, status):
    _publish(campaign)  # even published, the signed report is an internal document
    client = login(personas[persona])
    docx = client.get(_url("report-docx", campaign))
    pdf = client.get(_url("report-pdf", campaign))
    assert (docx.status_code, pdf.status_code) == (status, status)
    if status == 200:
        from docx import Document

        assert docx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
        assert 'filename="bao-cao-chi-so-chuyen-doi-so-cap-xa-nam-2025-2025.docx"' in docx["Content-Disposition"]
        assert "BÁO CÁO" in [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_reports_ask_anonymous_visitors_to_log_in(campaign, client):
    response = client.get(_url("report-pdf", campaign))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# -- boundaries ------------------------------------------------------------------------------------
def _geojson_upload(data, name="ranh-gioi.geojson"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, content, content_type="application/geo+json")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_admin_uploads_boundaries_and_the_map_becomes_a_choropleth(campaign, personas, login, tree, media):
    for key, (lat, lon) in {"A": (21.27, 106.19), "B": (21.18, 106.07)}.items():
        tree[key].latitude, tree[key].longitude = lat, lon
        tree[key].save()
    client = login(personas["admin"])
    before = client.get(_url("chart-map", campaign)).content.decode()
    assert len(re.findall(r'id="dot-\d+"', before)) == 2 and 'id="area-' not in before

    page = client.get(reverse("index:boundary-upload"))
    assert page.status_code == 200 and "Tỉnh Bắc Ninh" in page.content.decode()
    response = client.post(reverse("index:boundary-upload"), {"file": _geojson_upload(GEOJSON)})
    assert response.status_code == 302
    stored = media / "boundaries" / "24.geojson"
    assert json.loads(stored.read_text(encoding="utf-8"))["features"][0]["properties"]["ma_xa"] == "07210"
    entry = AuditEntry.objects.get(action="index.upload_boundaries")
    assert entry.actor == personas["admin"] and entry.object_id == str(tree["P"].pk)
    assert entry.after["features"] == 3 and entry.after["matched_units"] == 2

    after = client.get(_url("chart-map", campaign)).content.decode()
    assert len(re.findall(r'id="area-\d+"', after)) == 3 and 'id="dot-' not in after
    assert "<title>Phường Bắc Giang: " in after


@pytest.mark.parametrize("payload,message_en,message_vi", [
    (b"{not json", "is not valid JSON", "không phải là JSON (GeoJSON) hợp lệ"),
    ({"type": "Feature", "geometry": None}, "must be a GeoJSON FeatureCollection",
     "phải là một GeoJSON FeatureCollection"),
    ({"type": "FeatureCollection", "features": []}, "has no features", "không có đối tượng (feature) nào"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "07210"},
                                                 "geometry": {"type": "Point", "coordinates": [106, 21]}}]},
     "Feature 1: the geometry must be a Polygon or a MultiPolygon",
     "Đối tượng 1: hình học (geometry) phải là Polygon hoặc MultiPolygon"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "07210"},
                                                 "geometry": {"type": "Polygon",
                                                              "coordinates": [[[106, 21], [500, 21]]]}}]},
     "Feature 1: the coordinates are malformed", "Đối tượng 1: tọa độ sai định dạng"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"ten": "x"},
                                                 "geometry": {"type": "Polygon", "coordinates": _square(106, 21)}}]},
     "No feature carries a unit code", "Không đối tượng nào có mã đơn vị"),
])
def test_bad_boundary_files_are_refused_and_nothing_is_written(personas, login, media, payload, message_en,
                                                               message_vi):
    client = login(personas["admin"])
    response = client.post(reverse("index:boundary-upload"), {"file": _geojson_upload(payload)})
    assert response.status_code == 200
    assert message_vi in response.context["form"].errors["file"][0]
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    with pytest.raises(boundaries.BoundaryError) as refused:
        boundaries.validate(raw)
    with translation.override("en"):
        assert message_en in str(refused.value.args[0])
    assert not (media / "boundaries" / "24.geojson").exists()
    assert not AuditEntry.objects.filter(action="index.upload_boundaries").exists()


def test_boundary_files_over_the_limit_are_refused(personas, login, media, monkeypatch):
    monkeypatch.setattr(boundaries, "MAX_BYTES", 500)
    client = login(personas["admin"])
    response = client.post(reverse("index:boundary-upload"), {"file": _geojson_upload(GEOJSON)})
    assert response.status_code == 200
    assert "Tệp địa giới lớn hơn 20 MB" in response.context["form"].errors["file"][0]
    assert not (media / "boundaries" / "24.geojson").exists()
    with pytest.raises(boundaries.BoundaryError):
        boundaries.validate(b" " * 501)


@pytest.mark.parametrize("persona", ["leader", "officer_a", "reviewer"])
def test_only_the_standing_office_uploads_boundaries(personas, login, media, persona):
    client = login(personas[persona])
    assert client.get(reverse("index:boundary-upload")).status_code == 404
    assert client.post(reverse("index:boundary-upload"), {"file": _geojson_upload(GEOJSON)}).status_code == 404
    assert not (media / "boundaries").exists()


def test_time_series_spans_the_periods_and_hides_unpublished_ones_from_the_public(campaign, tree, personas, login):
    earlier = Campaign.objects.create(framework=campaign.framework, name="Chỉ số chuyển đổi số cấp xã năm 2024",
                                      period="2024", unit_kind="commune", opens=datetime.date(2024, 9, 1),
                                      closes=datetime.date(2024, 10, 31))
    earlier.units.set([tree["A"], tree["B"]])
    actions.open_campaign(acting_user=None, campaign=earlier)
    sent(earlier)
    actions.compute_results(acting_user=None, campaign=earlier, official=True)

    def ticks(client):
        svg = client.get(_url("chart-series", campaign)).content.decode()
        return set(re.findall(r">\s*(20\d\d)\s*</text>", svg))

    assert ticks(login(personas["leader"])) == {"2024", "2025"}
    _publish(campaign)  # the staff's chart (with 2024) is cached: the public must not be served it
    assert ticks(login(None)) == {"2025"}
