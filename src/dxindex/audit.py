"""Audit of a computed index: statistics, correlations, reliability, PCA, strengths and weaknesses,
and, for points frameworks, where a unit's cheapest points are.

    audit(framework, data, result=None, *, period=None, top=3, **method) -> dict[str, pandas.DataFrame]
        ``result`` defaults to ``dxindex.pipeline.compute(framework, data, **method)``; one period is
        audited (default: the last). Tables:
        "indicators"     per indicator, raw data (``dxindex.stats.column_stats``, COINr ``get_stats``):
                         min max mean median std skew kurt n_avail ... flag_avail flag_skewkurt (outlier)
        "correlations"   Pearson correlations between indicator scores (pairwise complete units)
        "parents"        per (node, parent) edge: Pearson correlation of the node's scores with its parent's
        "cronbach"       per aggregate: Cronbach's alpha of its children's scores, k children, n complete units
        "pca_variance"   per aggregate with >= 2 children: share of variance of each principal component
        "pca_loadings"   per aggregate and child: loading on the first principal component
        "strengths"      per unit: its ``top`` best and worst indicators by rank among units
        "cheapest"       points frameworks only: ``cheapest_points`` for every unit (long table)

    cronbach_alpha(X) -> float
        k / (k - 1) * (1 - trace(C) / sum(C)), C the covariance matrix over pairwise-complete units
        (n-1), i.e. 1 - item variances / variance of the total when nothing is missing (COINr
        ``get_cronbach``).
    pca(X) -> tuple[ndarray, ndarray]
        Variance shares and loadings (eigenvectors, columns = components) of the correlation matrix of
        the complete rows, i.e. PCA of standardised data (COINr ``get_PCA``, ``prcomp(scale = TRUE)``).
        Each component's sign is chosen so that its loadings sum to a positive number.
    cheapest_points(framework, result, unit, period=None, target=None) -> pandas.DataFrame
        Points still available per indicator for one unit, cheapest first. ``remaining`` = the
        indicator's applicable maximum - points earned; ``gain`` = those points carried to ``target``
        (default: the top aggregate) through the edge weights (summed over every path of the DAG);
        effort counts one task per unfinished indicator, so ``gain_per_effort`` = ``gain``; ties
        go to the indicator with the smaller share still to do (``remaining_share``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dxindex import stats


def cronbach_alpha(X) -> float:
    X = np.asarray(X, dtype=np.float64)
    k = X.shape[1]
    if k < 2:
        return float("nan")
    # COINr get_cronbach: covariances over pairwise-complete units (R cov(use = "pairwise.complete.obs"))
    C = pd.DataFrame(X).cov().to_numpy()
    total = np.nansum(C)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(k / (k - 1) * (1 - np.nansum(np.diag(C)) / total))


def pca(X) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    X = X[~np.isnan(X).any(axis=1)]
    with np.errstate(invalid="ignore", divide="ignore"):
        C = np.corrcoef(X, rowvar=False)
    if not np.isfinite(C).all():  # a column that does not vary correlates with nothing: no components
        k = X.shape[1]
        return np.full(k, np.nan), np.full((k, k), np.nan)
    vals, vecs = np.linalg.eigh(C)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    vecs = vecs * np.where(vecs.sum(axis=0) < 0, -1.0, 1.0)
    return vals / vals.sum(), vecs


def _pairwise_corr(V: np.ndarray) -> np.ndarray:
    return pd.DataFrame(V).corr(method="pearson", min_periods=3).to_numpy()


def _period_rows(frame: pd.DataFrame, period) -> pd.DataFrame:
    if isinstance(frame.index, pd.MultiIndex):
        periods = list(dict.fromkeys(frame.index.get_level_values("Time")))
        return frame.xs(periods[-1] if period is None else period, level="Time")
    return frame


def audit(framework, data, result=None, *, period=None, top: int = 3, **method: Any) -> dict[str, pd.DataFrame]:
    if result is None:
        from dxindex.pipeline import compute

        result = compute(framework, data, **method)
    scores = _period_rows(result.scores, period)
    ranks = _period_rows(result.ranks, period)
    inds = framework.indicators
    raw_period = data.periods[-1] if period is None else period
    rows = data.positions(raw_period)
    raw = data.values.reindex(columns=inds).iloc[rows].to_numpy(dtype=float)
    out: dict[str, pd.DataFrame] = {}
    out["indicators"] = pd.DataFrame(stats.column_stats(raw), index=pd.Index(inds, name="iCode"))
    S = scores[inds].to_numpy(dtype=float)
    out["correlations"] = pd.DataFrame(_pairwise_corr(S), index=inds, columns=inds)
    edges = []
    for node in framework.nodes:
        for e in node.parents:
            pair = scores[[node.code, e.parent]].dropna()
            r = pair.corr().iat[0, 1] if len(pair) >= 3 else np.nan
            edges.append({"iCode": node.code, "parent": e.parent, "r": r})
    out["parents"] = pd.DataFrame(edges, columns=["iCode", "parent", "r"])
    alpha, var_rows, load_rows = [], [], []
    for agg in framework.aggregates:
        kids = [c for c, _ in framework.children[agg]]
        K = scores[kids].to_numpy(dtype=float)
        complete = int((~np.isnan(K).any(axis=1)).sum())
        alpha.append({"aggregate": agg, "alpha": cronbach_alpha(K), "k": len(kids), "n": complete})
        if len(kids) >= 2 and complete > len(kids):
            share, vecs = pca(K)
            var_rows.append({"aggregate": agg, **{f"PC{i + 1}": s for i, s in enumerate(share)}})
            load_rows += [{"aggregate": agg, "iCode": c, "PC1": vecs[i, 0]} for i, c in enumerate(kids)]
    out["cronbach"] = pd.DataFrame(alpha, columns=["aggregate", "alpha", "k", "n"])
    out["pca_variance"] = pd.DataFrame(var_rows).set_index("aggregate") if var_rows else pd.DataFrame()
    out["pca_loadings"] = pd.DataFrame(load_rows, columns=["aggregate", "iCode", "PC1"])
    out["strengths"] = _strengths(ranks[inds], scores[inds], top)
    if framework.model == "points" and result.points is not None:
        frames = [cheapest_points(framework, result, u, period) for u in scores.index]
        out["cheapest"] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return out


def _strengths(ranks: pd.DataFrame, scores: pd.DataFrame, top: int) -> pd.DataFrame:
    R = ranks.to_numpy(dtype=float)
    codes = np.asarray(ranks.columns)
    rows = []
    for i, unit in enumerate(ranks.index):
        ok = np.flatnonzero(~np.isnan(R[i]))
        # stable sort: among tied ranks the framework's indicator order decides
        order = ok[np.argsort(R[i, ok], kind="stable")]
        for kind, picks in (("strength", order[:top]), ("weakness", order[::-1][:top])):
            for pos, j in enumerate(picks, start=1):
                rows.append(
                    {
                        "uCode": unit,
                        "kind": kind,
                        "position": pos,
                        "iCode": codes[j],
                        "rank": R[i, j],
                        "score": scores.iat[i, j],
                    }
                )
    return pd.DataFrame(rows, columns=["uCode", "kind", "position", "iCode", "rank", "score"])


def _path_weights(framework, target: str) -> dict[str, float]:
    """Weight with which one point of each node reaches ``target`` (sum over DAG paths)."""
    up: dict[str, list[tuple[str, float]]] = {n.code: [] for n in framework.nodes}
    for parent, kids in framework.children.items():
        for child, w in kids:
            up[child].append((parent, w))
    memo: dict[str, float] = {target: 1.0}

    def reach(code: str) -> float:
        if code not in memo:
            memo[code] = sum(w * reach(p) for p, w in up[code])
        return memo[code]

    return {c: reach(c) for c in framework.indicators}


def cheapest_points(framework, result, unit, period=None, target: str | None = None) -> pd.DataFrame:
    if result.points is None or result.max_points is None:
        raise ValueError("cheapest points need a points framework result")
    if target is None:
        top = max(framework.levels[c] for c in framework.aggregates)
        target = next(c for c in framework.aggregates if framework.levels[c] == top)
    pts = _period_rows(result.points, period).loc[unit, framework.indicators].to_numpy(dtype=float)
    cap = _period_rows(result.max_points, period).loc[unit, framework.indicators].to_numpy(dtype=float)
    weight = _path_weights(framework, target)
    remaining = np.clip(cap - np.nan_to_num(pts), 0.0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(cap > 0, remaining / cap, 0.0)
    table = pd.DataFrame(
        {
            "uCode": unit,
            "iCode": framework.indicators,
            "points": pts,
            "max_points": cap,
            "remaining": remaining,
            "remaining_share": share,
            "gain": remaining * np.array([weight[c] for c in framework.indicators]),
        }
    )
    table["gain_per_effort"] = table["gain"]
    table = table[table["remaining"] > 0]
    return table.sort_values(
        ["gain_per_effort", "remaining_share"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
