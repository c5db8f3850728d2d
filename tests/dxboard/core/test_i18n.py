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


def test_a_refusal_speaks_the_language_of_whoever_reads_it(campaign, sub_a, personas):
    """One language per message, never both: the same refusal read in Vietnamese names the status in
    Vietnamese, read in English names it in English."""
    from django.utils import translation

    from dxboard.index import actions
    from dxboard.index.models import Submission

    with translation.override("vi"):
        vi_label = str(Submission.Status.DRAFT.label)
        with pytest.raises(actions.ActionError) as refused:
            actions.start_review(acting_user=personas["reviewer"], submission=sub_a)  # a draft: not yet submitted
        vi = str(refused.value)
    with translation.override("en"):
        en = str(refused.value)
    assert vi_label != "Draft"
    assert f"“{vi_label}”" in vi and "Draft" not in vi and " / " not in vi
    assert "“Draft”" in en and vi_label not in en and " / " not in en


def test_a_message_writes_dates_and_times_in_the_platform_s_time_zone():
    import datetime

    from django.utils.translation import gettext_noop

    from dxboard.core.i18n import Message, in_language

    late_evening_utc = datetime.datetime(2026, 3, 1, 20, 30, tzinfo=datetime.UTC)  # 03:30 on 2 March in Hà Nội
    text = in_language(Message(gettext_noop("Locked until %(time)s."), {"time": late_evening_utc}), "vi")
    assert "02/03/2026" in text and "03:30" in text, text


def test_notifications_and_e_mails_are_written_in_each_recipient_s_language(personas, mailoutbox,
                                                                            django_capture_on_commit_callbacks):
    from django.utils.translation import gettext_noop

    from dxboard.accounts import actions as account_actions
    from dxboard.core.i18n import Message
    from dxboard.core.models import Notification
    from dxboard.core.notify import notify

    account_actions.set_language(acting_user=personas["officer_b"], language="en")
    subject = Message(gettext_noop("Task removed: %(title)s"), {"title": "NV01"})
    with django_capture_on_commit_callbacks(execute=True):
        notify([personas["officer_a"], personas["officer_b"]], subject, link="/steering/")
    by_user = {n.user.username: n.subject for n in Notification.objects.select_related("user")}
    assert by_user == {"officer_a": "Đã xóa nhiệm vụ: NV01", "officer_b": "Task removed: NV01"}
    # read later, the notification speaks the language of the page it is read on
    from dxboard.core.i18n import in_language

    kept = Notification.objects.get(user=personas["officer_a"])
    assert in_language(kept.shown_subject, "en") == "Task removed: NV01"
    mails = {tuple(m.to): (m.subject, m.body) for m in mailoutbox}
    assert mails == {("officer_a@example.org",): ("Đã xóa nhiệm vụ: NV01", "http://127.0.0.1:8000/steering/"),
                     ("officer_b@example.org",): ("Task removed: NV01", "http://127.0.0.1:8000/steering/")}


def test_switching_language_is_kept_and_follows_the_person_to_their_next_login(client, personas):
    from django.conf import settings

    from dxboard.accounts.models import Preference
    from tests.conftest import PASSWORD

    client.force_login(personas["officer_a"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert Preference.objects.get(user=personas["officer_a"]).language == "en"
    fresh = client.__class__()
    response = fresh.post("/accounts/login/", {"username": "officer_a", "password": PASSWORD})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
