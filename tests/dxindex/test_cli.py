import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dxindex.cli import main

ROOT = Path(__file__).resolve().parents[2]
DTI = ROOT / "frameworks" / "dti-2022-province.yaml"
ASEM = Path(__file__).resolve().parents[1] / "data" / "coinr-asem"  # COINr example data (MIT), tests/data


@pytest.fixture
def dti_data(tmp_path):
    rows = "\n".join(
        f"{u},{k},{v}"
        for u, vals in {"DNG": [1, 0.9, 0.8253, 0.8487, 0.7578, 0.8575, 0.7836, 0.5197], "XYZ": [0.5] * 8}.items()
        for k, v in zip(["NT", "TC", "HT", "NL", "AT", "CQ", "KT", "XH"], vals, strict=True)
    )
    path = tmp_path / "dti.csv"
    path.write_text("unit,indicator,value\n" + rows + "\n", encoding="utf-8")
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_compute_writes_a_wide_csv(capsys, dti_data):
    code, out, _ = run(capsys, "compute", "--meta", DTI, "--data", dti_data)
    assert code == 0
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == [
        "uCode",
        "NT",
        "TC",
        "HT",
        "NL",
        "AT",
        "DT",
        "CQ",
        "KT",
        "XH",
        "CQS",
        "KTS",
        "XHS",
        "DTI",
    ]
    assert round(table.set_index("uCode").loc["DNG", "DTI"], 4) == 0.8002


def test_ranks_and_json(capsys, dti_data, tmp_path):
    code, out, _ = run(capsys, "compute", "--meta", DTI, "--data", dti_data, "--ranks")
    assert code == 0
    assert pd.read_csv(io.StringIO(out)).set_index("uCode")["DTI"].to_dict() == {"DNG": 1, "XYZ": 2}
    target = tmp_path / "out.json"
    code, out, _ = run(capsys, "compute", "--meta", DTI, "--data", dti_data, "--format", "json", "--out", target)
    assert code == 0 and out == ""
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["framework"] == "dti-2022-province" and len(doc["inputs_sha256"]) == 64
    assert doc["points"][0]["DTI"] == pytest.approx(800.175)
    assert doc["state_points"]["submitted"][0]["DTI"] == 1000


def test_statistical_flags_reach_the_pipeline(capsys, tmp_path):
    meta, data = ASEM / "ASEM_iMeta.csv", ASEM / "ASEM_iData.csv"
    _, plain, _ = run(capsys, "compute", "--meta", meta, "--data", data)
    code, out, _ = run(
        capsys, "compute", "--meta", meta, "--data", data, "--normalise", "minmax:1,100", "--aggregate", "4=gmean"
    )
    assert code == 0
    a = pd.read_csv(io.StringIO(plain)).set_index("uCode")
    b = pd.read_csv(io.StringIO(out)).set_index("uCode")
    assert a.columns[0] == "LPI" and a.columns[-1] == "Index"
    assert b["LPI"].min() == 1 and a["LPI"].min() == 0
    # Index = geometric mean of Conn and Sust when level 4 uses gmean
    assert b.loc["AUT", "Index"] == pytest.approx((b.loc["AUT", "Conn"] * b.loc["AUT", "Sust"]) ** 0.5)


def test_panel_output_has_a_time_column_after_ucode(capsys):
    code, out, _ = run(capsys, "compute", "--meta", ASEM / "ASEM_iMeta.csv", "--data", ASEM / "ASEM_iData_p.csv")
    table = pd.read_csv(io.StringIO(out))
    assert code == 0 and list(table.columns[:3]) == ["uCode", "Time", "LPI"] and len(table) == 255
    code, out, _ = run(
        capsys, "compute", "--meta", ASEM / "ASEM_iMeta.csv", "--data", ASEM / "ASEM_iData_p.csv", "--period", "2020"
    )
    assert list(pd.read_csv(io.StringIO(out)).columns[:2]) == ["uCode", "LPI"]


def test_bad_input_exits_non_zero_with_a_bilingual_message(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("unit,indicator,value\nDNG,NT,1\nDNG,QQ,0.5\n", encoding="utf-8")
    code, out, err = run(capsys, "compute", "--meta", DTI, "--data", bad)
    assert code == 2 and out == ""
    assert f"file {bad}, row 3, column indicator: unknown indicator QQ" in err
    assert "chỉ số không có trong bộ chỉ số: QQ" in err


def test_help_documents_every_flag():
    out = subprocess.run(
        [sys.executable, "-m", "dxindex.cli", "compute", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for flag in ("--meta", "--data", "--denominate", "--impute", "--screen-threshold", "--treat", "--normalise",
                 "--aggregate", "--dat-thresh", "--normalise-per-period", "--period", "--ranks", "--format",
                 "--out"):  # fmt: skip
        assert flag in out
    top = subprocess.run([sys.executable, "-m", "dxindex.cli", "--help"], capture_output=True, text=True).stdout
    assert "compute" in top and "minmax:0,100" in top


def test_audit_and_uncertainty_subcommands(capsys):
    meta, data = ASEM / "ASEM_iMeta.csv", ASEM / "ASEM_iData.csv"
    code, out, _ = run(capsys, "audit", "--meta", meta, "--data", data)
    assert code == 0 and {"indicators", "correlations", "cronbach"} <= set(json.loads(out))
    code, out, _ = run(capsys, "uncertainty", "--meta", meta, "--data", data, "--n", 20, "--seed", 3)
    table = pd.read_csv(io.StringIO(out))
    assert code == 0 and list(table.columns) == ["uCode", "nominal", "median", "q05", "q95", "mean_abs_shift"]
    assert len(table) == 51
