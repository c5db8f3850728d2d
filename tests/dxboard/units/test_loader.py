"""The loader against the real vietnamadminunits data set (no fixture imitating it)."""

import datetime

import pytest
from django.core.management import call_command

from dxboard.audit.models import AuditEntry
from dxboard.units.loaders import LoadError, load_province
from dxboard.units.models import SuccessionKind, Unit, UnitKind, UnitSuccession

REFORM = datetime.date(2025, 7, 1)


@pytest.mark.django_db
def test_bac_ninh_has_99_communes_and_wards_with_centroids():
    report = load_province("Bắc Ninh")
    communes = Unit.objects.as_of(REFORM).filter(kind=UnitKind.COMMUNE)
    assert communes.count() == 99
    assert report.province.name == "Tỉnh Bắc Ninh" and report.province.code == "24"
    assert all(c.latitude and c.longitude for c in communes)
    ward = Unit.objects.get(code="07210")
    assert (ward.name, ward.name_en, ward.admin_type, ward.parent.code) == (
        "Phường Bắc Giang", "Bac Giang Ward", "Phường", "24")
    # departments come from the editable fixture
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT, parent=report.province).count() >= 15
    assert Unit.objects.get(code="SKHCN").name == "Sở Khoa học và Công nghệ"


@pytest.mark.django_db
def test_history_links_old_wards_of_both_old_provinces_to_new_communes():
    load_province("bac ninh", history=True)
    before = REFORM - datetime.timedelta(days=1)
    old_provinces = Unit.objects.as_of(before).filter(kind=UnitKind.PROVINCE)
    assert sorted(old_provinces.values_list("name", flat=True)) == ["Tỉnh Bắc Giang", "Tỉnh Bắc Ninh"]
    assert Unit.objects.as_of(before).filter(kind=UnitKind.DISTRICT).count() > 10
    old_wards = Unit.objects.as_of(before).filter(kind=UnitKind.COMMUNE)
    assert old_wards.count() > 300
    # every old ward leads to at least one new commune, and every new commune to its old wards
    assert not old_wards.filter(successions__isnull=True).exists()
    assert not Unit.objects.as_of(REFORM).filter(kind=UnitKind.COMMUNE, predecessions__isnull=True).exists()
    merged = UnitSuccession.objects.get(successor__code="07210")
    assert merged.kind == SuccessionKind.MERGE
    assert {"Phường Thọ Xương", "Phường Ngô Quyền"} <= set(merged.predecessors.values_list("name", flat=True))
    province = UnitSuccession.objects.get(successor__code="24")
    assert province.kind == SuccessionKind.MERGE
    assert set(province.predecessors.values_list("code", flat=True)) == {"24-2025", "27-2025"}
    # the tree as of a pre-reform day has no new communes, and as of today no old ones
    assert not Unit.objects.as_of(before).filter(code="07210").exists()
    assert not Unit.objects.as_of(REFORM).filter(code="07201-2025").exists()


@pytest.mark.django_db
def test_second_load_changes_nothing_and_writes_no_audit_row():
    load_province("Bắc Ninh", history=True)
    units, successions, audit = Unit.objects.count(), UnitSuccession.objects.count(), AuditEntry.objects.count()
    assert audit >= units  # every unit created left an audit row
    report = load_province("Bắc Ninh", history=True)
    assert (report.created, report.updated, report.successions) == (0, 0, 0)
    assert (Unit.objects.count(), UnitSuccession.objects.count(), AuditEntry.objects.count()) == (
        units, successions, audit)


@pytest.mark.django_db
def test_any_other_province_loads_the_same_way():
    report = load_province("Hà Nội")
    assert report.province.code == "01"
    assert Unit.objects.filter(parent=report.province, kind=UnitKind.COMMUNE).count() == 126
    assert report.departments == 0  # no department fixture shipped for Hà Nội


@pytest.mark.django_db
def test_unknown_province_is_a_clear_error_listing_known_ones():
    with pytest.raises(LoadError) as err:
        load_province("Atlantis")
    assert "Atlantis" in str(err.value) and "Bắc Ninh" in str(err.value)
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_bad_department_file_names_the_entry_and_changes_nothing(tmp_path):
    bad = tmp_path / "departments.yaml"
    bad.write_text("departments:\n  - {code: A1, name: Sở A}\n  - {name: Sở không mã}\n", encoding="utf-8")
    with pytest.raises(LoadError) as err:
        load_province("Bắc Ninh", departments=bad)
    from dxboard.core.i18n import in_language

    message = err.value.args[0]
    assert "dòng 2: thiếu trường code" in in_language(message, "vi") and "entry" not in in_language(message, "vi")
    assert "entry 2: missing field(s) code" in in_language(message, "en")
    assert Unit.objects.count() == 0  # the whole load rolled back


@pytest.mark.django_db
def test_units_load_command(capsys):
    call_command("units", "load", "--province", "Bắc Ninh", "--history")
    out = capsys.readouterr().out
    assert "Tỉnh Bắc Ninh" in out and "454" in out  # units created: new + old tree + departments
    assert Unit.objects.current().filter(kind=UnitKind.COMMUNE).count() == 99
