"""Vietnamese first: every catalogue is complete, keeps the placeholders, and its .mo is current."""

import re
from pathlib import Path

import polib
import pytest

SRC = Path(__file__).resolve().parents[3] / "src" / "dxboard"
CATALOGUES = sorted(SRC.glob("**/locale/vi/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]")


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_catalogue_is_complete_and_keeps_placeholders(path):
    po = polib.pofile(str(path))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert not missing, f"untranslated in {path.name}: {missing[:10]}"
    for entry in po:
        if entry.obsolete or not entry.msgstr:
            continue
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr)), entry.msgid


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_compiled_catalogue_is_up_to_date(path):
    po = {e.msgid: e.msgstr for e in polib.pofile(str(path)) if e.translated() and not e.msgid_plural}
    mo = {e.msgid: e.msgstr for e in polib.mofile(str(path.with_suffix(".mo"))) if not e.msgid_plural}
    assert po == {k: v for k, v in mo.items() if k}, f"run compilemessages for {path}"


def test_the_global_catalogue_exists():
    assert SRC / "locale" / "vi" / "LC_MESSAGES" / "django.po" in CATALOGUES


def test_bilingual_writes_a_choice_label_in_each_half_s_language(campaign, sub_a, personas):
    """A Vietnamese request refused: the English half names the status in English (it used to repeat the
    Vietnamese label, read once in the request's language)."""
    from django.utils import translation

    from dxboard.index import actions
    from dxboard.index.models import Submission

    with translation.override("vi"):
        vi_label, en_label = str(Submission.Status.DRAFT.label), "Draft"
        with translation.override("en"):
            assert str(Submission.Status.DRAFT.label) == en_label
        assert vi_label != en_label
        with pytest.raises(actions.ActionError) as refused:
            actions.start_review(acting_user=personas["reviewer"], submission=sub_a)  # a draft: not yet submitted
    vi, en = str(refused.value).split(" / ")
    assert f"“{vi_label}”" in vi and f"“{en_label}”" in en and vi_label not in en
