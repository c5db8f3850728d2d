"""The audit log speaks to people: every action and every record kind by its name, never its code."""

import re
from pathlib import Path

from dxboard.audit.labels import ACTIONS
from dxboard.index.actions import TRANSITIONS

SRC = Path(__file__).resolve().parents[3] / "src" / "dxboard"


def recorded_actions() -> set[str]:
    found = set()
    for path in SRC.rglob("*.py"):
        found |= set(re.findall(r'action="([a-z_0-9]+\.[a-z_0-9.]+)"', path.read_text(encoding="utf-8")))
    return found | {f"index.{name}" for name in TRANSITIONS}  # index's workflow records f"index.{name}"


def test_every_recorded_action_has_a_label():
    missing = sorted(recorded_actions() - set(ACTIONS))
    assert not missing, f"label these in audit/labels.py: {missing}"
    assert len(recorded_actions()) > 80  # the scan found the platform's actions


def test_the_log_shows_labels_field_names_and_a_pager_that_keeps_the_filter(login, personas):
    from dxboard.accounts import actions as account_actions

    for language in ["en", "vi"] * 28:  # 56 changes: two pages of 50
        account_actions.set_language(acting_user=personas["officer_a"], language=language)
    page = login(personas["admin"]).get("/audit/", {"action": "accounts.set_language"}).content.decode()
    table = page[page.index('<table id="audit">'):page.index('<nav class="pager">')]
    assert "Đã chọn ngôn ngữ" in table and "accounts.set_language" not in table
    assert "Ngôn ngữ" in table and "<td>English</td>" in table and ">en<" not in table  # field, choice by label
    pager = re.findall(r'href="\?([^"]*page=\d+)"', page)
    assert pager and all(p.count("page=") == 1 and "action=accounts.set_language" in p for p in pager), pager


def test_a_change_to_a_list_or_a_mapping_is_shown_item_by_item(login, personas):
    """Some records store lists (the weekdays of a calendar, a set of codes) and mappings: the log shows
    them instead of failing."""
    from dxboard.audit.log import record

    officer = personas["officer_a"]
    record(actor=personas["admin"], action="accounts.set_language", obj=officer,
           before={"groups": ["a", "b"]}, after={"groups": ["a", "c"], "extra": {"k": 1}})
    response = login(personas["admin"]).get("/audit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "a, b" in page and "a, c" in page


def test_what_a_batch_recorded_is_named_in_words(login, personas):
    from dxboard.audit.log import record

    record(actor=personas["admin"], action="kpi.observations.store", obj=personas["officer_a"],
           after={"source": "upload", "created": 2, "corrected": 1, "unchanged": 0})
    page = login(personas["admin"]).get("/audit/").content.decode()
    table = page[page.index('<table id="audit">'):]
    assert "Số liệu mới" in table and "Số liệu được sửa" in table and ">created<" not in table
