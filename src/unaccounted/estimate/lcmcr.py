"""Bayesian latent-class model for capture-recapture (LCMCR, Manrique-Vallier 2016).

People fall into latent classes; within a class the lists capture independently, each with
its own probability. Heterogeneity between classes induces the dependence between lists
that log-linear models must model explicitly.

Model (the defaults of the R package ``LCMCR``):

- classes: a truncated stick-breaking (Dirichlet-process) prior with ``K = 10`` sticks,
  ``V_k ~ Beta(1, alpha)``, concentration ``alpha ~ Gamma(0.25, rate 0.25)``;
- capture probabilities ``lambda_jk ~ Beta(1, 1)`` for list ``j`` in class ``k``;
- population size with prior ``p(N) ∝ 1/N``.

The Gibbs sampler augments the data with the unseen: given the parameters, the number
unseen is negative binomial, ``n0 ~ NB(n, 1 − p0)`` with ``p0`` the probability of being
missed by every list. Everyone with the same capture history shares the same class
probabilities, so class memberships are drawn as multinomial counts per distinct history
rather than one person at a time — exact, and it makes the cost of an iteration independent
of N. All chains advance together as one batch of arrays. There is no cap on the unseen
count. The conditionals are those of the R package's C++ sampler (``NPLCM_CR_Basic_Freq``);
``tests/estimate/test_lcmcr.py`` checks them against the exact one-class posterior and an
independent per-person sampler.

N mixes slowly (given lambda of the hardest class, n0 is pinned), so an optional
Metropolis move (``collapsed_move``) changes the unseen count of one class with lambda and
pi integrated out, then redraws both exactly.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln

from unaccounted.estimate.histories import CaptureHistories
from unaccounted.estimate.mcmc import effective_size, split_rhat
from unaccounted.estimate.result import Estimate, EstimateRefused

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class LCMCRSettings:
    """Sampler settings; the defaults follow Manrique-Vallier (2016) and the R package."""

    classes: int = 10
    chains: int = 4
    iterations: int = 20_000
    burn_in: int = 5_000
    thin: int = 1
    alpha_shape: float = 0.25
    alpha_rate: float = 0.25
    seed: int = 0
    collapsed_move: bool = False


@dataclass(frozen=True)
class LCMCRDraws:
    """Posterior draws kept after burn-in and thinning, shaped (chains, draws)."""

    n_total: FloatArray
    alpha: FloatArray
    occupied: FloatArray
    seconds: float


def sample(hist: CaptureHistories, settings: LCMCRSettings = LCMCRSettings()) -> LCMCRDraws:
    """Run the Gibbs sampler and return the kept draws of N, alpha and occupied classes."""
    s = settings
    if s.iterations <= s.burn_in:
        raise ValueError("iterations must exceed burn_in")
    rng = np.random.default_rng(s.seed)
    x = hist.patterns.astype(np.float64)  # (H, J)
    xt = np.ascontiguousarray(x.T)
    counts = hist.counts
    n = float(counts.sum())
    c, j, k = s.chains, hist.k, s.classes
    count_grid = np.broadcast_to(counts, (c, counts.size))
    lam = rng.beta(1.0, 1.0, size=(c, j, k))
    log_pi = np.full((c, k), -math.log(k))
    alpha = np.ones(c)
    log_step = np.full(c, math.log(max(1.0, 0.5 * math.sqrt(n))))
    kept = (s.iterations - s.burn_in + s.thin - 1) // s.thin
    out_n = np.empty((c, kept))
    out_alpha = np.empty((c, kept))
    out_occ = np.empty((c, kept))
    started = time.perf_counter()
    slot = 0
    for it in range(s.iterations):
        log_lam = np.log(lam)
        log_miss = np.log1p(-lam)  # (C, J, K)
        miss_all = log_miss.sum(axis=1)  # (C, K): log P(missed by every list | class)
        # class probabilities of each observed history
        w = np.matmul(x, log_lam - log_miss) + miss_all[:, None, :] + log_pi[:, None, :]
        w -= w.max(axis=2, keepdims=True)
        p = np.exp(w)
        p /= p.sum(axis=2, keepdims=True)
        m = rng.multinomial(count_grid, p)  # (C, H, K) class counts per history
        # the unseen: how many, then their classes
        l0 = log_pi + miss_all
        top = l0.max(axis=1)
        log_p0 = top + np.log(np.exp(l0 - top[:, None]).sum(axis=1))
        n0 = _negative_binomial(rng, n, log_p0)
        q0 = np.exp(l0 - log_p0[:, None])
        q0 /= q0.sum(axis=1, keepdims=True)
        m0 = rng.multinomial(n0.astype(np.int64), q0).astype(np.float64)  # (C, K)
        seen_k = m.sum(axis=1)
        caught = np.matmul(xt, m)  # (C, J, K) captures per list and class
        # a joint move of the unseen with lambda and pi integrated out; both are redrawn
        # from their full conditionals right below, so the pair of steps is exact
        if s.collapsed_move:
            acc = _collapsed_unseen_move(rng, m0, seen_k, caught, alpha, n, log_step, k == 1)
            if it < s.burn_in:  # adapt the step towards 30% acceptance, then freeze it
                log_step += min(0.05, 1.0 / math.sqrt(it + 1)) * (acc - 0.3)
            n0 = m0.sum(axis=1)
        nk = seen_k + m0
        lam = rng.beta(1.0 + caught, 1.0 + nk[:, None, :] - caught)
        np.clip(lam, 1e-12, 1 - 1e-12, out=lam)
        if k == 1:  # a single class: the Bayesian model Mt, no stick-breaking
            if it >= s.burn_in and (it - s.burn_in) % s.thin == 0:
                out_n[:, slot], out_alpha[:, slot], out_occ[:, slot] = n + n0, alpha, 1.0
                slot += 1
            continue
        # stick-breaking weights and their concentration
        tail = np.cumsum(nk[:, ::-1], axis=1)[:, ::-1]  # sum over l >= k
        v = rng.beta(1.0 + nk[:, :-1], alpha[:, None] + tail[:, 1:])
        np.clip(v, 1e-300, 1 - 1e-16, out=v)
        log_rest = np.cumsum(np.log1p(-v), axis=1)
        log_pi[:, 0] = np.log(v[:, 0])
        log_pi[:, 1:-1] = np.log(v[:, 1:]) + log_rest[:, :-1]
        log_pi[:, -1] = log_rest[:, -1]
        alpha = rng.gamma(s.alpha_shape + k - 1, 1.0 / (s.alpha_rate - log_rest[:, -1]))
        if it >= s.burn_in and (it - s.burn_in) % s.thin == 0:
            out_n[:, slot] = n + n0
            out_alpha[:, slot] = alpha
            out_occ[:, slot] = (nk > 0).sum(axis=1)
            slot += 1
    return LCMCRDraws(out_n, out_alpha, out_occ, time.perf_counter() - started)


def _negative_binomial(rng: np.random.Generator, n: float, log_p0: FloatArray) -> FloatArray:
    """NB(n, 1 − p0) draws via the gamma–Poisson mixture, without any cap on the count."""
    p0 = np.exp(log_p0)
    odds = p0 / -np.expm1(log_p0)
    rate = rng.gamma(n, odds)
    small = rate < 1e15
    out = np.where(small, rng.poisson(np.where(small, rate, 0.0)), np.round(rate))
    return np.asarray(out, dtype=np.float64)


def _collapsed_unseen_move(
    rng: np.random.Generator,
    m0: FloatArray,
    seen_k: FloatArray,
    caught: FloatArray,
    alpha: FloatArray,
    n: float,
    log_step: FloatArray,
    one_class: bool,
) -> FloatArray:
    """Metropolis step on the unseen count of one class per chain, in place; 1 if accepted.

    The target is p(m0 | observed classes, alpha) with lambda and the stick-breaking weights
    integrated out in closed form (Beta-binomial and Beta integrals). Given lambda and pi
    the unseen are pinned near n * p0 / (1 - p0), so the Gibbs draw alone moves N only as
    fast as lambda of the hardest-to-record class drifts; this move changes N by about its
    posterior spread in one step. The class is chosen with probability proportional to
    ``m0_k + 1`` (the Hastings ratio corrects for it); the step is a rounded normal.
    """
    c, kk = m0.shape
    weight = m0 + 1.0
    total = weight.sum(axis=1)
    pick = (np.cumsum(weight, axis=1) < (rng.random(c) * total)[:, None]).sum(axis=1)
    pick = np.minimum(pick, kk - 1)
    rows = np.arange(c)
    old = m0[rows, pick]
    new = old + np.rint(rng.normal(0.0, np.exp(log_step)))
    ok = new >= 0
    new = np.where(ok, new, old)
    both = np.stack([m0, m0])
    both[1, rows, pick] = new
    log_target = _collapsed_log_target(both, seen_k, caught, alpha, n, one_class)
    # Hastings ratio of the class choice: q(k | m0') / q(k | m0)
    log_q = np.log(new + 1.0) - np.log(total + new - old) - np.log(old + 1.0) + np.log(total)
    log_ratio = log_target[1] - log_target[0] + log_q
    accept = ok & (np.log(rng.random(c)) < log_ratio)
    m0[rows, pick] = np.where(accept, new, old)
    return np.asarray(accept, dtype=np.float64)


def _collapsed_log_target(
    m0: FloatArray,
    seen_k: FloatArray,
    caught: FloatArray,
    alpha: FloatArray,
    n: float,
    one_class: bool,
) -> FloatArray:
    """log p(m0 | observed class counts, alpha) up to a constant, for m0 shaped (..., C, K).

    p(N) ∝ 1/N times the multinomial coefficient gives Γ(N) / Π_k m0_k!; the capture
    probabilities contribute Π_jk B(1 + c_jk, 1 + n_k − c_jk) and the truncated
    stick-breaking weights Π_{k<K} B(1 + n_k, α + Σ_{l>k} n_l).
    """
    nk = seen_k + m0
    j = caught.shape[-2]
    out = gammaln(n + m0.sum(axis=-1)) - gammaln(m0 + 1.0).sum(axis=-1)
    out += gammaln(1.0 + nk[..., None, :] - caught).sum(axis=(-2, -1))
    out -= j * gammaln(2.0 + nk).sum(axis=-1)
    if not one_class:
        tail = np.cumsum(nk[..., ::-1], axis=-1)[..., ::-1]
        a = alpha[:, None]
        stick = gammaln(1.0 + nk[..., :-1]) + gammaln(a + tail[..., 1:])
        stick -= gammaln(1.0 + a + tail[..., :-1])
        out += stick.sum(axis=-1)
    return np.asarray(out, dtype=np.float64)


def lcmcr(hist: CaptureHistories, settings: LCMCRSettings = LCMCRSettings()) -> Estimate:
    """Posterior median of N and its 95% equal-tailed credible interval."""
    if hist.k < 3:
        raise EstimateRefused("the latent-class model needs at least 3 lists")
    draws = sample(hist, settings)
    flat = draws.n_total.ravel()
    lo, med, hi = np.quantile(flat, [0.025, 0.5, 0.975])
    rhat = split_rhat(draws.n_total)
    ess = effective_size(draws.n_total)
    warnings = []
    if not rhat < 1.05:
        warnings.append(f"chains disagree (R-hat {rhat:.3f} > 1.05): run longer or check the model")
    if not ess >= 400:
        warnings.append(f"few effective draws ({ess:.0f} < 400): run longer")
    occ = float(draws.occupied.mean())
    if occ > settings.classes - 1:
        warnings.append(f"nearly all {settings.classes} classes are used: raise --classes")
    log.info(
        "LCMCR: %d chains x %d iterations in %.2fs",
        settings.chains,
        settings.iterations,
        draws.seconds,
    )
    return Estimate(
        observed=hist.observed,
        estimate=float(med),
        lower=float(lo),
        upper=float(hi),
        method="lcmcr",
        model=f"latent classes (K = {settings.classes}, Dirichlet process)",
        interval="95% equal-tailed posterior interval; estimate is the posterior median",
        diagnostics={
            "posterior_mean": float(flat.mean()),
            "rhat": rhat,
            "ess": ess,
            "chains": settings.chains,
            "iterations": settings.iterations,
            "burn_in": settings.burn_in,
            "thin": settings.thin,
            "classes": settings.classes,
            "collapsed_move": settings.collapsed_move,
            "mean_occupied_classes": occ,
            "alpha_mean": float(draws.alpha.mean()),
            "seed": settings.seed,
            "seconds": draws.seconds,
        },
        warnings=warnings,
    )
