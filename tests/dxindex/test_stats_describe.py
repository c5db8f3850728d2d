"""Skewness, kurtosis and column statistics with COINr's (e1071 type 2 / Excel) definitions."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from dxindex.stats import column_stats, kurt, skew, skew_kurt_pass

ASEM = Path(__file__).resolve().parents[1] / "data" / "coinr-asem"  # COINr example data (MIT), tests/data


def asem_indicators() -> pd.DataFrame:
    meta = pd.read_csv(ASEM / "ASEM_iMeta.csv")
    data = pd.read_csv(ASEM / "ASEM_iData.csv")
    return data[meta.loc[meta["Type"] == "Indicator", "iCode"].tolist()].astype(float)


def test_skew_and_kurtosis_of_a_hand_worked_vector():
    # x = 0,0,0,3: g1 = 2/sqrt(3), G1 = g1 * sqrt(12)/2 = 2; r = 7/3, G2 = (5(r-3)+6) * 3/2 = 4
    x = np.array([0.0, 0.0, 0.0, 3.0])
    assert skew(x) == pytest.approx(2.0, abs=1e-12)
    assert kurt(x) == pytest.approx(4.0, abs=1e-12)


def test_missing_values_are_ignored_and_short_columns_give_nan():
    X = np.array([[0.0, 1.0], [np.nan, 2.0], [0.0, np.nan], [0.0, 5.0], [3.0, np.nan]])
    assert skew(X)[0] == pytest.approx(2.0, abs=1e-12)
    assert np.isnan(kurt(X)[1])  # three values: kurtosis needs four
    assert not np.isnan(skew(X)[1])


def test_asem_skew_and_kurtosis_match_the_unbiased_estimators():
    df = asem_indicators()
    X = df.to_numpy()
    expected_skew = np.array([sps.skew(df[c].dropna(), bias=False) for c in df])
    expected_kurt = np.array([sps.kurtosis(df[c].dropna(), bias=False) for c in df])
    np.testing.assert_allclose(skew(X), expected_skew, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(kurt(X), expected_kurt, rtol=1e-9, atol=1e-12)


def test_skew_kurt_check_fails_only_when_both_thresholds_are_reached():
    heavy = np.r_[np.arange(1.0, 11.0), 30.0, 100.0]  # COINr's own example: skew 3.06, kurtosis 9.74
    assert not skew_kurt_pass(heavy)
    assert skew_kurt_pass(heavy, skew_thresh=3.1)  # |skew| below its threshold is enough
    assert skew_kurt_pass(heavy, kurt_thresh=9.8)  # so is kurtosis below its threshold
    assert skew_kurt_pass(np.array([1.0, 2.0, 3.0]))  # kurtosis undefined: nothing to treat


def test_column_stats_counts_and_flags():
    X = np.array(
        [
            [1.0, 0.0, np.nan],
            [2.0, 0.0, np.nan],
            [2.0, 0.0, np.nan],
            [5.0, 3.0, 1.0],
        ]
    )
    s = column_stats(X)
    assert s["n_avail"].tolist() == [4, 4, 1]
    assert s["n_nonzero"].tolist() == [4, 1, 1]
    assert s["n_unique"].tolist() == [3, 2, 1]
    assert s["n_same"].tolist() == [2, 3, 1]
    assert s["frc_avail"].tolist() == [1.0, 1.0, 0.25]
    assert s["flag_avail"].tolist() == [False, False, True]
    assert s["flag_nonzero"].tolist() == [False, True, True]  # 1/4 and 1/4 of rows < 0.5
    assert s["median"][0] == 2.0
    assert s["std"][0] == pytest.approx(np.std([1, 2, 2, 5], ddof=1))
    assert s["min"][2] == 1.0 and s["max"][0] == 5.0
