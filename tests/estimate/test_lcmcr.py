"""The latent-class sampler: correctness on simulated populations, determinism, refusals."""

from __future__ import annotations

import numpy as np
import pytest

from unaccounted.estimate import LCMCRSettings, estimate, from_cells
from unaccounted.estimate.histories import CaptureHistories
from unaccounted.estimate.lcmcr import lcmcr
from unaccounted.estimate.loglinear import fit
from unaccounted.estimate.models import Model
from unaccounted.estimate.result import EstimateRefused


def simulate(seed: int, n: int = 2000) -> CaptureHistories:
    """Two latent classes (30% hard to catch), four lists: heterogeneity induces dependence."""
    rng = np.random.default_rng(seed)
    hard = rng.random(n) < 0.3
    p = np.where(hard[:, None], [0.05, 0.08, 0.06, 0.1], [0.4, 0.3, 0.5, 0.35])
    caught = rng.random((n, 4)) < p
    idx = caught.astype(int) @ (1 << np.arange(4))
    cells = np.bincount(idx, minlength=16)
    cells[0] = 0
    return from_cells(["a", "b", "c", "d"], cells)


def test_recovers_a_latent_class_population() -> None:
    h = simulate(3)
    e = lcmcr(h, LCMCRSettings(iterations=6000, burn_in=1500, seed=11))
    assert e.lower < 2000 < e.upper
    assert e.estimate == pytest.approx(2000, rel=0.15)


def test_one_class_is_model_mt() -> None:
    # With K = 1 the model is Mt (independent lists); its posterior median under the 1/N
    # prior sits within 1% of the independence log-linear MLE for a well-observed table.
    rng = np.random.default_rng(5)
    caught = rng.random((3000, 3)) < [0.5, 0.4, 0.6]
    cells = np.bincount(caught.astype(int) @ [1, 2, 4], minlength=8)
    cells[0] = 0
    h = from_cells(["a", "b", "c"], cells)
    mle = fit(Model.independence(3), h.cells()).estimate
    e = lcmcr(h, LCMCRSettings(classes=1, iterations=3000, burn_in=500, seed=2))
    assert e.estimate == pytest.approx(mle, rel=0.01)


def test_same_seed_same_draws() -> None:
    h = simulate(4)
    s = LCMCRSettings(chains=2, iterations=800, burn_in=200, seed=9)
    assert lcmcr(h, s).to_dict() | {"diagnostics": None} == lcmcr(h, s).to_dict() | {
        "diagnostics": None
    }


def test_short_chains_warn() -> None:
    e = lcmcr(simulate(1), LCMCRSettings(chains=2, iterations=300, burn_in=100, seed=1))
    assert any("effective" in w or "R-hat" in w for w in e.warnings)


def test_needs_three_lists() -> None:
    h = from_cells(["a", "b"], [0, 10, 12, 3])
    with pytest.raises(EstimateRefused, match="at least 3"):
        estimate(h, "lcmcr")
