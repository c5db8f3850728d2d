"""A submission page shows one evidence form and one review form per answer: each needs ids of its own,
or every label (and htmx's settling after a swap) reaches the first answer's fields."""

import re
from collections import Counter

import pytest

from dxboard.index import actions

from .conftest import fill

pytestmark = pytest.mark.django_db


def repeated_ids(html: str) -> list[str]:
    return [i for i, n in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if n > 1]


def test_officer_and_reviewer_pages_have_unique_ids(login, personas, sub_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = login(personas["officer_a"]).get(f"/index/submissions/{sub_a.pk}/").content.decode()
    assert page.count('name="summary"') == 4 and not repeated_ids(page)  # one evidence form per answer
    fill(sub_a, personas["officer_a"])
    actions.submit(acting_user=personas["officer_a"], submission=sub_a)
    actions.start_review(acting_user=personas["reviewer"], submission=sub_a)
    page = login(personas["reviewer"]).get(f"/index/submissions/{sub_a.pk}/").content.decode()
    assert page.count('name="decision"') == 4 and not repeated_ids(page)
    # each label points at its own answer's field
    first = sub_a.answers.order_by("pk").first()
    assert f'for="id_a{first.pk}_note"' in page and f'id="id_a{first.pk}_note"' in page
