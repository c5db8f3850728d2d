"""Unit screening by data availability, and denomination by the iMeta Denominator column."""

from pathlib import Path

import numpy as np
import pandas as pd

from dxindex.stats import denominate, screen_units

ASEM = Path(__file__).resolve().parents[1] / "data" / "coinr-asem"  # COINr example data (MIT), tests/data
NAN = np.nan


def test_screen_by_missing_values_and_by_zeros():
    X = np.array([[1.0, 2.0, 3.0], [NAN, NAN, 1.0], [0.0, 0.0, NAN], [NAN, 0.0, 0.0]])
    s = screen_units(X, "byNA", dat_thresh=0.6)
    np.testing.assert_allclose(s["dat_avail"], [1, 1 / 3, 2 / 3, 2 / 3])
    np.testing.assert_allclose(s["non_zero"], [1, 1, 0, 0])
    assert s["included"].tolist() == [True, False, True, True]
    assert screen_units(X, "byzeros")["included"].tolist() == [True, True, False, False]
    both = screen_units(X, "byNAandzeros", dat_thresh=0.6)["included"]
    assert both.tolist() == [True, False, False, False]
    forced = screen_units(X, "byNA", 0.6, force_include=[False, True, False, False], force_exclude=[1, 0, 0, 0])
    assert forced["included"].tolist() == [False, True, True, True]


def test_asem_screen_default_threshold():
    meta = pd.read_csv(ASEM / "ASEM_iMeta.csv")
    codes = meta.loc[meta["Type"] == "Indicator", "iCode"].tolist()
    df = pd.read_csv(ASEM / "ASEM_iData.csv")[codes]
    s = screen_units(df.to_numpy(float), "byNA", dat_thresh=0.9)
    expected = df.notna().mean(axis=1).to_numpy() >= 0.9
    assert s["included"].tolist() == expected.tolist()
    assert 0 < expected.sum() < len(df)


def test_asem_denominate_divides_by_the_named_column():
    meta = pd.read_csv(ASEM / "ASEM_iMeta.csv")
    ind = meta[meta["Type"] == "Indicator"]
    dens = meta.loc[meta["Type"] == "Denominator", "iCode"].tolist()
    df = pd.read_csv(ASEM / "ASEM_iData.csv")
    idx = np.array([dens.index(d) if isinstance(d, str) else -1 for d in ind["Denominator"]])
    assert (idx >= 0).sum() > 5
    got = denominate(df[ind["iCode"]].to_numpy(float), df[dens].to_numpy(float), idx)
    for j, (code, den) in enumerate(zip(ind["iCode"], ind["Denominator"], strict=True)):
        exp = df[code] / df[den] if isinstance(den, str) else df[code]
        np.testing.assert_allclose(got[:, j], exp.to_numpy(float), rtol=1e-15, equal_nan=True)
    scaled = denominate(np.array([[6.0]]), np.array([[3000.0]]), [0], scale=[1000.0])
    assert scaled[0, 0] == 2.0
