"""Push API: token of the source system, its metrics only, batched, all or nothing, idempotent,
corrections keep the old value."""

import pytest
from django.urls import reverse

from dxboard.kpi.models import Observation

URL = "/api/v1/kpi/observations/"


def _push(client, token, rows):
    return client.post(URL, {"observations": rows}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


def _row(unit, num=90, den=100, period="2026-W02", metric="T_RATE"):
    return {"metric": metric, "unit": unit.code, "period": period, "numerator": num, "denominator": den}


def test_url_name():
    assert reverse("api:kpi-observations") == URL


def test_push_stores_a_batch_and_is_idempotent(client, tree, source):
    system, token = source
    rows = [_row(tree["A"]), _row(tree["B"], 40, 50), _row(tree["D"], 1, 2, "2026-W03")]
    response = _push(client, token, rows)
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 3, "corrected": 0, "unchanged": 0}
    assert _push(client, token, rows).json() == {"created": 0, "corrected": 0, "unchanged": 3}
    assert Observation.objects.count() == 3
    stored = Observation.objects.get(unit=tree["B"])
    assert (stored.numerator, stored.denominator, stored.value, stored.source) == (40, 50, 0.8, "vbdh")


def test_a_late_correction_keeps_the_old_value(client, tree, source):
    _system, token = source
    _push(client, token, [_row(tree["A"], 90, 100)])
    assert _push(client, token, [_row(tree["A"], 95, 100)]).json()["corrected"] == 1
    old, new = Observation.objects.order_by("pk")
    assert (old.is_current, old.numerator, old.superseded_by_id) == (False, 90, new.pk)
    assert (new.is_current, new.numerator) == (True, 95)
    from dxboard.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="kpi.observations.store").count() == 2


def test_a_token_cannot_write_another_metric_and_nothing_is_stored(client, tree, source):
    _system, token = source
    response = _push(client, token, [_row(tree["A"]), _row(tree["B"], metric="T_OTHER")])
    assert response.status_code == 403
    assert response.json()["forbidden_metrics"] == ["T_OTHER"]
    assert not Observation.objects.exists()


@pytest.mark.parametrize("bad", [
    {"numerator": 120, "denominator": 100},  # numerator above denominator
    {"denominator": None},  # a rate without its denominator
    {"period": "2026-03"},  # monthly key for a weekly metric
    {"unit": "nowhere"},
    {"numerator": "abc"},
])
def test_a_bad_row_refuses_the_whole_batch(client, tree, source, bad):
    _system, token = source
    response = _push(client, token, [_row(tree["A"]), _row(tree["B"]) | bad])
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["row"] == 2
    assert not Observation.objects.exists()


def test_a_duplicate_key_in_one_batch_is_refused(client, tree, source):
    _system, token = source
    assert _push(client, token, [_row(tree["A"]), _row(tree["A"], 1, 2)]).status_code == 400


def test_without_a_valid_token(client, tree, source, personas):
    system, _token = source
    assert _push(client, "wrong", [_row(tree["A"])]).status_code == 401
    assert client.post(URL, {"observations": [_row(tree["A"])]}, content_type="application/json").status_code in (
        401, 403)
    client.force_login(personas["admin"])  # a person's session is not a source system
    assert client.post(URL, {"observations": [_row(tree["A"])]}, content_type="application/json").status_code in (
        401, 403)
    client.logout()
    system.is_active = False
    system.save()
    assert _push(client, _token, [_row(tree["A"])]).status_code == 401
    assert not Observation.objects.exists()


def test_only_the_hash_of_the_token_is_stored(source):
    system, token = source
    assert token not in system.token_hash and len(system.token_hash) == 64


def test_get_lists_observations_with_history_restricted_to_the_persons_units(client, tree, source, personas):
    system, token = source
    _push(client, token, [_row(tree["A"], 90, 100), _row(tree["B"], 1, 2)])
    _push(client, token, [_row(tree["A"], 95, 100)])
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 403  # a source does not read
    client.force_login(personas["officer_a"])
    current = client.get(URL).json()["results"]
    assert [(r["unit"], r["numerator"]) for r in current] == [(tree["A"].code, 95)]
    history = client.get(URL, {"history": "true", "metric": "T_RATE"}).json()["results"]
    assert [(r["numerator"], r["is_current"]) for r in history] == [(95, True), (90, False)]
    assert client.get(URL, {"unit": tree["B"].code}).json()["results"] == []


def test_history_page(client, tree, source, personas, login):
    system, token = source
    _push(client, token, [_row(tree["A"], 90, 100)])
    _push(client, token, [_row(tree["A"], 95, 100), _row(tree["B"], 1, 2)])
    body = login(personas["officer_a"]).get("/kpi/observations/", {"history": "true"}).content.decode()
    table = body.split("kpi-observations")[1]
    assert "95" in table and "90" in table and "Phường Kinh Bắc" not in table
