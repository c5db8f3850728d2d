"""Tracking codes are random (PAKN.XXXX.XXXX from an alphabet without look-alike characters): knowing one
code tells nothing of the next; codes given before in the old sequential form keep working."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.urls import reverse

from dxboard.feedback import actions
from dxboard.feedback.models import Report

CODE = re.compile(r"PAKN\.[2-9A-HJKMNP-Z]{4}\.[2-9A-HJKMNP-Z]{4}")


def test_codes_are_random_in_an_unambiguous_alphabet_and_not_in_sequence(make_report):
    codes = [make_report().code for _ in range(6)]
    assert all(CODE.fullmatch(c) for c in codes), codes
    assert not set("".join(codes).replace("PAKN", "")) & set("01OIL")
    assert len(set(codes)) == len(codes)
    # no common stem that a counter would leave: consecutive codes differ in their first random block too
    assert len({c[:9] for c in codes}) > 1


def test_a_drawn_code_already_taken_is_drawn_again(make_report, monkeypatch):
    taken = make_report().code
    draws = iter(taken.replace("PAKN.", "").replace(".", "") + "ABCDEFGH")
    monkeypatch.setattr(actions.secrets, "choice", lambda alphabet: next(draws))
    assert actions.new_code() == "PAKN.ABCD.EFGH"


def test_a_code_given_in_the_old_sequential_form_still_opens_its_report(client, make_report):
    report = make_report()
    Report.objects.filter(pk=report.pk).update(code="PAKN.20250701.0001")
    response = client.get(reverse("feedback:follow", args=["PAKN.20250701.0001"]))
    assert response.status_code == 200 and "PAKN.20250701.0001" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_codes(fb, tree):
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
    assert len(set(codes)) == threads * each and all(CODE.fullmatch(c) for c in codes)
    assert Report.objects.count() == threads * each
