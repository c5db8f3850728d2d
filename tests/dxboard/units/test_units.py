import datetime

from dxboard.core.text import fold
from dxboard.units.models import Unit

REFORM = datetime.date(2025, 7, 1)


def test_fold_strips_vietnamese_diacritics():
    assert fold("Bắc Ninh") == "bac ninh"
    assert fold("Đặc khu Côn Đảo") == "dac khu con dao"
    assert fold("  PHƯỜNG Ngô Quyền ") == "phuong ngo quyen"


def test_as_of_bounds_are_inclusive(tree):
    last_day = REFORM - datetime.timedelta(days=1)
    assert set(Unit.objects.as_of(last_day).values_list("code", flat=True)) >= {"24-2025", "07201-2025"}
    assert "07210" not in Unit.objects.as_of(last_day).values_list("code", flat=True)
    assert "07210" in Unit.objects.as_of(REFORM).values_list("code", flat=True)
    assert "07201-2025" not in Unit.objects.as_of(REFORM).values_list("code", flat=True)
    assert "SKHCN" in Unit.objects.as_of(datetime.date(1990, 1, 1)).values_list("code", flat=True)


def test_search_ignores_diacritics_and_case(tree):
    assert list(Unit.objects.search("BAC NINH").values_list("code", flat=True)) == ["24"]
    found = set(Unit.objects.search("bắc").values_list("code", flat=True))
    assert found == {"24", "07210", "09187", "24-2025", "213-2025"}


def test_api_lists_units_with_filters(client, tree):
    codes = lambda r: [u["code"] for u in r.json()["results"]]  # noqa: E731
    assert sorted(codes(client.get("/api/v1/units/?kind=commune&as_of=2025-07-01"))) == ["07210", "09187"]
    assert sorted(codes(client.get("/api/v1/units/?kind=commune&as_of=2025-06-30"))) == ["07201-2025", "07207-2025"]
    assert codes(client.get("/api/v1/units/?q=bac ninh")) == ["24"]
    assert sorted(codes(client.get("/api/v1/units/?parent=213-2025"))) == ["07201-2025", "07207-2025"]
    bad = client.get("/api/v1/units/?as_of=not-a-date")
    assert bad.status_code == 400 and "as_of" in bad.json()


def test_api_unit_detail_has_predecessors_and_successors(client, tree):
    body = client.get("/api/v1/units/07210/").json()
    assert body["parent"] == "24"
    [formed] = body["predecessions"]
    assert formed["kind"] == "merge" and formed["date"] == "2025-07-01"
    assert sorted(p["code"] for p in formed["predecessors"]) == ["07201-2025", "07207-2025"]
    old = client.get("/api/v1/units/07201-2025/").json()
    assert [s["successor"]["code"] for s in old["successions"]] == ["07210"]
    assert client.get("/api/v1/units/nope/").status_code == 404


def test_tree_page_as_of_a_date(client, tree):
    today = client.get("/units/").content.decode()
    assert "Phường Bắc Giang" in today and "Phường Thọ Xương" not in today
    past = client.get("/units/?as_of=2025-06-30").content.decode()
    assert "Phường Thọ Xương" in past and "Phường Bắc Giang" not in past
    found = client.get("/units/?q=kinh bac").content.decode()
    assert "Phường Kinh Bắc" in found and "Phường Bắc Giang" not in found


def test_tree_page_answers_htmx_with_the_fragment_only(client, tree):
    response = client.get("/units/?kind=commune", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Phường Kinh Bắc" in html


def test_unit_page_shows_its_history_both_ways(client, tree):
    new = client.get("/units/07210/").content.decode()
    assert "Phường Thọ Xương" in new and "Phường Ngô Quyền" in new and "01/07/2025" in new
    old = client.get("/units/07201-2025/").content.decode()
    assert "Phường Bắc Giang" in old


def test_the_english_name_is_shown_on_english_pages_only(client, tree):
    vietnamese = client.get("/units/24/").content.decode()
    assert "Tỉnh Bắc Ninh" in vietnamese and "Bac Ninh Province" not in vietnamese
    client.cookies["django_language"] = "en"
    english = client.get("/units/24/").content.decode()
    assert "Bac Ninh Province" in english


def test_the_link_to_a_units_people_is_shown_only_to_who_may_open_it(client, login, personas, tree):
    assert "/units/07210/members/" not in client.get("/units/07210/").content.decode()  # anonymous
    officer_b = login(personas["officer_b"])
    assert "/units/07210/members/" not in officer_b.get("/units/07210/").content.decode()
    assert officer_b.get("/units/07210/members/").status_code == 404
    own = officer_b.get("/units/09187/").content.decode()
    assert "/units/09187/members/" in own and officer_b.get("/units/09187/members/").status_code == 200
