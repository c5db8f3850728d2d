"""Backup and restore: a fresh database gets every row back, files and checksums match."""

import datetime

import pytest
from django.core.management import call_command

from dxboard.audit.models import AuditEntry
from dxboard.core.backup import BackupError, backup, restore, verify
from dxboard.index.models import Evidence, Submission
from dxboard.units.models import Unit

pytestmark = pytest.mark.django_db(databases=["default", "restore"])


@pytest.fixture
def with_evidence(tree, personas, settings, tmp_path):
    from tests.dxboard.index.conftest import fill

    settings.MEDIA_ROOT = tmp_path / "media"
    from dxboard.index import actions
    from dxboard.index.frameworks import import_framework
    from tests.dxboard.index.conftest import SMALL_FRAMEWORK

    framework, _ = import_framework(SMALL_FRAMEWORK.encode(), "small.yaml", acting_user=None)
    campaign = actions.create_campaign(acting_user=personas["admin"], framework=framework, name="B", period="2025",
                                       unit_kind="commune", opens=datetime.date(2025, 1, 1),
                                       closes=datetime.date(2025, 12, 31), units=[tree["A"]])
    actions.open_campaign(acting_user=personas["admin"], campaign=campaign)
    fill(campaign.submissions.get(), personas["officer_a"])
    return campaign


def test_backup_then_restore_into_a_fresh_database(with_evidence, tmp_path, settings):
    manifest = backup(tmp_path / "bk")
    assert manifest["counts"]["units.unit"] == Unit.objects.count() and len(manifest["files"]) == 1
    restored_media = tmp_path / "restored-media"
    restore(tmp_path / "bk", using="restore", media_root=restored_media)
    assert Unit.objects.using("restore").count() == Unit.objects.count()
    assert AuditEntry.objects.using("restore").count() == AuditEntry.objects.count()
    original = Submission.objects.get()
    copy = Submission.objects.using("restore").get(pk=original.pk)
    assert (copy.unit_id, copy.status) == (original.unit_id, original.status)
    evidence = Evidence.objects.using("restore").get()
    assert (restored_media / evidence.file.name).read_bytes() == Evidence.objects.get().file.read()
    # the restored database accepts new rows (sequences were reset past the restored ids)
    Unit.objects.using("restore").create(code="NEW", name="Đơn vị mới", kind="commune")


def test_a_damaged_backup_is_refused(with_evidence, tmp_path):
    backup(tmp_path / "bk")
    data = tmp_path / "bk" / "data.json"
    data.write_text(data.read_text(encoding="utf-8").replace("Phường Bắc Giang", "Phường Giả"), encoding="utf-8")
    with pytest.raises(BackupError):
        verify(tmp_path / "bk")
    with pytest.raises(BackupError):
        restore(tmp_path / "bk", using="restore", media_root=tmp_path / "m")
    assert not Unit.objects.using("restore").exists()


def test_restore_refuses_a_database_that_is_not_empty(with_evidence, tmp_path):
    backup(tmp_path / "bk")
    Unit.objects.using("restore").create(code="X", name="X", kind="commune")
    with pytest.raises(BackupError):
        restore(tmp_path / "bk", using="restore", media_root=tmp_path / "m")


def test_commands(with_evidence, tmp_path, capsys):
    call_command("backup", str(tmp_path / "bk"))
    call_command("restore", str(tmp_path / "bk"), "--database", "restore")
    out = capsys.readouterr().out
    assert "rows" in out and "restored" in out
