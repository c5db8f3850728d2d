from django.core.cache import cache

from dxboard.index import actions

from .conftest import fill


def test_portal_shows_only_published_campaigns(client, personas, campaign, sub_a):
    cache.clear()
    fill(sub_a, personas["officer_a"])
    actions.compute_results(acting_user=personas["admin"], campaign=campaign, basis="self", official=True)
    assert "Thử 2025" not in client.get("/portal/").content.decode()
    assert client.get(f"/portal/{campaign.pk}/").status_code == 404
    assert client.get(f"/portal/{campaign.pk}/07210/").status_code == 404
    campaign.status = "published"
    campaign.save()
    cache.clear()
    assert "Thử 2025" in client.get("/portal/").content.decode()
    page = client.get(f"/portal/{campaign.pk}/").content.decode()
    assert page.index("Phường Bắc Giang") < page.index("Phường Kinh Bắc")
    assert "officer_a" not in page and "@" not in page
    card = client.get(f"/portal/{campaign.pk}/07210/").content.decode()
    assert "Phường Bắc Giang" in card and "40" in card
    method = client.get(f"/portal/{campaign.pk}/method/").content.decode()
    assert "A2" in method and "Tỷ lệ hồ sơ trực tuyến" in method
    assert client.get(f"/portal/{campaign.pk}/?node=nonsense").status_code == 200
