"""compute(): a framework and a data set in, a Result out.

Statistical frameworks follow COINr's order and definitions (its example coin): denominate, impute,
screen units, treat, normalise, aggregate level by level, rank. A panel is handled like a COINr
purse: each period is imputed, screened and treated on its own, normalisation is global over the
periods by default (`Normalise.purse(global = TRUE)`), ranks are within each period. Points
frameworks ignore the statistical settings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from . import stats
from .data import STATES, Dataset
from .errors import InputError
from .framework import POINTS, Framework
from .points import score_points

DEFAULTS: dict[str, Any] = {
    "denominate": False,
    "impute": "none",
    "screen_threshold": None,
    "treat": "none",
    "normalise": "minmax:0,100",
    "normalise_global": True,
    "aggregate": "amean",
    "dat_thresh": None,
    "period": None,
}


@dataclass(eq=False)
class Result:
    """Tables are units x nodes (`Framework.codes` order), indexed by `uCode`, or by (`Time`,
    `uCode`) when several periods were computed."""

    framework: Framework
    scores: pd.DataFrame
    method: dict[str, Any]
    inputs_sha256: str
    screened_out: list[tuple[object, str]] = field(default_factory=list)
    points: pd.DataFrame | None = None
    max_points: pd.DataFrame | None = None
    state_points: dict[str, pd.DataFrame] | None = None  # state -> maximum points resting on it
    states: pd.DataFrame | None = None  # points: state of every indicator cell
    groups: pd.DataFrame | None = None  # the units' `*_group` labels, same index as `scores`

    # Ranks are derived on first use: sorting every column is the costliest step and many callers
    # (the web app recomputing a draft, uncertainty replications) only need the scores.
    @cached_property
    def ranks(self) -> pd.DataFrame:
        """Rank of every unit on every node, per period: 1 = best, ties share the smallest rank."""
        return self._rank(None)

    @cached_property
    def group_ranks(self) -> dict[str, pd.DataFrame]:
        """Ranks within each `*_group` column of the data (empty label = no rank)."""
        if self.groups is None:
            return {}
        return {g: self._rank(g) for g in self.groups.columns}

    def _rank(self, group: str | None) -> pd.DataFrame:
        values = self.scores.to_numpy()
        out = np.full(values.shape, np.nan)
        if isinstance(self.scores.index, pd.MultiIndex):
            times = self.scores.index.get_level_values("Time").map(str).to_numpy()
            blocks = [np.flatnonzero(times == t) for t in dict.fromkeys(times)]
        else:
            blocks = [np.arange(values.shape[0])]
        for rows in blocks:
            labels = None
            if group is not None and self.groups is not None:
                labels = self.groups[group].to_numpy()[rows]
                labels = np.where(pd.isna(labels) | np.isin(labels.astype(str), ["", "NA"]), None, labels)
            out[rows] = stats.rank_desc(values[rows], groups=labels)
        return pd.DataFrame(out, index=self.scores.index, columns=self.scores.columns)

    @property
    def periods(self) -> list:
        if isinstance(self.scores.index, pd.MultiIndex):
            return list(dict.fromkeys(self.scores.index.get_level_values("Time")))
        return [self.method.get("period")]

    def changes(self, before: object, after: object) -> dict[str, pd.DataFrame]:
        """Score difference (after - before) and places gained, for units present in both periods."""
        if not isinstance(self.scores.index, pd.MultiIndex):
            raise ValueError("changes need a result computed on several periods")
        s0, s1 = self.scores.xs(before, level="Time"), self.scores.xs(after, level="Time")
        r0, r1 = self.ranks.xs(before, level="Time"), self.ranks.xs(after, level="Time")
        units = s0.index.intersection(s1.index, sort=False)
        return {
            "score": s1.loc[units] - s0.loc[units],
            "rank": pd.DataFrame(
                stats.rank_change(r0.loc[units].to_numpy(), r1.loc[units].to_numpy()),
                index=units,
                columns=self.scores.columns,
            ),
        }

    def to_dict(self, include_ranks: bool = True) -> dict[str, Any]:
        def table(frame: pd.DataFrame) -> list[dict[str, Any]]:
            records = frame.reset_index().to_dict("records")
            return [{k: _json_value(v) for k, v in r.items()} for r in records]

        out: dict[str, Any] = {
            "framework": self.framework.code,
            "method": self.method,
            "inputs_sha256": self.inputs_sha256,
            "scores": table(self.scores),
        }
        if include_ranks:
            out["ranks"] = table(self.ranks)
            out["group_ranks"] = {g: table(r) for g, r in self.group_ranks.items()}
        periods = self.periods if isinstance(self.scores.index, pd.MultiIndex) else []
        if include_ranks and len(periods) > 1:
            # consecutive periods: what a dashboard shows as "up 3 places since last year"
            out["changes"] = [
                {
                    "from": _json_value(before),
                    "to": _json_value(after),
                    **{k: table(v) for k, v in self.changes(before, after).items()},
                }
                for before, after in zip(periods, periods[1:], strict=False)
            ]
        if self.screened_out:
            out["screened_out"] = [{"Time": _json_value(t), "uCode": u} for t, u in self.screened_out]
        if self.points is not None and self.max_points is not None and self.state_points is not None:
            out["points"] = table(self.points)
            out["max_points"] = table(self.max_points)
            out["state_points"] = {s: table(f) for s, f in self.state_points.items()}
        if self.states is not None:
            out["states"] = table(self.states)
        return out


def _json_value(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v


def compute(framework: Framework, data: Dataset, **method: Any) -> Result:
    """Compute every node for every unit.

    Keywords (statistical frameworks; COINr defaults where COINr has one):
    `denominate` (bool), `impute` ("none", "mean", "median", "mean_grp:COL", "median_grp:COL",
    "panel[:max_time]"), `screen_threshold` (minimum share of indicators a unit must have, else it
    is dropped), `treat` ("none" or "winsorise[:winmax]", with COINr's log fallback), `normalise`
    (a `dxindex.stats.normalise` method, default "minmax:0,100"), `normalise_global` (panel: one
    scale over all periods, default True as in COINr; False scales each period apart), `aggregate` (a method, or
    {level: method}), `dat_thresh` (minimum share of available children of an aggregate),
    `period` (one period; default every period).
    """
    unknown = set(method) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown method settings: {', '.join(sorted(unknown))}")
    settings = {**DEFAULTS, **method}
    framework.check()
    _check_variables(framework, data)
    periods = data.periods if settings["period"] is None else [settings["period"]]
    if settings["period"] is not None and not data.positions(settings["period"]).size:
        raise InputError(
            f"no data for period {settings['period']}",
            f"không có dữ liệu kỳ {settings['period']}",
            file=data.source,
            column="Time",
        )
    if framework.model == POINTS:
        settings = {"model": POINTS, "period": settings["period"]}
        return _points_result(framework, data, periods, settings)
    settings["model"] = framework.model
    return _statistical_result(framework, data, periods, settings)


def _check_variables(framework: Framework, data: Dataset) -> None:
    known = set(framework.variables())
    for code in data.values.columns:
        if code not in known:
            row, column = (_first_row(data, code), "indicator") if data.rows is not None else (1, code)
            raise InputError(
                f"unknown indicator {code}",
                f"chỉ số không có trong bộ chỉ số: {code}",
                file=data.source,
                row=row,
                column=column,
            )


def _first_row(data: Dataset, code: str) -> int | None:
    assert data.rows is not None
    rows = data.rows[:, data.values.columns.get_loc(code)]
    rows = rows[rows > 0]
    return int(rows.min()) if rows.size else None


def inputs_sha256(framework: Framework, data: Dataset, settings: Mapping[str, Any]) -> str:
    """Hash of what a result depends on: the framework's content, the data file and the method."""
    digest = hashlib.sha256()
    digest.update(framework.content_sha256.encode())
    digest.update(data.sha256.encode())
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _index(data: Dataset, positions: np.ndarray, periods: list) -> pd.Index:
    units = data.units.iloc[positions]
    if len(periods) > 1:
        return pd.MultiIndex.from_arrays([units["Time"].to_numpy(), units["uCode"].to_numpy()], names=["Time", "uCode"])
    return pd.Index(units["uCode"].to_numpy(), name="uCode")


# -- points -----------------------------------------------------------------------------------
def _points_result(framework: Framework, data: Dataset, periods: list, settings: dict[str, Any]) -> Result:
    blocks = [data.positions(p) for p in periods]
    positions = np.concatenate(blocks)
    tables = score_points(framework, data, positions)
    index = _index(data, positions, periods)
    codes = framework.codes

    def frame(a: np.ndarray, columns: list[str] = codes) -> pd.DataFrame:
        return pd.DataFrame(a, index=index, columns=columns)

    return Result(
        framework=framework,
        scores=frame(tables.values),
        groups=_groups(data, positions, index),
        method=settings,
        inputs_sha256=inputs_sha256(framework, data, settings),
        points=frame(tables.points),
        max_points=frame(tables.max_points),
        state_points={s: frame(tables.by_state[s]) for s in STATES},
        states=frame(tables.states, framework.indicators),
    )


# -- statistical ------------------------------------------------------------------------------
def _statistical_result(framework: Framework, data: Dataset, periods: list, settings: dict[str, Any]) -> Result:
    codes = framework.codes
    X_all = _indicator_matrix(framework, data)
    if settings["denominate"]:
        X_all = _denominate(framework, data, X_all)
    impute_name = stats.parse_method(settings["impute"])[0] if settings["impute"] else "none"
    if impute_name == "panel":
        args = stats.parse_method(settings["impute"])[1]
        max_time = int(args[0]) if args else None
        X_all, _ = stats.impute_panel(X_all, data.units["uCode"].to_numpy(), data.units["Time"].to_numpy(), max_time)
    blocks, outs, dropped = [], [], []
    for period in periods:
        rows = data.positions(period)
        kept, treated = _prepare_period(framework, data, X_all[rows], rows, settings, impute_name)
        dropped += [(period, u) for u in data.units["uCode"].to_numpy()[rows[~kept]]]
        blocks.append(rows[kept])
        outs.append(treated)
    positions = np.concatenate(blocks)
    values = np.full((positions.size, len(codes)), np.nan)
    n_ind = len(framework.indicators)
    if settings["normalise_global"]:
        # COINr normalises a purse globally by default: one scale for every period, so that scores
        # (and their changes) compare across periods
        values[:, :n_ind] = _normalise(framework, np.vstack(outs), settings["normalise"])
    else:
        values[:, :n_ind] = np.vstack([_normalise(framework, X, settings["normalise"]) for X in outs])
    # aggregation is row by row, so every period goes through each level in one call
    _aggregate(framework, data, values, positions, settings)
    index = _index(data, positions, periods)
    return Result(
        framework=framework,
        scores=pd.DataFrame(values, index=index, columns=codes),
        groups=_groups(data, positions, index),
        method=settings,
        inputs_sha256=inputs_sha256(framework, data, settings),
        screened_out=dropped,
    )


def _groups(data: Dataset, positions: np.ndarray, index: pd.Index) -> pd.DataFrame:
    return pd.DataFrame({g: data.units[g].to_numpy()[positions] for g in data.groups}, index=index, columns=data.groups)


def _indicator_matrix(framework: Framework, data: Dataset) -> np.ndarray:
    columns = set(data.values.columns)
    text_in = {(p, c): t for (p, c), t in {**data.text, **data.states}.items() if c in framework.indicators}
    if text_in:
        (p, c), t = min(text_in.items())
        row, column = data.where(p, c)
        raise InputError(f"{t!r} is not a number", f"{t!r} không phải là số", file=data.source, row=row, column=column)
    missing = [c for c in framework.indicators if c not in columns]
    if missing:
        raise InputError(
            f"no data for indicators {', '.join(missing)}",
            f"không có dữ liệu cho chỉ số {', '.join(missing)}",
            file=data.source,
        )
    return data.values[framework.indicators].to_numpy(dtype=float, copy=True)


def _denominate(framework: Framework, data: Dataset, X: np.ndarray) -> np.ndarray:
    names = list(dict.fromkeys(framework.by_code[c].denominator for c in framework.indicators))
    names = [d for d in names if d is not None]
    absent = [d for d in names if d not in data.values.columns]
    if absent:
        raise InputError(
            f"no data for denominators {', '.join(absent)}",
            f"không có dữ liệu mẫu số {', '.join(absent)}",
            file=data.source,
        )
    index = np.array(
        [names.index(d) if (d := framework.by_code[c].denominator) is not None else -1 for c in framework.indicators]
    )
    D = data.values[names].to_numpy(dtype=float) if names else np.ones((X.shape[0], 1))
    return stats.denominate(X, D, index)


def _prepare_period(
    framework: Framework,
    data: Dataset,
    X: np.ndarray,
    rows: np.ndarray,
    settings: dict[str, Any],
    impute_name: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Impute, screen and treat one period, in the order of COINr's example coin."""
    if impute_name not in ("none", "panel"):
        X = stats.impute(X, settings["impute"], groups=_impute_groups(data, settings["impute"], rows))
    kept = np.ones(X.shape[0], dtype=bool)
    if settings["screen_threshold"] is not None:
        kept = stats.screen_units(X, "byNA", float(settings["screen_threshold"]))["included"]
        X = X[kept]
    return kept, _treat_columns(framework, X, settings["treat"] or "none")


def _impute_groups(data: Dataset, spec: str, rows: np.ndarray) -> np.ndarray | None:
    name, args = stats.parse_method(spec)
    if not name.endswith("_grp"):
        return None
    column = str(args[0]) if args else ""
    if column not in data.units.columns:
        raise InputError(
            f"imputation by group needs a group column, got {column!r}",
            f"thay thế theo nhóm cần tên cột nhóm, nhận được {column!r}",
            file=data.source,
        )
    groups = data.units[column].to_numpy()[rows]
    return np.where(np.isin(groups, ["", "NA"]), None, groups)


def _by_method(framework: Framework, default: str, attribute: str) -> dict[str, np.ndarray]:
    """Indicator columns grouped by the method that applies to them (own setting, else default)."""
    groups: dict[str, list[int]] = {}
    for j, code in enumerate(framework.indicators):
        groups.setdefault(getattr(framework.by_code[code], attribute) or default, []).append(j)
    return {m: np.array(cols, dtype=np.intp) for m, cols in groups.items()}


def _normalise(framework: Framework, X: np.ndarray, method: str) -> np.ndarray:
    nodes = [framework.by_code[c] for c in framework.indicators]
    directions = np.array([n.direction for n in nodes], dtype=float)
    targets = np.array([np.nan if n.target is None else n.target for n in nodes])
    posts = np.array([n.goalposts if n.goalposts is not None else (np.nan,) * 3 for n in nodes], dtype=float)
    out = np.empty_like(X)
    for spec, cols in _by_method(framework, method, "normalise").items():
        name, args = stats.parse_method(spec)
        # goalposts without arguments come from each indicator (COINr: f_n_para = "use_iMeta")
        goalposts = posts[cols] if name == "goalposts" and not args else None
        if goalposts is not None and np.isnan(goalposts[:, :2]).any():
            missing = [framework.indicators[j] for j in cols[np.isnan(goalposts[:, :2]).any(axis=1)]]
            raise InputError(
                f"goalposts normalisation needs goalposts for {', '.join(missing)}",
                f"chuẩn hoá theo ngưỡng cần ngưỡng cho {', '.join(missing)}",
                file=framework.source_file,
            )
        out[:, cols] = stats.normalise(
            X[:, cols], spec, directions=directions[cols], targets=targets[cols], goalposts=goalposts
        )
    return out


def _treat_columns(framework: Framework, X: np.ndarray, default: str) -> np.ndarray:
    out = X.copy()
    for spec, cols in _by_method(framework, default, "treat").items():
        out[:, cols] = _treat(X[:, cols], spec)
    return out


def _aggregate(
    framework: Framework, data: Dataset, values: np.ndarray, positions: np.ndarray, settings: dict[str, Any]
) -> None:
    for step in framework.steps:
        method = _level_method(settings["aggregate"], step.level)
        columns, weights, member = step.child_matrix()
        children = values[:, columns]
        _check_positive(method, children, columns, framework, data, positions)
        values[:, step.aggregates] = stats.aggregate_matrix(children, weights, method, settings["dat_thresh"], member)


def _treat(X: np.ndarray, spec: str | None) -> np.ndarray:
    name, args = stats.parse_method(spec or "none")
    if name == "none":
        return X
    if name != "winsorise":
        raise InputError(
            f"unknown treatment {spec!r} (use none or winsorise[:winmax])",
            f"phương pháp xử lý ngoại lai không hợp lệ {spec!r} (dùng none hoặc winsorise[:winmax])",
        )
    winmax = int(args[0]) if args else 5
    return stats.treat(X, winmax=winmax)[0]


def _level_method(spec: str | Mapping[int, str], level: int) -> str:
    if isinstance(spec, Mapping):
        return spec.get(level, spec.get(str(level), DEFAULTS["aggregate"]))  # type: ignore[call-overload]
    return spec


def _check_positive(
    method: str, children: np.ndarray, columns: np.ndarray, framework: Framework, data: Dataset, rows: np.ndarray
) -> None:
    """Geometric and harmonic means take logs or inverses: name the first offending cell."""
    name, args = stats.parse_method(method)
    if name not in ("gmean", "hmean", "genmean"):
        return
    if name == "genmean" and args and float(args[0]) > 0:
        return
    bad = (children <= 0) if name != "hmean" else (children == 0)
    if not bad.any():
        return
    i, e = np.argwhere(bad)[0]
    code = framework.codes[columns[e]]
    unit = data.units["uCode"].iat[int(rows[i])]
    raise InputError(
        f"{name} aggregation of {code} needs positive values, unit {unit} has {children[i, e]:g} "
        "(normalise onto a positive range, e.g. minmax:1,100)",
        f"tổng hợp {name} của {code} cần giá trị dương, đơn vị {unit} có {children[i, e]:g} "
        "(chuẩn hoá về khoảng dương, ví dụ minmax:1,100)",
        file=data.source,
        row=data.where(int(rows[i]), code)[0] if code in data.values.columns else None,
        column=code,
    )
