"""Normalisation methods against hand-worked values and COINr's formulas on the ASEM data."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dxindex.errors import InputError
from dxindex.stats import normalise, parse_method

ASEM = Path(__file__).resolve().parents[1] / "data" / "coinr-asem"  # COINr example data (MIT), tests/data
NAN = np.nan
x = np.array([2.0, 4.0, 6.0, NAN, 10.0])


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-12, equal_nan=True)


def test_parse_method():
    assert parse_method("minmax:0,100") == ("minmax", (0.0, 100.0))
    assert parse_method("mean_grp:GDP_group") == ("mean_grp", ("GDP_group",))
    assert parse_method(" AMEAN ") == ("amean", ())
    with pytest.raises(InputError):
        parse_method("")


def test_minmax_default_custom_and_reversed():
    close(normalise(x), [0, 25, 50, NAN, 100])
    close(normalise(x, "minmax:1,2"), [1, 1.25, 1.5, NAN, 2])
    close(normalise(x, "minmax", directions=[-1]), [100, 75, 50, NAN, 0])


def test_zscore_uses_the_sample_standard_deviation():
    # mean 5.5, sd = sqrt(35/3) = 3.415650255...
    z = np.array([-1.02469507659596, -0.43915503282684, 0.14638501094228, NAN, 1.31746509848052])
    np.testing.assert_allclose(normalise(x, "zscore"), z, atol=1e-12, equal_nan=True)
    np.testing.assert_allclose(normalise(x, "zscore:10,2"), 10 + 2 * z, atol=1e-12, equal_nan=True)


def test_dist2max_fracmax_none():
    close(normalise(x, "dist2max"), [0, 0.25, 0.5, NAN, 1])
    close(normalise(x, "fracmax"), [0.2, 0.4, 0.6, NAN, 1])
    # COINr flips the sign before fracmax: -x / max(-x) = x / min(x)
    close(normalise(x, "fracmax", directions=[-1]), [1, 2, 3, NAN, 5])
    close(normalise(x, "none", directions=[-1]), -x)


def test_rank_prank_borda_with_ties():
    t = np.array([3.0, 1.0, 3.0, 2.0, NAN])
    close(normalise(t, "rank"), [3, 1, 3, 2, NAN])
    close(normalise(t, "prank"), [2 / 3, 0, 2 / 3, 1 / 3, NAN])
    close(normalise(t, "borda"), [2, 0, 2, 1, NAN])
    close(normalise(t, "rank", directions=[-1]), [1, 4, 1, 3, NAN])


def test_dist2targ_both_directions_and_cap():
    close(normalise(x, "dist2targ", targets=[8.0]), [0, 1 / 3, 2 / 3, NAN, 4 / 3])
    close(normalise(x, "dist2targ:cap", targets=[8.0]), [0, 1 / 3, 2 / 3, NAN, 1])
    # lower is better, target 4: (max - x) / (max - target)
    close(normalise(x, "dist2targ", directions=[-1], targets=[4.0]), [8 / 6, 1, 4 / 6, NAN, 0])
    close(normalise(x, "dist2targ:cap", directions=[-1], targets=[4.0]), [1, 1, 4 / 6, NAN, 0])
    with pytest.raises(ValueError):
        normalise(x, "dist2targ")


def test_goalposts_truncate_and_scale():
    close(normalise(x, "goalposts:0,8"), [0.25, 0.5, 0.75, NAN, 1])
    close(normalise(x, "goalposts:0,8,100"), [25, 50, 75, NAN, 100])
    close(normalise(x, "goalposts:0,8", directions=[-1]), [0.75, 0.5, 0.25, NAN, 0])
    X = np.column_stack([x, x])
    Y = normalise(X, "goalposts", goalposts=[[0, 8, 1], [2, 10, 10]], directions=[1, -1])
    close(Y[:, 1], [10, 7.5, 5, NAN, 0])


def test_unknown_method_is_refused():
    with pytest.raises(InputError):
        normalise(x, "softmax")


def test_asem_minmax_matches_the_direct_formula_with_directions():
    meta = pd.read_csv(ASEM / "ASEM_iMeta.csv")
    ind = meta[meta["Type"] == "Indicator"]
    df = pd.read_csv(ASEM / "ASEM_iData.csv")[ind["iCode"].tolist()].astype(float)
    d = ind["Direction"].to_numpy(float)
    got = normalise(df.to_numpy(), "minmax:0,100", directions=d)
    v = df * d
    expected = (v - v.min()) / (v.max() - v.min()) * 100
    np.testing.assert_allclose(got, expected.to_numpy(), rtol=1e-12, atol=1e-9, equal_nan=True)
    assert np.nanmin(got) == 0 and np.nanmax(got) == 100


def test_asem_dist2targ_uses_the_imeta_targets():
    meta = pd.read_csv(ASEM / "ASEM_iMeta.csv")
    ind = meta[meta["Type"] == "Indicator"]
    df = pd.read_csv(ASEM / "ASEM_iData.csv")[ind["iCode"].tolist()].astype(float)
    d, t = ind["Direction"].to_numpy(float), ind["Target"].to_numpy(float)
    got = normalise(df.to_numpy(), "dist2targ", directions=d, targets=t)
    for j, code in enumerate(df.columns):
        col = df[code]
        exp = (col - col.min()) / (t[j] - col.min()) if d[j] > 0 else (col.max() - col) / (col.max() - t[j])
        np.testing.assert_allclose(got[:, j], exp.to_numpy(), rtol=1e-12, equal_nan=True)
