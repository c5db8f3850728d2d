from django.core.cache import cache

from dxboard.index import actions

from .conftest import fill, sent


def test_portal_shows_only_published_campaigns(client, personas, campaign, sub_a):
    cache.clear()
    fill(sub_a, personas["officer_a"])
    sent(campaign)
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



def test_portal_caches_follow_publications(client, personas, campaign, sub_a, django_assert_max_num_queries):
    """Each app process keeps its own cache; a change made anywhere (another process, the worker) must show
    at the next request, not when the cache expires."""
    cache.clear()
    fill(sub_a, personas["officer_a"])
    sent(campaign)
    actions.compute_results(acting_user=personas["admin"], campaign=campaign, basis="self", official=True)
    for _ in range(2):  # the second answer is the one stored for this visitor (who now has a CSRF cookie)
        assert "Thử 2025" not in client.get("/portal/").content.decode()
    campaign.status = "published"
    campaign.save()  # no cache.clear(): the publication stamp changed
    assert "Thử 2025" in client.get("/portal/").content.decode()

    page = client.get(f"/portal/{campaign.pk}/").content.decode()
    assert "Phường Bắc Giang" in page
    with django_assert_max_num_queries(1):  # the table from the cache: only the official campaigns are read
        again = client.get(f"/portal/{campaign.pk}/").content.decode()
    assert again.count("<tr>") == page.count("<tr>") > 2
    campaign.grade_bands = [[0.0, "Hạng thử nghiệm", "Test grade"]]
    campaign.save()
    assert "Hạng thử nghiệm" in client.get(f"/portal/{campaign.pk}/").content.decode()
