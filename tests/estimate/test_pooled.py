"""The pooled log-linear model over strata (estimate/pooled.py)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from unaccounted.estimate.pooled import fit_pooled
from unaccounted.estimate.strata import (
    PAIRS,
    MethodChoice,
    RecordTable,
    estimate_cells,
)
from unaccounted.estimate.stratified import estimate_strata

LISTS = ("a", "b", "c", "d")
Z = 1.959963984540054


def expected_cells(
    unseen: float, main: list[float], pairs: dict[tuple[int, int], float]
) -> np.ndarray:
    """A stratum's expected counts under the model: log μ(h) = log unseen + Σ main + Σ pairs."""
    k = len(main)
    out = np.zeros(2**k)
    for h in range(2**k):
        on = [j for j in range(k) if h >> j & 1]
        eta = math.log(unseen) + sum(main[j] for j in on)
        eta += sum(v for (a, b), v in pairs.items() if a in on and b in on)
        out[h] = math.exp(eta)
    return out


SHARED = {(0, 1): 0.8, (0, 2): 0.3, (1, 3): -0.4, (2, 3): 0.5}


def test_recovers_each_strata_unseen_from_its_expected_counts() -> None:
    # two strata with different capture rates and the same interactions; counts scaled up
    # so that rounding them to integers is negligible
    scale = 10_000
    a = expected_cells(50.0, [-0.5, -1.0, -0.2, -1.5], SHARED) * scale
    b = expected_cells(20.0, [0.3, -0.6, -1.1, -0.9], SHARED) * scale
    cells = np.rint(np.stack([a, b])).astype(np.int64)
    fit, reasons = fit_pooled(cells, LISTS)
    assert reasons == {} and fit is not None and fit.strata == (0, 1)
    assert fit.unseen == pytest.approx([50.0 * scale, 20.0 * scale], rel=1e-4)
    assert fit.documented.tolist() == [int(cells[0, 1:].sum()), int(cells[1, 1:].sum())]


def test_one_stratum_twice_is_that_stratum_alone() -> None:
    # the same table in two strata: each gets the estimate of the table on its own under
    # every two-list interaction (the pooled model's interactions are the table's)
    cells = np.zeros(16, dtype=np.int64)
    cells[1:] = [40, 35, 12, 30, 10, 9, 4, 25, 8, 7, 3, 6, 2, 2, 1]
    fit, _ = fit_pooled(np.stack([cells, cells]), LISTS)
    assert fit is not None
    alone = estimate_cells(cells, LISTS, MethodChoice(model=PAIRS))
    first, second = fit.stratum(0), fit.stratum(1)
    assert first.estimate == pytest.approx(alone.estimate, rel=1e-3)
    assert second.estimate == pytest.approx(first.estimate, rel=1e-9)


def test_intervals_carry_the_poisson_noise_and_the_covariances() -> None:
    cells = np.zeros((3, 16), dtype=np.int64)
    cells[0, 1:] = [40, 35, 12, 30, 10, 9, 4, 25, 8, 7, 3, 6, 2, 2, 1]
    cells[1, 1:] = [20, 10, 6, 12, 5, 3, 2, 11, 3, 4, 1, 2, 1, 0, 1]
    cells[2, [1, 2, 3]] = [5, 4, 1]  # two lists only: not in the model
    fit, reasons = fit_pooled(cells, LISTS)
    assert fit is not None and fit.strata == (0, 1)
    assert reasons == {2: "fewer than 3 lists saw anyone (2)"}
    for i in range(2):
        est, mu = fit.stratum(i), float(fit.unseen[i])
        sd = math.sqrt(fit.cov[i, i] + 1 / mu)
        assert est.observed == int(cells[i, 1:].sum())
        assert est.estimate == pytest.approx(est.observed + mu, rel=1e-12)
        assert est.lower == pytest.approx(est.observed + mu * math.exp(-Z * sd), rel=1e-12)
        assert est.upper == pytest.approx(est.observed + mu * math.exp(Z * sd), rel=1e-12)
    total = fit.total(extra_documented=10)
    mu = fit.unseen
    sd = math.sqrt(mu @ fit.cov @ mu + mu.sum()) / mu.sum()
    assert total.observed == int(cells[:2, 1:].sum()) + 10
    assert total.estimate == pytest.approx(total.observed + mu.sum(), rel=1e-12)
    assert total.upper == pytest.approx(total.observed + mu.sum() * math.exp(Z * sd), rel=1e-12)
    # the strata share the interactions, so their errors are correlated
    assert fit.cov[0, 1] > 0


def test_a_list_nobody_in_a_stratum_saw_is_left_out_of_that_stratum() -> None:
    # stratum 1 has no record from list d: its histories with d are structural zeros, not
    # evidence that d captures nobody there
    a = np.rint(expected_cells(50.0, [-0.5, -1.0, -0.2, -1.5], SHARED) * 100).astype(np.int64)
    b = np.rint(expected_cells(30.0, [0.3, -0.6, -1.1, -0.9], SHARED) * 100).astype(np.int64)
    b[[h for h in range(16) if h & 0b1000]] = 0
    fit, _ = fit_pooled(np.stack([a, b]), LISTS)
    assert fit is not None
    assert fit.unseen[1] == pytest.approx(3000.0, rel=0.02)


def test_strata_default_is_pooled_with_a_joint_total() -> None:
    lists, dead, values, labels = [], [], [], []
    person = 0
    tables = {
        "A": [40, 35, 12, 30, 10, 9, 4, 25, 8, 7, 3, 6, 2, 2, 1],
        "B": [20, 10, 6, 12, 5, 3, 2, 11, 3, 4, 1, 2, 1, 0, 1],
    }
    for value, counts in tables.items():
        for mask, n in zip(range(1, 16), counts, strict=True):
            for _ in range(n):
                for j, name in enumerate(LISTS):
                    if mask >> j & 1:
                        lists.append(name), dead.append(True), values.append(value)
                        labels.append(person)
                person += 1
    table = RecordTable.build(lists, dead, values)
    res = estimate_strata(table, np.array(labels, dtype=np.int64), [], MethodChoice(), "x")
    cells = np.zeros((2, 16), dtype=np.int64)
    cells[0, 1:], cells[1, 1:] = tables["A"], tables["B"]
    fit, _ = fit_pooled(cells, LISTS)
    assert fit is not None
    a, b = res.strata
    for got, i in ((a, 0), (b, 1)):
        ref = fit.stratum(i)
        assert (got.estimate, got.lower, got.upper) == pytest.approx(
            (ref.estimate, ref.lower, ref.upper), rel=1e-12
        )
        assert got.model.startswith("pooled")
    ref = fit.total()
    assert (res.total.estimate, res.total.lower, res.total.upper) == pytest.approx(
        (ref.estimate, ref.lower, ref.upper), rel=1e-12
    )
    assert res.total.model == (
        "sum of 2 strata of one pooled model (prior sd of the strata's capture deviations 0.25, "
        "chosen by marginal likelihood)"
    )


def test_cells_of_the_wrong_width_are_refused() -> None:
    with pytest.raises(ValueError, match="2\\^4 columns"):
        fit_pooled(np.zeros((2, 8), dtype=np.int64), LISTS)


def test_no_stratum_in_the_model() -> None:
    cells = np.zeros((2, 16), dtype=np.int64)
    cells[0, 1] = 3
    fit, reasons = fit_pooled(cells, LISTS)
    assert fit is None
    assert reasons == {0: "fewer than 3 lists saw anyone (1)", 1: "nobody documented"}


def test_every_history_is_in_the_design_once() -> None:
    # all 15 observable histories of 4 lists in each of 2 strata
    from unaccounted.estimate.pooled import _design

    cells = np.ones((2, 16), dtype=np.int64)
    x, y, deviation, base = _design(cells, (0, 1), 4)
    pairs = len(list(itertools.combinations(range(4), 2)))
    assert x.shape == (30, 2 + 4 + 2 * 4 + pairs)
    assert y.tolist() == [1.0] * 30
    assert deviation.tolist() == [0.0] * 6 + [1.0] * 8 + [0.0] * pairs
    assert base.tolist() == [0.0] * 14 + [30.0**-2] * pairs


def _two_strata(scale_b: float, pairs_b: dict[tuple[int, int], float]) -> np.ndarray:
    a = expected_cells(300.0, [-0.5, -1.0, -0.2, -1.5], SHARED)
    main_b = [-0.5 + scale_b, -1.0 - scale_b, -0.2 + scale_b, -1.5 - scale_b]
    b = expected_cells(300.0, main_b, pairs_b)
    return np.rint(np.stack([a, b]) * 20).astype(np.int64)


def test_the_prior_scale_follows_how_much_the_strata_differ() -> None:
    # strata whose captures are alike choose the narrowest scale; strata far apart a wide one
    alike, _ = fit_pooled(_two_strata(0.0, SHARED), LISTS)
    apart, _ = fit_pooled(_two_strata(1.5, SHARED), LISTS)
    assert alike is not None and apart is not None
    assert alike.scale == 0.25 and apart.scale >= 1.0
    assert [tau for tau, _ in apart.evidence] == [0.25, 0.5, 1.0, 2.0, 4.0]
    assert max(apart.evidence, key=lambda e: e[1])[0] == apart.scale
    fixed, _ = fit_pooled(_two_strata(1.5, SHARED), LISTS, scale=0.5)
    assert fixed is not None and fixed.scale == 0.5 and len(fixed.evidence) == 1
    assert fixed.stratum(0).diagnostics["deviation_sd"] == 0.5


def test_a_pair_that_depends_differently_by_stratum_is_reported() -> None:
    same, _ = fit_pooled(_two_strata(0.3, SHARED), LISTS)
    assert same is not None and same.pair_warnings == ()
    other = dict(SHARED)
    other[(0, 1)] = -1.0  # lists a and b: strongly positive in one stratum, negative in other
    differ, _ = fit_pooled(_two_strata(0.3, other), LISTS)
    assert differ is not None
    assert len(differ.pair_warnings) >= 1
    assert differ.pair_warnings[0].startswith(
        "lists a and b depend on each other differently in different strata (X² = "
    )
    assert differ.total().warnings[: len(differ.pair_warnings)] == list(differ.pair_warnings)
