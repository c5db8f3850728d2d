"""Readers and writers: frameworks (YAML, COINr iMeta CSV/XLSX), data (long, COINr iData), results.

Native YAML framework (everything; iMeta cannot hold scoring rules)::

    code: dti-2022-province
    name: {vi: ..., en: ...}
    model: points            # or statistical (default)
    version: "2022"
    template: false          # true for a model to adapt, with a Vietnamese `note` saying so
    note: ...
    groups: [{code: Region_group, name: {vi: ..., en: ...}}]
    denominators: [{code: TTHC_TONG, name: {vi: ..., en: ...}, unit: ...}]
    nodes:
      - code: NT
        type: indicator      # or aggregate
        name: {vi: ..., en: ...}
        parents: {CQS: 1, DTI: 1}   # parent -> edge weight (points: weight may be omitted = 1);
                                    # also `parent: X` + `weight: w`, or a list of codes
        direction: 1         # -1: lower is better
        unit: ..., applies_to: [commune, ward], source: self|kpi|tasks|itprojects|feedback|survey
        evidence: ...        # what proof the unit must attach (Vietnamese)
        rule: {type: fraction|ratio|step|categorical|binary|goalposts, max: 100,
               effect: score|bonus|penalty, denominator: CODE|number, steps: [[threshold, points]],
               choices: {choice: points}, low: 0, high: 1}
        max_points: 700      # aggregates of a points framework: checked against the children
        target: ..., denominator: CODE, level: N        # statistical, as in iMeta
        normalise: METHOD, treat: none|winsorise[:k], goalposts: [low, high, scale]  # own settings

COINr iMeta (CSV or XLSX): `Level, iCode, iName, Direction, Weight, Parent, Type` and optionally
`Unit, Target, Denominator`, `iName_vi`, `goalpost_lower, goalpost_upper, goalpost_scale`; a node
with several parents has one row per edge. Data: long (`unit, indicator, value[, period][, state]
[, kind][, unit_name][, *_group]`) or COINr iData (`uCode[, uName][, *_group][, Time][, kind]`, then
one column per indicator or denominator); `NA` or empty = missing. A value or `state` may be a
state: not_submitted / chưa nộp, not_applicable / không áp dụng, rejected / không được công nhận.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .data import NA_TOKENS, UNIT_COLUMNS, Dataset, state_token
from .errors import InputError
from .framework import AGGREGATE, INDICATOR, STATISTICAL, Edge, Framework, Node, Rule, Variable

IMETA_COLUMNS = (
    "Level",
    "iCode",
    "iName",
    "Direction",
    "Weight",
    "Unit",
    "Target",
    "Denominator",
    "Parent",
    "Type",
)
IMETA_REQUIRED = ("Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type")
GOALPOST_COLUMNS = ("goalpost_lower", "goalpost_upper", "goalpost_scale")  # COINr's iMeta names
LONG_REQUIRED = ("unit", "indicator", "value")
LONG_OPTIONAL = {"period": "Time", "unit_name": "uName", "kind": "kind"}


# -- tables -----------------------------------------------------------------------------------
def _read_table(path: Path) -> pd.DataFrame:
    """Every cell as text, nothing guessed: the readers below decide what is a number."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        else:
            frame = _read_csv_strict(path)
    except FileNotFoundError as exc:
        raise InputError("file not found", "không tìm thấy tệp", file=str(path)) from exc
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise InputError(f"cannot read table: {exc}", f"không đọc được bảng: {exc}", file=str(path)) from exc
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        # a damaged or renamed file: openpyxl and zipfile raise their own exceptions, not ValueError
        raise InputError(f"not a readable XLSX file ({exc.__class__.__name__})",
                         f"không phải tệp XLSX đọc được ({exc.__class__.__name__})", file=str(path)) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    seen: set[str] = set()
    for column in frame.columns:
        if column in seen:
            raise InputError(f"column {column!r} appears twice", f"cột {column!r} xuất hiện hai lần",
                             file=str(path), row=1, column=column)
        seen.add(column)
    return frame.map(lambda v: v.strip() if isinstance(v, str) else ("" if v is None else str(v)))


def _read_csv_strict(path: Path) -> pd.DataFrame:
    """CSV as text cells. A row with more or fewer cells than the header is an error naming the row
    (pandas would quietly turn an extra first cell into an index and shift every column)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.reader(handle) if row]
    if not rows:
        raise InputError("the file is empty", "tệp trống", file=str(path))
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InputError(f"{len(row)} cells where the header has {len(header)}",
                             f"có {len(row)} ô trong khi dòng tiêu đề có {len(header)}", file=str(path), row=number)
    return pd.DataFrame(rows[1:], columns=header, dtype=str)


def _missing(raw: str) -> bool:
    return raw in NA_TOKENS


def _text(rec: Mapping[str, str], key: str) -> str:
    """An optional text column: absent and NA both read as empty."""
    raw = rec.get(key, "")
    return "" if _missing(raw) else raw


def _number(raw: str, file: str, row: int | None, column: str) -> float | None:
    if _missing(raw):
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InputError(
            f"{raw!r} is not a number", f"{raw!r} không phải là số", file=file, row=row, column=column
        ) from None
    return value


def _require(frame: pd.DataFrame, columns: tuple[str, ...], file: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        names = ", ".join(missing)
        raise InputError(f"missing columns: {names}", f"thiếu cột: {names}", file=file, row=1)


# -- frameworks -------------------------------------------------------------------------------
def read_framework(path: str | Path) -> Framework:
    """Read and validate a framework: `.yaml`/`.yml` native, `.csv`/`.xlsx` COINr iMeta."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        framework = _framework_from_yaml(path)
    elif suffix in (".csv", ".xlsx", ".xlsm"):
        framework = _framework_from_imeta(_read_table(path), str(path))
    else:
        raise InputError(
            f"unknown framework format {suffix!r} (use .yaml, .csv or .xlsx)",
            f"định dạng bộ chỉ số không hỗ trợ {suffix!r} (dùng .yaml, .csv hoặc .xlsx)",
            file=str(path),
        )
    return framework.check()


def _framework_from_imeta(frame: pd.DataFrame, file: str) -> Framework:
    _require(frame, IMETA_REQUIRED, file)
    nodes: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    duplicates: list[Node] = []
    groups: list[Variable] = []
    denominators: list[Variable] = []
    for i, rec in enumerate(frame.to_dict("records")):
        row = i + 2
        code, kind = rec["iCode"], rec["Type"].lower()
        if not code:
            raise InputError("empty iCode", "iCode trống", file=file, row=row, column="iCode")
        if kind in ("group", "denominator"):
            var = Variable(code, name_vi=rec.get("iName_vi", ""), name_en=rec["iName"], unit=rec.get("Unit", ""))
            (groups if kind == "group" else denominators).append(var)
            continue
        if kind not in (INDICATOR, AGGREGATE):
            raise InputError(
                f"Type must be Indicator, Aggregate, Group or Denominator, not {rec['Type']!r}",
                f"Type phải là Indicator, Aggregate, Group hoặc Denominator, không phải {rec['Type']!r}",
                file=file,
                row=row,
                column="Type",
            )
        level = _number(rec["Level"], file, row, "Level")
        direction = _number(rec["Direction"], file, row, "Direction")
        weight = _number(rec["Weight"], file, row, "Weight")
        target = _number(rec.get("Target", ""), file, row, "Target")
        posts = [_number(rec.get(c, ""), file, row, c) for c in GOALPOST_COLUMNS]
        fields = dict(
            code=code,
            kind=kind,
            name_vi=_text(rec, "iName_vi"),
            name_en=_text(rec, "iName"),
            level=None if level is None else int(level),
            direction=1 if direction is None else int(direction),
            unit=_text(rec, "Unit"),
            target=target,
            denominator=_text(rec, "Denominator") or None,
            goalposts=None if posts[0] is None or posts[1] is None else (posts[0], posts[1], posts[2] or 1.0),
        )
        edges = [] if _missing(rec["Parent"]) else [Edge(rec["Parent"], weight)]
        if code in nodes:
            # One row per edge is how a node with several parents is written in iMeta.
            same = {k: v for k, v in nodes[code].items() if k != "parents"} == fields
            if same and edges and all(e.parent != rec["Parent"] for e in nodes[code]["parents"]):
                nodes[code]["parents"] += edges
                continue
            duplicates.append(Node(**fields, parents=tuple(edges)))
            continue
        nodes[code] = {**fields, "parents": edges}
        order.append(code)
    built = [Node(**{**nodes[c], "parents": tuple(nodes[c]["parents"])}) for c in order]
    return Framework(
        nodes=tuple(built + duplicates),
        model=STATISTICAL,
        groups=tuple(groups),
        denominators=tuple(denominators),
        source_file=file,
    )


def _names(value: Any) -> tuple[str, str]:
    if isinstance(value, Mapping):
        # An unquoted comma in a YAML flow mapping ({vi: Tỷ lệ thôn, tổ dân phố…}) silently cuts the
        # name and makes a stray key of the rest: refuse it instead of losing half of the name.
        stray = sorted(str(k) for k in value if k not in ("vi", "en"))
        if stray:
            raise ValueError(f"name has unexpected keys {', '.join(stray)} (quote names that contain commas)")
        return str(value.get("vi", "") or ""), str(value.get("en", "") or "")
    return (str(value), "") if value else ("", "")


def _edges(spec: Mapping[str, Any]) -> tuple[Edge, ...]:
    parents = spec.get("parents")
    if parents is None and spec.get("parent") is not None:
        parents = {spec["parent"]: spec.get("weight")}
    if parents is None:
        return ()
    if isinstance(parents, Mapping):
        return tuple(Edge(str(p), None if w is None else float(w)) for p, w in parents.items())
    out = []
    for p in parents:
        if isinstance(p, Mapping):
            out.append(Edge(str(p["code"]), None if p.get("weight") is None else float(p["weight"])))
        else:
            out.append(Edge(str(p), None))
    return tuple(out)


def _rule(spec: Mapping[str, Any] | None) -> Rule | None:
    if spec is None:
        return None
    choices = spec.get("choices") or {}
    denominator = spec.get("denominator")
    return Rule(
        type=str(spec.get("type", "")),
        max_points=float(spec.get("max", math.nan)),
        effect=str(spec.get("effect", "score")),
        denominator=denominator if denominator is None or isinstance(denominator, str) else float(denominator),
        steps=tuple((float(t), float(p)) for t, p in spec.get("steps") or ()),
        choices=tuple((str(k), float(v)) for k, v in choices.items()),
        low=None if spec.get("low") is None else float(spec["low"]),
        high=None if spec.get("high") is None else float(spec["high"]),
    )


def _framework_from_yaml(path: Path) -> Framework:
    file = str(path)
    try:
        # libyaml's safe loader when present: the same documents, about ten times faster
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except FileNotFoundError as exc:
        raise InputError("file not found", "không tìm thấy tệp", file=file) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = None if mark is None else mark.line + 1
        raise InputError(f"invalid YAML: {exc}", f"YAML không hợp lệ: {exc}", file=file, row=row) from exc
    if not isinstance(doc, Mapping) or not isinstance(doc.get("nodes"), list):
        raise InputError("a framework needs a list of nodes", "bộ chỉ số cần danh sách nút (nodes)", file=file)
    nodes = []
    for i, spec in enumerate(doc["nodes"]):
        try:
            nodes.append(_node_from_yaml(spec))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            code = spec.get("code", f"#{i + 1}") if isinstance(spec, Mapping) else f"#{i + 1}"
            raise InputError(
                f"node {code}: invalid field ({exc})", f"nút {code}: trường không hợp lệ ({exc})", file=file
            ) from exc
    try:
        name_vi, name_en = _names(doc.get("name"))
        groups = tuple(_variable(v) for v in doc.get("groups") or ())
        denominators = tuple(_variable(v) for v in doc.get("denominators") or ())
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise InputError(f"framework header: invalid field ({exc})", f"phần đầu bộ chỉ số: trường không hợp lệ ({exc})",
                         file=file) from exc
    return Framework(
        nodes=tuple(nodes),
        code=str(doc.get("code", "")),
        name_vi=name_vi,
        name_en=name_en,
        model=str(doc.get("model", STATISTICAL)),
        version=str(doc.get("version", "")),
        template=bool(doc.get("template", False)),
        note=str(doc.get("note", "") or ""),
        groups=groups,
        denominators=denominators,
        source_file=file,
    )


def _variable(spec: Mapping[str, Any]) -> Variable:
    vi, en = _names(spec.get("name"))
    return Variable(str(spec["code"]), vi, en, str(spec.get("unit", "") or ""))


NODE_KEYS = frozenset(
    [
        "code",
        "type",
        "name",
        "level",
        "direction",
        "parents",
        "parent",
        "weight",
        "unit",
        "applies_to",
        "rule",
        "max_points",
        "target",
        "denominator",
        "source",
        "evidence",
        "note",
        "normalise",
        "treat",
        "goalposts",
    ]
)
RULE_KEYS = frozenset(["type", "max", "effect", "denominator", "steps", "choices", "low", "high"])


def _goalposts(value: Any) -> tuple[float, float, float] | None:
    if value is None:
        return None
    low, high, *scale = (float(v) for v in value)
    if len(scale) > 1:
        raise ValueError("goalposts are [low, high] or [low, high, scale]")
    return (low, high, scale[0] if scale else 1.0)


def _node_from_yaml(spec: Mapping[str, Any]) -> Node:
    # a misspelt key would otherwise vanish silently and change the score
    unknown = sorted(set(spec) - NODE_KEYS) + sorted(f"rule.{k}" for k in set(spec.get("rule") or {}) - RULE_KEYS)
    if unknown:
        raise ValueError(f"unknown keys {', '.join(unknown)}")
    vi, en = _names(spec.get("name"))
    applies = spec.get("applies_to") or ()
    return Node(
        code=str(spec["code"]),
        kind=str(spec.get("type", INDICATOR)),
        name_vi=vi,
        name_en=en,
        level=None if spec.get("level") is None else int(spec["level"]),
        direction=int(spec.get("direction", 1)),
        parents=_edges(spec),
        unit=str(spec.get("unit", "") or ""),
        applies_to=(applies,) if isinstance(applies, str) else tuple(str(a) for a in applies),
        rule=_rule(spec.get("rule")),
        max_points=None if spec.get("max_points") is None else float(spec["max_points"]),
        target=None if spec.get("target") is None else float(spec["target"]),
        denominator=spec.get("denominator"),
        normalise=spec.get("normalise"),
        treat=spec.get("treat"),
        goalposts=_goalposts(spec.get("goalposts")),
        source=spec.get("source"),
        evidence=str(spec.get("evidence", "") or ""),
        note=str(spec.get("note", "") or ""),
    )


def write_framework(framework: Framework, path: str | Path) -> None:
    """Write `.yaml` (everything) or `.csv`/`.xlsx` iMeta (no scoring rules; one row per edge)."""
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        text = yaml.safe_dump(framework_to_dict(framework), allow_unicode=True, sort_keys=False, width=100)
        path.write_text(text, encoding="utf-8")
        return
    frame = _framework_to_imeta(framework)
    if path.suffix.lower() == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False, na_rep="NA")


def _framework_to_imeta(fw: Framework) -> pd.DataFrame:
    rows = []
    for n in fw.nodes:
        base = {
            "Level": n.level if n.level is not None else fw.levels[n.code],
            "iCode": n.code,
            "iName": n.name_en,
            "Direction": n.direction,
            "Unit": n.unit or None,
            "Target": n.target,
            "Denominator": n.denominator,
            "Type": "Indicator" if n.is_indicator else "Aggregate",
        }
        if n.name_vi:
            base["iName_vi"] = n.name_vi
        if n.goalposts is not None:
            base.update(zip(GOALPOST_COLUMNS, n.goalposts, strict=True))
        for edge in n.parents or (Edge("", None),):
            rows.append({**base, "Weight": edge.weight, "Parent": edge.parent or None})
    for kind, variables in (("Group", fw.groups), ("Denominator", fw.denominators)):
        for v in variables:
            rows.append(
                {
                    "iCode": v.code,
                    "iName": v.name_en,
                    "Unit": v.unit or None,
                    "Type": kind,
                    "iName_vi": v.name_vi,
                }
            )
    frame = pd.DataFrame(rows)
    extra = [c for c in ("iName_vi", *GOALPOST_COLUMNS) if c in frame.columns]
    columns = [*IMETA_COLUMNS, *extra]
    frame = frame.reindex(columns=columns)
    frame["Level"] = frame["Level"].astype("Int64")
    frame["Direction"] = frame["Direction"].astype("Int64")
    return frame


def framework_to_dict(fw: Framework) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "code": fw.code,
        "name": {"vi": fw.name_vi, "en": fw.name_en},
        "model": fw.model,
        "version": fw.version,
        "template": fw.template,
    }
    if fw.note:
        doc["note"] = fw.note
    for key, variables in (("groups", fw.groups), ("denominators", fw.denominators)):
        if variables:
            doc[key] = [
                {
                    "code": v.code,
                    "name": {"vi": v.name_vi, "en": v.name_en},
                    **({"unit": v.unit} if v.unit else {}),
                }
                for v in variables
            ]
    doc["nodes"] = [_node_to_yaml(n) for n in fw.nodes]
    return doc


def _node_to_yaml(n: Node) -> dict[str, Any]:
    out: dict[str, Any] = {"code": n.code, "type": n.kind, "name": {"vi": n.name_vi, "en": n.name_en}}
    if n.level is not None:
        out["level"] = n.level
    if n.direction != 1:
        out["direction"] = n.direction
    if n.parents:
        out["parents"] = {e.parent: e.weight for e in n.parents}
    optional = {
        "unit": n.unit,
        "applies_to": list(n.applies_to),
        "max_points": n.max_points,
        "target": n.target,
        "denominator": n.denominator,
        "normalise": n.normalise,
        "treat": n.treat,
        "goalposts": None if n.goalposts is None else list(n.goalposts),
        "source": n.source,
        "evidence": n.evidence,
        "note": n.note,
    }
    out.update({k: v for k, v in optional.items() if v not in (None, "", [])})
    if n.rule is not None:
        r = n.rule
        rule: dict[str, Any] = {"type": r.type, "max": r.max_points}
        if r.effect != "score":
            rule["effect"] = r.effect
        if r.denominator is not None:
            rule["denominator"] = r.denominator
        if r.steps:
            rule["steps"] = [list(s) for s in r.steps]
        if r.choices:
            rule["choices"] = dict(r.choices)
        if r.low is not None:
            rule["low"], rule["high"] = r.low, r.high
        out["rule"] = rule
    return out


# -- data -------------------------------------------------------------------------------------
def read_data(path: str | Path) -> Dataset:
    """Read observations: long (`unit, indicator, value[, period]`) or COINr iData (wide, `uCode`)."""
    path = Path(path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError as exc:
        raise InputError("file not found", "không tìm thấy tệp", file=str(path)) from exc
    frame = _read_table(path)
    if all(c in frame.columns for c in LONG_REQUIRED):
        return _data_from_long(frame, str(path), digest)
    if "uCode" in frame.columns:
        return _data_from_idata(frame, str(path), digest)
    raise InputError(
        "data need either columns unit, indicator, value (long) or uCode (COINr iData)",
        "dữ liệu cần các cột unit, indicator, value (dạng dài) hoặc uCode (iData của COINr)",
        file=str(path),
        row=1,
    )


def data_from_frame(frame: pd.DataFrame, source: str = "<data>") -> Dataset:
    """A Dataset from an in-memory table laid out as a long or iData file (e.g. built from a database).

    Cells may be numbers or text; missing cells (None, NaN) are read as missing. `source` names the
    data in error messages; `sha256` is taken over the table's CSV rendering.
    """
    text = frame.astype(object).where(frame.notna(), "")
    text = text.map(lambda v: v if isinstance(v, str) else repr(float(v)) if isinstance(v, float) else str(v))
    text.columns = [str(c).strip() for c in text.columns]
    text = text.map(str.strip)
    digest = hashlib.sha256(text.to_csv(index=False).encode("utf-8")).hexdigest()
    if all(c in text.columns for c in LONG_REQUIRED):
        return _data_from_long(text.reset_index(drop=True), source, digest)
    if "uCode" in text.columns:
        return _data_from_idata(text.reset_index(drop=True), source, digest)
    raise InputError(
        "data need either columns unit, indicator, value (long) or uCode (COINr iData)",
        "dữ liệu cần các cột unit, indicator, value (dạng dài) hoặc uCode (iData của COINr)",
        file=source,
        row=1,
    )


# The columns `data_from_records` reads without building a table first; any other column (period,
# unit_name, *_group) takes the table path.
RECORD_COLUMNS = frozenset({"unit", "indicator", "value", "state", "kind"})


def data_from_records(records: list[tuple[str, ...]], columns: list[str], source: str, digest: str) -> Dataset:
    """The Dataset `_data_from_long` makes of `pd.DataFrame(records, columns=columns, dtype=str)`,
    built from the rows of text cells directly (a national campaign has ~150,000 rows: the table's
    construction and its per-column lookups cost more than the engine's run).

    Identical result, same errors: the value cells go through the same number parser as the table
    path, and a layout this path does not handle (period, unit names, groups) is handed to it.
    """
    if not records or not set(columns) <= RECORD_COLUMNS or not all(c in columns for c in LONG_REQUIRED):
        return _data_from_long(pd.DataFrame(records, columns=columns, dtype=str), source, digest)
    cells = dict(zip(columns, zip(*records, strict=True), strict=True))
    unit_col, code_col, value_col = cells["unit"], cells["indicator"], cells["value"]
    for column in ("unit", "indicator"):
        if "" in cells[column]:
            raise InputError(f"empty {column}", f"{column} trống", file=source, row=cells[column].index("") + 2,
                             column=column)
    n = len(records)
    obs_index = {u: i for i, u in enumerate(dict.fromkeys(unit_col))}  # no period: one observation per unit
    codes = list(dict.fromkeys(code_col))
    col_index = {c: j for j, c in enumerate(codes)}
    r = np.fromiter(map(obs_index.__getitem__, unit_col), dtype=np.int64, count=n)
    c = np.fromiter(map(col_index.__getitem__, code_col), dtype=np.int64, count=n)
    cell = r * len(codes) + c
    first_cell = np.unique(cell, return_index=True)[1]
    if first_cell.size < n:
        later = np.ones(n, dtype=bool)
        later[first_cell] = False
        i = int(np.flatnonzero(later)[0])
        raise InputError(
            f"unit {unit_col[i]}, indicator {code_col[i]} appears twice",
            f"đơn vị {unit_col[i]}, chỉ số {code_col[i]} xuất hiện hai lần",
            file=source,
            row=i + 2,
        )
    numbers, is_text = _split_numbers(pd.Series(value_col, dtype=str))
    values = np.full((len(obs_index), len(codes)), np.nan)
    values[r, c] = numbers
    rows = np.zeros((len(obs_index), len(codes)), dtype=np.int64)
    rows[r, c] = np.arange(n) + 2
    text, states = _text_and_states(value_col, cells.get("state"), is_text, r, c, codes, source)
    first = np.unique(r, return_index=True)[1]
    units = pd.DataFrame({"uCode": pd.Series(unit_col, dtype=str).to_numpy()[first]})
    units["uName"] = ""
    units["Time"] = np.full(n, None, dtype=object)[first]
    units["kind"] = pd.Series(cells["kind"], dtype=str).to_numpy()[first] if "kind" in cells else ""
    return Dataset(
        values=pd.DataFrame(values, columns=codes),
        units=units,
        text=text,
        states=states,
        source=source,
        sha256=digest,
        layout="long",
        rows=rows,
    )


def _text_and_states(value_cells, state_cells, is_text, r, c, codes: list[str], file) -> tuple[dict, dict]:
    """The text cells {(observation, code): text} and the states {(observation, code): state} of long
    rows (row i is cell r[i], codes[c[i]]): a state written as the value is a state; the state column,
    when there is one, sets the state of its row's cell ("" for none), an unknown state refused."""
    text = {(int(r[i]), codes[c[i]]): value_cells[i] for i in np.flatnonzero(is_text).tolist()}
    states: dict[tuple[int, str], str] = {}
    for k, v in list(text.items()):
        if (s := state_token(v)) is not None:
            states[k] = s
            del text[k]
    if state_cells is not None:
        for i in (i for i, v in enumerate(state_cells) if v != ""):
            s = state_token(state_cells[i])
            if s is None:
                raise InputError(
                    f"unknown state {state_cells[i]!r}",
                    f"trạng thái không rõ {state_cells[i]!r}",
                    file=file,
                    row=i + 2,
                    column="state",
                )
            states[(int(r[i]), codes[c[i]])] = s
    return text, states


def _split_numbers(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Float values (NaN where missing or text) and a mask of the cells that are text."""
    missing = raw.isin(NA_TOKENS).to_numpy()
    numbers = pd.to_numeric(raw.where(~missing), errors="coerce").to_numpy(dtype=float)
    text = np.isnan(numbers) & ~missing
    return numbers, text


def _period(raw: str) -> object:
    if _missing(raw):
        return None
    try:
        return int(raw)
    except ValueError:
        return raw


def _data_from_idata(frame: pd.DataFrame, file: str, digest: str) -> Dataset:
    if frame["uCode"].eq("").any():
        row = int(np.flatnonzero(frame["uCode"].eq(""))[0]) + 2
        raise InputError("empty uCode", "uCode trống", file=file, row=row, column="uCode")
    meta = [c for c in frame.columns if c in UNIT_COLUMNS or c.endswith("_group")]
    units = pd.DataFrame({"uCode": frame["uCode"]})
    units["uName"] = frame["uName"] if "uName" in frame.columns else ""
    units["Time"] = frame["Time"].map(_period) if "Time" in frame.columns else None
    units["kind"] = frame["kind"] if "kind" in frame.columns else ""
    for g in [c for c in meta if c.endswith("_group")]:
        units[g] = frame[g]
    _check_unique(units, file, lambda i: i + 2)
    variables = [c for c in frame.columns if c not in meta]
    values = {}
    text: dict[tuple[int, str], str] = {}
    for code in variables:
        numbers, is_text = _split_numbers(frame[code])
        values[code] = numbers
        for i in np.flatnonzero(is_text):
            text[(int(i), code)] = frame[code].iat[i]
    states = {k: s for k, v in text.items() if (s := state_token(v)) is not None}
    return Dataset(
        values=pd.DataFrame(values, columns=variables, dtype=float),
        units=units.reset_index(drop=True),
        text={k: v for k, v in text.items() if k not in states},
        states=states,
        source=file,
        sha256=digest,
        layout="idata",
    )


def _check_unique(units: pd.DataFrame, file: str, row_of) -> None:
    key = units["uCode"].map(str) + "\x00" + units["Time"].map(str)
    dup = key.duplicated().to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError(
            f"unit {units['uCode'].iat[i]} appears twice for the same period",
            f"đơn vị {units['uCode'].iat[i]} xuất hiện hai lần trong cùng kỳ",
            file=file,
            row=row_of(i),
        )


def _data_from_long(frame: pd.DataFrame, file: str, digest: str) -> Dataset:
    if frame.empty:
        raise InputError("no data rows under the header", "không có dòng dữ liệu nào dưới dòng tiêu đề", file=file,
                         row=2)
    for column in ("unit", "indicator"):
        empty = np.flatnonzero(frame[column].eq("").to_numpy())
        if empty.size:
            raise InputError(f"empty {column}", f"{column} trống", file=file, row=int(empty[0]) + 2, column=column)
    times = frame["period"].map(_period) if "period" in frame.columns else pd.Series([None] * len(frame))
    key = frame["unit"] + "\x00" + times.map(str)
    obs_keys = list(dict.fromkeys(key.tolist()))
    obs_index = {k: i for i, k in enumerate(obs_keys)}
    codes = list(dict.fromkeys(frame["indicator"].tolist()))
    col_index = {c: j for j, c in enumerate(codes)}
    r = key.map(obs_index).to_numpy()
    c = frame["indicator"].map(col_index).to_numpy()
    cell = r * len(codes) + c
    dup = pd.Series(cell).duplicated().to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError(
            f"unit {frame['unit'].iat[i]}, indicator {frame['indicator'].iat[i]} appears twice",
            f"đơn vị {frame['unit'].iat[i]}, chỉ số {frame['indicator'].iat[i]} xuất hiện hai lần",
            file=file,
            row=i + 2,
        )
    numbers, is_text = _split_numbers(frame["value"])
    values = np.full((len(obs_keys), len(codes)), np.nan)
    values[r, c] = numbers
    rows = np.zeros((len(obs_keys), len(codes)), dtype=np.int64)
    rows[r, c] = np.arange(len(frame)) + 2
    text, states = _text_and_states(frame["value"].to_numpy(),
                                    frame["state"].to_numpy() if "state" in frame.columns else None,
                                    is_text, r, c, codes, file)
    first = np.unique(r, return_index=True)[1]
    units = pd.DataFrame({"uCode": frame["unit"].to_numpy()[first]})
    units["uName"] = frame["unit_name"].to_numpy()[first] if "unit_name" in frame.columns else ""
    units["Time"] = times.to_numpy()[first]
    units["kind"] = frame["kind"].to_numpy()[first] if "kind" in frame.columns else ""
    for g in [col for col in frame.columns if col.endswith("_group")]:
        units[g] = frame[g].to_numpy()[first]
    return Dataset(
        values=pd.DataFrame(values, columns=codes),
        units=units,
        text=text,
        states=states,
        source=file,
        sha256=digest,
        layout="long",
        rows=rows,
    )


def write_data(data: Dataset, path: str | Path, layout: str = "idata") -> None:
    """Write a dataset as COINr iData (wide) or long CSV; text cells and states are kept."""
    path = Path(path)
    cells = data.values.astype(object).where(data.values.notna(), None)
    for (i, code), value in {**data.text, **data.states}.items():
        cells.iat[i, data.values.columns.get_loc(code)] = value
    if layout == "idata":
        units = data.units.copy()
        if units["Time"].isna().all():
            units = units.drop(columns="Time")
        if units["kind"].eq("").all():
            units = units.drop(columns="kind")
        frame = pd.concat([units.reset_index(drop=True), cells.reset_index(drop=True)], axis=1)
    elif layout == "long":
        long = cells.stack(future_stack=True).rename("value").reset_index()
        long.columns = ["position", "indicator", "value"]
        long = long[long["value"].notna()]
        u = data.units.iloc[long["position"].to_numpy()].reset_index(drop=True)
        frame = pd.DataFrame(
            {"unit": u["uCode"], "indicator": long["indicator"].to_numpy(), "value": long["value"].to_numpy()}
        )
        if not u["Time"].isna().all():
            frame["period"] = u["Time"]
        if not u["uName"].eq("").all():
            frame["unit_name"] = u["uName"]
        if not u["kind"].eq("").all():
            frame["kind"] = u["kind"]
        for g in data.groups:
            frame[g] = u[g]
    else:
        raise ValueError(f"unknown layout {layout!r}")
    if path.suffix.lower() == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False, na_rep="NA")


# -- results ----------------------------------------------------------------------------------
def result_table(result, ranks: bool = False) -> pd.DataFrame:
    """Wide table: `uCode` (and `Time` when several periods), then one column per node."""
    table = (result.ranks if ranks else result.scores).copy()
    table = table.reset_index()
    if "Time" in table.columns:
        # uCode stays first, as the contract says; Time only appears for a multi-period result
        table = table[["uCode", "Time", *result.scores.columns]]
    return table


def write_result(result, out, fmt: str = "csv", ranks: bool = False) -> None:
    """Write a `Result` as wide CSV or as JSON (scores, ranks, method, inputs hash, points)."""
    if fmt == "csv":
        result_table(result, ranks=ranks).to_csv(out, index=False, na_rep="NA")
        return
    if fmt != "json":
        raise ValueError(f"unknown format {fmt!r}")
    json.dump(result.to_dict(include_ranks=ranks), out, ensure_ascii=False, indent=2, allow_nan=False)
    out.write("\n")
