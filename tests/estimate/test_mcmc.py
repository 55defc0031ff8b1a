"""R-hat and effective sample size."""

from __future__ import annotations

import numpy as np
import pytest

from unaccounted.estimate.mcmc import effective_size, split_rhat


def test_independent_draws() -> None:
    x = np.random.default_rng(0).normal(size=(4, 2000))
    assert split_rhat(x) == pytest.approx(1.0, abs=0.01)
    assert 6000 < effective_size(x) < 10000


def test_disagreeing_chains_flagged() -> None:
    x = np.random.default_rng(1).normal(size=(4, 1000)) + np.arange(4)[:, None]
    assert split_rhat(x) > 1.5


def test_autocorrelated_chain_has_fewer_effective_draws() -> None:
    rng = np.random.default_rng(2)
    x = np.zeros((4, 4000))
    for t in range(1, 4000):
        x[:, t] = 0.95 * x[:, t - 1] + rng.normal(size=4)
    # AR(1) with rho = 0.95: ESS ~ n (1 - rho) / (1 + rho) = 16000 * 0.05 / 1.95 = 410
    assert effective_size(x) == pytest.approx(410, rel=0.35)
