import math

import numpy as np
import pytest

from dxindex import Edge, Framework, InputError, Node, Rule, Variable, compute, read_data
from dxindex.framework import AGGREGATE, POINTS


def framework(*indicators, total=None, denominators=()):
    nodes = tuple(Node(code, parents=(Edge("T"),), rule=rule, **kw) for code, rule, kw in indicators)
    top = Node("T", kind=AGGREGATE, max_points=total)
    return Framework(nodes=(*nodes, top), model=POINTS, denominators=tuple(denominators)).check()


def data(tmp_path, text):
    path = tmp_path / "d.csv"
    path.write_text("unit,indicator,value,kind,state\n" + text, encoding="utf-8")
    return read_data(path)


def one(code, rule, **kw):
    return (code, rule, kw)


def test_each_rule_turns_a_value_into_points(tmp_path):
    fw = framework(
        one("f", Rule("fraction", 10)),
        one("r", Rule("ratio", 20, denominator="n")),
        one("s", Rule("step", 30, steps=((1, 10), (5, 20), (10, 30)))),
        one("c", Rule("categorical", 5, choices=(("tốt", 5), ("khá", 3), ("kém", 0)))),
        one("b", Rule("binary", 4)),
        one("g", Rule("goalposts", 8, low=0.8, high=1.0)),
        denominators=[Variable("n")],
    )
    d = data(
        tmp_path,
        "U1,f,0.25,,\nU1,r,3,,\nU1,n,4,,\nU1,s,7,,\nU1,c,Khá,,\nU1,b,có,,\nU1,g,0.9,,\n"
        "U2,f,1.5,,\nU2,r,9,,\nU2,n,4,,\nU2,s,0.5,,\nU2,c,kém,,\nU2,b,0,,\nU2,g,0.7,,\n",
    )
    r = compute(fw, d)
    pts = r.points
    assert pts.loc["U1", ["f", "r", "s", "c", "b", "g"]].tolist() == pytest.approx([2.5, 15, 20, 3, 4, 4])
    # capped at the maximum, below the lowest step, real zeros, below the low goalpost
    assert pts.loc["U2", ["f", "r", "s", "c", "b", "g"]].tolist() == pytest.approx([10, 20, 0, 0, 0, 0])
    assert pts.loc["U1", "T"] == pytest.approx(48.5)
    assert r.max_points.loc["U1", "T"] == 77
    assert r.scores.loc["U1", "T"] == pytest.approx(48.5 / 77)
    assert r.scores.loc["U1", "s"] == pytest.approx(20 / 30)


def test_a_step_rule_with_direction_minus_one_rewards_low_values(tmp_path):
    fw = framework(one("late", Rule("step", 10, steps=((2, 5), (0, 10))), direction=-1))
    r = compute(fw, data(tmp_path, "A,late,0,,\nB,late,1,,\nC,late,3,,\n"))
    assert r.points["late"].tolist() == [10, 5, 0]


def test_bonus_and_penalty_move_points_but_not_the_maximum(tmp_path):
    fw = framework(
        one("x", Rule("fraction", 10)),
        one("plus", Rule("binary", 3, effect="bonus")),
        one("minus", Rule("binary", 4, effect="penalty")),
        total=10,
    )
    r = compute(fw, data(tmp_path, "A,x,0.5,,\nA,plus,1,,\nB,x,0.5,,\nB,minus,1,,\nC,x,1,,\nC,plus,1,,\n"))
    assert r.points["T"].tolist() == [8, 1, 10]  # C: 13 capped at the maximum
    assert r.max_points["T"].tolist() == [10, 10, 10]
    assert r.points.loc["B", "minus"] == -4


def test_missing_is_not_zero(tmp_path):
    fw = framework(
        one("a", Rule("fraction", 10)),
        one("b", Rule("fraction", 30)),
        one("c", Rule("fraction", 60), applies_to=("commune",)),
    )
    d = data(
        tmp_path,
        # U0 scored a real 0 on b; U1 sent nothing for b; U2's b was rejected; U3 is a ward (c n/a)
        "U0,a,1,commune,\nU0,b,0,commune,\nU0,c,1,commune,\n"
        "U1,a,1,commune,\nU1,c,1,commune,\n"
        "U2,a,1,commune,\nU2,b,0.9,commune,rejected\nU2,c,1,commune,\n"
        "U3,a,1,ward,\nU3,b,1,ward,\nU3,c,1,ward,\n",
    )
    r = compute(fw, d)
    assert r.points["T"].tolist() == [70, 70, 70, 40]
    assert r.max_points["T"].tolist() == [100, 100, 100, 40]  # not applicable: maximum rescaled
    assert r.scores["T"].tolist() == pytest.approx([0.7, 0.7, 0.7, 1.0])
    assert r.states["b"].tolist() == ["submitted", "not_submitted", "rejected", "submitted"]
    assert r.states.loc["U3", "c"] == "not_applicable"
    # a real zero keeps its value; the others have none
    assert r.scores.loc["U0", "b"] == 0 and math.isnan(r.scores.loc["U1", "b"])
    assert math.isnan(r.scores.loc["U2", "b"]) and math.isnan(r.points.loc["U3", "c"])
    by_state = {s: r.state_points[s]["T"].tolist() for s in r.state_points}
    assert by_state == {
        "submitted": [100, 70, 70, 40],
        "not_submitted": [0, 30, 0, 0],
        "not_applicable": [0, 0, 0, 60],
        "rejected": [0, 0, 30, 0],
    }


def test_a_ratio_with_nothing_to_count_is_not_applicable(tmp_path):
    fw = Framework(
        nodes=(
            Node("r", parents=(Edge("T"),), rule=Rule("ratio", 10, denominator="n")),
            Node("x", parents=(Edge("T"),), rule=Rule("fraction", 10)),
            Node("T", kind=AGGREGATE),
        ),
        model=POINTS,
        denominators=(Variable("n"),),
    )
    r = compute(fw, data(tmp_path, "A,r,0,,\nA,n,0,,\nA,x,0.5,,\n"))
    assert r.states.loc["A", "r"] == "not_applicable"
    assert r.scores.loc["A", "T"] == 0.5


def test_an_unknown_choice_names_file_row_and_column(tmp_path):
    fw = framework(one("c", Rule("categorical", 5, choices=(("a", 5),))))
    d = data(tmp_path, "U1,c,a,,\nU2,c,z,,\n")
    with pytest.raises(InputError) as err:
        compute(fw, d)
    assert (err.value.row, err.value.column) == (3, "value")
    assert "'z' is not one of the choices (a)" in str(err.value) and "không thuộc các phương án" in str(err.value)


def test_text_in_a_numeric_rule_is_an_input_error(tmp_path):
    fw = framework(one("f", Rule("fraction", 5)))
    with pytest.raises(InputError, match="'lots' is not a number") as err:
        compute(fw, data(tmp_path, "U1,f,0.5,,\nU2,f,lots,,\n"))
    assert err.value.row == 3


def test_an_aggregate_where_nothing_applies_has_no_value(tmp_path):
    fw = framework(one("a", Rule("fraction", 10), applies_to=("department",)))
    r = compute(fw, data(tmp_path, "U1,a,1,commune,\n"))
    assert r.max_points.loc["U1", "T"] == 0
    assert np.isnan(r.scores.loc["U1", "T"])


def test_the_commune_template_rescales_a_ward_without_farming(tmp_path):
    from pathlib import Path

    from dxindex import read_framework

    fw = read_framework(Path(__file__).resolve().parents[2] / "frameworks" / "province-commune-template.yaml")
    lines = []
    for unit, kind in (("XA1", "commune"), ("PHUONG1", "ward")):
        for code in fw.indicators:
            rule = fw.by_code[code].rule
            value = {"categorical": "dung_han", "step": "100", "goalposts": "5"}.get(rule.type, "1")
            if code == "AT3":
                value = "0"  # no incident
            if rule.effect != "score":
                value = "0"
            lines.append(f"{unit},{code},{value},{kind},")
    r = compute(fw, data(tmp_path, "\n".join(lines) + "\n"))
    assert r.points["DX_XA"].tolist() == [1000, 970]
    assert r.max_points["DX_XA"].tolist() == [1000, 970]  # KT4 (30 points) does not apply to wards
    assert r.scores["DX_XA"].tolist() == [1, 1]
    assert r.state_points["not_applicable"].loc["PHUONG1", "KT"] == 30
