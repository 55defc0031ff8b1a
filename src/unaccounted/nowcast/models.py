"""Nowcasting methods: a negative-binomial nowcast with a smooth level, and chain-ladder.

``nb`` (the default), in the spirit of NobBS (McGough et al. 2020) and Höhle & an der
Heiden (2014): each period's eventual count is ``Y_i ~ NegBin(mean λ_i, size r)`` and the
count known so far is ``N_i ~ NegBin(λ_i q_i, r)``, where ``q_i`` is the share known at the
period's observed delay (from the delay ratios of :mod:`unaccounted.nowcast.delays`,
weighted towards recent periods with a half-life chosen from the triangle's own past, so
they follow drift). ``log λ`` has a random-walk prior
(step sd ``τ``), so a recent period with few reports borrows its level from its
neighbours; ``τ`` and ``r`` are chosen by Laplace-approximate marginal likelihood over a
grid. Draws of ``log λ`` (the Laplace posterior) and of the delay ratios (bootstrap) give
``Y_i = N_i + Poisson(G (1 - q_i))`` with ``G ~ Gamma(r + N_i, rate r/λ_i + q_i)`` — the
posterior of the not-yet-reported count given the known one. The estimate is the median
draw and the interval the 2.5 and 97.5 percentiles.

``chain-ladder`` (the baseline): ``N_i / q_i`` with ratios from every period, and an
interval from the ratio bootstrap with Poisson noise on the rest.

Reports later than the triangle's longest delay are not modelled: "eventual" means "known
at the longest delay the triangle shows".
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.linalg import cholesky_banded, solve_banded, solveh_banded
from scipy.special import gammaln

from unaccounted.nowcast.delays import choose_half_life, known_share, ratio_draws
from unaccounted.nowcast.triangle import Triangle

Floats = npt.NDArray[np.float64]
METHODS = ("nb", "chain-ladder")
#: nb: how report periods are weighted in the delay ratios (see ``NowcastSettings``).
DELAY_WEIGHTS = ("auto", "window")
#: Grids searched for the random-walk step sd τ and the negative-binomial size r.
TAU_GRID = (0.05, 0.1, 0.2, 0.4)
SIZE_GRID = (3.0, 10.0, 30.0, 100.0, 1000.0)


@dataclass(frozen=True)
class NowcastSettings:
    method: str = "nb"
    #: Periods per delay used to estimate the delay distribution (None: all, no drift).
    #: With ``delay_weights="auto"`` it sets only the blocks the drift is measured in.
    window: int | None = 8
    #: The window widens back in time until it holds this many events.
    min_count: int = 20
    #: nb: ``auto`` weighs every period by age, with the half-life that best predicted the
    #: triangle's own past one report ahead; ``window``: the newest ``window`` periods alike.
    delay_weights: str = "auto"
    draws: int = 2000
    seed: int = 0
    #: nb: widen the interval by how much the delay distribution drifted lately.
    drift_uncertainty: bool = True
    #: A period of which less than this share is known yet is shown with its interval only
    #: (its point estimate would be mostly the model's); its figures stay in the JSON.
    min_known_share: float = 0.1


@dataclass(frozen=True)
class PeriodNowcast:
    period: dt.date
    observed: int
    estimate: int
    lower: int
    upper: int
    #: The share of the period's eventual count that the delay distribution says is known.
    known_share: float = 1.0
    #: Too little is known for a point estimate to mean much: show the interval only.
    interval_only: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.isoformat(),
            "observed": self.observed,
            "estimate": self.estimate,
            "lower": self.lower,
            "upper": self.upper,
            "known_share": round(self.known_share, 4),
            "interval_only": self.interval_only,
        }


@dataclass(frozen=True)
class Nowcast:
    method: str
    as_of: dt.date
    rows: list[PeriodNowcast]
    #: What the model chose (τ, r, window) — the result's explanation.
    details: dict[str, Any] = field(default_factory=dict)


def _prior_times(eta: Floats, tau: float) -> Floats:
    """The random-walk prior precision (plus a tiny ridge) times ``eta``."""
    out = 1e-6 * eta
    if eta.size > 1:
        d = np.diff(eta) / tau**2
        out[:-1] -= d
        out[1:] += d
    return out


def _hessian(weights: Floats, tau: float) -> Floats:
    """The tridiagonal Hessian (prior + ``diag(weights)``) in upper banded form."""
    k = weights.size
    if k == 1:  # a single period: no random walk, the diagonal alone
        return np.asarray(weights[None, :] + 1e-6, dtype=np.float64)
    band = np.zeros((2, k))
    band[1] = weights + 1e-6
    band[1, :-1] += 1 / tau**2
    band[1, 1:] += 1 / tau**2
    band[0, 1:] = -1 / tau**2
    return band


def _nb_fit(n: Floats, q: Floats, tau: float, size: float) -> tuple[Floats, Floats, float]:
    """Posterior mode of log λ, the banded Cholesky factor of its Hessian, and the Laplace
    log marginal likelihood. The Hessian is tridiagonal: every step is linear in the
    number of periods."""
    k = n.size
    qq = np.maximum(q, 1e-9)
    eta = np.log((n + 0.5) / np.maximum(qq, 0.05))

    def objective(e: Floats) -> float:
        mu = qq * np.exp(e)
        ll = size * np.log(size / (size + mu)) + n * np.log(mu / (size + mu))
        return float(-ll.sum() + 0.5 * e @ _prior_times(e, tau))

    value = objective(eta)
    for _ in range(100):
        mu = qq * np.exp(eta)
        grad = -size * (n - mu) / (size + mu) + _prior_times(eta, tau)
        step = solveh_banded(_hessian((n + size) * size * mu / (size + mu) ** 2, tau), grad)
        t, improved = 1.0, False
        while t > 1e-6:
            trial = eta - t * step
            new = objective(trial)
            if new <= value:
                improved = True
                break
            t /= 2
        if not improved:
            break
        eta, done, value = trial, value - new < 1e-9, new
        if done:
            break
    mu = qq * np.exp(eta)
    factor = cholesky_banded(_hessian((n + size) * size * mu / (size + mu) ** 2, tau))
    const = gammaln(n + size) - gammaln(size) - gammaln(n + 1)
    log_prior_det = -(k - 1) * 2 * math.log(tau)
    log_det = 2 * float(np.log(factor[-1]).sum())
    marginal = -value + const.sum() + 0.5 * log_prior_det - 0.5 * log_det
    return eta, factor, float(marginal)


def _summarise(
    tri: Triangle, samples: npt.NDArray[Any], known: Floats, min_known: float
) -> list[PeriodNowcast]:
    est = np.median(samples, axis=0)
    lo, hi = np.percentile(samples, [2.5, 97.5], axis=0)
    return [
        PeriodNowcast(
            p,
            int(o),
            round(float(e)),
            math.floor(float(a)),
            math.ceil(float(b)),
            float(q),
            bool(q < min_known),
        )
        for p, o, e, a, b, q in zip(tri.periods, tri.latest, est, lo, hi, known, strict=True)
    ]


def nowcast(tri: Triangle, settings: NowcastSettings | None = None) -> Nowcast:
    """Estimate each period's eventual count with a 95% interval."""
    s = settings or NowcastSettings()
    if s.method not in METHODS:
        raise ValueError(f"unknown nowcast method {s.method!r}; choose one of {', '.join(METHODS)}")
    if s.delay_weights not in DELAY_WEIGHTS:
        raise ValueError(
            f"unknown delay weighting {s.delay_weights!r}; choose one of {', '.join(DELAY_WEIGHTS)}"
        )
    if not 0.0 <= s.min_known_share < 1.0:
        raise ValueError(f"the least known share must be in [0, 1) (got {s.min_known_share})")
    rng = np.random.default_rng(s.seed)
    n = tri.latest.astype(float)
    window = s.window if s.method == "nb" else None
    drift = s.drift_uncertainty and s.method == "nb"
    weighted = window is not None and s.delay_weights == "auto"
    half_life = choose_half_life(tri) if weighted else None
    point, sample = ratio_draws(tri, window, s.min_count, s.draws, rng, drift, weighted, half_life)
    q, q_draws = known_share(point, tri.observed_delay), known_share(sample, tri.observed_delay)
    if s.method == "chain-ladder":
        rest = n * (1 / np.maximum(q_draws, 1e-9) - 1)
        samples = n + rng.poisson(np.minimum(rest, 1e12))
        ladder: dict[str, Any] = {"window": "all"}
        if tri.corrections:
            ladder["corrections"] = tri.corrections
        return Nowcast(s.method, tri.as_of, _summarise(tri, samples, q, s.min_known_share), ladder)
    best: tuple[float, float, float, Floats, Floats] | None = None
    for tau in TAU_GRID:
        for size in SIZE_GRID:
            eta, factor, marginal = _nb_fit(n, q, tau, size)
            if best is None or marginal > best[0]:
                best = (marginal, tau, size, eta, factor)
    assert best is not None
    _, tau, size, eta, factor = best
    # factor is U with Uᵀ U = H: eta + U⁻¹ z has covariance H⁻¹.
    z = rng.standard_normal((s.draws, n.size))
    eta_draws = eta + solve_banded((0, factor.shape[0] - 1), factor, z.T).T
    lam = np.exp(np.minimum(eta_draws, 50))
    qd = np.clip(q_draws, 1e-9, 1.0)
    gamma = rng.gamma(size + n, 1 / (size / lam + qd))
    samples = n + rng.poisson(np.minimum(gamma * (1 - qd), 1e12))
    details: dict[str, Any] = {"window": window, "min_count": s.min_count, "tau": tau,
                               "size": size}  # fmt: skip
    if weighted:
        details["delay_weights"] = "auto"
        details["half_life"] = "all periods alike" if half_life is None else half_life
    if tri.corrections:
        details["corrections"] = tri.corrections
    return Nowcast(s.method, tri.as_of, _summarise(tri, samples, q, s.min_known_share), details)
