"""Load a province's units from `vietnamadminunits` (MIT): the 34-province tree in force since
1 July 2025, the 63-province tree before it, and the package's old → new ward conversion table.

Nothing here is specific to Bắc Ninh: any province loads the same way.
"""

import dataclasses
import datetime
import json
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dxboard.audit.log import record, snapshot
from dxboard.core.i18n import Message
from dxboard.core.text import fold

from .models import SuccessionKind, Unit, UnitKind, UnitSuccession

REFORM_DATE = datetime.date(2025, 7, 1)
LAST_DAY_BEFORE_REFORM = REFORM_DATE - datetime.timedelta(days=1)
PROVINCE_REFORM_BASIS = "Nghị quyết 202/2025/QH15"
FIXTURES = Path(__file__).parent / "fixtures"

# Vietnamese administrative type → English pattern.
ENGLISH_PATTERNS = {
    "Tỉnh": "{} Province",
    "Thành phố": "{} City",
    "Phường": "{} Ward",
    "Xã": "{} Commune",
    "Đặc khu": "{} Special Zone",
    "Thị trấn": "{} Township",
    "Huyện": "{} District",
    "Quận": "{} Urban District",
    "Thị xã": "{} Town",
}


class LoadError(ValueError):
    pass


@dataclasses.dataclass
class LoadReport:
    province: Unit
    created: int = 0
    updated: int = 0
    successions: int = 0
    departments: int = 0

    def summary(self) -> str:
        return _("%(province)s: %(created)d units created, %(updated)d updated, %(successions)d successions, "
                 "%(departments)d departments") % {
            "province": self.province.name, "created": self.created, "updated": self.updated,
            "successions": self.successions, "departments": self.departments,
        }


def english_name(admin_type: str, short: str) -> str:
    pattern = ENGLISH_PATTERNS.get(admin_type, "{}")
    return pattern.format(fold_keep_case(short))


def fold_keep_case(text: str) -> str:
    """'Bắc Ninh' → 'Bac Ninh' (English names are written without diacritics)."""
    return " ".join(word[:1].upper() + word[1:] for word in fold(text).split())


def _dataset():
    # Imported here: the package loads its JSON tables at import time, which commands that do not
    # load units should not pay for.
    from vietnamadminunits.database import query

    return query


def _converter_tables() -> dict:
    import vietnamadminunits

    path = Path(vietnamadminunits.__file__).parent / "data" / "converter_2025.json"
    return json.loads(path.read_text(encoding="utf-8"))


def find_province_rows(province: str) -> list[dict]:
    query = _dataset()
    wanted = fold(province).replace(" ", "")
    rows = [r for r in query("SELECT * FROM admin_units") if wanted in (r["provinceKey"], r["provinceShortKey"])]
    if not rows:
        names = sorted({r["provinceShort"] for r in query("SELECT DISTINCT provinceShort FROM admin_units")})
        raise LoadError(Message(gettext_noop("Unknown province “%(name)s”. Known provinces: %(names)s"),
                                  {"name": province, "names": ", ".join(names)}))
    return rows


class _Upserter:
    """Create or update units by code, with one audit row per change."""

    def __init__(self, report: LoadReport | None, actor):
        self.report = report
        self.actor = actor
        self.counts = {"created": 0, "updated": 0}

    def __call__(self, code: str, **fields) -> Unit:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            unit = Unit(code=code, **fields)
            unit.save()
            record(actor=self.actor, action="units.create", obj=unit, after=snapshot(unit))
            self.counts["created"] += 1
            return unit
        before = snapshot(unit)
        for name, value in fields.items():
            setattr(unit, name, value)
        after = snapshot(unit)
        if after != before:
            unit.save()
            record(actor=self.actor, action="units.update", obj=unit, before=before, after=snapshot(unit))
            self.counts["updated"] += 1
        return unit


def _succession(successor: Unit, predecessors: list[Unit], kind: str, basis: str, actor) -> bool:
    succession, created = UnitSuccession.objects.get_or_create(
        successor=successor, date=REFORM_DATE, defaults={"kind": kind, "legal_basis": basis}
    )
    before = {"kind": succession.kind, "predecessors": sorted(succession.predecessors.values_list("code", flat=True))}
    after = {"kind": kind, "predecessors": sorted(p.code for p in predecessors)}
    if created or before != after:
        succession.kind = kind
        succession.legal_basis = basis
        succession.save()
        succession.predecessors.set(predecessors)
        record(actor=actor, action="units.succession", obj=succession, unit=successor,
               before=None if created else before, after=after)
        return True
    return False


@transaction.atomic
def load_province(province: str, *, history: bool = False, departments: Path | None = None, actor=None) -> LoadReport:
    """Load (or refresh) a province. Idempotent: a second run changes nothing and writes no audit row."""
    rows = find_province_rows(province)
    first = rows[0]
    upsert = _Upserter(None, actor)
    prov_type = first["province"].removesuffix(" " + first["provinceShort"])
    province_unit = upsert(
        first["provinceCode"],
        official_code=first["provinceCode"], name=first["province"], short_name=first["provinceShort"],
        name_en=english_name(prov_type, first["provinceShort"]), kind=UnitKind.PROVINCE, admin_type=prov_type,
        parent=None, valid_from=REFORM_DATE, valid_to=None,
        latitude=first["provinceLat"], longitude=first["provinceLon"],
    )
    report = LoadReport(province=province_unit)
    new_wards: dict[str, Unit] = {}
    for r in sorted(rows, key=lambda r: r["wardCode"]):
        new_wards[r["wardKey"]] = upsert(
            r["wardCode"],
            official_code=r["wardCode"], name=r["ward"], short_name=r["wardShort"],
            name_en=english_name(r["wardType"], r["wardShort"]), kind=UnitKind.COMMUNE, admin_type=r["wardType"],
            parent=province_unit, valid_from=REFORM_DATE, valid_to=None,
            latitude=r["wardLat"], longitude=r["wardLon"], area_km2=r["wardAreaKm2"],
        )
    if history:
        report.successions = _load_history(first["provinceKey"], province_unit, new_wards, upsert, actor)
    fixture = departments or FIXTURES / f"{fold(first['provinceShort']).replace(' ', '-')}-departments.yaml"
    if fixture.exists():
        report.departments = load_departments(fixture, province_unit, upsert)
    elif departments is not None:
        raise LoadError(Message(gettext_noop("Department file not found: %(path)s"), {"path": departments}))
    report.created, report.updated = upsert.counts["created"], upsert.counts["updated"]
    return report


def _load_history(new_province_key: str, province_unit: Unit, new_wards: dict[str, Unit], upsert, actor) -> int:
    query = _dataset()
    tables = _converter_tables()
    old_province_keys = tables["DICT_PROVINCE"][new_province_key]
    legacy = [r for r in query("SELECT * FROM admin_units_legacy") if r["provinceKey"] in old_province_keys]
    ended = {"valid_from": None, "valid_to": LAST_DAY_BEFORE_REFORM}
    old_provinces: dict[str, Unit] = {}
    old_districts: dict[str, Unit] = {}
    old_wards: dict[str, Unit] = {}  # "province_district_ward" key → unit
    for r in sorted(legacy, key=lambda r: (r["provinceCode"], r["districtCode"], r["wardCode"] or "")):
        if r["provinceKey"] not in old_provinces:
            old_provinces[r["provinceKey"]] = upsert(
                f"{r['provinceCode']}-{REFORM_DATE.year}",
                official_code=r["provinceCode"], name=r["province"], short_name=r["provinceShort"],
                name_en=english_name(r["province"].removesuffix(" " + r["provinceShort"]), r["provinceShort"]),
                kind=UnitKind.PROVINCE, admin_type=r["province"].removesuffix(" " + r["provinceShort"]), parent=None,
                latitude=r["provinceLat"], longitude=r["provinceLon"], **ended,
            )
        dkey = f"{r['provinceKey']}_{r['districtKey']}"
        if dkey not in old_districts:
            old_districts[dkey] = upsert(
                f"{r['districtCode']}-{REFORM_DATE.year}",
                official_code=r["districtCode"], name=r["district"], short_name=r["districtShort"],
                name_en=english_name(r["districtType"], r["districtShort"]), kind=UnitKind.DISTRICT,
                admin_type=r["districtType"], parent=old_provinces[r["provinceKey"]],
                latitude=r["districtLat"], longitude=r["districtLon"], **ended,
            )
        if r["wardCode"]:
            old_wards[f"{dkey}_{r['wardKey']}"] = upsert(
                f"{r['wardCode']}-{REFORM_DATE.year}",
                official_code=r["wardCode"], name=r["ward"], short_name=r["wardShort"],
                name_en=english_name(r["wardType"], r["wardShort"]), kind=UnitKind.COMMUNE,
                admin_type=r["wardType"], parent=old_districts[dkey],
                latitude=r["wardLat"], longitude=r["wardLon"], **ended,
            )

    changed = 0
    provinces = list(old_provinces.values())
    kind = SuccessionKind.MERGE if len(provinces) > 1 else SuccessionKind.RENAME
    changed += _succession(province_unit, provinces, kind, PROVINCE_REFORM_BASIS, actor)

    predecessors: dict[str, list[Unit]] = {key: [] for key in new_wards}
    for new_key, old_keys in tables["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_province_key, {}).items():
        predecessors.setdefault(new_key, []).extend(old_wards[k] for k in old_keys if k in old_wards)
    split_wards = set()
    for old_key, parts in tables["DICT_PROVINCE_WARD_DIVIDED"].get(new_province_key, {}).items():
        if old_key in old_wards:
            split_wards.add(old_key)
            for part in parts:
                predecessors.setdefault(part["newWardKey"], []).append(old_wards[old_key])
    split_units = {old_wards[k].pk for k in split_wards}
    for new_key, olds in predecessors.items():
        if new_key not in new_wards or not olds:
            continue
        olds = sorted(set(olds), key=lambda u: u.code)
        if len(olds) > 1:
            kind = SuccessionKind.MERGE
        elif olds[0].pk in split_units:
            kind = SuccessionKind.SPLIT
        else:
            kind = SuccessionKind.RENAME
        changed += _succession(new_wards[new_key], olds, kind, "", actor)
    return changed


def load_departments(path: Path, province_unit: Unit, upsert) -> int:
    """Departments (Sở, ban, ngành) from an editable YAML file: a list of {code, name, name_en, kind}."""
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))["departments"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise LoadError(Message(gettext_noop("Cannot read department file %(path)s: %(error)s"),
                                  {"path": path, "error": exc})) from exc
    for i, entry in enumerate(entries, start=1):
        missing = [f for f in ("code", "name") if not entry.get(f)]
        if missing:
            raise LoadError(Message(gettext_noop("%(path)s, entry %(row)d: missing field(s) %(fields)s"),
                                      {"path": path, "row": i, "fields": ", ".join(missing)}))
        valid_from = entry.get("valid_from")
        upsert(
            entry["code"], official_code=entry.get("official_code", ""), name=entry["name"],
            name_en=entry.get("name_en", ""), short_name=entry.get("short_name", ""),
            kind=entry.get("kind", UnitKind.DEPARTMENT), admin_type=entry.get("admin_type", ""),
            parent=province_unit,
            valid_from=datetime.date.fromisoformat(str(valid_from)) if valid_from else None, valid_to=None,
        )
    return len(entries)
