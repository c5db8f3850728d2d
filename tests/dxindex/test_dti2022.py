from pathlib import Path

import pytest

from dxindex import compute, read_data, read_framework

DTI = Path(__file__).resolve().parents[2] / "frameworks" / "dti-2022-province.yaml"
DA_NANG_2022 = {
    "NT": 1.0,
    "TC": 0.9,
    "HT": 0.8253,
    "NL": 0.8487,
    "AT": 0.7578,
    "CQ": 0.8575,
    "KT": 0.7836,
    "XH": 0.5197,
}


@pytest.fixture
def da_nang(tmp_path):
    lines = ["unit,indicator,value,period"] + [f"DNG,{k},{v},2022" for k, v in DA_NANG_2022.items()]
    (tmp_path / "dng.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return read_data(tmp_path / "dng.csv")


def test_the_framework_follows_decision_922():
    fw = read_framework(DTI)
    assert fw.model == "points" and not fw.template
    maxima = fw.nominal_max_points
    assert {c: maxima[c] for c in fw.indicators} == {
        "NT": 100, "TC": 100, "HT": 100, "NL": 100, "AT": 100, "DT": 0, "CQ": 200, "KT": 150, "XH": 150,
    }  # fmt: skip
    assert (maxima["CQS"], maxima["KTS"], maxima["XHS"], maxima["DTI"]) == (700, 650, 650, 1000)
    foundation = {"NT", "TC", "HT", "NL", "AT"}
    for pillar, activity in (("CQS", "CQ"), ("KTS", "KT"), ("XHS", "XH")):
        assert {c for c, _ in fw.children[pillar]} == foundation | {activity}
    assert {c for c, _ in fw.children["DTI"]} == set(fw.indicators)


def test_da_nang_2022_reproduces_the_published_dti(da_nang):
    r = compute(read_framework(DTI), da_nang)
    assert round(r.scores.loc["DNG", "DTI"], 4) == 0.8002
    assert r.points.loc["DNG", "DTI"] == pytest.approx(800.175)
    # each pillar is its own points over its own maximum
    assert r.scores.loc["DNG", "CQS"] == pytest.approx((100 + 90 + 82.53 + 84.87 + 75.78 + 171.5) / 700)
    assert r.scores.loc["DNG", "KTS"] == pytest.approx((433.18 + 117.54) / 650)
    assert r.scores.loc["DNG", "XHS"] == pytest.approx((433.18 + 77.955) / 650)
    # smart city is not scored in 2022: nothing rests on it
    assert r.max_points.loc["DNG", "DTI"] == 1000
    assert r.state_points["not_submitted"].loc["DNG", "DTI"] == 0


def test_statistical_settings_do_not_touch_a_points_framework(da_nang):
    fw = read_framework(DTI)
    plain = compute(fw, da_nang)
    other = compute(fw, da_nang, normalise="zscore", aggregate="gmean", impute="mean", treat="winsorise")
    assert other.scores.equals(plain.scores)
