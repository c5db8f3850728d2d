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
