"""Uncertainty and sensitivity of the ranks of a statistical framework.

    uncertainty(framework, data, n=1000, seed=0, *, weight_noise=0.25,
                normalisations=("minmax:0,100",), aggregations=("amean",), imputations=("none",),
                treat="none", denominate=False, screen_threshold=None, dat_thresh=None,
                period=None, target=None, chunk=50) -> pandas.DataFrame
        One row per unit (index ``uCode``): ``nominal`` (rank with the first alternative of every
        assumption and the framework's weights), ``median``, ``q05``, ``q95`` (quantiles of the
        rank over the draws, numpy's ``inverted_cdf`` definition: a rank actually reached), and
        ``mean_abs_shift`` (mean over draws of |rank - nominal|). Ranks: 1 = best, ties at the minimum.

    sensitivity(framework, data, n=256, seed=0, *, same keywords, n_weight_sets=100, n_boot=0)
        -> pandas.DataFrame
        First-order (``S1``, Saltelli 2010) and total (``ST``, Jansen 1999) Sobol indices of each
        assumption on the output "mean absolute rank shift of the units from their nominal rank".
        One row per uncertain assumption: ``weights:L<level>``, ``imputation``, ``normalisation``,
        ``aggregation``. With ``n_boot`` > 0, bootstrap 5-95% bounds ``S1_lo`` ``S1_hi`` ``ST_lo`` ``ST_hi``.

    sobol_indices(f, d, n, seed=0, n_boot=0) -> dict[str, ndarray]
        The estimator on its own: ``f`` maps an ``(m, d)`` array of U(0,1) inputs to ``m`` outputs;
        Saltelli's design with a scrambled Sobol' sequence, ``n * (d + 2)`` evaluations.

Assumptions, each draw independently:
- weights: every edge weight w becomes ``w * (1 + e * U(-1, 1))`` (COINr ``get_noisy_weights``), with
  ``e = weight_noise``: one number for every level, or ``{level: e}`` keyed, as COINr's
  ``noise_specs``, by the level of the weighted node (1 = indicator weights, 2 = pillar weights...);
- normalisation, aggregation, imputation: one alternative uniformly among those given (the first
  is the nominal one). Aggregation alternatives are method strings or ``{level: method}``.
``treat``, ``denominate``, ``screen_threshold`` and ``dat_thresh`` are fixed, with the meaning (and
order) of ``dxindex.compute``; the nominal ranks equal ``compute(..., period=p)``'s with the same
settings (units screened out under the nominal imputation stay out of every draw).
One period ``p`` is analysed (default: the last), normalised on its own. Panel imputation is not
available here (it needs every period).

Reproducible: draw ``i`` uses its own generator spawned from ``seed``, so results do not depend on
``chunk``. Memory: draws are evaluated ``chunk`` at a time; only a per-unit rank histogram and sums
are kept (n_units^2 int32), never the draws themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from dxindex import stats

_QUANTILES = (0.05, 0.5, 0.95)


# -- the model --------------------------------------------------------------------------------
@dataclass
class _Step:
    level: int
    children: np.ndarray  # positions in framework.codes
    group: np.ndarray  # aggregate number per edge
    weights: np.ndarray  # nominal weight per edge
    aggregates: np.ndarray  # positions in framework.codes of aggregate 0..n_aggs-1
    n_aggs: int
    child_level: np.ndarray  # level of the weighted (child) node of each edge


@dataclass
class _Model:
    units: np.ndarray
    n_ind: int
    steps: list[_Step]
    agg_pos: dict[int, int]  # framework.codes position -> column in the aggregate array
    target: int  # position in framework.codes
    bases: dict[tuple[int, int], np.ndarray]  # (imputation, normalisation) -> normalised X
    aggregations: list[Any]
    dat_thresh: float | None


def _as_list(x) -> list:
    return [x] if isinstance(x, str | Mapping) else list(x)


def _build(
    framework,
    data,
    *,
    normalisations,
    aggregations,
    imputations,
    treat,
    denominate,
    screen_threshold,
    dat_thresh,
    period,
    target,
) -> _Model:
    framework.check()
    if framework.model != "statistical":
        raise ValueError("uncertainty and sensitivity apply to statistical frameworks")
    period = data.periods[-1] if period is None else period
    rows = data.positions(period)
    codes = framework.indicators
    X = data.values[codes].iloc[rows].to_numpy(dtype=float, copy=True)
    nodes = [framework.by_code[c] for c in codes]
    if denominate:
        names = [d for d in dict.fromkeys(n.denominator for n in nodes) if d is not None]
        D = data.values[names].iloc[rows].to_numpy(dtype=float) if names else np.ones((len(rows), 1))
        idx = np.array([names.index(n.denominator) if n.denominator is not None else -1 for n in nodes])
        X = stats.denominate(X, D, idx)
    directions = np.array([n.direction for n in nodes], dtype=float)
    targets = np.array([np.nan if n.target is None else n.target for n in nodes])
    bases = {}
    kept = None
    for i, imp in enumerate(_as_list(imputations)):
        name, args = stats.parse_method(imp)
        if name == "panel":
            raise ValueError("panel imputation needs every period: impute the data before")
        groups = None
        if name.endswith("_grp"):
            col = str(args[0]) if args else ""
            if col not in data.units.columns:
                raise ValueError(f"imputation by group needs a group column, got {col!r}")
            groups = data.units[col].to_numpy()[rows]
            groups = np.where(np.isin(groups, ["", "NA"]), None, groups)
        Xi = stats.impute(X, imp, groups=groups)
        # compute's order (COINr's example coin): impute, then screen, then treat; the units kept
        # under the nominal imputation are kept in every draw so that ranks compare
        if kept is None:
            kept = np.ones(len(rows), dtype=bool)
            if screen_threshold is not None:
                kept = stats.screen_units(Xi, "byNA", float(screen_threshold))["included"]
        Xi = Xi[kept]
        tname, targs = stats.parse_method(treat or "none")
        if tname == "winsorise":
            Xi = stats.treat(Xi, winmax=int(targs[0]) if targs else 5)[0]
        elif tname != "none":
            raise ValueError(f"unknown treatment {treat!r}")
        for j, norm in enumerate(_as_list(normalisations)):
            bases[(i, j)] = stats.normalise(Xi, norm, directions=directions, targets=targets)
    steps = [
        _Step(
            s.level,
            np.asarray(s.children),
            np.asarray(s.group),
            np.asarray(s.weights, float),
            np.asarray(s.aggregates),
            len(s.aggregates),
            np.array([framework.levels[framework.codes[c]] for c in s.children]),
        )
        for s in framework.steps
    ]
    agg_codes = [framework.codes.index(c) for c in framework.aggregates]
    if target is None:
        top = max(framework.levels[c] for c in framework.aggregates)
        tops = [c for c in framework.aggregates if framework.levels[c] == top]
        if len(tops) != 1:
            raise ValueError(f"several top aggregates {tops}: name the target")
        target = tops[0]
    return _Model(
        units=data.units["uCode"].to_numpy()[rows[kept]],
        n_ind=len(codes),
        steps=steps,
        agg_pos={p: k for k, p in enumerate(agg_codes)},
        target=framework.codes.index(target),
        bases=bases,
        aggregations=_as_list(aggregations),
        dat_thresh=dat_thresh,
    )


def _level_method(spec, level: int) -> str:
    if isinstance(spec, Mapping):
        return spec.get(level, spec.get(str(level), "amean"))
    return spec


def _aggregate_step(
    step: _Step,
    base: np.ndarray,
    A: np.ndarray,
    W: np.ndarray,
    method: str,
    n_ind: int,
    agg_pos: dict[int, int],
    dat_thresh: float | None,
) -> np.ndarray:
    """Aggregates of one level for m draws at once: ``A`` (m, units, n_aggs), ``W`` (m, edges)."""
    name, args = stats.parse_method(method)
    m, n_units = A.shape[0], base.shape[0]
    if name == "copeland":
        out = np.empty((m, n_units, step.n_aggs))
        for d in range(m):
            children = _children(step, base, A[d : d + 1], n_ind, agg_pos)[0]
            out[d] = stats.aggregate_groups(children, step.group, W[d], method, dat_thresh, step.n_aggs)
        return out
    if name not in ("amean", "sum", "gmean", "hmean", "genmean"):
        raise ValueError(f"unknown aggregation {method!r}")
    p = float(args[0]) if name == "genmean" else None
    num = np.zeros((m, n_units, step.n_aggs))
    den = np.zeros_like(num)
    cnt = np.zeros_like(num)
    size = np.bincount(step.group, minlength=step.n_aggs).astype(float)
    is_base = step.children < n_ind
    for g in range(step.n_aggs):
        for on_base in (True, False):
            e = np.flatnonzero((step.group == g) & (is_base == on_base))
            if not e.size:
                continue
            # indicator children are shared by every draw (units, E); aggregates differ (m, units, E)
            x = base[:, step.children[e]] if on_base else A[:, :, [agg_pos[c] for c in step.children[e]]]
            ok = ~np.isnan(x)
            tx = _transform(name, p, np.where(ok, x, 1.0))
            tx = np.where(ok, tx, 0.0)
            okf = ok.astype(float)
            w = W[:, e]
            if on_base:
                num[:, :, g] += (tx @ w.T).T
                den[:, :, g] += (okf @ w.T).T
                cnt[:, :, g] += okf.sum(axis=1)[None, :]
            else:
                num[:, :, g] += np.einsum("mue,me->mu", tx, w)
                den[:, :, g] += np.einsum("mue,me->mu", okf, w)
                cnt[:, :, g] += okf.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        if name == "amean":
            out = num / den
        elif name == "sum":
            out = num
        elif name == "gmean":
            out = np.exp(num / den)
        elif name == "hmean":
            out = den / num
        else:
            out = (num / den) ** (1.0 / p)
        out = np.where(cnt > 0, out, np.nan)
        if dat_thresh is not None:
            out = np.where(cnt / size < dat_thresh, np.nan, out)
    return out


def _transform(name: str, p: float | None, x: np.ndarray) -> np.ndarray:
    if name in ("amean", "sum"):
        return x
    if name == "gmean":
        if (x <= 0).any():
            raise ValueError("gmean needs positive values: use a positive normalisation, e.g. minmax:1,100")
        return np.log(x)
    if name == "hmean":
        if (x == 0).any():
            raise ValueError("hmean needs non-zero values")
        return 1.0 / x
    if p == 0:
        raise ValueError("genmean:0 is the geometric mean: use gmean")
    if p < 0 and (x <= 0).any():
        raise ValueError("genmean with p < 0 needs positive values")
    return x**p


def _children(step: _Step, base: np.ndarray, A: np.ndarray, n_ind: int, agg_pos) -> np.ndarray:
    cols = [np.broadcast_to(base[:, c], A.shape[:2]) if c < n_ind else A[:, :, agg_pos[c]] for c in step.children]
    return np.stack(cols, axis=2)


def _target_scores(model: _Model, base: np.ndarray, agg_spec, weights: list[np.ndarray]) -> np.ndarray:
    """Scores of the target node, (m, units), for m draws sharing data and aggregation method."""
    m = weights[0].shape[0] if weights else 1
    if model.target < model.n_ind:
        return np.broadcast_to(base[:, model.target], (m, base.shape[0])).copy()
    A = np.full((m, base.shape[0], len(model.agg_pos)), np.nan)
    for step, W in zip(model.steps, weights, strict=True):
        out = _aggregate_step(
            step,
            base,
            A,
            W,
            _level_method(agg_spec, step.level),
            model.n_ind,
            model.agg_pos,
            model.dat_thresh,
        )
        A[:, :, [model.agg_pos[int(c)] for c in step.aggregates]] = out
    return A[:, :, model.agg_pos[model.target]]


def _evaluate(
    model: _Model, imp: np.ndarray, norm: np.ndarray, agg: np.ndarray, weights: list[np.ndarray]
) -> np.ndarray:
    """Ranks of the target, (m, units), for m configurations."""
    m = imp.size
    scores = np.empty((m, model.units.size))
    keys = np.stack([imp, norm, agg], axis=1)
    for key in np.unique(keys, axis=0):
        sel = np.flatnonzero((keys == key).all(axis=1))
        base = model.bases[(int(key[0]), int(key[1]))]
        scores[sel] = _target_scores(model, base, model.aggregations[int(key[2])], [W[sel] for W in weights])
    return stats.rank_desc(scores.T).T


def _edge_noise(model: _Model, weight_noise) -> list[np.ndarray]:
    """Noise factor of every edge, from the level of the weighted node (COINr ``noise_specs``)."""
    out = []
    for step in model.steps:
        if isinstance(weight_noise, Mapping):
            lookup = {int(k): float(v) for k, v in weight_noise.items()}
            out.append(np.array([lookup.get(int(lv), 0.0) for lv in step.child_level]))
        else:
            out.append(np.full(step.child_level.size, float(weight_noise)))
    return out


def _prepare(framework, data, kw) -> _Model:
    return _build(framework, data, **kw)


def _nominal(model: _Model) -> np.ndarray:
    z = np.zeros(1, dtype=np.int64)
    return _evaluate(model, z, z, z, [s.weights[None, :] for s in model.steps])[0]


# -- uncertainty ------------------------------------------------------------------------------
def uncertainty(
    framework,
    data,
    n: int = 1000,
    seed: int = 0,
    *,
    weight_noise: float | Mapping = 0.25,
    normalisations: Sequence[str] | str = ("minmax:0,100",),
    aggregations: Sequence[Any] | str = ("amean",),
    imputations: Sequence[str] | str = ("none",),
    treat: str = "none",
    denominate: bool = False,
    screen_threshold: float | None = None,
    dat_thresh: float | None = None,
    period: object = None,
    target: str | None = None,
    chunk: int = 50,
) -> pd.DataFrame:
    model = _prepare(
        framework,
        data,
        dict(
            normalisations=normalisations,
            aggregations=aggregations,
            imputations=imputations,
            treat=treat,
            denominate=denominate,
            screen_threshold=screen_threshold,
            dat_thresh=dat_thresh,
            period=period,
            target=target,
        ),
    )
    n_units = model.units.size
    nominal = _nominal(model)
    noise = _edge_noise(model, weight_noise)
    n_imp = len(_as_list(imputations))
    n_norm = len(_as_list(normalisations))
    n_agg = len(model.aggregations)
    hist = np.zeros((n_units, n_units + 1), dtype=np.int32)
    shift = np.zeros(n_units)
    valid = np.zeros(n_units, dtype=np.int64)
    seeds = np.random.SeedSequence(seed).spawn(n)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        m = stop - start
        imp = np.empty(m, dtype=np.int64)
        norm = np.empty(m, dtype=np.int64)
        agg = np.empty(m, dtype=np.int64)
        weights = [np.empty((m, s.weights.size)) for s in model.steps]
        for d in range(m):
            rng = np.random.default_rng(seeds[start + d])
            imp[d], norm[d], agg[d] = rng.integers(n_imp), rng.integers(n_norm), rng.integers(n_agg)
            for s, (step, e) in enumerate(zip(model.steps, noise, strict=True)):
                weights[s][d] = step.weights * (1 + e * rng.uniform(-1.0, 1.0, step.weights.size))
        R = _evaluate(model, imp, norm, agg, weights)  # (m, units)
        ok = ~np.isnan(R)
        r = np.where(ok, R, 0).astype(np.int64)
        u = np.broadcast_to(np.arange(n_units), R.shape)
        np.add.at(hist, (u[ok], r[ok]), 1)
        shift += np.where(ok & ~np.isnan(nominal), np.abs(R - nominal), 0.0).sum(axis=0)
        valid += ok.sum(axis=0)
    q = _hist_quantiles(hist, _QUANTILES)
    with np.errstate(invalid="ignore", divide="ignore"):
        mas = np.where(valid > 0, shift / valid, np.nan)
    return pd.DataFrame(
        {"nominal": nominal, "median": q[:, 1], "q05": q[:, 0], "q95": q[:, 2], "mean_abs_shift": mas},
        index=pd.Index(model.units, name="uCode"),
    )


def _hist_quantiles(hist: np.ndarray, qs: Sequence[float], block: int = 256) -> np.ndarray:
    """Inverted-CDF quantiles of each row's rank histogram (column r counts rank r)."""
    out = np.full((hist.shape[0], len(qs)), np.nan)
    # a block of rows at a time: the cumulative counts of every unit at once would double the
    # histogram's memory
    for start in range(0, hist.shape[0], block):
        cum = np.cumsum(hist[start : start + block], axis=1, dtype=np.int64)
        total = cum[:, -1]
        for k, q in enumerate(qs):
            need = np.ceil(q * total)
            # first rank whose cumulative count reaches q * total
            idx = (cum < need[:, None]).sum(axis=1)
            out[start : start + block, k] = np.where(total > 0, idx, np.nan)
    return out


# -- sensitivity ------------------------------------------------------------------------------
def sobol_indices(
    f: Callable[[np.ndarray], np.ndarray], d: int, n: int, seed: int = 0, n_boot: int = 0
) -> dict[str, np.ndarray]:
    """First-order (Saltelli 2010) and total (Jansen 1999) indices of ``f`` on [0, 1)^d."""
    sampler = qmc.Sobol(2 * d, scramble=True, seed=seed)
    AB = sampler.random(n)
    A, B = AB[:, :d], AB[:, d:]
    runs = [A, B] + [np.where(np.arange(d) == i, B, A) for i in range(d)]
    y = np.asarray(f(np.vstack(runs)), dtype=float)
    yA, yB, yAB = y[:n], y[n : 2 * n], y[2 * n :].reshape(d, n)
    out = _sobol_from(yA, yB, yAB)
    if n_boot:
        rng = np.random.default_rng(seed)
        boots = [_sobol_from(yA[i], yB[i], yAB[:, i]) for i in rng.integers(0, n, (n_boot, n))]
        for key in ("S1", "ST"):
            sample = np.array([b[key] for b in boots])
            out[f"{key}_lo"], out[f"{key}_hi"] = np.quantile(sample, [0.05, 0.95], axis=0)
    return out


def _sobol_from(yA: np.ndarray, yB: np.ndarray, yAB: np.ndarray) -> dict[str, np.ndarray]:
    var = np.var(np.concatenate([yA, yB]))
    with np.errstate(invalid="ignore", divide="ignore"):
        s1 = np.mean(yB * (yAB - yA), axis=1) / var
        st = 0.5 * np.mean((yA - yAB) ** 2, axis=1) / var
    return {"S1": s1, "ST": st}


def sensitivity(
    framework,
    data,
    n: int = 256,
    seed: int = 0,
    *,
    weight_noise: float | Mapping = 0.25,
    normalisations: Sequence[str] | str = ("minmax:0,100",),
    aggregations: Sequence[Any] | str = ("amean",),
    imputations: Sequence[str] | str = ("none",),
    treat: str = "none",
    denominate: bool = False,
    screen_threshold: float | None = None,
    dat_thresh: float | None = None,
    period: object = None,
    target: str | None = None,
    n_weight_sets: int = 100,
    n_boot: int = 0,
    chunk: int = 50,
) -> pd.DataFrame:
    model = _prepare(
        framework,
        data,
        dict(
            normalisations=normalisations,
            aggregations=aggregations,
            imputations=imputations,
            treat=treat,
            denominate=denominate,
            screen_threshold=screen_threshold,
            dat_thresh=dat_thresh,
            period=period,
            target=target,
        ),
    )
    nominal = _nominal(model)
    noise = _edge_noise(model, weight_noise)
    rng = np.random.default_rng(seed)
    levels = sorted({int(lv) for step, e in zip(model.steps, noise, strict=True) for lv in step.child_level[e > 0]})
    # the weights of one level are one factor: it picks one of n_weight_sets noisy multiplier sets,
    # each set covering that level's edges in every aggregation step
    multipliers = {
        lv: [
            1 + np.where(step.child_level == lv, e, 0.0) * rng.uniform(-1.0, 1.0, (n_weight_sets, e.size))
            for step, e in zip(model.steps, noise, strict=True)
        ]
        for lv in levels
    }
    sizes = {
        "imputation": len(_as_list(imputations)),
        "normalisation": len(_as_list(normalisations)),
        "aggregation": len(model.aggregations),
    }
    factors = [f"weights:L{lv}" for lv in levels]
    factors += [k for k, v in sizes.items() if v > 1]
    if not factors:
        raise ValueError("nothing is uncertain: give weight noise or several alternatives")

    def pick(U: np.ndarray, name: str, count: int) -> np.ndarray:
        if name not in factors:
            return np.zeros(U.shape[0], dtype=np.int64)
        return np.minimum((U[:, factors.index(name)] * count).astype(np.int64), count - 1)

    def model_output(U: np.ndarray) -> np.ndarray:
        y = np.empty(U.shape[0])
        for start in range(0, U.shape[0], chunk):
            Uc = U[start : start + chunk]
            weights = [np.tile(step.weights, (Uc.shape[0], 1)) for step in model.steps]
            for lv in levels:
                which = pick(Uc, f"weights:L{lv}", n_weight_sets)
                for s in range(len(model.steps)):
                    weights[s] = weights[s] * multipliers[lv][s][which]
            R = _evaluate(
                model,
                pick(Uc, "imputation", sizes["imputation"]),
                pick(Uc, "normalisation", sizes["normalisation"]),
                pick(Uc, "aggregation", sizes["aggregation"]),
                weights,
            )
            y[start : start + chunk] = np.nanmean(np.abs(R - nominal), axis=1)
        return y

    res = sobol_indices(model_output, len(factors), n, seed=seed, n_boot=n_boot)
    return pd.DataFrame(res, index=pd.Index(factors, name="assumption"))
