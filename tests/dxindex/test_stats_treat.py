"""Outlier treatment: COINr's winsorisation loop and log_CT fallback."""

from pathlib import Path

import numpy as np
import pandas as pd

from dxindex.stats import kurt, log_ct, skew, treat, winsorise

ASEM = Path(__file__).resolve().parents[1] / "data" / "coinr-asem"  # COINr example data (MIT), tests/data


def test_coinr_example_needs_one_high_winsorisation():
    x = np.r_[np.arange(1.0, 11.0), 30.0, 100.0]
    xw, nwin, labels = winsorise(x)
    np.testing.assert_array_equal(xw, np.r_[np.arange(1.0, 11.0), 30.0, 30.0])
    assert nwin == 1
    assert labels.tolist() == [""] * 11 + ["winhi"]


def test_low_outliers_are_winsorised_at_the_bottom():
    x = -np.r_[np.arange(1.0, 11.0), 30.0, 100.0]
    xw, nwin, labels = winsorise(x)
    assert xw[-1] == -30.0 and nwin == 1 and labels[-1] == "winlo"


def test_winmax_limits_the_points_and_then_log_ct_applies_to_the_original():
    x = np.r_[np.ones(50), 2.0 ** np.arange(2, 12)]  # a long tail: five points are not enough
    X = np.column_stack([x, np.arange(60.0)])
    out, reports, labels = treat(X)
    r = reports[0]
    assert r["pass0"] is False and r["nwin"] == 5 and r["pass1"] is False and r["log"] is True
    np.testing.assert_allclose(out[:, 0], np.log(x - x.min() + 0.01 * (x.max() - x.min())), rtol=1e-15)
    np.testing.assert_array_equal(out[:, 1], X[:, 1])
    assert reports[1]["treatment"] == "none"
    assert set(labels[:, 0]) == {"log_CT"} and set(labels[:, 1]) == {""}


def test_combine_treat_logs_the_winsorised_column():
    x = np.r_[np.ones(50), 2.0 ** np.arange(2, 12)]
    out, reports, labels = treat(x[:, None], combine_treat=True)
    xw, _, lab = winsorise(x)
    np.testing.assert_allclose(out[:, 0], log_ct(xw), rtol=1e-15)
    assert reports[0]["treatment"] == "winsorise+log_CT"
    assert (labels[lab == "winhi", 0] == "winhi+log_CT").all() and (lab == "winhi").sum() >= 5


def test_asem_treatment_is_consistent_with_the_rule():
    meta = pd.read_csv(ASEM / "ASEM_iMeta.csv")
    codes = meta.loc[meta["Type"] == "Indicator", "iCode"].tolist()
    X = pd.read_csv(ASEM / "ASEM_iData.csv")[codes].to_numpy(float)
    out, reports, labels = treat(X)
    failing = (np.abs(skew(X)) >= 2) & (kurt(X) >= 3.5)
    assert failing.any() and not failing.all()
    for j, r in enumerate(reports):
        assert r["pass0"] == (not failing[j])
        if not failing[j]:
            np.testing.assert_array_equal(out[:, j], X[:, j])
        elif r["treatment"] == "winsorise":
            assert r["pass1"] and r["nwin"] >= 1
            changed = ~np.isclose(out[:, j], X[:, j]) & ~np.isnan(X[:, j])
            assert changed.sum() == (labels[:, j] != "").sum()
            np.testing.assert_allclose(skew(out[:, j]), r["skew1"])
        else:
            assert r["nwin"] >= 5 and r["log"]
            np.testing.assert_allclose(out[:, j], log_ct(X[:, j]), equal_nan=True)
