"""Tracking codes PAKN.YYYYMMDD.NNNN: a daily counter that widens past 9,999 and never gives one
number twice, also when submissions run at the same time (threads, each with its own connection)."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from dxboard.feedback import actions
from dxboard.feedback.models import DailyCounter, Report


def today_prefix() -> str:
    return f"PAKN.{timezone.localdate():%Y%m%d}."


def test_the_code_widens_past_9999_and_keeps_counting(make_report):
    first = make_report()
    assert first.code == today_prefix() + "0001"
    DailyCounter.objects.filter(day=timezone.localdate()).update(last=9998)
    assert make_report().code == today_prefix() + "9999"
    wide = make_report()
    assert wide.code == today_prefix() + "10000" and re.fullmatch(r"PAKN\.\d{8}\.\d{5}", wide.code)
    assert make_report().code == today_prefix() + "10001"
    # lists order by time, so the wider code comes after the narrower one (newest first)
    codes = list(Report.objects.values_list("code", flat=True)[:3])
    assert codes == [today_prefix() + n for n in ("10001", "10000", "9999")]


def test_a_counter_created_after_reports_continues_their_numbers_as_numbers(make_report):
    make_report()
    second = make_report()
    Report.objects.filter(pk=second.pk).update(code=today_prefix() + "10000")
    DailyCounter.objects.all().delete()  # e.g. reports stored before the counter existed
    assert make_report().code == today_prefix() + "10001"  # not 9999+1 from comparing text


def test_a_rolled_back_submission_gives_its_number_back(make_report, fb, tree):
    make_report()
    with pytest.raises(actions.FeedbackError):  # on-site without photo: refused before anything is stored
        actions.submit(category=fb["road"], description="x", idempotency_key="no-photo", consent=fb["consent"],
                       commune=tree["A"])
    assert make_report().code == today_prefix() + "0002"


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_consecutive_numbers(fb, tree):
    threads, each = 6, 5

    def submit_many(t):
        try:
            return [actions.submit(category=fb["procedure"], description=f"Luồng {t} phản ánh {i}",
                                   idempotency_key=f"t{t}-{i}", consent=fb["consent"], commune=tree["A"])[0].code
                    for i in range(each)]
        finally:
            connection.close()

    with ThreadPoolExecutor(threads) as pool:
        codes = [c for batch in pool.map(submit_many, range(threads)) for c in batch]
    numbers = sorted(int(c.rsplit(".", 1)[1]) for c in codes)
    assert numbers == list(range(1, threads * each + 1))
    assert Report.objects.count() == threads * each
    assert DailyCounter.objects.get(day=timezone.localdate()).last == threads * each
