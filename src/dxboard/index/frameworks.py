"""Importing frameworks into the platform through `dxindex`, with versions.

The engine reads and validates (YAML or COINr iMeta XLSX/CSV); the platform stores the engine's own
YAML rendering as the canonical definition, so what is computed later is exactly what was shown.
Re-importing the same content is a no-op; different content under the same code is a new version —
never an edit, because a framework in use must not change under the units scoring against it.
"""

import functools
import hashlib
import tempfile
from pathlib import Path

from django.db import transaction
from django.utils import translation

import dxindex
from dxboard.audit.log import record, snapshot
from dxboard.core.sheets import SheetError, read_sheets
from dxindex.io import write_framework

from .models import Framework, Indicator

SUFFIXES = (".yaml", ".yml", ".xlsx", ".csv")


def _check_workbook(content: bytes, name: str) -> None:
    """The platform's reader first (zip bomb, row and column caps, a damaged sheet): the engine's reader would
    answer a damaged sheet with an XML parser's exception."""
    try:
        read_sheets(content)
    except SheetError as exc:
        with translation.override("en"):
            reason_en = str(exc)
        with translation.override("vi"):
            reason_vi = str(exc)
        raise dxindex.InputError(reason_en, reason_vi, file=name) from exc


def _read(content: bytes, suffix: str, name: str) -> dxindex.Framework:
    if suffix == ".xlsx":
        _check_workbook(content, name)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"framework{suffix}"
        path.write_bytes(content)
        try:
            return dxindex.read_framework(path)
        except dxindex.InputError as exc:
            # name the file the person uploaded, not our temporary copy
            raise dxindex.InputError(exc.reason_en, exc.reason_vi, file=name, row=exc.row, column=exc.column) from exc


@functools.lru_cache(maxsize=32)
def parse_definition(text: str) -> dxindex.Framework:
    """The engine's framework for a stored definition. Cached: definitions never change (a change is a
    new version), and parsing one is far slower than scoring a form with it."""
    return _read(text.encode("utf-8"), ".yaml", "definition.yaml")


def _canonical_yaml(framework: dxindex.Framework) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "framework.yaml"
        write_framework(framework, path)
        return path.read_text(encoding="utf-8")


@transaction.atomic
def import_framework(content: bytes, filename: str, *, acting_user, year: int | None = None,
                     decision_number: str = "", decision_date=None, effective_from=None,
                     effective_to=None) -> tuple[Framework, bool]:
    """Import a framework file. Returns (framework, created). Raises dxindex.InputError on bad input."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise dxindex.InputError(f"unknown framework format {suffix!r} (use .yaml or .xlsx)",
                                 f"định dạng bộ chỉ số không hỗ trợ {suffix!r} (dùng .yaml hoặc .xlsx)", file=filename)
    engine = _read(content, suffix, filename)
    definition = _canonical_yaml(engine)
    digest = hashlib.sha256(definition.encode("utf-8")).hexdigest()
    code = engine.code or Path(filename).stem
    latest = Framework.objects.filter(code=code).order_by("-version").first()
    if latest is not None and latest.sha256 == digest:
        return latest, False
    framework = Framework.objects.create(
        code=code, version=(latest.version + 1) if latest else 1, previous=latest,
        name=engine.name_vi or code, name_en=engine.name_en, model=engine.model, year=year,
        decision_number=decision_number, decision_date=decision_date, effective_from=effective_from,
        effective_to=effective_to, is_template=engine.template, definition=definition, sha256=digest,
        total_points=_total_points(engine),
    )
    _create_indicators(framework, engine)
    if latest is not None:
        _map_same_codes(latest, framework)
    record(actor=acting_user, action="index.import_framework", obj=framework,
           after=snapshot(framework) | {"definition": f"sha256:{digest}", "indicators": framework.indicators.count()})
    return framework, True


def _total_points(engine: dxindex.Framework) -> float | None:
    if engine.model != "points":
        return None
    maxima = engine.nominal_max_points
    roots = [c for c in engine.aggregates if not engine.by_code[c].parents]
    return float(sum(maxima.get(c, 0.0) for c in roots)) if roots else None


def _rule_dict(rule) -> dict | None:
    if rule is None:
        return None
    out = {"type": rule.type, "max": rule.max_points, "effect": rule.effect}
    if rule.denominator is not None:
        out["denominator"] = rule.denominator
    if rule.steps:
        out["steps"] = [list(s) for s in rule.steps]
    if rule.choices:
        out["choices"] = [list(c) for c in rule.choices]
    if rule.low is not None:
        out["low"], out["high"] = rule.low, rule.high
    return out


def _create_indicators(framework: Framework, engine: dxindex.Framework) -> None:
    levels = engine.levels
    maxima = engine.nominal_max_points if engine.model == "points" else {}
    rows = []
    for position, code in enumerate(engine.codes):
        node = engine.by_code[code]
        rows.append(Indicator(
            framework=framework, code=code, name=node.name_vi or code, name_en=node.name_en,
            is_aggregate=not node.is_indicator, level=levels.get(code, 1), position=position,
            parents={e.parent: e.weight for e in node.parents}, rule=_rule_dict(node.rule),
            max_points=(node.rule.max_points if node.rule else maxima.get(code)),
            source=node.source or "", evidence=node.evidence, unit_of_measure=node.unit,
            applies_to=list(node.applies_to),
        ))
    Indicator.objects.bulk_create(rows)


def _map_same_codes(old: Framework, new: Framework) -> None:
    """Indicators keeping their code across versions are mapped automatically; others by hand."""
    from .models import IndicatorMapping

    new_by_code = {i.code: i for i in new.indicators.all()}
    IndicatorMapping.objects.bulk_create([
        IndicatorMapping(old=i, new=new_by_code[i.code], note="same code")
        for i in old.indicators.all() if i.code in new_by_code
    ])
