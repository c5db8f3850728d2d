from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dxindex import InputError, read_data, read_framework, write_data, write_framework
from dxindex.data import NOT_APPLICABLE, REJECTED

ASEM = Path(__file__).resolve().parents[1] / "data" / "coinr-asem"  # COINr example data (MIT), tests/data
FRAMEWORKS = Path(__file__).resolve().parents[2] / "frameworks"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_same_data(a, b):
    pd.testing.assert_frame_equal(a.values, b.values)
    pd.testing.assert_frame_equal(a.units, b.units)
    assert a.text == b.text
    assert a.states == b.states


def test_it_reads_the_coinr_asem_example():
    fw = read_framework(ASEM / "ASEM_iMeta.csv")
    assert len(fw.indicators) == 49
    assert [fw.levels[a] for a in fw.aggregates].count(2) == 8
    assert fw.aggregates[-1] == "Index" and fw.levels["Index"] == 4
    assert [g.code for g in fw.groups] == ["GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"]
    assert [d.code for d in fw.denominators] == ["Area", "Energy", "GDP", "Population"]
    flights = fw.by_code["Flights"]
    assert (flights.denominator, flights.target, flights.parents[0].parent) == ("Population", 200.3326555, "Physical")
    assert fw.by_code["FreePress"].direction == -1

    data = read_data(ASEM / "ASEM_iData.csv")
    assert data.values.shape == (51, 53)
    assert data.groups == ["GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"]
    assert data.values.loc[0, "LPI"] == 4.097985
    assert data.units.loc[0, ["uCode", "uName", "Time"]].tolist() == ["AUT", "Austria", 2018]
    assert data.values.isna().sum().sum() > 0  # the NA cells stay missing


@pytest.mark.parametrize("data_file", ["ASEM_iData.csv", "ASEM_iData_p.csv"])
def test_asem_round_trips_through_imeta_and_idata(tmp_path, data_file):
    fw = read_framework(ASEM / "ASEM_iMeta.csv")
    data = read_data(ASEM / data_file)
    write_framework(fw, tmp_path / "meta.csv")
    write_data(data, tmp_path / "data.csv")
    assert read_framework(tmp_path / "meta.csv") == fw
    assert_same_data(read_data(tmp_path / "data.csv"), data)


def test_asem_round_trips_through_xlsx_and_yaml(tmp_path):
    fw = read_framework(ASEM / "ASEM_iMeta.csv")
    write_framework(fw, tmp_path / "meta.xlsx")
    write_framework(fw, tmp_path / "meta.yaml")
    assert read_framework(tmp_path / "meta.xlsx") == fw
    assert read_framework(tmp_path / "meta.yaml") == fw


def test_panel_data_keep_their_periods():
    data = read_data(ASEM / "ASEM_iData_p.csv")
    assert data.periods == [2018, 2019, 2020, 2021, 2022]
    assert data.positions(2020).size == 51


@pytest.mark.parametrize("name", sorted(p.name for p in FRAMEWORKS.glob("*.yaml")))
def test_shipped_frameworks_round_trip_through_yaml(tmp_path, name):
    fw = read_framework(FRAMEWORKS / name)
    write_framework(fw, tmp_path / name)
    assert read_framework(tmp_path / name) == fw


def test_a_node_with_two_parents_is_one_imeta_row_per_edge(tmp_path):
    meta = write(
        tmp_path,
        "meta.csv",
        "Level,iCode,iName,Direction,Weight,Parent,Type\n"
        "1,x,X,1,1,A,Indicator\n1,x,X,1,2,B,Indicator\n2,A,A,1,1,I,Aggregate\n2,B,B,1,1,I,Aggregate\n"
        "3,I,I,1,1,NA,Aggregate\n",
    )
    fw = read_framework(meta)
    assert [(e.parent, e.weight) for e in fw.by_code["x"].parents] == [("A", 1.0), ("B", 2.0)]
    write_framework(fw, tmp_path / "again.csv")
    assert read_framework(tmp_path / "again.csv") == fw


def test_a_repeated_imeta_code_that_is_not_an_edge_is_a_duplicate(tmp_path):
    meta = write(
        tmp_path,
        "meta.csv",
        "Level,iCode,iName,Direction,Weight,Parent,Type\n1,x,X,1,1,I,Indicator\n1,x,Other,1,1,I,Indicator\n"
        "2,I,I,1,1,NA,Aggregate\n",
    )
    with pytest.raises(InputError, match="duplicate code x"):
        read_framework(meta)


def test_text_in_an_imeta_number_column_names_file_row_and_column(tmp_path):
    meta = write(
        tmp_path,
        "meta.csv",
        "Level,iCode,iName,Direction,Weight,Parent,Type\n1,x,X,1,1,I,Indicator\n1,y,Y,1,heavy,I,Indicator\n"
        "2,I,I,1,1,NA,Aggregate\n",
    )
    with pytest.raises(InputError) as err:
        read_framework(meta)
    assert (err.value.file, err.value.row, err.value.column) == (str(meta), 3, "Weight")
    assert "'heavy' is not a number" in str(err.value) and "không phải là số" in str(err.value)


def test_long_data_become_one_row_per_unit_and_period(tmp_path):
    path = write(
        tmp_path,
        "long.csv",
        "unit,indicator,value,period,kind,state\n"
        "X1,a,0.5,2024,commune,\nX1,b,high,2024,commune,\nX2,a,,2024,ward,rejected\n"
        "X2,b,không áp dụng,2024,ward,\nX1,a,0.7,2025,commune,\n",
    )
    data = read_data(path)
    assert data.layout == "long"
    assert data.units[["uCode", "Time", "kind"]].values.tolist() == [
        ["X1", 2024, "commune"],
        ["X2", 2024, "ward"],
        ["X1", 2025, "commune"],
    ]
    assert data.values["a"].tolist()[0] == 0.5 and data.values["a"].tolist()[2] == 0.7
    assert data.text == {(0, "b"): "high"}
    assert data.states == {(1, "a"): REJECTED, (1, "b"): NOT_APPLICABLE}
    assert data.where(2, "a") == (6, "value")  # file row of the 2025 value


def test_long_data_round_trip(tmp_path):
    path = write(tmp_path, "long.csv", "unit,indicator,value,period\nX1,a,0.5,2024\nX2,a,1e-3,2024\nX2,b,yes,2024\n")
    data = read_data(path)
    write_data(data, tmp_path / "again.csv", layout="long")
    assert_same_data(read_data(tmp_path / "again.csv"), data)


def test_a_repeated_long_observation_is_an_error_naming_its_row(tmp_path):
    path = write(tmp_path, "long.csv", "unit,indicator,value\nX1,a,1\nX2,a,2\nX1,a,3\n")
    with pytest.raises(InputError) as err:
        read_data(path)
    assert err.value.row == 4 and "appears twice" in str(err.value) and "hai lần" in str(err.value)


def test_xlsx_long_data(tmp_path):
    frame = pd.DataFrame({"unit": ["X1", "X2"], "indicator": ["a", "a"], "value": [0.25, 1]})
    frame.to_excel(tmp_path / "d.xlsx", index=False)
    data = read_data(tmp_path / "d.xlsx")
    assert np.array_equal(data.values["a"].to_numpy(), [0.25, 1.0])


def test_unreadable_layout_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="uCode"):
        read_data(write(tmp_path, "x.csv", "foo,bar\n1,2\n"))
    with pytest.raises(InputError, match="không tìm thấy tệp"):
        read_data(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="định dạng"):
        read_framework(write(tmp_path, "x.txt", ""))


@pytest.mark.parametrize(
    ("name", "top", "main_indices", "components"),
    [
        ("province-department-template.yaml", "DX_SO", 6, (25, 35)),
        ("province-commune-template.yaml", "DX_XA", 8, (40, 47)),
    ],
)
def test_templates_are_marked_and_carry_what_the_platform_needs(name, top, main_indices, components):
    fw = read_framework(FRAMEWORKS / name)
    assert fw.template and "MẪU THAM KHẢO" in fw.note
    assert fw.nominal_max_points[top] == 1000
    assert len(fw.children[top]) == main_indices
    assert components[0] <= len(fw.indicators) <= components[1]
    for code in fw.indicators:
        node = fw.by_code[code]
        assert node.source in ("self", "kpi", "tasks", "itprojects", "feedback", "survey"), code
        assert node.evidence and node.name_vi and node.name_en, code
    effects = {fw.by_code[c].rule.effect for c in fw.indicators}
    assert effects == {"score", "bonus", "penalty"}


def test_a_misspelt_yaml_key_is_refused(tmp_path):
    path = write(
        tmp_path,
        "fw.yaml",
        "model: points\nnodes:\n  - {code: x, parents: {T: 1}, rule: {type: fraction, maxx: 5}}\n"
        "  - {code: T, type: aggregate}\n",
    )
    with pytest.raises(InputError, match="unknown keys rule.maxx"):
        read_framework(path)


def test_per_indicator_statistical_settings_round_trip(tmp_path):
    path = write(
        tmp_path,
        "fw.yaml",
        "nodes:\n"
        "  - {code: x, parents: {T: 1}, normalise: zscore, treat: 'winsorise:3', goalposts: [0, 10]}\n"
        "  - {code: T, type: aggregate}\n",
    )
    fw = read_framework(path)
    x = fw.by_code["x"]
    assert (x.normalise, x.treat, x.goalposts) == ("zscore", "winsorise:3", (0.0, 10.0, 1.0))
    write_framework(fw, tmp_path / "again.yaml")
    assert read_framework(tmp_path / "again.yaml") == fw
    write_framework(fw, tmp_path / "meta.csv")  # iMeta keeps the goalposts in COINr's columns
    assert read_framework(tmp_path / "meta.csv").by_code["x"].goalposts == (0.0, 10.0, 1.0)


def test_a_dataset_can_be_built_from_an_in_memory_table(tmp_path):
    from dxindex import data_from_frame

    frame = pd.DataFrame(
        {"unit": ["X1", "X1", "X2"], "indicator": ["a", "b", "a"], "value": [0.5, "khá", None], "kind": "commune"}
    )
    data = data_from_frame(frame, source="campaign-7")
    assert data.values["a"].tolist()[0] == 0.5 and np.isnan(data.values["a"].tolist()[1])
    assert data.text == {(0, "b"): "khá"}
    path = write(tmp_path, "same.csv", "unit,indicator,value,kind\nX1,a,0.5,commune\nX1,b,khá,commune\nX2,a,,commune\n")
    assert_same_data(data_from_frame(frame), read_data(path))
    with pytest.raises(InputError, match="campaign-7"):
        data_from_frame(pd.DataFrame({"x": [1]}), source="campaign-7")


def test_a_name_cut_by_an_unquoted_comma_is_refused(tmp_path):
    path = tmp_path / "fw.yaml"
    path.write_text(
        "model: points\nnodes:\n"
        "  - {code: A1, name: {vi: Tỷ lệ thôn, tổ dân phố có cáp quang, en: Villages}, parents: {T: 1},"
        " rule: {type: fraction, max: 10}}\n"
        "  - {code: T, type: aggregate, name: Tổng}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_framework(path)
    assert "A1" in str(err.value) and "quote" in str(err.value)


def test_shipped_frameworks_keep_their_full_names():
    commune = read_framework(FRAMEWORKS / "province-commune-template.yaml")
    assert commune.by_code["NT4"].name_vi == "Tỷ lệ thôn, tổ dân phố có Tổ công nghệ số cộng đồng hoạt động"


RECORDS = [
    ("X1", "a", "0.5", "", "commune"),
    ("X1", "b", "khá", "", "commune"),
    ("X1", "n", "1234.0", "", "commune"),
    ("X2", "a", "", "not_applicable", "commune"),
    ("X2", "b", "", "rejected", "commune"),
    ("X2", "c", "chưa nộp", "", "commune"),
    ("X3", "a", "NA", "", "ward"),
    ("X3", "c", "1e3", "", "ward"),
    ("X3", "b", "0.30000000000000004", "", "ward"),
    ("X4", "a", "-0.0", "không áp dụng", "agency"),
]
COLUMNS = ["unit", "indicator", "value", "state", "kind"]


@pytest.mark.parametrize("columns", [COLUMNS, COLUMNS[:4], COLUMNS[:3], ["indicator", "unit", "value"]])
def test_a_dataset_from_records_is_the_one_the_table_path_makes(columns):
    from dxindex.io import _data_from_long, data_from_records

    records = [tuple(dict(zip(COLUMNS, r, strict=True))[c] for c in columns) for r in RECORDS]
    fast = data_from_records(records, columns, "campaign-1", "d1")
    slow = _data_from_long(pd.DataFrame(records, columns=columns, dtype=str), "campaign-1", "d1")
    assert_same_data(fast, slow)
    assert list(fast.text) == list(slow.text) and list(fast.states) == list(slow.states)
    np.testing.assert_array_equal(fast.rows, slow.rows)
    assert (fast.source, fast.sha256, fast.layout) == (slow.source, slow.sha256, slow.layout)
    assert fast.units.dtypes.to_dict() == slow.units.dtypes.to_dict()


@pytest.mark.parametrize("bad", [
    [("X1", "a", "1", "", "commune"), ("X1", "a", "2", "", "commune")],  # twice
    [("X1", "a", "1", "", "commune"), ("", "a", "2", "", "commune")],  # no unit
    [("X1", "", "1", "", "commune")],  # no indicator
    [("X1", "a", "1", "perhaps", "commune")],  # unknown state
    [],  # nothing
])
def test_records_are_refused_as_the_table_path_refuses_them(bad):
    from dxindex.io import _data_from_long, data_from_records

    with pytest.raises(InputError) as slow:
        _data_from_long(pd.DataFrame(bad, columns=COLUMNS, dtype=str), "campaign-1", "d1")
    with pytest.raises(InputError) as fast:
        data_from_records(bad, COLUMNS, "campaign-1", "d1")
    assert str(fast.value) == str(slow.value)


def test_records_with_periods_take_the_table_path():
    from dxindex.io import _data_from_long, data_from_records

    records = [("X1", "a", "1", "2024"), ("X1", "a", "2", "2025"), ("X2", "a", "3", "2025")]
    columns = ["unit", "indicator", "value", "period"]
    fast = data_from_records(records, columns, "p", "d")
    assert_same_data(fast, _data_from_long(pd.DataFrame(records, columns=columns, dtype=str), "p", "d"))
    assert fast.units["Time"].tolist() == [2024, 2025, 2025]
