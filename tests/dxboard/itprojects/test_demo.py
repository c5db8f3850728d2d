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


@pytest.mark.django_db
def test_demo_registry_dates_agree_with_today_and_with_each_other():
    from django.db.models import F
    from django.utils import timezone

    from dxboard.core.demo import load_demo as load_core
    from dxboard.itprojects import demo
    from dxboard.itprojects.models import Review, System

    load_core()
    demo.load_demo()
    today = timezone.localdate()
    systems = System.objects.all()
    for field in ("go_live", "retired_on", "decision_date", "security_assessed", "usage_updated"):
        assert not systems.filter(**{f"{field}__gt": today}).exists(), field
    assert not systems.filter(retired_on__lt=F("go_live")).exists()
    assert not systems.filter(go_live__lt=F("decision_date")).exists()  # in service after the decision
    done = Review.objects.filter(status=Review.Status.DONE)
    assert done.exists() and not done.filter(reviewed_at__gt=timezone.now()).exists()
    assert all(r.follow_up_deadline > timezone.localtime(r.reviewed_at).date()
               for r in done.exclude(follow_up_deadline=None))
