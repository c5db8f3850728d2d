"""Turning an engine run into a stored snapshot, and reading snapshots back for rankings.

The payload holds per unit its points, values (points / max, on [0, 1] like dti.gov.vn), maximum
points, the points resting on each missing state, ranks, and a rank interval from a Monte Carlo
over the main indices' weights.
"""

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from django.utils import translation
from django.utils.functional import lazy

import dxindex
from dxindex import stats

from . import scoring
from .models import Campaign, ResultSnapshot, Submission

RANK_DRAWS = 1000
WEIGHT_NOISE = 0.25
SEED = 20250701


def _num(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 6)


def _plain(values: list) -> list:
    """_num of each value of a list made by numpy's tolist() (floats, NaN for missing)."""
    return [None if v != v else round(v, 6) for v in values]


def _rounded(matrix: np.ndarray) -> list[list]:
    """`_plain` of every row of a float matrix: Python's round(v, 6) of each distinct value once (points
    and maxima repeat: a national table of ~180,000 cells holds a few thousand values), None for NaN.
    Distinct by bit pattern, so that -0.0 stays -0.0 as round() leaves it."""
    flat = np.ascontiguousarray(matrix, dtype=np.float64).ravel()
    missing = np.isnan(flat)
    bits, inverse = np.unique(flat[~missing].view(np.int64), return_inverse=True)
    rounded = np.array([round(v, 6) for v in bits.view(np.float64).tolist()], dtype=np.float64)
    out = np.empty(flat.shape, dtype=object)
    out[~missing] = rounded[inverse].astype(object)
    out[missing] = None
    return out.reshape(matrix.shape).tolist()


def _rows(frame: pd.DataFrame, index: list) -> list[dict]:
    """{column: _num(value)} for each row of `frame`, in the order of `index`."""
    columns = list(frame.columns)
    data = _rounded(frame.reindex(index).to_numpy(dtype=float))
    return [dict(zip(columns, row, strict=True)) for row in data]


def _column(frame: pd.DataFrame, column: str, index: list) -> list:
    return _plain(frame[column].reindex(index).to_numpy(dtype=float).tolist())


def root_code(engine: dxindex.Framework) -> str:
    roots = [c for c in engine.aggregates if not engine.by_code[c].parents]
    return roots[-1] if roots else engine.codes[-1]


def main_indices(engine: dxindex.Framework, root: str) -> list[str]:
    return [child for child, _w in engine.children.get(root, [])]


def rank_intervals(points: pd.DataFrame, maxima: pd.DataFrame, parts: list[str], seed: int = SEED,
                   draws: int = RANK_DRAWS, noise: float = WEIGHT_NOISE) -> dict[str, dict]:
    """Ranks when each main index's weight varies uniformly by ±noise: nominal, median, 5–95 % interval.

    Vectorised: one (draws × parts) weight matrix, scores for all draws in one product.
    """
    if not parts or points.empty:
        return {}
    return _interval_rows(points.index, _interval_figures(*_interval_inputs(points, maxima, parts), seed, draws, noise))


def _interval_inputs(points: pd.DataFrame, maxima: pd.DataFrame, parts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    return np.nan_to_num(points[parts].to_numpy(dtype=float)), np.nan_to_num(maxima[parts].to_numpy(dtype=float))


def _interval_figures(p: np.ndarray, m: np.ndarray, seed: int = SEED, draws: int = RANK_DRAWS,
                      noise: float = WEIGHT_NOISE, pool: ThreadPoolExecutor | None = None) -> tuple[np.ndarray, ...]:
    """Nominal rank, median rank, 5 % and 95 % rank of each unit (rows of p, m): numpy only, no frames,
    so that build_snapshot can run it in a thread beside its own work (numpy's sorts release the GIL).
    With a `pool`, half of the draws are ranked in another of its threads (each draw is ranked on its
    own, so the halves side by side are the whole)."""
    rng = np.random.default_rng(seed)
    w = rng.uniform(1 - noise, 1 + noise, size=(draws, p.shape[1]))
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = (w @ p.T) / (w @ m.T)  # draws × units
        nominal = p.sum(axis=1) / m.sum(axis=1)
    # The engine's ranking (1 = best, ties at the minimum), one column per draw: linear in the number of
    # units, where comparing every pair would need draws × units² memory at national scale.
    scores = np.nan_to_num(scores, nan=-1.0)
    half = scores.shape[0] // 2
    if pool is None or half == 0:
        ranks = stats.rank_desc(scores.T)  # units × draws
    else:
        first = pool.submit(stats.rank_desc, scores[:half].T)
        ranks = np.concatenate([first.result(), stats.rank_desc(scores[half:].T)], axis=1)
    nominal_rank = stats.rank_desc(np.nan_to_num(nominal, nan=-1.0))
    # Per unit over its draws: the median and the 5 % ("lower") and 95 % ("higher") percentiles are order
    # statistics, so one partition at their positions gives what np.median / np.percentile give (each of
    # which partitioned the whole matrix again). The positions are numpy's own, read off 0..draws-1.
    order = np.arange(ranks.shape[1])
    low = int(np.percentile(order, 5, method="lower"))
    high = int(np.percentile(order, 95, method="higher"))
    middle = sorted({(ranks.shape[1] - 1) // 2, ranks.shape[1] // 2})
    ranked = np.partition(ranks, sorted({low, high, *middle}), axis=1)
    return nominal_rank, np.mean(ranked[:, middle], axis=1), ranked[:, low], ranked[:, high]


def _interval_rows(index, figures: tuple[np.ndarray, ...]) -> dict[str, dict]:
    nominal_rank, medians, q05, q95 = figures
    return {str(unit): {"nominal": int(nominal_rank[i]), "median": float(medians[i]), "q05": int(q05[i]),
                        "q95": int(q95[i])} for i, unit in enumerate(index)}


def _participants(campaign: Campaign) -> tuple[list[tuple], list[dict]]:
    """The submissions the result ranks (every unit that has sent its self-assessment) as plain tuples
    (3,000 submissions nationally, not model instances), and the units that have not sent it: those are
    never ranked nor scored 0, only listed apart."""
    rows = (Submission.objects.filter(campaign=campaign).order_by("unit__code")
            .values_list("pk", "unit__code", "unit__kind", "unit__name", "status"))
    ranked, apart = [], []
    for pk, code, kind, name, status in rows:
        if status == Submission.Status.DRAFT:
            apart.append({"code": code, "name": name})
        else:
            ranked.append((pk, code, kind, name))
    return ranked, apart


def build_snapshot(campaign: Campaign, basis: str, user) -> tuple[ResultSnapshot, bool]:
    framework = campaign.framework
    engine = framework.engine()
    units, not_submitted = _participants(campaign)
    data = scoring.unit_dataset([(pk, code, str(kind)) for pk, code, kind, _name in units], {campaign.pk},
                                framework, basis)
    result = dxindex.compute(engine, data)
    existing = ResultSnapshot.objects.filter(campaign=campaign, inputs_sha256=result.inputs_sha256,
                                             basis=basis).first()
    if existing is not None and existing.payload.get("not_submitted", []) == not_submitted:
        return existing, False
    root = root_code(engine)
    parts = main_indices(engine, root)
    # The rank intervals (~0.4 s of numpy nationally) run in a thread while the rows below are built.
    # Two threads: the intervals' own, and one for half of their draws (see _interval_figures).
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="rank-intervals") as pool:
        figures = None
        if parts and not result.points.empty:
            figures = pool.submit(_interval_figures, *_interval_inputs(result.points, result.max_points, parts),
                                  pool=pool)
        names = {code: (name, kind) for _pk, code, kind, name in units}
        # Row by row as plain lists (what _num does, per value): .loc per unit and frame took seconds nationally.
        index = list(result.scores.index)
        points, values, maxima = (_rows(frame, index) for frame in (result.points, result.scores, result.max_points))
        ranked = [c for c in result.ranks.columns if c in parts or c == root]
        ranks = _rows(result.ranks[ranked], index)
        missing = {state: _column(frame, root, index) for state, frame in result.state_points.items()
                   if state != "submitted"}
        intervals = {} if figures is None else _interval_rows(result.points.index, figures.result())
    units = {}
    for i, code in enumerate(index):
        units[str(code)] = {
            "name": names[code][0], "kind": names[code][1],
            "points": points[i], "values": values[i], "max": maxima[i], "ranks": ranks[i],
            "missing": {state: column[i] for state, column in missing.items()},
            "interval": intervals.get(str(code)),
        }
    nodes = [{"code": c, "name": engine.by_code[c].name_vi or c, "name_en": engine.by_code[c].name_en,
              "aggregate": not engine.by_code[c].is_indicator, "level": engine.levels.get(c, 1),
              "max": _num(engine.nominal_max_points.get(c))} for c in engine.codes]
    payload = {"root": root, "main": parts, "nodes": nodes, "units": units, "not_submitted": not_submitted,
               "method": {"model": engine.model, "rank_draws": RANK_DRAWS, "weight_noise": WEIGHT_NOISE}}
    snapshot = ResultSnapshot.objects.create(
        campaign=campaign, created_by=user if user is not None and user.is_authenticated else None,
        framework_sha256=framework.sha256, inputs_sha256=result.inputs_sha256, method=result.method,
        engine_version=_engine_version(), seed=SEED, basis=basis, payload=payload)
    return snapshot, True


def _engine_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dxboard")
    except PackageNotFoundError:
        return "dev"


def grade(value: float | None, bands: list) -> str:
    """The grade band label for a score on [0, 1]; bands are [[min, label_vi, label_en], …] high to low."""
    if value is None:
        return ""
    for band in sorted(bands, key=lambda b: -b[0]):
        if value >= band[0]:
            return band[1]
    return ""


def _band_label(value: float | None, bands: list) -> str:
    if value is None:
        return ""
    english = translation.get_language() == "en"
    for band in sorted(bands, key=lambda b: -b[0]):
        if value >= band[0]:
            return band[2] if english and len(band) > 2 and band[2] else band[1]
    return ""


# the grade as a page shows it: the band's label in the reader's language, chosen when it is read
grade_label = lazy(_band_label, str)


DEFAULT_BANDS = [[0.85, "Xuất sắc", "Excellent"], [0.70, "Tốt", "Good"], [0.55, "Khá", "Fair"],
                 [0.40, "Trung bình", "Average"], [0.0, "Yếu", "Weak"]]


def ranking(snapshot: ResultSnapshot, node: str | None = None, previous: ResultSnapshot | None = None) -> list[dict]:
    """Rows of a ranking on `node` (the index by default), best first, with interval and change."""
    payload = snapshot.payload
    node = node or payload["root"]
    bands = snapshot.campaign.grade_bands or DEFAULT_BANDS
    rows = []
    for code, unit in payload["units"].items():
        value = unit["values"].get(node)
        # score: the value on the 0–100 scale every chart and table shows (value stays on [0, 1] as stored)
        rows.append({"code": code, "name": unit["name"], "value": value,
                     "score": None if value is None else round(value * 100, 6), "points": unit["points"].get(node),
                     "max": unit["max"].get(node), "rank": (unit.get("ranks") or {}).get(node),
                     "interval": unit.get("interval") if node == payload["root"] else None,
                     "grade": grade(value, bands), "grade_label": grade_label(value, bands),
                     "missing": unit.get("missing", {})})
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["name"]))
    # a change needs a rank in both periods: a unit that did not submit last time has no arrow
    if previous is not None:
        before = {c: (u.get("ranks") or {}).get(node) for c, u in previous.payload["units"].items()}
        for row in rows:
            old = before.get(row["code"])
            row["change"] = (int(old - row["rank"]) if old is not None and row["rank"] is not None else None)
    return rows


def not_submitted(snapshot: ResultSnapshot) -> list[dict]:
    """The units of a result that had not sent their self-assessment: listed apart, without rank or grade."""
    return sorted(snapshot.payload.get("not_submitted", []), key=lambda u: u["name"])


def grade_counts(rows: list[dict], bands: list) -> list[tuple[str, int]]:
    """(grade, number of ranked units) from the best band down, bands nobody reached left out."""
    counts = {}
    for row in rows:
        if row["grade"]:
            counts[row["grade"]] = counts.get(row["grade"], 0) + 1
    return [(band[1], counts[band[1]]) for band in sorted(bands, key=lambda b: -b[0]) if band[1] in counts]
