"""The offline map to pick a point: communes as cells around their centroids, the tapped point's
commune, and the report form that carries it."""

import math

import pytest
from django.urls import reverse

from dxboard.feedback import actions, basemap
from dxboard.units.models import Unit, UnitKind

# Centroids near the real ones (Bắc Giang, Kinh Bắc, and a third commune to the south-east).
POINTS = {"A": (21.2731, 106.1946, 30.0), "B": (21.1861, 106.0763, 25.0)}


@pytest.fixture
def located(tree):
    for name, (lat, lon, area) in POINTS.items():
        Unit.objects.filter(pk=tree[name].pk).update(latitude=lat, longitude=lon, area_km2=area)
    c = Unit.objects.create(code="07300", name="Xã Yên Dũng", kind=UnitKind.COMMUNE, parent=tree["P"],
                            valid_from=tree["A"].valid_from, latitude=21.20, longitude=106.25, area_km2=40.0)
    return {**tree, "C": c}


def polygon(cell):
    return [tuple(map(float, p.split(","))) for p in cell["points"].split()]


def test_cells_hold_their_own_centroid_and_only_it(located):
    drawn = basemap.province_map()
    assert len(drawn["cells"]) == 3
    for cell in drawn["cells"]:
        centre = (cell["x"], cell["y"])
        assert basemap._inside(centre, cell["points"])
        others = [o for o in drawn["cells"] if o is not cell]
        assert not any(basemap._inside((o["x"], o["y"]), cell["points"]) for o in others)
        # every corner of a cell is at least as near to its own centroid as to any other (Voronoi)
        for corner in polygon(cell):
            own = math.dist(corner, centre)
            assert all(own <= math.dist(corner, (o["x"], o["y"])) + 0.01 for o in others), corner  # 10 m: rounding


def test_projection_round_trip_and_scale():
    p = basemap.Projection(21.2, 106.1)
    x, y = p.to_xy(21.3, 106.2)
    assert p.to_latlon(x, y) == pytest.approx((21.3, 106.2))
    assert y == pytest.approx(-11.06, abs=0.01) and x == pytest.approx(10.38, abs=0.01)  # km: north is up


def test_nearest_commune_of_a_point(located):
    assert basemap.nearest_commune(21.2731, 106.1946) == located["A"].pk
    assert basemap.nearest_commune(21.19, 106.08) == located["B"].pk
    assert basemap.nearest_commune(21.21, 106.24) == located["C"].pk
    assert basemap.nearest_commune(22.8, 105.0) is None  # Hà Giang: outside every cell


def test_no_map_without_centroids(tree):
    assert basemap.province_map() is None and basemap.nearest_commune(21.2, 106.1) is None


def test_a_point_without_commune_gets_the_commune_of_its_cell(located, fb):
    report, _ = actions.submit(category=fb["procedure"], description="Đèn đường hỏng", idempotency_key="m1",
                               consent=fb["consent"], latitude=21.19, longitude=106.08, location_source="map")
    assert report.commune == located["B"] and report.latitude == 21.19
    # the citizen's own choice of commune wins over the map
    report, _ = actions.submit(category=fb["procedure"], description="Đèn đường hỏng 2", idempotency_key="m2",
                               consent=fb["consent"], latitude=21.19, longitude=106.08, commune=located["A"])
    assert report.commune == located["A"]
    # outside the province: the point is kept, no commune is made up
    report, _ = actions.submit(category=fb["procedure"], description="Ở xa", idempotency_key="m3",
                               consent=fb["consent"], latitude=22.8, longitude=105.0)
    assert report.commune is None and report.longitude == 105.0


def test_the_form_draws_one_cell_per_commune_with_its_unit(client, located, fb):
    html = client.get(reverse("feedback:new")).content.decode()
    assert 'id="pick-svg"' in html and html.count('class="fb-cell"') == 3
    for name in ("A", "B", "C"):
        assert f'data-unit="{located[name].pk}"' in html
        assert f'<option value="{located[name].pk}"' in html  # the tapped cell selects the same option
    assert " style=" not in html and "<script>" not in html


def test_the_form_has_no_map_without_centroids(client, fb):
    html = client.get(reverse("feedback:new")).content.decode()
    assert 'id="pick-svg"' not in html and 'id="use-gps"' in html


def test_public_and_office_maps_draw_reports_on_the_communes(client, located, make_report, personas, login):
    from dxboard.feedback.views import map_points

    r = make_report(latitude=21.19, longitude=106.08, commune=located["B"], accepted=True)
    actions.route(r, located["A"], acting_user=personas["admin"])
    actions.answer(r, acting_user=personas["officer_a"], text="Đã xong")
    page = client.get(reverse("feedback:public")).content.decode()
    assert page.count('class="fb-cell"') == 3 and page.count('class="fb-dot"') == 1
    drawn = basemap.province_map()
    dot = map_points([(r, 21.19, 106.08)])["dots"][0]
    # the dot is drawn inside commune B's cell, where the point is
    b_cell = next(c for c in drawn["cells"] if c["pk"] == located["B"].pk)
    assert basemap._inside((dot["x"], dot["y"]), b_cell["points"])
    queue = login(personas["admin"]).get(reverse("feedback:queue")).content.decode()
    assert queue.count('class="fb-cell"') == 3 and f'/feedback/office/{r.pk}/' in queue
