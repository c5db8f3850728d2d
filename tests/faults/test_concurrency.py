"""Races through real threads and the real request stack (each thread its own client and database
connection): fifty phones retrying one report at once, two officers saving the same answer."""

import json
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.urls import reverse

from tests.dxboard.feedback.conftest import jpeg_with_gps
from tests.dxboard.index.conftest import answer

pytestmark = pytest.mark.django_db(transaction=True)


def in_threads(n: int, fn) -> list:
    """Run fn(i) in n threads released together; results in order (an exception is a result)."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def body(i):
        try:
            barrier.wait(30)
            results[i] = fn(i)
        except Exception as exc:  # kept: the test asserts on it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    return results


def test_fifty_parallel_submissions_with_one_key_make_one_report(fb, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dxboard.audit.models import AuditEntry
    from dxboard.feedback.models import PersonalData, Photo, Report

    photo = jpeg_with_gps()

    def post(_i):
        data = {"idempotency_key": "phone-outbox-7f3a", "category": fb["road"].pk,
                "description": "Ổ gà lớn trước cổng trường", "commune": tree["A"].pk, "address": "Số 1",
                "location_source": "gps", "latitude": "21.2731", "longitude": "106.1946",
                "name": "Nguyễn Văn An", "phone": "0912345678", "consent": "on",
                "photos": SimpleUploadedFile("p.jpg", photo, content_type="image/jpeg")}
        response = Client().post(reverse("feedback:new"), data, headers={"Accept": "application/json"})
        return response.status_code, json.loads(response.content)

    results = in_threads(50, post)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    assert {status for status, _body in results} == {200}, results
    assert len({body["code"] for _status, body in results}) == 1
    assert sum(body["created"] for _status, body in results) == 1
    report = Report.objects.get()
    assert report.code == results[0][1]["code"]
    assert PersonalData.objects.count() == 1 and Photo.objects.count() == 1
    assert AuditEntry.objects.filter(action="feedback.submit").count() == 1
    # the 49 losers wrote no photo file either
    files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert [Path(settings.MEDIA_ROOT) / Photo.objects.get().file.name] == files


def test_two_officers_saving_the_same_answer_one_wins_one_gets_a_conflict(campaign, sub_a, personas, tree):
    from dxboard.accounts.models import Membership, Role
    from dxboard.audit.models import AuditEntry
    from dxboard.index.models import Answer

    colleague = type(personas["officer_a"]).objects.create_user("officer_a2", password="x" * 16)
    Membership.objects.create(user=colleague, unit=tree["A"], role=Role.OFFICER)
    a2 = answer(sub_a, "A2")
    seen = a2.version  # both opened the form at this version
    people = [personas["officer_a"], colleague]
    values = [(3.0, 4.0), (1.0, 4.0)]

    def save(i):
        client = Client()
        client.force_login(people[i])
        num, den = values[i]
        response = client.post(reverse("index:answer-save", args=[a2.pk]),
                               {"version": seen, "numerator": str(num), "denominator": str(den)})
        return response.status_code, response.content.decode()

    results = in_threads(2, save)
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = sorted(status for status, _html in results)
    assert statuses == [302, 409], statuses  # saved (back to the form) / conflict
    winner = [i for i, (status, _html) in enumerate(results) if status == 302][0]
    loser_html = results[1 - winner][1]
    assert "changed by someone else" in loser_html or "người khác" in loser_html
    stored = Answer.objects.get(pk=a2.pk)
    assert stored.version == seen + 1
    assert (stored.numerator, stored.denominator) == values[winner]
    assert stored.updated_by == people[winner]
    saves = AuditEntry.objects.filter(action="index.save_answer", object_id=str(a2.pk))
    assert saves.count() == 1 and saves.get().actor_id == people[winner].pk


def test_parallel_submissions_from_one_address_never_overrun_its_limit(live_server, fb, tree, settings):
    """Eight phones of one network post at once against a limit of three: exactly three are stored.
    (Counted before the insert, all eight read "nothing yet" and all eight got in.)"""
    import re
    import uuid

    import requests

    from dxboard.feedback.models import Report

    settings.FEEDBACK_RATE_PER_ADDRESS, limit = 3, 3
    url = f"http://127.0.0.1:{live_server.url.rsplit(':', 1)[1]}/feedback/new/"
    page = requests.get(url, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    csrf = page.cookies["csrftoken"]  # no device cookie: only the address is limited

    def post(_i):
        data = {"csrfmiddlewaretoken": token, "idempotency_key": str(uuid.uuid4()), "category": fb["procedure"].pk,
                "description": "Hồ sơ chậm", "commune": tree["A"].pk, "address": "Số 1", "consent": "on"}
        return requests.post(url, data, cookies={"csrftoken": csrf}, headers={"Accept": "application/json"},
                             timeout=60).status_code

    results = in_threads(limit + 5, post)
    assert sorted(results) == [200] * limit + [429] * 5, results
    assert Report.objects.count() == limit
