"""The standing office configures pull endpoints, alert rules and source priorities: list, create,
edit, disable — audited, office only (others get 404), and a pull URL must pass the SSRF guard."""

import pytest

from dxboard.audit.models import AuditEntry
from dxboard.kpi.models import AlertRule, PullEndpoint, SourceSystem

from .conftest import make_metric


def test_office_adds_edits_and_disables_an_endpoint(tree, personas, login, source, settings):
    system, _token = source
    client = login(personas["admin"])
    assert client.get("/kpi/endpoints/").status_code == 200
    response = client.post("/kpi/endpoints/", {"source": system.pk, "url": "https://8.8.8.8/kpi.json",
                                               "every_minutes": 60, "is_active": "on"})
    assert response.status_code == 302
    endpoint = PullEndpoint.objects.get()
    assert (endpoint.url, endpoint.every_minutes, endpoint.is_active) == ("https://8.8.8.8/kpi.json", 60, True)
    assert "https://8.8.8.8/kpi.json" in client.get("/kpi/endpoints/").content.decode()
    response = client.post(f"/kpi/endpoints/{endpoint.pk}/edit/", {
        "source": system.pk, "url": "https://1.1.1.1/kpi.json", "every_minutes": 30, "is_active": "on"})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.every_minutes) == ("https://1.1.1.1/kpi.json", 30)
    client.post("/kpi/endpoints/", {"toggle": endpoint.pk, "active": "0"})
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    entries = AuditEntry.objects.filter(action="kpi.endpoint.save").order_by("pk")
    assert entries.count() == 3
    assert entries.last().before["is_active"] is True and entries.last().after["is_active"] is False


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/x", "http://10.0.0.1/x", "http://169.254.169.254/",
                                 "http://[::1]/", "http://localhost/x", "ftp://8.8.8.8/x"])
def test_an_internal_url_is_refused_on_saving(tree, personas, login, source, settings, url):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    system, _token = source
    client = login(personas["admin"])
    response = client.post("/kpi/endpoints/", {"source": system.pk, "url": url, "every_minutes": 60,
                                               "is_active": "on"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" in body
    assert not PullEndpoint.objects.exists()
    assert not AuditEntry.objects.filter(action="kpi.endpoint.save").exists()


def test_an_endpoint_with_an_internal_url_cannot_be_enabled(tree, personas, login, source, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    system, _token = source
    endpoint = PullEndpoint.objects.create(source=system, url="http://10.0.0.1/x", is_active=False)
    login(personas["admin"]).post("/kpi/endpoints/", {"toggle": endpoint.pk, "active": "1"})
    endpoint.refresh_from_db()
    assert not endpoint.is_active


def test_office_adds_edits_and_disables_an_alert_rule(tree, personas, login):
    metric = make_metric()
    client = login(personas["admin"])
    assert client.post("/kpi/alert-rules/", {"metric": metric.pk, "threshold": "0.75",
                                             "is_active": "on"}).status_code == 302
    rule = AlertRule.objects.get(metric=metric)
    assert (rule.metric, rule.threshold, rule.is_active) == (metric, 0.75, True)
    listed = client.get("/kpi/alert-rules/").content.decode().split('id="kpi-alert-rules"')[1].split("</table>")[0]
    assert metric.name in listed and "75,0 %" in listed  # the threshold of a rate in percent
    client.post(f"/kpi/alert-rules/{rule.pk}/edit/", {"metric": metric.pk, "threshold": "", "is_active": "on"})
    rule.refresh_from_db()
    assert rule.threshold is None  # the year's target
    client.post("/kpi/alert-rules/", {"toggle": rule.pk, "active": "0"})
    rule.refresh_from_db()
    assert not rule.is_active
    assert AuditEntry.objects.filter(action="kpi.alert_rule.save").count() == 3


def test_office_sets_a_source_priority(tree, personas, login, source):
    system, _token = source
    response = login(personas["admin"]).post(f"/kpi/sources/{system.pk}/edit/", {
        "name": "QLVB", "priority": 50, "is_active": "on", "metrics": [m.pk for m in system.metrics.all()]})
    assert response.status_code == 302
    assert SourceSystem.objects.get(pk=system.pk).priority == 50
    assert AuditEntry.objects.filter(action="kpi.source.save").exists()


@pytest.mark.parametrize("persona", ["officer_a", "dept_officer", "leader", "reviewer"])
def test_only_the_office_sees_or_changes_the_configuration(tree, personas, login, source, persona):
    system, _token = source
    endpoint = PullEndpoint.objects.create(source=system, url="https://8.8.8.8/kpi.json")
    rule = AlertRule.objects.create(metric=system.metrics.get())
    client = login(personas[persona])
    for url in ("/kpi/endpoints/", f"/kpi/endpoints/{endpoint.pk}/edit/", "/kpi/alert-rules/",
                f"/kpi/alert-rules/{rule.pk}/edit/", f"/kpi/sources/{system.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    assert client.post("/kpi/endpoints/", {"toggle": endpoint.pk, "active": "0"}).status_code == 404
    assert client.post("/kpi/alert-rules/", {"toggle": rule.pk, "active": "0"}).status_code == 404
    assert client.post("/kpi/endpoints/", {"source": system.pk, "url": "https://1.1.1.1/",
                                           "every_minutes": 5}).status_code == 404
    assert client.post(f"/kpi/sources/{system.pk}/edit/", {"name": "x", "priority": 1}).status_code == 404
    endpoint.refresh_from_db()
    rule.refresh_from_db()
    assert endpoint.is_active and rule.is_active and PullEndpoint.objects.count() == 1
    assert SourceSystem.objects.get(pk=system.pk).priority == 100
    assert login(None).get("/kpi/endpoints/").status_code == 302  # to the sign-in page


def test_actions_refuse_others(tree, personas, source):
    from dxboard.kpi import actions

    system, _token = source
    with pytest.raises(actions.NotAllowed):
        actions.save_endpoint(acting_user=personas["leader"],
                              endpoint=PullEndpoint(source=system, url="https://8.8.8.8/"))
    with pytest.raises(actions.NotAllowed):
        actions.save_alert_rule(acting_user=personas["officer_a"], rule=AlertRule(metric=system.metrics.get()))
