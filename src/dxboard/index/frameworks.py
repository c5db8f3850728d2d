"""Importing frameworks into the platform through `dxindex`, with versions.

The engine reads and validates (YAML or COINr iMeta XLSX/CSV); the platform stores the engine's own
YAML rendering as the canonical definition, so what is computed later is exactly what was shown.
Re-importing the same content is a no-op; different content under the same code is a new version —
never an edit, because a framework in use must not change under the units scoring against it.
The page imports through core.imports (`FRAMEWORK_IMPORT`): the file is read and shown first, and written
on confirm; `import_framework()` does both at once for the demo and the tests.
"""

import csv
import dataclasses
import datetime
import functools
import hashlib
import io
import tempfile
from pathlib import Path

from django.db import transaction
from django.utils import translation
from openpyxl.utils import get_column_letter

import dxindex
from dxboard.audit.log import record, snapshot
from dxboard.core import imports
from dxboard.core.i18n import named
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


@dataclasses.dataclass
class Reading:
    """A framework file read and checked, not yet written: what the preview shows and the confirm writes."""
    engine: dxindex.Framework
    definition: str
    digest: str
    code: str
    latest: Framework | None

    @property
    def unchanged(self) -> bool:
        return self.latest is not None and self.latest.sha256 == self.digest

    @property
    def version(self) -> int:
        """The version the confirm makes (the one already there when unchanged)."""
        if self.latest is None:
            return 1
        return self.latest.version if self.unchanged else self.latest.version + 1

    @property
    def name(self):
        return named(self.engine.name_vi or self.code, self.engine.name_en)

    @property
    def indicators(self) -> int:
        return sum(1 for c in self.engine.codes if self.engine.by_code[c].is_indicator)


def read_framework_file(content: bytes, filename: str) -> Reading:
    """Read and check a framework file against what is stored. Writes nothing; raises dxindex.InputError."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise dxindex.InputError(f"unknown framework format {suffix!r} (use .yaml or .xlsx)",
                                 f"định dạng bộ chỉ số không hỗ trợ {suffix!r} (dùng .yaml hoặc .xlsx)", file=filename)
    engine = _read(content, suffix, filename)
    definition = _canonical_yaml(engine)
    code = engine.code or Path(filename).stem
    return Reading(engine, definition, hashlib.sha256(definition.encode("utf-8")).hexdigest(), code,
                   Framework.objects.filter(code=code).order_by("-version").first())


def import_framework(content: bytes, filename: str, *, acting_user, **decision) -> tuple[Framework, bool]:
    """Import a framework file. Returns (framework, created). Raises dxindex.InputError on bad input."""
    with transaction.atomic():
        return _write(read_framework_file(content, filename), acting_user=acting_user, **decision)


def _write(reading: Reading, *, acting_user, year: int | None = None, decision_number: str = "",
           decision_date=None, effective_from=None, effective_to=None) -> tuple[Framework, bool]:
    if reading.unchanged:
        return reading.latest, False
    engine, latest, digest = reading.engine, reading.latest, reading.digest
    framework = Framework.objects.create(
        code=reading.code, version=reading.version, previous=latest,
        name=engine.name_vi or reading.code, name_en=engine.name_en, model=engine.model, year=year,
        decision_number=decision_number, decision_date=decision_date, effective_from=effective_from,
        effective_to=effective_to, is_template=engine.template, definition=reading.definition, sha256=digest,
        total_points=_total_points(engine),
    )
    _create_indicators(framework, engine)
    if latest is not None:
        _map_same_codes(latest, framework)
    record(actor=acting_user, action="index.import_framework", obj=framework,
           after=snapshot(framework) | {"definition": f"sha256:{digest}", "indicators": framework.indicators.count()})
    return framework, True


def _problems(exc: dxindex.InputError, content: bytes, filename: str) -> list[imports.Problem]:
    """The engine's refusal as problems in the reader's language: every fault of a framework that is not a
    valid graph, else the one reason at its row and column (the engine names a column by its header; the
    letter is found in the file's header row)."""
    if isinstance(exc, dxindex.FrameworkError):
        return [imports.Problem(named(vi, en)) for en, vi in exc.faults]
    header = exc.column or ""
    return [imports.Problem(named(exc.reason_vi, exc.reason_en), exc.row, _letter(content, filename, header),
                            header)]


def _letter(content: bytes, filename: str, header: str) -> str:
    """The column letter of `header` in the first row of an iMeta table ("" for YAML, or when absent)."""
    suffix = Path(filename).suffix.lower()
    if not header or suffix not in (".csv", ".xlsx"):
        return ""
    if suffix == ".csv":
        first = next(csv.reader(io.StringIO(content.decode("utf-8-sig", errors="replace"))), [])
    else:
        try:
            first = next(iter(next(iter(read_sheets(content).values()), [])), ())
        except SheetError:
            return ""
    names = [str(c or "").strip() for c in first]
    return get_column_letter(names.index(header) + 1) if header in names else ""


class FrameworkImporter(imports.Importer):
    """A framework file (YAML, iMeta XLSX or CSV); the context is its name and the decision's fields (dates as
    ISO text). `changes` holds the one Reading; an unchanged file is a preview with nothing to confirm."""
    key = "index-framework"
    changes_template = "index/_framework_import_changes.html"

    def parse(self, data: bytes, context: dict) -> imports.Preview:
        try:
            reading = read_framework_file(data, context["name"])
        except dxindex.InputError as exc:
            return imports.Preview(problems=_problems(exc, data, context["name"]), context=context)
        return imports.Preview(changes=[reading], context=context)

    def apply(self, preview: imports.Preview, acting_user) -> tuple[Framework, bool]:
        fields = preview.context
        dates = {k: datetime.date.fromisoformat(fields[k]) if fields[k] else None
                 for k in ("decision_date", "effective_from")}
        return _write(preview.changes[0], acting_user=acting_user, year=fields["year"],
                      decision_number=fields["decision_number"], **dates)


FRAMEWORK_IMPORT = FrameworkImporter()


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
