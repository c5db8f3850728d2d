"""Dashboards and the series API: figures shown are the roll-ups; another unit is 404."""

import pytest
from django.urls import reverse

from dxboard.kpi.models import Metric

from .conftest import make_metric, obs


@pytest.fixture
def figures(tree, metric):
    obs(metric, tree["A"], "2026-W02", 9, 10)
    obs(metric, tree["B"], "2026-W02", 50, 100)
    obs(metric, tree["A"], "2026-W03", 10, 10)
    obs(metric, tree["B"], "2026-W03", 40, 100)
    return metric


def test_url_names():
    assert reverse("kpi:overview") == "/kpi/"
    assert reverse("kpi:unit", args=["07210"]) == "/kpi/units/07210/"
    assert reverse("kpi:metric", args=["X"]) == "/kpi/metrics/X/"
    assert reverse("kpi:league") == "/kpi/league/"
    assert reverse("api:kpi-series") == "/api/v1/kpi/series/"


def test_overview_shows_the_rate_of_sums_and_units_off_track(tree, personas, figures, login):
    from dxboard.kpi.models import Target

    Target.objects.create(metric=figures, year=2026, value=0.8)
    body = login(personas["leader"]).get("/kpi/").content.decode()
    assert "45,5 %" in body  # 50/110 in week 3, not the mean of 100 % and 40 %
    assert "badge-ended" in body and "Phường Kinh Bắc" in body


def test_unit_page_is_404_for_another_unit(tree, personas, figures, login):
    client = login(personas["officer_a"])
    assert client.get(f"/kpi/units/{tree['A'].code}/").status_code == 200
    assert client.get(f"/kpi/units/{tree['B'].code}/").status_code == 404
    assert login(personas["leader"]).get(f"/kpi/units/{tree['B'].code}/").status_code == 200
    assert login(None).get(f"/kpi/units/{tree['A'].code}/").status_code == 302


def test_metric_page_ranks_the_visible_units(tree, personas, figures, login):
    body = login(personas["leader"]).get(f"/kpi/metrics/{figures.code}/").content.decode()
    assert body.index("Phường Bắc Giang") < body.index("Phường Kinh Bắc")
    assert "kpi-distribution" in body
    body = login(personas["officer_a"]).get(f"/kpi/metrics/{figures.code}/").content.decode()
    assert "Phường Kinh Bắc" not in body.split("kpi-ranked")[1]


def test_weekly_league_with_change_since_last_week(tree, personas, figures, login):
    body = login(personas["admin"]).get(f"/kpi/league/?metric={figures.code}&week=2026-W03").content.decode()
    rows = body.split("kpi-league")[1]
    assert rows.index("Phường Bắc Giang") < rows.index("Phường Kinh Bắc")
    assert "+10,0" in rows or "+10.0" in rows  # A: 90 % → 100 %
    assert "-10,0" in rows or "-10.0" in rows


def test_series_api_public_for_published_metrics(client, tree, figures):
    response = client.get("/api/v1/kpi/series/", {"metric": figures.code, "from": "2026-W02", "to": "2026-W03"})
    assert response.status_code == 200
    points = response.json()["points"]
    assert [(p["period"], p["numerator"], p["denominator"]) for p in points] == [
        ("2026-W02", 59, 110), ("2026-W03", 50, 110)]
    unit = client.get("/api/v1/kpi/series/", {"metric": figures.code, "unit": tree["A"].code}).json()
    assert [p["value"] for p in unit["points"]] == [0.9, 1.0]


def test_series_api_unpublished_metric_needs_the_unit(tree, personas, figures, login):
    Metric.objects.filter(pk=figures.pk).update(is_published=False)
    url = "/api/v1/kpi/series/"
    assert login(None).get(url, {"metric": figures.code}).status_code == 404
    client = login(personas["officer_a"])
    assert client.get(url, {"metric": figures.code, "unit": tree["A"].code}).status_code == 200
    assert client.get(url, {"metric": figures.code, "unit": tree["B"].code}).status_code == 404


def test_count_metric_on_pages(tree, personas, login):
    count = make_metric("T_DOCS", rate=False)
    obs(count, tree["A"], "2026-W02", 1200)
    obs(count, tree["B"], "2026-W02", 300)
    body = login(personas["admin"]).get(f"/kpi/metrics/{count.code}/").content.decode()
    assert "1.500" in body


def test_home_panel(tree, personas, login):
    assert login(personas["officer_a"]).get("/").status_code == 200
