"""Stratified estimates: lists from independence groups, strata, non-estimable reasons."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from unaccounted.estimate import estimate, from_cells
from unaccounted.estimate.strata import (
    UNKNOWN,
    MethodChoice,
    RecordTable,
    estimate_cells,
    impute_strata,
    not_estimable,
    person_cells,
    quarter,
    reduce_lists,
)
from unaccounted.estimate.stratified import estimate_strata


def test_quarter_of_an_event_interval() -> None:
    assert quarter(dt.date(2023, 4, 1), dt.date(2023, 6, 30)) == "2023-Q2"
    assert quarter(dt.date(2023, 3, 31), dt.date(2023, 4, 1)) is None  # spans two quarters
    assert quarter(None, dt.date(2023, 4, 1)) is None


def test_two_sources_of_one_group_are_one_list() -> None:
    # records 0 and 1 are one person seen by two sources of group "state": one list.
    table = RecordTable.build(["state", "state", "media"], [True, True, True], ["R", "R", "R"])
    cells = person_cells(table, np.array([0, 0, 2]))
    assert table.lists == ("media", "state")
    # person 0: state only (bit 1 = cell 2); person 2: media only (cell 1)
    assert cells.tolist() == [[0, 1, 1, 0], [0, 0, 0, 0]]


def test_person_is_dead_when_any_record_says_so_and_stratum_by_most_lists() -> None:
    # one person, three records: two lists say region A, one says B; one record says dead,
    # so the person is dead, in A, and on that record's list alone
    table = RecordTable.build(["x", "y", "z"], [False, True, False], ["A", "A", "B"])
    cells = person_cells(table, np.array([5, 5, 5]))
    assert table.strata == ("A", "B", UNKNOWN)
    assert cells[0, 0b010] == 1 and cells.sum() == 1
    # a tie between values goes to the alphabetically first; no value: (unknown)
    tie = RecordTable.build(["x", "y", "z"], [True, True, True], ["B", "A", None])
    cells = person_cells(tie, np.array([0, 0, 2]))
    assert cells[0, 0b011] == 1 and cells[2, 0b100] == 1 and cells.sum() == 2


def test_not_alive_persons_are_left_out() -> None:
    table = RecordTable.build(["x", "y"], [False, False], ["A", "A"])
    assert person_cells(table, np.array([0, 1])).sum() == 0


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0], "nobody documented"),
        ([0, 5, 3, 2, 0, 0, 0, 0], "fewer than 3 lists saw anyone (2)"),
        ([0, 5, 3, 0, 4, 0, 0, 0], "no person is on two lists (no overlaps)"),
    ],
)
def test_non_estimable_reasons(cells: list[int], reason: str) -> None:
    assert not_estimable(np.array(cells), ("a", "b", "c")) == reason


def test_refused_fit_is_reported_with_its_reason() -> None:
    # three lists, everyone seen by a and b (nobody by one list alone): the MLE does not exist
    cells = np.array([0, 0, 0, 2, 0, 0, 0, 1])
    from unaccounted.estimate import EstimateRefused

    with pytest.raises(EstimateRefused, match="does not exist"):
        estimate_cells(cells, ("a", "b", "c"), MethodChoice())


def test_lists_that_saw_nobody_in_a_stratum_are_dropped() -> None:
    # four lists; list d (bit 3) saw nobody in this stratum
    cells = np.zeros(16, dtype=np.int64)
    cells[[0b001, 0b010, 0b100, 0b011, 0b101, 0b110, 0b111]] = [30, 20, 25, 10, 8, 6, 3]
    hist = reduce_lists(cells, ("a", "b", "c", "d"))
    assert hist.lists == ("a", "b", "c")
    assert hist.cells().tolist() == [0, 30, 20, 10, 25, 8, 6, 3]


def test_stratum_estimate_is_the_pairs_model_fit() -> None:
    # 4 lists: every two-list interaction, profile interval; same as the fixed model
    cells = np.zeros(16, dtype=np.int64)
    cells[1:] = [40, 35, 12, 30, 10, 9, 4, 25, 8, 7, 3, 6, 2, 2, 1]
    got = estimate_cells(cells, ("a", "b", "c", "d"), MethodChoice())
    model = "a:b + a:c + a:d + b:c + b:d + c:d"
    from unaccounted.estimate import LoglinearSettings

    ref = estimate(
        from_cells(("a", "b", "c", "d"), cells), loglinear=LoglinearSettings(model=model)
    )
    assert got.model == "a:b + a:c + b:c + a:d + b:d + c:d"  # generators by bit mask
    assert got.estimate == pytest.approx(ref.estimate, rel=1e-9)
    assert (got.lower, got.upper) == pytest.approx((ref.lower, ref.upper), rel=1e-9)


def _table_two_strata() -> tuple[RecordTable, np.ndarray]:
    """Stratum A: a 4-list table; stratum B: persons on two lists only."""
    lists, dead, values, labels = [], [], [], []
    counts = [40, 35, 12, 30, 10, 9, 4, 25, 8, 7, 3, 6, 2, 2, 1]
    person = 0
    for mask, n in zip(range(1, 16), counts, strict=True):
        for _ in range(n):
            for j, name in enumerate("abcd"):
                if mask >> j & 1:
                    lists.append(name), dead.append(True), values.append("A")
                    labels.append(person)
            person += 1
    for mask in (0b01, 0b10, 0b11, 0b11):
        for j, name in enumerate("ab"):
            if mask >> j & 1:
                lists.append(name), dead.append(True), values.append("B")
                labels.append(person)
        person += 1
    return RecordTable.build(lists, dead, values), np.array(labels, dtype=np.int64)


def test_total_adds_estimable_strata_and_documented_of_the_rest() -> None:
    table, labels = _table_two_strata()
    res = estimate_strata(table, labels, [], MethodChoice(), "x")
    a, b = res.strata
    assert (a.stratum, a.documented, b.stratum, b.documented) == ("A", 194, "B", 4)
    assert b.reason == "fewer than 3 lists saw anyone (2)"
    # the total: A's estimate plus B's 4 documented (nothing unseen added for B)
    assert res.total.estimate == pytest.approx(a.estimate + 4, rel=1e-12)
    assert res.total.documented == 198
    # its interval combines A's interval sides on the log scale (between draws: none)
    z = 1.959963984540054
    n, s = a.estimate, a.estimate + 4
    sd_low = n * (np.log(n) - np.log(a.lower)) / z / s
    sd_high = n * (np.log(a.upper) - np.log(n)) / z / s
    assert res.total.lower == pytest.approx(max(s * np.exp(-z * sd_low), 198), rel=1e-9)
    assert res.total.upper == pytest.approx(s * np.exp(z * sd_high), rel=1e-9)
    assert res.total.warnings == [
        "1 strata could not be estimated; their documented dead are added with nothing unseen"
    ]


def test_identical_draws_give_no_linkage_width_and_the_stratum_interval() -> None:
    table, labels = _table_two_strata()
    alone = estimate_strata(table, labels, [], MethodChoice(), "x")
    drawn = estimate_strata(table, labels, [labels, labels, labels], MethodChoice(), "x")
    a0, a1 = alone.strata[0], drawn.strata[0]
    assert a1.linkage_width_share == 0.0 and a1.draws == 3
    assert (a1.estimate, a1.lower, a1.upper) == pytest.approx((a0.estimate, a0.lower, a0.upper))


def test_spans_are_value_codes_of_the_known_values() -> None:
    values = ["2023-Q1", "2023-Q2", "2023-Q4", None, None, None]
    spans = [None, None, None, ("2023-Q2", "2023-Q4"), ("2024-Q1", "2024-Q2"), None]
    table = RecordTable.build(["a"] * 6, [True] * 6, values, spans)
    assert table.values == ("2023-Q1", "2023-Q2", "2023-Q4")
    assert table.span is not None
    # Q2..Q4 covers the known Q2 and Q4; a range with no known value allows any
    assert table.span.tolist() == [[-1, -1], [-1, -1], [-1, -1], [1, 2], [-1, -1], [-1, -1]]


def test_a_person_of_unknown_stratum_is_placed_within_its_records_range() -> None:
    # persons 0-2 in Q1, Q2, Q3; person 3 has only a year-like range Q3..Q4 (Q3 the only
    # known value in it), so imputation must put it in Q3
    lists = ["a", "b", "a", "b", "a", "b", "a"]
    values = ["Q1", "Q1", "Q2", "Q2", "Q3", "Q3", None]
    spans = [None] * 6 + [("Q3", "Q4")]
    table = RecordTable.build(lists, [True] * 7, values, spans)
    labels = np.array([0, 0, 1, 1, 2, 2, 3])
    plain = person_cells(table, labels)
    assert plain[3].sum() == 1  # the unknown stratum
    placed = person_cells(table, labels, np.random.default_rng(0))
    assert placed[3].sum() == 0
    assert placed[2, 0b01] == 1 and placed[2, 0b11] == 1 and placed.sum() == 4


class _Recorder:
    """Stands in for a Generator: records the Dirichlet parameters (its gamma draws return
    their shapes, so the drawn shares equal the parameters' shares) and the probabilities
    it is asked to draw with."""

    def __init__(self) -> None:
        self.alpha: list[list[float]] = []
        self.p: list[list[float]] = []

    def gamma(self, shape: np.ndarray) -> np.ndarray:
        self.alpha.append([float(x) for x in shape])
        return shape

    def choice(self, n: int, size: int, p: np.ndarray) -> np.ndarray:
        self.p.append([float(x) for x in p])
        return np.zeros(size, dtype=np.int64)


def test_imputation_weights_follow_the_same_history_then_the_strata_shares() -> None:
    # stratum 0: 10 persons seen by list a alone; stratum 1: 10 seen by a and b
    stratum = np.array([0] * 10 + [1] * 10 + [2, 2], dtype=np.int64)  # 2: unknown
    bits = np.array([0b01] * 10 + [0b11] * 10 + [0b01, 0b10], dtype=np.int64)
    dead = np.ones(22, dtype=bool)
    none = np.full(22, -1, dtype=np.int64)
    rec = _Recorder()
    out = impute_strata(stratum, dead, bits, none, none, 2, rec)  # type: ignore[arg-type]
    # history a alone: 10 + 1/2 against 0 + 1/2; history b alone (seen nowhere): the shares
    assert rec.alpha == [[10.5, 0.5], [0.5, 0.5]]
    assert rec.p == [pytest.approx([10.5 / 11, 0.5 / 11]), pytest.approx([0.5, 0.5])]
    assert out[20:].tolist() == [0, 0]


def test_each_imputation_draws_the_shares_from_their_posterior() -> None:
    # a proper imputation: the shares vary between calls around n(s, h) + n(s) / n
    stratum = np.array([0] * 10 + [1] * 10 + [2] * 40, dtype=np.int64)
    bits = np.array([0b01] * 10 + [0b11] * 10 + [0b01] * 40, dtype=np.int64)
    dead = np.ones(60, dtype=bool)
    none = np.full(60, -1, dtype=np.int64)
    rng = np.random.default_rng(7)
    to_first = [
        int((impute_strata(stratum, dead, bits, none, none, 2, rng)[20:] == 0).sum())
        for _ in range(400)
    ]
    # Dirichlet(10.5, 0.5): mean share 10.5 / 11 = 0.955, sd 0.061 -> 40 persons: 38.2, sd 3.0
    assert np.mean(to_first) == pytest.approx(38.2, abs=0.5)
    assert 2.4 < np.std(to_first) < 3.6


def test_estimates_place_unknown_persons_and_say_so() -> None:
    table, labels = _table_two_strata()
    # three more persons on lists a and b with no stratum
    lists = [*table.lists]  # keep the names
    extra_lists = ["a", "b", "a", "c"]
    extra_labels = [900, 900, 901, 902]
    full = RecordTable.build(
        [lists[i] for i in table.list_of] + extra_lists,
        [*table.dead.tolist(), True, True, True, True],
        [table.values[v] for v in table.value] + [None] * 4,
    )
    all_labels = np.concatenate([labels, np.array(extra_labels)])
    res = estimate_strata(full, all_labels, [], MethodChoice(model="pairs"), "x")
    unknown = res.strata[-1]
    assert unknown.stratum == UNKNOWN and unknown.documented == 3
    assert unknown.reason == "placed in the strata by imputation (3 persons)"
    a, b = res.strata[0], res.strata[1]
    assert a.imputed is not None and b.imputed is not None
    assert a.imputed + b.imputed == pytest.approx(3.0)
    assert "placed by imputation, afresh in each of 20 runs" in res.combination
    assert res.total.warnings == [
        "1 strata could not be estimated; their documented dead are added with nothing unseen"
    ]  # B (two lists), not the placed ones
    kept = estimate_strata(full, all_labels, [], MethodChoice(model="pairs"), "x", impute=False)
    # kept apart, the three are a stratum of their own (3 lists, one person on two)
    assert kept.strata[-1].stratum == UNKNOWN and kept.strata[-1].estimable
    assert kept.strata[0].imputed is None and "imputation" not in kept.combination
