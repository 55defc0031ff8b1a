"""Failures reported as such: unestimable bootstrap tables, diverging fits, misfit, nesting."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from unaccounted.estimate import LoglinearSettings, estimate, from_cells, read_histories
from unaccounted.estimate.bootstrap import (
    BootstrapResult,
    bca_levels,
    bca_warnings,
    bootstrap_bca,
)
from unaccounted.estimate.histories import nested_lists

DATA = Path(__file__).parent / "data"


def test_a_replicate_that_overflows_is_counted_not_raised() -> None:
    # an estimator that overflows on its first 7 calls (all bootstrap tables, drawn first)
    calls = {"n": 0}

    def flaky(cells: npt.NDArray[np.int64]) -> float:
        calls["n"] += 1
        if calls["n"] <= 7:
            raise OverflowError("math range error")
        return float(cells.sum()) * 1.5

    cells = np.array([0, 30, 25, 6, 20, 5, 4, 1], dtype=np.int64)
    res = bootstrap_bca(cells, flaky, 136.5, nboot=40, seed=0)
    assert res.failed == 7
    assert int(np.isnan(res.replicates).sum()) == 7


def test_three_lists_with_seed_1234_give_an_answer_not_a_traceback() -> None:
    # Artificial_3 (SparseMSE), downhill search, 500 resamples, seed 1234: one resampled
    # table's fit put the unseen beyond any float (exp overflow); that model is now refused
    # inside the search, so every replicate is estimated and the chosen model is unchanged.
    h = read_histories(DATA / "Artificial_3.csv")
    e = estimate(h, loglinear=LoglinearSettings(seed=1234))
    assert e.model == "A + B + C"
    assert round(e.estimate, 2) == 539.09
    assert e.diagnostics["bootstrap_failed"] == 0
    assert e.lower < e.estimate < e.upper


def test_deviance_of_a_closed_form_model() -> None:
    # Model a:b + c on three lists has closed-form fitted values on the incomplete table:
    # cell (a=0, b=0, c=1) is fitted exactly (its a:b group has no other observed cell), and
    # in the three other a:b groups c is recorded with one common share 10/71. G² over the
    # 7 observed cells, df = 7 - 5 parameters (intercept, a, b, c, a:b) = 2.
    h = from_cells(["a", "b", "c"], [0, 30, 25, 6, 20, 5, 4, 1])
    share = 10 / 71
    pairs = ((30, 5), (25, 4), (6, 1))  # (c = 0, c = 1) in groups a only, b only, a and b
    g2 = 0.0
    for y0, y1 in pairs:
        total = y0 + y1
        g2 += 2 * (y0 * math.log(y0 / (total * (1 - share))) + y1 * math.log(y1 / (total * share)))
    e = estimate(h, loglinear=LoglinearSettings(model="a:b + c"))
    assert e.diagnostics["deviance"] == pytest.approx(g2, rel=1e-6)
    assert e.diagnostics["deviance_df"] == 2
    assert e.diagnostics["deviance_p"] == pytest.approx(math.exp(-g2 / 2), rel=1e-6)  # chi2(2)
    assert e.warnings == []


NESTED = from_cells(["a", "b", "c"], [0, 0, 60, 40, 50, 0, 15, 10])  # a inside b: 65 people


def test_nested_lists_are_named_with_the_advice_to_merge() -> None:
    e = estimate(NESTED, loglinear=LoglinearSettings(model="a + b + c"))
    assert e.warnings[-1] == (
        "everyone on list a is also on list b: the two are not independent sources; "
        "merge them into one independence group"
    )


def test_gross_lack_of_fit_is_flagged_with_its_deviance() -> None:
    # independence on the nested table: G² 92.6 on 3 df
    e = estimate(NESTED, loglinear=LoglinearSettings(model="a + b + c"))
    assert e.warnings[0] == (
        "the chosen model fits the observed cells badly (deviance 92.6 on 3 df, p = 6.1e-20): "
        "lists depend on each other in ways it does not model"
    )


def test_a_small_list_inside_another_is_not_reported() -> None:
    # list a holds 9 people, all also on b: below NESTED_MIN, chance containment
    h = from_cells(["a", "b", "c"], [0, 0, 60, 5, 50, 0, 30, 4])
    assert nested_lists(h) == []


def _boot(z0: float, a: float, levels: tuple[float, float], used: int) -> BootstrapResult:
    reps = np.arange(used, dtype=np.float64)
    return BootstrapResult(0.0, 1.0, reps, a, z0, 0, levels)


def test_a_plain_bca_interval_carries_no_flag() -> None:
    assert bca_warnings(_boot(0.1, 0.02, (0.03, 0.98), 500)) == []


def test_bca_flags_a_large_bias_and_acceleration() -> None:
    # z0 1.08 as an AIC search on a four-list UK table gave; a = -0.25
    assert bca_warnings(_boot(1.08, -0.25, (0.3, 0.999), 500))[:2] == [
        "the BCa bias correction is large (z0 = 1.08): the bootstrap replicates sit mostly "
        "on one side of the estimate",
        "the BCa acceleration is large (a = -0.25)",
    ]


def test_bca_flags_an_end_on_the_largest_replicate() -> None:
    # level 0.999 of 500 replicates is beyond the 499th order statistic
    assert bca_warnings(_boot(0.1, 0.0, (0.03, 0.999), 500)) == [
        "the interval's upper end is the largest of 500 replicates (BCa level 0.9990): more "
        "resamples or another interval are needed"
    ]


def test_bca_levels_without_corrections_are_the_nominal_ones() -> None:
    # z0 = a = 0: BCa reads the plain 2.5% and 97.5% quantiles
    assert bca_levels(0.0, 0.0) == pytest.approx((0.025, 0.975))
