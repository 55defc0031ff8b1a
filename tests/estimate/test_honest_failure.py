"""Failures reported as such: bootstrap tables that cannot be estimated, diverging fits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from unaccounted.estimate import LoglinearSettings, estimate, read_histories
from unaccounted.estimate.bootstrap import bootstrap_bca

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
