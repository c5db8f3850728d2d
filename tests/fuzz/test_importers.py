"""Fuzz targets for the importers: whatever the bytes, the result is a parsed object or a clear,
bilingual InputError naming where — never another exception."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dxindex

EXAMPLES = int(os.environ.get("DXBOARD_FUZZ_EXAMPLES", "60"))
ROOT = Path(__file__).resolve().parents[2]
VALID_YAML = (ROOT / "frameworks" / "dti-2022-province.yaml").read_text(encoding="utf-8")
VALID_CSV = "unit,indicator,value\nDN,NT,1\nDN,TC,0.9\nDN,HT,0.8253\n"
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def mutate(text: str, cuts: list[tuple[int, str]]) -> str:
    for position, insert in cuts:
        position %= max(1, len(text))
        text = text[:position] + insert + text[position + len(insert):]
    return text


insertions = st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(
    ["", ":", "{", "}", "[", "-", "\n", ",", "NA", "-1", "1e309", "x", "parents: {X: 1}", "rule: {type: ratio}",
     "max: -5", "code: NT", "type: aggregate", "weight: abc", "\t", "'", '"', "null", "~", "é", "\x00"])),
    max_size=6)


@FUZZ
@given(insertions)
def test_framework_yaml_reader(tmp_path_factory, cuts):
    path = tmp_path_factory.mktemp("fw") / "f.yaml"
    path.write_text(mutate(VALID_YAML, cuts), encoding="utf-8")
    try:
        framework = dxindex.read_framework(path)
    except dxindex.InputError as exc:
        assert "f.yaml" in str(exc)
    else:
        assert framework.codes


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 200), st.sampled_from(["", ",", "\n", "NA", "abc", "1,5", "-", "\"",
                                                                 "unit", "1e400", "không áp dụng"])), max_size=6))
def test_long_data_reader(tmp_path_factory, cuts):
    path = tmp_path_factory.mktemp("data") / "d.csv"
    path.write_text(mutate(VALID_CSV, cuts), encoding="utf-8")
    framework = dxindex.read_framework(ROOT / "frameworks" / "dti-2022-province.yaml")
    try:
        data = dxindex.read_data(path)
        dxindex.compute(framework, data)
    except dxindex.InputError as exc:
        assert "d.csv" in str(exc) or "d.csv" in getattr(exc, "file", "") or exc.reason_en


@FUZZ
@given(st.binary(max_size=2000))
def test_xlsx_readers_refuse_garbage_clearly(tmp_path_factory, blob):
    folder = tmp_path_factory.mktemp("x")
    (folder / "f.xlsx").write_bytes(b"PK\x03\x04" + blob)
    for reader in (dxindex.read_framework, dxindex.read_data):
        with pytest.raises(dxindex.InputError):  # garbage behind a zip signature is never a workbook
            reader(folder / "f.xlsx")
