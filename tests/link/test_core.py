"""The link core's glue: both passes' pairs merged once, pass 2 scoring only new pairs."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from unaccounted.link.cluster import Pairs
from unaccounted.link.constraints import value_codes
from unaccounted.link.core import _score_groups, _union


def scored(rows: list[tuple[int, int, float]]) -> pa.Table:
    left, right, prob = zip(*rows, strict=True)
    return pa.table({
        "unique_id_l": pa.array(left, pa.int64()), "unique_id_r": pa.array(right, pa.int64()),
        "match_weight": pa.array([p * 10 for p in prob], pa.float64()),
        "match_probability": pa.array(prob, pa.float64()),
        "levels": pa.array([[1, 2]] * len(rows), pa.list_(pa.int8())),
    })  # fmt: skip


def test_both_passes_pairs_are_kept_once_in_pair_order() -> None:
    first = scored([(3, 4, 0.9), (1, 2, 0.8)])
    second = scored([(1, 3, 0.1), (1, 2, 0.8), (2, 4, 0.05)])
    merged = _union(first, second)
    pairs = list(zip(merged.column("unique_id_l").to_pylist(),
                     merged.column("unique_id_r").to_pylist(), strict=True))  # fmt: skip
    assert pairs == [(1, 2), (1, 3), (2, 4), (3, 4)]
    assert merged.column("match_probability").to_pylist() == [0.8, 0.1, 0.05, 0.9]
    assert _union(first, None) is first
    # with no pairs in the first pass, the second pass's pairs, ordered by pair
    alone = _union(first.slice(0, 0), second)
    assert alone.column("unique_id_l").to_pylist() == [1, 1, 2]
    assert alone.column("unique_id_r").to_pylist() == [2, 3, 4]


def testvalue_codes_are_equal_for_equal_values_and_minus_one_for_missing() -> None:
    codes = value_codes(pa.chunked_array([["a", None], ["b", "a"]]))
    assert codes.tolist() == [0, -1, 1, 0]


def test_pass_two_has_nothing_to_score_when_every_group_pair_is_known() -> None:
    groups = np.array([0, 0, 0, 1])
    known = Pairs(np.array([0, 0, 1]), np.array([1, 2, 2]), np.array([0.9, 0.4, 0.3]))
    assert _score_groups(None, {"x": 1}, groups, 10, scored=known) is None  # type: ignore[arg-type]
    # a group of two is never rescored, nor a group with more pairs than allowed
    assert _score_groups(None, {"x": 1}, np.array([0, 0, 1, 1]), 10) is None  # type: ignore[arg-type]
    assert _score_groups(None, {"x": 1}, np.zeros(4, np.int64), 5) is None  # type: ignore[arg-type]
