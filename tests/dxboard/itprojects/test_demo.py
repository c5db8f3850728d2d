"""The Bắc Ninh demo registry on the real province tree (after `dxboard.core.demo.load_demo()`)."""

import pytest


@pytest.mark.django_db
def test_bac_ninh_demo_registry():
    from django.utils import timezone

    from dxboard.core.demo import load_demo as load_core
    from dxboard.itprojects import demo, duplicates
    from dxboard.itprojects.indicators import indicator_value
    from dxboard.itprojects.models import Link, Review, System
    from dxboard.units.models import Unit

    load_core()
    n = demo.load_demo()
    assert n == len(demo.SYSTEMS) and 55 <= n <= 65  # every owner unit exists in the demo province
    assert demo.load_demo() == n and System.objects.count() == n
    assert Link.objects.count() == len(demo.LINKS)
    pairs = {(p.a.code, p.b.code) for p in duplicates.candidates(System.objects.all()) if p.cross_origin}
    for pair in (("lgsp", "lgsp-bg"), ("qlvb", "qlvb-bg"), ("motcua", "motcua-bg"), ("ioc", "ioc-bg")):
        assert pair in pairs
    assert Review.objects.filter(status=Review.Status.DONE).count() == len(demo.REVIEWS)
    province = Unit.objects.get(code="24")
    share = indicator_value(province, "security_approved_share", timezone.localdate())
    assert 0 < share < 1
    assert indicator_value(Unit.objects.get(code="SKHCN"), "systems_in_service", timezone.localdate()) >= 5
