"""Convergence diagnostics for MCMC draws: split R-hat and effective sample size.

Both follow Gelman et al., *Bayesian Data Analysis* (3rd ed., §11.4–11.5): R-hat on chains
split in half, and the effective sample size from the combined autocorrelations with
Geyer's initial monotone sequence, summed over all chains.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt


def split_rhat(draws: npt.NDArray[np.float64]) -> float:
    """Split R-hat for draws shaped (chains, iterations)."""
    chains = _split(draws)
    n = chains.shape[1]
    if n < 2:
        return math.nan
    means = chains.mean(axis=1)
    w = float(chains.var(axis=1, ddof=1).mean())
    b = float(n * means.var(ddof=1))
    if w == 0:
        return 1.0 if b == 0 else math.inf
    var_plus = (n - 1) / n * w + b / n
    return math.sqrt(var_plus / w)


def effective_size(draws: npt.NDArray[np.float64]) -> float:
    """Effective sample size of draws shaped (chains, iterations)."""
    chains = _split(draws)
    m, n = chains.shape
    if n < 4:
        return math.nan
    centred = chains - chains.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    spec = np.fft.rfft(centred, n=size, axis=1)
    acov = np.fft.irfft(spec * np.conj(spec), n=size, axis=1)[:, :n] / n
    w = float(chains.var(axis=1, ddof=1).mean())
    if w == 0:
        return float(m * n)
    var_plus = (n - 1) / n * w + float(n * chains.mean(axis=1).var(ddof=1)) / n
    rho = 1 - (w - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    # Geyer: sum pairs while positive, forcing them monotone
    total = 0.0
    prev = math.inf
    for t in range(0, n - 1, 2):
        pair = float(rho[t] + rho[t + 1])
        if pair <= 0:
            break
        pair = min(pair, prev)
        prev = pair
        total += pair
    tau = max(2 * total - 1, 1.0 / math.log10(max(m * n, 10)))
    return float(m * n / tau)


def _split(draws: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    x = np.atleast_2d(np.asarray(draws, dtype=np.float64))
    half = x.shape[1] // 2
    return np.vstack([x[:, :half], x[:, half : 2 * half]])
