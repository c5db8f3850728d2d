"""Imputation: column mean / median, within groups, and panel carry-forward."""

from pathlib import Path

import numpy as np
import pandas as pd

from dxindex.stats import impute, impute_panel

ASEM = Path(__file__).resolve().parents[1] / "data" / "coinr-asem"  # COINr example data (MIT), tests/data
NAN = np.nan


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-12, equal_nan=True)


X = np.array([[1.0, NAN], [2.0, 10.0], [NAN, 20.0], [9.0, 60.0]])


def test_mean_and_median_by_column():
    close(impute(X, "mean"), [[1, 30], [2, 10], [4, 20], [9, 60]])
    close(impute(X, "median"), [[1, 20], [2, 10], [2, 20], [9, 60]])
    close(impute(X, "none"), X)


def test_group_imputation_leaves_unlabelled_units_and_empty_groups_alone():
    g = np.array(["a", "a", "b", None], dtype=object)
    # group b has no value in column 0 and its only unit is missing there: stays NaN
    close(impute(X, "mean_grp:G", g), [[1, 10], [2, 10], [NAN, 20], [9, 60]])
    g2 = np.array(["a", "a", "a", "b"], dtype=object)
    close(impute(X, "median_grp", g2), [[1, 15], [2, 10], [1.5, 20], [9, 60]])


def test_asem_group_mean_matches_pandas_groupby():
    meta = pd.read_csv(ASEM / "ASEM_iMeta.csv")
    codes = meta.loc[meta["Type"] == "Indicator", "iCode"].tolist()
    df = pd.read_csv(ASEM / "ASEM_iData.csv")
    assert df[codes].isna().any().any()
    expected = df[codes].fillna(df.groupby("GDP_group")[codes].transform("mean"))
    got = impute(df[codes].to_numpy(float), "mean_grp:GDP_group", df["GDP_group"].to_numpy(object))
    close(got, expected.to_numpy(float))


def test_panel_takes_the_latest_earlier_value_within_max_time():
    units = np.array(["A", "A", "A", "B", "B", "B"])
    times = np.array([2020, 2021, 2022, 2020, 2021, 2022])
    P = np.array([[1.0], [NAN], [NAN], [NAN], [5.0], [NAN]])
    got, src = impute_panel(P, units, times)
    close(got[:, 0], [1, 1, 1, NAN, 5, 5])
    close(src[:, 0], [2020, 2020, 2020, NAN, 2021, 2021])
    got1, _ = impute_panel(P, units, times, max_time=1)
    close(got1[:, 0], [1, 1, NAN, NAN, 5, 5])  # A in 2022 would need a value two periods back


def test_panel_rows_may_come_in_any_order():
    units = np.array(["B", "A", "A", "B"])
    times = np.array([2021, 2021, 2020, 2020])
    P = np.array([[NAN], [NAN], [3.0], [7.0]])
    got, _ = impute_panel(P, units, times)
    close(got[:, 0], [7, 3, 3, 7])


def test_asem_panel_matches_a_forward_fill_per_unit():
    meta = pd.read_csv(ASEM / "ASEM_iMeta.csv")
    codes = meta.loc[meta["Type"] == "Indicator", "iCode"].tolist()
    df = pd.read_csv(ASEM / "ASEM_iData_p.csv")
    got, _ = impute_panel(df[codes].to_numpy(float), df["uCode"].to_numpy(), df["Time"].to_numpy())
    expected = df.sort_values("Time").groupby("uCode")[codes].ffill().loc[df.index]
    close(got, expected.to_numpy(float))


def test_panel_periods_may_be_text_labels():
    units = np.array(["A", "A", "A"])
    times = np.array(["2025-Q1", "2025-Q2", "2025-Q3"])
    got, src = impute_panel(np.array([[1.0], [np.nan], [2.0]]), units, times)
    close(got[:, 0], [1, 1, 2])
    assert src[:, 0].tolist() == ["2025-Q1", "2025-Q1", "2025-Q3"]
