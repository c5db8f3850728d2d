"""Shared fixtures: a small hand-made province and the personas every permission test uses
(the Healthchecks habit: one line per persona in each permission test)."""

import datetime
import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run beside a
# running loop unless told it is safe (it is: the loop only drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Correct-Horse-Battery-9"
REFORM = datetime.date(2025, 7, 1)


@pytest.fixture
def tree(db):
    """Province P with communes A and B and department D (after 2025); an old district with two old
    wards merged into A on 1 July 2025."""
    from dxboard.units.models import SuccessionKind, Unit, UnitKind, UnitSuccession

    before = REFORM - datetime.timedelta(days=1)
    p = Unit.objects.create(code="24", name="Tỉnh Bắc Ninh", name_en="Bac Ninh Province", kind=UnitKind.PROVINCE,
                            valid_from=REFORM)
    a = Unit.objects.create(code="07210", name="Phường Bắc Giang", kind=UnitKind.COMMUNE, parent=p, valid_from=REFORM)
    b = Unit.objects.create(code="09187", name="Phường Kinh Bắc", kind=UnitKind.COMMUNE, parent=p, valid_from=REFORM)
    d = Unit.objects.create(code="SKHCN", name="Sở Khoa học và Công nghệ", kind=UnitKind.DEPARTMENT, parent=p)
    old_p = Unit.objects.create(code="24-2025", name="Tỉnh Bắc Giang", kind=UnitKind.PROVINCE, valid_to=before)
    old_d = Unit.objects.create(code="213-2025", name="Thành phố Bắc Giang", kind=UnitKind.DISTRICT, parent=old_p,
                                valid_to=before)
    w1 = Unit.objects.create(code="07201-2025", name="Phường Thọ Xương", kind=UnitKind.COMMUNE, parent=old_d,
                             valid_to=before)
    w2 = Unit.objects.create(code="07207-2025", name="Phường Ngô Quyền", kind=UnitKind.COMMUNE, parent=old_d,
                             valid_to=before)
    s = UnitSuccession.objects.create(successor=a, date=REFORM, kind=SuccessionKind.MERGE)
    s.predecessors.set([w1, w2])
    return {"P": p, "A": a, "B": b, "D": d, "old_province": old_p, "old_district": old_d, "old_wards": [w1, w2]}


def _person(username, unit=None, role=None, **extra):
    from django.contrib.auth import get_user_model

    from dxboard.accounts.models import Membership

    extra.setdefault("email", f"{username}@example.org")
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    if unit is not None:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def personas(tree):
    """admin, officer of commune A, officer of commune B, department officer, reviewer (of A), leader,
    and an anonymous visitor (None)."""
    from dxboard.accounts.models import Role

    return {
        "admin": _person("admin", tree["P"], Role.ADMIN),
        "officer_a": _person("officer_a", tree["A"], Role.OFFICER),
        "officer_b": _person("officer_b", tree["B"], Role.OFFICER),
        "dept_officer": _person("dept_officer", tree["D"], Role.OFFICER),
        "reviewer": _person("reviewer", tree["A"], Role.REVIEWER),
        "leader": _person("leader", tree["P"], Role.LEADER),
        "anonymous": None,
    }


@pytest.fixture
def login(client):
    """Log a persona in (the admin is marked as having passed the second factor)."""

    def _login(user):
        if user is None:
            client.logout()
            return client
        client.force_login(user)
        from dxboard.accounts.permissions import is_admin

        if is_admin(user):
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return _login


@pytest.fixture(scope="session", autouse=True)
def _let_test_teardown_flush_the_audit_log():
    """Transactional tests end with a flush (DELETE FROM every table). On SQLite the audit log's
    append-only triggers rightly refuse that, so they are lifted for the flush alone and put back;
    PostgreSQL flushes with TRUNCATE, which row triggers do not see."""
    import importlib

    from django.db import connection
    from django.test.testcases import TransactionTestCase

    triggers = importlib.import_module("dxboard.audit.migrations.0002_append_only_triggers")
    original = TransactionTestCase._fixture_teardown

    def teardown(self):
        if connection.vendor != "sqlite":
            return original(self)
        with connection.cursor() as cursor:
            for sql in triggers.SQLITE_REVERSE:
                cursor.execute(sql.replace("DROP TRIGGER", "DROP TRIGGER IF EXISTS"))
        try:
            return original(self)
        finally:
            with connection.cursor() as cursor:
                for sql in triggers.SQLITE:
                    cursor.execute(sql)

    TransactionTestCase._fixture_teardown = teardown
    yield
    TransactionTestCase._fixture_teardown = original


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Browser tests need Debian's chromium package (apt-get install chromium); "
                    "`make test` installs it when run as root.")
    return path


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session: Playwright's sync API allows one instance per thread,
    and both the journeys (tests/e2e) and the phone check (tests/site) drive it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(), headless=True,
            # --lang: the browser's own words (a file input's button) as on a Vietnamese phone
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--lang=vi",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()
