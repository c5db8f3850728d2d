"""The standing office edits definitions and targets and manages source systems; nobody else sees
those pages."""

import pytest

from dxboard.kpi.models import Metric, SourceSystem, Target, hash_token

from .conftest import make_metric


def test_admin_edits_a_metric_and_its_targets(tree, personas, login):
    metric = make_metric()
    client = login(personas["admin"])
    assert client.get(f"/kpi/metrics/{metric.code}/edit/").status_code == 200
    assert client.get("/kpi/metrics/new/").status_code == 200
    data = {"code": "T_RATE", "name": "Tên mới", "name_en": "", "definition": "", "kind": "rate",
            "numerator_label": "n", "denominator_label": "d", "unit_label": "%", "direction": "up",
            "frequency": "weekly",
            "unit_kinds": ["commune"], "source_system": "", "time_aggregation": "sum", "is_published": "on",
            "position": 0, "targets-TOTAL_FORMS": 1, "targets-INITIAL_FORMS": 0, "targets-MIN_NUM_FORMS": 0,
            "targets-MAX_NUM_FORMS": 1000, "targets-0-year": 2026, "targets-0-unit_kind": "commune",
            "targets-0-value": 0.85, "targets-0-document": "Kế hoạch 2026"}
    response = client.post(f"/kpi/metrics/{metric.code}/edit/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    metric.refresh_from_db()
    assert metric.name == "Tên mới" and metric.unit_kinds == ["commune"]
    assert Target.objects.get(metric=metric).value == 0.85
    from dxboard.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="kpi.metric.save").exists()


def test_admin_creates_a_source_system_and_sees_its_token_once(tree, personas, login):
    make_metric()
    client = login(personas["admin"])
    response = client.post("/kpi/sources/", {"code": "qlvb", "name": "QLVB",
                                             "metrics": [Metric.objects.get(code="T_RATE").pk]})
    body = response.content.decode()
    token = body.split('id="kpi-token"')[1].split("<code>")[1].split("</code>")[0]
    system = SourceSystem.objects.get(code="qlvb")
    assert system.token_hash == hash_token(token)
    assert token not in client.get("/kpi/sources/").content.decode()


@pytest.mark.parametrize("persona", ["officer_a", "leader", "reviewer"])
def test_others_do_not_see_the_office_pages(tree, personas, login, persona):
    metric = make_metric()
    client = login(personas[persona])
    assert client.get("/kpi/sources/").status_code == 404
    assert client.get(f"/kpi/metrics/{metric.code}/edit/").status_code == 404
    assert client.get("/kpi/metrics/new/").status_code == 404
