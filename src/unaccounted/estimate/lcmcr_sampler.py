"""The Gibbs sampler of the Bayesian latent-class model for capture-recapture (LCMCR).

Manrique-Vallier (2016), written after the method of the R package ``LCMCR`` 0.4.14 (its C++
class ``NPLCM_CR_Basic_Freq``), checked step by step against it:

- priors: a truncated stick-breaking (Dirichlet-process) mixture of K classes,
  ``V_k ~ Beta(1, alpha)``, ``alpha ~ Gamma(a, rate b)`` with a = b = 0.25; capture
  probabilities ``lambda_jk ~ Beta(1, 1)``; p(N) ∝ 1/N with the unseen truncated at
  ``n0 <= 20 n`` (R's ``sam_n0`` redraws until ``n0 <= 20 n``);
- one scan, in R's order: the classes of the seen (multinomial counts per distinct capture
  history), lambda (counting the augmented unseen), the sticks (counting them too), the
  number unseen ``n0 ~ NB(n, 1 − p0)``, the unseen's classes, alpha;
- start, as R's ``Initializes()``: every class's capture probabilities at the list's
  marginal frequency among the seen, the sticks drawn from Beta(1, 1), alpha = 0.3 / K and
  500 warm-up scans without the alpha update, then the classes reordered by weight,
  largest first.

Everyone with the same capture history shares the same class probabilities, so class
memberships are multinomial counts per history — exact, and the cost of a scan does not
depend on N. All chains advance together as one batch of arrays. An optional Metropolis
move (``collapsed_move``) changes the unseen count of one class with lambda and the sticks
integrated out, then both are redrawn exactly; it is off by default (R has no such move).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln

from unaccounted.estimate.histories import CaptureHistories

FloatArray = npt.NDArray[np.float64]

#: Largest unseen count as a multiple of the seen (R's truncation of n0).
UNSEEN_CAP = 20
#: Warm-up scans at the start of every chain, alpha held at 0.3 / K (as R).
WARM_UP = 500


def default_classes(lists: int) -> int:
    """K = min(2^J − 1, 15): as many classes as non-empty capture histories, at most 15."""
    return min((1 << lists) - 1, 15)


@dataclass(frozen=True)
class LCMCRSettings:
    """Sampler settings. ``classes=None`` takes ``default_classes(J)``.

    ``accept_unconverged`` returns the figures of a run that failed the convergence check
    (with a warning) instead of refusing. The defaults give converged answers
    (rank-normalised split R-hat <= 1.01, bulk and tail ESS > 400 for N, alpha and log p0)
    on the published tables in ``docs/estimate.md``.
    """

    classes: int | None = None
    chains: int = 4
    iterations: int = 200_000
    burn_in: int = 20_000
    thin: int = 20
    alpha_shape: float = 0.25
    alpha_rate: float = 0.25
    seed: int = 0
    collapsed_move: bool = True
    accept_unconverged: bool = False

    def k_for(self, lists: int) -> int:
        """The number of latent classes used for a table of ``lists`` lists."""
        return self.classes if self.classes is not None else default_classes(lists)


@dataclass(frozen=True)
class LCMCRDraws:
    """Posterior draws kept after burn-in and thinning, each shaped (chains, draws)."""

    n_total: FloatArray
    alpha: FloatArray
    log_p0: FloatArray
    occupied: FloatArray
    seconds: float


@dataclass
class _State:
    """One batch of chains: log lambda (captured / missed), log weights, unseen by class."""

    log_lam: FloatArray  # (C, J, K)
    log_miss: FloatArray  # (C, J, K)
    log_nu: FloatArray  # (C, K)
    m0: FloatArray  # (C, K)
    alpha: FloatArray  # (C,)
    log_p0: FloatArray  # (C,)
    seen_k: FloatArray  # (C, K)


class _Sampler:
    """The scans of one batch of chains on one table."""

    def __init__(self, hist: CaptureHistories, s: LCMCRSettings, k: int) -> None:
        self.rng = np.random.default_rng(s.seed)
        self.x = hist.patterns.astype(np.float64)  # (H, J)
        self.xt = np.ascontiguousarray(self.x.T)
        self.n = float(hist.counts.sum())
        self.grid = np.broadcast_to(hist.counts, (s.chains, hist.counts.size))
        self.k, self.s = k, s
        self.log_step = np.full(s.chains, math.log(max(1.0, 0.5 * math.sqrt(self.n))))

    def start(self) -> _State:
        """R's ``Initializes()``: marginal frequencies, Beta(1, 1) sticks, a warm-up."""
        c, j, k = self.s.chains, self.x.shape[1], self.k
        freq = (self.x * self.grid[0][:, None]).sum(axis=0) / self.n
        freq = np.clip(freq, 1e-12, 1 - 1e-12)
        log_lam = np.broadcast_to(np.log(freq)[None, :, None], (c, j, k)).copy()
        log_miss = np.broadcast_to(np.log1p(-freq)[None, :, None], (c, j, k)).copy()
        v = self.rng.beta(1.0, 1.0, size=(c, k - 1))
        st = _State(log_lam, log_miss, _sticks(v), np.zeros((c, k)), np.full(c, 0.3 / k),
                    np.zeros(c), np.zeros((c, k)))  # fmt: skip
        for _ in range(WARM_UP):
            self.scan(st, it=0, update_alpha=False)
        order = np.argsort(-st.log_nu, axis=1, kind="stable")
        rows = np.arange(c)[:, None]
        st.log_nu, st.m0 = st.log_nu[rows, order], st.m0[rows, order]
        st.log_lam = np.take_along_axis(st.log_lam, order[:, None, :], axis=2)
        st.log_miss = np.take_along_axis(st.log_miss, order[:, None, :], axis=2)
        return st

    def scan(self, st: _State, it: int, update_alpha: bool = True) -> None:
        """One Gibbs scan in R's order (``CNPLCM_CR_Basic_Freq::Update``), in place."""
        rng, k = self.rng, self.k
        miss_all = st.log_miss.sum(axis=1)  # (C, K): log P(on no list | class)
        w = np.matmul(self.x, st.log_lam - st.log_miss) + (miss_all + st.log_nu)[:, None, :]
        w -= w.max(axis=2, keepdims=True)
        p = np.exp(w)
        p /= p.sum(axis=2, keepdims=True)
        m = rng.multinomial(self.grid, p)  # (C, H, K): classes of the seen
        st.seen_k = m.sum(axis=1).astype(np.float64)
        caught = np.matmul(self.xt, m)  # (C, J, K)
        if self.s.collapsed_move:
            acc = _collapsed_unseen_move(rng, st.m0, st.seen_k, caught, st.alpha, self.n,
                                         self.log_step, k == 1)  # fmt: skip
            if it < self.s.burn_in:  # adapt towards 30% acceptance, then freeze
                self.log_step += min(0.05, 1.0 / math.sqrt(it + 1)) * (acc - 0.3)
        nk = st.seen_k + st.m0
        ga = rng.standard_gamma(1.0 + caught)
        gb = rng.standard_gamma(1.0 + nk[:, None, :] - caught)
        tot = np.log(ga + gb)
        st.log_lam = np.maximum(np.log(ga) - tot, -700.0)
        st.log_miss = np.maximum(np.log(gb) - tot, -700.0)
        if k > 1:
            tail = np.cumsum(nk[:, ::-1], axis=1)[:, ::-1]  # sum over l >= k
            v = rng.beta(1.0 + nk[:, :-1], st.alpha[:, None] + tail[:, 1:])
            st.log_nu = _sticks(v)
        l0 = st.log_nu + st.log_miss.sum(axis=1)
        top = l0.max(axis=1)
        st.log_p0 = top + np.log(np.exp(l0 - top[:, None]).sum(axis=1))
        n0 = _unseen(rng, self.n, st.log_p0)
        q0 = np.exp(l0 - st.log_p0[:, None])
        q0 /= q0.sum(axis=1, keepdims=True)
        st.m0 = rng.multinomial(n0.astype(np.int64), q0).astype(np.float64)
        if update_alpha and k > 1:
            rate = self.s.alpha_rate - st.log_nu[:, -1]
            st.alpha = rng.gamma(self.s.alpha_shape + k - 1, 1.0 / rate)


def sample(hist: CaptureHistories, settings: LCMCRSettings = LCMCRSettings()) -> LCMCRDraws:
    """Run the chains and return the kept draws of N, alpha, log p0 and occupied classes."""
    s = settings
    if s.iterations <= s.burn_in:
        raise ValueError("iterations must exceed burn_in")
    if s.chains < 1 or s.thin < 1:
        raise ValueError("chains and thin must be at least 1")
    k = s.k_for(hist.k)
    if k < 1:
        raise ValueError("classes must be at least 1")
    started = time.perf_counter()
    sampler = _Sampler(hist, s, k)
    st = sampler.start()
    kept = (s.iterations - s.burn_in + s.thin - 1) // s.thin
    out = np.empty((4, s.chains, kept))
    slot = 0
    for it in range(s.iterations):
        sampler.scan(st, it)
        if it >= s.burn_in and (it - s.burn_in) % s.thin == 0:
            out[0, :, slot] = sampler.n + st.m0.sum(axis=1)
            out[1, :, slot] = st.alpha
            out[2, :, slot] = st.log_p0
            out[3, :, slot] = ((st.seen_k + st.m0) > 0).sum(axis=1)
            slot += 1
    return LCMCRDraws(out[0], out[1], out[2], out[3], time.perf_counter() - started)


def _sticks(v: FloatArray) -> FloatArray:
    """log weights of the truncated stick-breaking from V (C, K − 1): (C, K)."""
    c, k1 = v.shape
    if k1 == 0:
        return np.zeros((c, 1))
    v = np.clip(v, 1e-300, 1 - 1e-16)
    log_rest = np.cumsum(np.log1p(-v), axis=1)
    out = np.empty((c, k1 + 1))
    out[:, :k1] = np.log(v)
    out[:, 1:k1] += log_rest[:, :-1]
    out[:, -1] = log_rest[:, -1]
    return out


def _unseen(rng: np.random.Generator, n: float, log_p0: FloatArray) -> FloatArray:
    """n0 ~ NB(n, 1 − p0) (gamma–Poisson), redrawn while above ``UNSEEN_CAP`` × n (as R)."""
    odds = np.exp(log_p0) / -np.expm1(log_p0)
    out = np.full(log_p0.shape, np.inf)
    todo = np.ones(log_p0.shape, dtype=bool)
    for _ in range(1000):
        rate = rng.gamma(n, odds[todo])
        out[todo] = rng.poisson(np.minimum(rate, 1e15))
        todo = out > UNSEEN_CAP * n
        if not todo.any():
            return out
    # p0 so close to 1 that the cap is almost never met: the cap itself (R would loop)
    return np.where(todo, UNSEEN_CAP * n, out)


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
    ok = (new >= 0) & (m0.sum(axis=1) + new - old <= UNSEEN_CAP * n)
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
