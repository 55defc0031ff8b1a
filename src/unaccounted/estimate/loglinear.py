"""Poisson log-linear models on the 2^k − 1 observed cells.

For a hierarchical model the counts of the observed cells are Poisson with
``log mu = X beta``; the unseen cell has ``mu_0 = exp(intercept)``, so the estimated total
is ``observed + exp(intercept)``. Terms whose lists never overlap are fixed at minus
infinity (their cells dropped) and a model that fails the existence or identifiability
check is refused, as in Chan, Silverman & Vincent (2021). The interval for a fixed model is
the profile-likelihood interval for N (Cormack 1992), from the multinomial likelihood of the
complete table with the unseen cell as the unknown.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln

from unaccounted.estimate.existence import Verdict, check_reduced, design, reduce
from unaccounted.estimate.models import Model

FloatArray = npt.NDArray[np.float64]
#: chi-square(1) 95% point / 2: the profile drop that bounds a 95% interval.
HALF_CHI2_95 = 1.920729410347062
#: A fitted log unseen count above this overflows a float (exp(709.8) is the largest).
MAX_LOG_UNSEEN = 700.0


@dataclass(frozen=True)
class Fit:
    """A fitted model: the estimate, the likelihood and the criteria, or why it was refused."""

    model: Model
    verdict: Verdict
    estimate: float = math.nan
    loglik: float = math.nan
    bic: float = math.nan
    aic: float = math.nan
    coefficients: dict[int, float] | None = None

    @property
    def ok(self) -> bool:
        return self.verdict.ok and math.isfinite(self.estimate)


def poisson_mle(x: FloatArray, y: FloatArray, max_iter: int = 100) -> tuple[FloatArray, bool]:
    """Newton-Raphson for a Poisson GLM with log link; returns (beta, converged)."""
    start, *_ = np.linalg.lstsq(x, np.log(y + 0.5), rcond=None)
    beta: FloatArray = np.asarray(start, dtype=np.float64)
    eta = x @ beta
    ll = float(y @ eta - np.exp(eta).sum())
    for _ in range(max_iter):
        mu = np.exp(np.minimum(eta, 700.0))
        if not np.all(np.isfinite(beta)):
            return beta, False
        grad = x.T @ (y - mu)
        hess = (x * mu[:, None]).T @ x
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            return beta, False
        size = 1.0
        while True:
            cand = beta + size * step
            eta_c = x @ cand
            ll_c = float(y @ eta_c - np.exp(np.minimum(eta_c, 700)).sum())
            if ll_c >= ll - 1e-12 * abs(ll) or size < 1e-6:
                break
            size /= 2
        beta, eta, ll = cand, eta_c, ll_c
        # Converged only when beta itself settles: along a direction where the MLE does not
        # exist the steps stay of order one while the likelihood creeps to its supremum.
        if float(np.max(np.abs(size * step))) < 1e-9:
            return beta, True
    return beta, False


def fit(model: Model, cells: npt.NDArray[np.int64], lists: tuple[str, ...] | None = None) -> Fit:
    """Fit ``model`` to the 2^k cell counts; refuse it if the MLE fails to exist or identify."""
    red = reduce(model, cells)
    y_int = cells[red.keep]
    y = y_int.astype(np.float64)
    n = float(cells[1:].sum())
    if 0 in red.boundary or red.x.shape[0] < red.x.shape[1]:
        return Fit(model, check_reduced(red, y_int, model, lists))
    rank = int(np.linalg.matrix_rank(red.x))
    beta, converged = poisson_mle(red.x, y) if rank == red.x.shape[1] else (np.zeros(0), False)
    mu = np.exp(np.minimum(red.x @ beta, 700.0)) if beta.size else np.zeros(0)
    # Newton settling at a finite stationary point proves the MLE exists; otherwise the
    # linear program decides.
    verdict = Verdict(True, True) if converged else check_reduced(red, y_int, model, lists)
    if not verdict.ok or not converged:
        if verdict.ok:
            verdict = Verdict(True, True, "the Poisson fit did not converge")
        return Fit(
            model, Verdict(verdict.exists, verdict.identifiable and converged, verdict.reason)
        )
    pos = y > 0
    loglik = float((y[pos] * np.log(mu[pos])).sum() - mu.sum() - gammaln(y + 1).sum())
    npars = len(model.parameters)
    coefs = {t: float(b) for t, b in zip(red.estimable, beta, strict=True)}
    coefs.update({t: -math.inf for t in red.boundary})
    if not coefs[0] < MAX_LOG_UNSEEN:
        reason = "the fitted unseen count is beyond any finite number (the estimate diverges)"
        return Fit(model, Verdict(verdict.exists, False, reason))
    return Fit(
        model,
        verdict,
        estimate=n + math.exp(coefs[0]),
        loglik=loglik,
        bic=npars * math.log(n) - 2 * loglik,
        aic=2 * npars - 2 * loglik,
        coefficients=coefs,
    )


def profile_loglik(model: Model, cells: npt.NDArray[np.int64], unseen: float) -> float:
    """Multinomial log-likelihood of N = observed + ``unseen``, maximised over the model."""
    red = reduce(model, cells)
    keep = np.concatenate([[0], red.keep])
    x = design(model.k, red.estimable, keep)
    y = np.concatenate([[unseen], cells[red.keep].astype(np.float64)])
    beta, _ = poisson_mle(x, y)
    mu = np.exp(x @ beta)
    total = float(y.sum())
    pos = y > 0
    return float(
        gammaln(total + 1) - gammaln(unseen + 1) + (y[pos] * np.log(mu[pos] / mu.sum())).sum()
    )


def profile_interval(
    model: Model, cells: npt.NDArray[np.int64], point: float
) -> tuple[float, float]:
    """The 95% profile-likelihood interval for N under a fixed model."""
    n = float(cells[1:].sum())
    return interval_from_profile(lambda u: profile_loglik(model, cells, u), n, point)


def interval_from_profile(
    f: Callable[[float], float], n: float, point: float
) -> tuple[float, float]:
    """The 95% interval of N = ``n`` + unseen from ``f``, the profile log-likelihood of the
    unseen count: where it drops by χ²₁(0.95)/2 below its maximum near ``point - n``."""
    grid_top = max(point - n, 1.0)
    # maximise the profile over the unseen count near the conditional MLE
    lo_u, hi_u = 0.0, grid_top * 4 + 10
    opt = minimize_scalar(
        lambda u: -f(u), bounds=(lo_u, hi_u), method="bounded", options={"xatol": 1e-6}
    )
    u_hat, l_max = float(opt.x), -float(opt.fun)
    target = l_max - HALF_CHI2_95

    def g(u: float) -> float:
        return f(u) - target

    lower = n if g(0.0) >= 0 else n + brentq(g, 0.0, u_hat, xtol=1e-6)
    top = max(u_hat * 2, 10.0)
    while g(top) > 0:
        top *= 2
        if top > 1e12:
            return lower, math.inf
    upper = n + brentq(g, u_hat, top, xtol=1e-6)
    return lower, upper
