"""Convergence diagnostics for MCMC draws: R-hat, effective sample sizes, Monte Carlo error.

Vehtari, Gelman, Simpson, Carpenter & Bürkner (2021), "Rank-normalization, folding, and
localization: an improved R-hat for assessing convergence of MCMC", *Bayesian Analysis*
16(2): the rank-normalised split R-hat (the larger of the bulk and the folded-tail
version), the bulk ESS (on rank-normalised draws), the tail ESS (the smaller ESS of the
indicators of the 5% and 95% quantiles) and the Monte Carlo standard error of a quantile.
The plain split R-hat and ESS follow Gelman et al., *Bayesian Data Analysis* (3rd ed.,
§11.4–11.5), with Geyer's initial monotone sequence, summed over all chains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import ndtri
from scipy.stats import beta as beta_dist
from scipy.stats import rankdata

FloatArray = npt.NDArray[np.float64]

#: Vehtari et al. (2021): converged when R-hat <= 1.01 and bulk and tail ESS > 400.
RHAT_LIMIT = 1.01
ESS_LIMIT = 400.0


@dataclass(frozen=True)
class Convergence:
    """The diagnostics of one quantity's draws."""

    rhat: float
    ess_bulk: float
    ess_tail: float

    @property
    def ok(self) -> bool:
        """True when R-hat <= 1.01 and both effective sizes exceed 400."""
        return self.rhat <= RHAT_LIMIT and self.ess_bulk > ESS_LIMIT and self.ess_tail > ESS_LIMIT


def convergence(draws: FloatArray) -> Convergence:
    """Rank-normalised split R-hat, bulk ESS and tail ESS of draws shaped (chains, draws)."""
    return Convergence(rank_rhat(draws), ess_bulk(draws), ess_tail(draws))


def split_rhat(draws: FloatArray) -> float:
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


def rank_rhat(draws: FloatArray) -> float:
    """Rank-normalised split R-hat: the larger of the bulk and the folded (tail) R-hat."""
    x = np.atleast_2d(np.asarray(draws, dtype=np.float64))
    bulk = split_rhat(_rank_normal(x))
    tail = split_rhat(_rank_normal(np.abs(x - np.median(x))))
    return max(bulk, tail)


def ess_bulk(draws: FloatArray) -> float:
    """Bulk effective sample size: the ESS of the rank-normalised draws."""
    return effective_size(_rank_normal(np.atleast_2d(np.asarray(draws, dtype=np.float64))))


def ess_tail(draws: FloatArray) -> float:
    """Tail effective sample size: the smaller ESS of the 5% and 95% quantile indicators."""
    x = np.atleast_2d(np.asarray(draws, dtype=np.float64))
    lo, hi = np.quantile(x, [0.05, 0.95])
    return min(effective_size((x <= lo).astype(float)), effective_size((x <= hi).astype(float)))


def mcse_quantile(draws: FloatArray, prob: float) -> float:
    """Monte Carlo standard error of the ``prob`` quantile (Vehtari et al. 2021, §4.3).

    The ESS of the indicator ``x <= q`` gives a Beta interval for the quantile's rank; half
    the width of that ±1-sd interval, read off the sorted draws, is the error.
    """
    x = np.atleast_2d(np.asarray(draws, dtype=np.float64))
    flat = np.sort(x.ravel())
    ess = effective_size((x <= np.quantile(flat, prob)).astype(float))
    if not math.isfinite(ess):
        return math.nan
    a = beta_dist.ppf([0.1586553, 0.8413447], ess * prob + 1, ess * (1 - prob) + 1)
    s = flat.size
    lo = flat[max(math.floor(a[0] * s), 1) - 1]
    hi = flat[min(math.ceil(a[1] * s), s) - 1]
    return float(hi - lo) / 2


def effective_size(draws: FloatArray) -> float:
    """Effective sample size of draws shaped (chains, iterations), chains split in half."""
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


def _rank_normal(x: FloatArray) -> FloatArray:
    """Normal scores of the pooled ranks (average ranks for ties), in the draws' shape."""
    r = rankdata(x, method="average").reshape(x.shape)
    return np.asarray(ndtri((r - 0.375) / (x.size + 0.25)), dtype=np.float64)


def _split(draws: FloatArray) -> FloatArray:
    x = np.atleast_2d(np.asarray(draws, dtype=np.float64))
    half = x.shape[1] // 2
    return np.vstack([x[:, :half], x[:, half : 2 * half]])
