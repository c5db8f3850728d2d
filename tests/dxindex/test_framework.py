import numpy as np
import pytest

from dxindex import Edge, Framework, FrameworkError, Node, Rule
from dxindex.framework import AGGREGATE, POINTS


def agg(code, parents=(), **kw):
    return Node(code, kind=AGGREGATE, parents=tuple(parents), **kw)


def ind(code, parents=(), **kw):
    return Node(code, parents=tuple(parents), **kw)


def small():
    """x1, x2 -> A; x2, x3 -> B (x2 feeds both); A, B -> I."""
    return Framework(
        nodes=(
            ind("x1", [Edge("A", 1)]),
            ind("x2", [Edge("A", 2), Edge("B", 1)]),
            ind("x3", [Edge("B", 3)]),
            agg("A", [Edge("I", 1)]),
            agg("B", [Edge("I", 1)]),
            agg("I"),
        )
    )


def test_it_orders_indicators_then_aggregates_by_level():
    fw = small().check()
    assert fw.codes == ["x1", "x2", "x3", "A", "B", "I"]
    assert fw.levels == {"x1": 1, "x2": 1, "x3": 1, "A": 2, "B": 2, "I": 3}


def test_a_child_feeding_two_aggregates_of_one_level_appears_on_both_edges():
    level2, level3 = small().steps
    assert level2.level == 2 and level3.level == 3
    w = level2.matrix(6)
    # rows: codes; columns: A, B
    assert w[:, 0].tolist() == [1, 2, 0, 0, 0, 0]
    assert w[:, 1].tolist() == [0, 1, 3, 0, 0, 0]
    assert level3.matrix(6)[3:5, 0].tolist() == [1, 1]


def test_it_names_every_fault_at_once():
    fw = Framework(
        nodes=(
            ind("x1", [Edge("A", 1)]),
            ind("x1", [Edge("A", 1)]),
            ind("x2", [Edge("NOPE", 1)]),
            ind("x3", [Edge("A", None)]),
            agg("A", [Edge("B", 1)]),
            agg("B", [Edge("A", 1)]),
        )
    )
    with pytest.raises(FrameworkError) as err:
        fw.check()
    text = str(err.value)
    assert "duplicate code x1" in text and "mã trùng x1" in text
    assert "unknown parent NOPE" in text
    assert "missing weight towards A" in text
    assert "cycle" in text and "vòng lặp" in text
    assert len(err.value.faults) == 4
    assert isinstance(err.value, ValueError)


def test_a_points_framework_defaults_edge_weights_to_one():
    fw = Framework(nodes=(ind("x", [Edge("T")], rule=Rule("fraction", 10)), agg("T")), model=POINTS).check()
    assert fw.children["T"] == [("x", 1.0)]


def test_declared_maximum_points_must_equal_the_children_sum():
    fw = Framework(
        nodes=(
            ind("x", [Edge("T")], rule=Rule("fraction", 10)),
            ind("y", [Edge("T")], rule=Rule("fraction", 5)),
            ind("bonus", [Edge("T")], rule=Rule("binary", 3, effect="bonus")),
            agg("T", max_points=20),
        ),
        model=POINTS,
    )
    assert fw.nominal_max_points["T"] == 15  # the bonus is not part of the maximum
    with pytest.raises(FrameworkError, match="declared maximum 20 but children sum to 15"):
        fw.check()


def test_points_indicators_need_a_valid_rule():
    fw = Framework(
        nodes=(
            ind("x", [Edge("T")]),
            ind("y", [Edge("T")], rule=Rule("step", 5, steps=((1, 9),))),
            agg("T"),
        ),
        model=POINTS,
    )
    faults = [en for en, _ in fw.faults()]
    assert "x: missing scoring rule" in faults
    assert "y: points of a step or choice exceed the maximum" in faults


def test_parent_must_be_an_aggregate_and_sources_known():
    fw = Framework(nodes=(ind("x", [Edge("y", 1)], source="gossip"), ind("y", [Edge("T", 1)]), agg("T")))
    faults = [en for en, _ in fw.faults()]
    assert "x: parent y is an indicator" in faults
    assert "x: unknown source 'gossip'" in faults


def test_declared_levels_must_rise_towards_the_index():
    fw = Framework(nodes=(ind("x", [Edge("A", 1)], level=2), agg("A", level=2)))
    assert any("not below its parent A" in en for en, _ in fw.faults())


def test_weights_are_kept_per_edge():
    fw = small()
    step = fw.steps[0]
    assert np.array_equal(step.weights, [1.0, 2.0, 1.0, 3.0])
