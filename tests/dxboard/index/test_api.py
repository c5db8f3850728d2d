import pytest
from rest_framework.test import APIClient

from dxboard.index import actions

from .conftest import answer, fill, sent


@pytest.fixture
def api():
    return APIClient()


def test_results_are_public_only_once_published(api, personas, campaign, sub_a):
    fill(sub_a, personas["officer_a"])
    sent(campaign)
    actions.compute_results(acting_user=personas["admin"], campaign=campaign, basis="self", official=True)
    assert api.get("/api/v1/index/results/").json()["count"] == 0
    campaign.status = "published"
    campaign.save()
    body = api.get("/api/v1/index/results/?framework=test-small&period=2025&kind=commune").json()
    [result] = body["results"]
    assert result["root"] == "T"
    assert [u["code"] for u in result["units"]] == ["07210", "09187"]
    assert result["units"][0]["points"] == 40.0 and result["units"][0]["main"]["A"] == pytest.approx(25 / 30)
    assert "officer" not in str(result) and "email" not in str(result)
    assert api.get("/api/v1/index/results/?period=2024").json()["count"] == 0


def test_answers_api_with_optimistic_locking(api, personas, sub_a, sub_b):
    a = answer(sub_a, "B2")
    api.force_authenticate(personas["officer_a"])
    ok = api.patch(f"/api/v1/index/answers/{a.pk}/", {"value": "6", "version": a.version}, format="json")
    assert ok.status_code == 200 and ok.json()["self_points"] == 10.0 and ok.json()["version"] == a.version + 1
    stale = api.patch(f"/api/v1/index/answers/{a.pk}/", {"value": "1", "version": a.version}, format="json")
    assert stale.status_code == 409 and "B2" in stale.json()["detail"]
    bad = api.patch(f"/api/v1/index/answers/{a.pk}/", {"value": "x", "version": a.version + 1}, format="json")
    assert bad.status_code == 400
    other = answer(sub_b, "B2")
    assert api.patch(f"/api/v1/index/answers/{other.pk}/", {"value": "1", "version": 0},
                     format="json").status_code == 404
    assert api.get(f"/api/v1/index/answers/{other.pk}/").status_code == 404
    ids = [s["id"] for s in api.get("/api/v1/index/submissions/").json()["results"]]
    assert ids == [sub_a.pk]
    api.force_authenticate(None)
    assert api.get("/api/v1/index/submissions/").status_code in (401, 403)
