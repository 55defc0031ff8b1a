"""Log-linear models with heterogeneous capture probabilities (model Mth, as Rcapture fits it).

When some people are much easier to record than others (a well-known officer against a
conscript from a village with no newspaper), every list finds the same easy people and the
lists look more dependent than they are; models that ignore it count too few unseen.
Rivest & Baillargeon's Rcapture adds to the lists' main effects (model Mt) one term in the
number of lists a person is on, ``c``, whose shape comes from a mixing distribution of the
capture probabilities:

* **Darroch** — ``c² / 2`` (a normal mixing distribution on the logit scale);
* **Poisson2** — ``2^c − 1`` (Rcapture's Poisson with θ = 2);
* **Gamma3.5** — ``−log(1 + c / 3.5)`` (Rcapture's gamma with θ = 3.5);
* **Chao (LB)** — Chao's lower bound: ``k − 2`` columns ``max(c − j + 1, 0)`` for
  ``j = 3 … k`` (no shape assumed beyond two captures); a column whose coefficient η comes
  out negative is dropped, the first in order, and the model refitted until none is
  negative (Rcapture's ``neg = TRUE``), so that it never estimates fewer unseen than Mt.

Every form is 0 at ``c = 0``, so the unseen cell is ``exp(intercept)`` as in the plain
log-linear models. Two-list interactions may be added (Rcapture's ``mX = ~ . + c1:c2``).
The interval is the profile-likelihood interval of N from the multinomial likelihood of the
complete table (as Rcapture's ``closedpCI.t`` reports it).

The forms are a sensitivity check, not a model search: each gives the answer under one
assumption about *how* capture probabilities vary. A heterogeneity coefficient below zero
means the numbers of lists people are on vary less than equal capture probabilities would
make them, which no mixing distribution produces; such a fit is refused.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln
from scipy.stats import chi2

from unaccounted.estimate.api import LACK_OF_FIT_P
from unaccounted.estimate.histories import CaptureHistories, overlapping
from unaccounted.estimate.loglinear import MAX_LOG_UNSEEN, interval_from_profile, poisson_mle
from unaccounted.estimate.result import Estimate, EstimateRefused

FloatArray = npt.NDArray[np.float64]

#: The one-column heterogeneity forms, by Rcapture's names, as functions of the number of
#: lists.
FORMS: dict[str, Callable[[FloatArray], FloatArray]] = {
    "Darroch": lambda c: c**2 / 2,
    "Poisson2": lambda c: 2.0**c - 1,
    "Gamma3.5": lambda c: -np.log1p(c / 3.5),
}
#: Chao's lower bound, with a column per number of lists from three on.
CHAO = "Chao (LB)"
#: Every heterogeneity form ``mth`` fits, as the sensitivity table lists them.
HETEROGENEITY: tuple[str, ...] = (*FORMS, CHAO)


def design(
    k: int, form: str, interactions: Sequence[int], cells: npt.NDArray[np.int64]
) -> FloatArray:
    """Columns: intercept, each list, each interaction (a bit mask of lists), the form's
    (one, or ``k − 2`` for Chao's lower bound)."""
    if form not in HETEROGENEITY:
        raise ValueError(
            f"unknown heterogeneity form {form!r} (expected {', '.join(HETEROGENEITY)})"
        )
    captures = np.array([bin(int(i)).count("1") for i in cells], dtype=np.float64)
    columns = [np.ones(cells.size)]
    columns += [((cells >> j) & 1).astype(np.float64) for j in range(k)]
    columns += [((cells & t) == t).astype(np.float64) for t in interactions]
    if form == CHAO:
        columns += [np.maximum(captures - j + 1, 0.0) for j in range(3, k + 1)]
    else:
        columns.append(FORMS[form](captures))
    return np.column_stack(columns)


def _fit_chao(
    x: FloatArray, y: FloatArray, first: int, name: str
) -> tuple[FloatArray, FloatArray, list[int]]:
    """Fit with Chao's η columns (from ``first`` on), dropping the first negative η and
    refitting until none is negative; returns the coefficients, the design kept and the
    numbers of lists ``j`` whose column was dropped."""
    etas = list(range(3, 3 + x.shape[1] - first))
    dropped: list[int] = []
    while True:
        beta, converged = poisson_mle(x, y)
        negative = [i for i in range(first, x.shape[1]) if beta[i] < 0]
        if not negative:
            if not converged or not beta[0] < MAX_LOG_UNSEEN:
                raise EstimateRefused(f"model {name}: the Poisson fit did not converge")
            return beta, x, dropped
        # an η heading to −∞ (no one on that many lists) stops the fit short: it is dropped
        # like any negative η, and the fit is made again without it
        i = negative[0]
        dropped.append(etas.pop(i - first))
        x = np.delete(x, i, axis=1)


def mth(
    hist: CaptureHistories, form: str = "Darroch", interactions: Sequence[int] = ()
) -> Estimate:
    """The estimate of model Mth with heterogeneity ``form`` and two-list ``interactions``."""
    name = _name(hist, form, interactions)
    if hist.k < 3:
        raise EstimateRefused(f"model {name} needs three or more lists")
    if not overlapping(hist):
        raise EstimateRefused(f"model {name}: no one is on more than one list")
    cells = hist.cells()
    idx = np.arange(1, 2**hist.k, dtype=np.int64)
    x = design(hist.k, form, interactions, idx)
    y = cells[1:].astype(np.float64)
    if np.linalg.matrix_rank(x) < x.shape[1] or x.shape[1] >= y.size:
        raise EstimateRefused(f"model {name} has as many parameters as cells: not identifiable")
    unseen_row = design(hist.k, form, interactions, np.zeros(1, dtype=np.int64))
    dropped: list[int] = []
    first = 1 + hist.k + len(interactions)
    if form == CHAO:
        beta, x, dropped = _fit_chao(x, y, first, name)
        unseen_row = np.delete(unseen_row, [first + j - 3 for j in dropped], axis=1)
    else:
        beta, converged = poisson_mle(x, y)
        if not converged or not beta[0] < MAX_LOG_UNSEEN:
            raise EstimateRefused(f"model {name}: the Poisson fit did not converge")
    if form != CHAO and beta[-1] < 0:
        raise EstimateRefused(
            f"model {name}: the heterogeneity coefficient is negative ({beta[-1]:.3g}): the "
            "numbers of lists people are on vary less than equal capture probabilities would "
            "make them, which no spread of capture probabilities produces"
        )
    n = float(y.sum())
    point = n + math.exp(float(beta[0]))
    mu = np.exp(x @ beta)
    pos = y > 0
    loglik = float((y[pos] * np.log(mu[pos])).sum() - mu.sum() - gammaln(y + 1).sum())
    saturated = float((y[pos] * np.log(y[pos])).sum() - y.sum() - gammaln(y + 1).sum())
    npars = x.shape[1]
    g2, df = max(2.0 * (saturated - loglik), 0.0), int(y.size - npars)
    p = float(chi2.sf(g2, df))
    warnings = []
    if p < LACK_OF_FIT_P:
        warnings.append(
            f"the model fits the observed cells badly (deviance {g2:.1f} on {df} df, "
            f"p = {p:.2g}): add the two-list interactions the lists need"
        )
    lower, upper = _profile_interval(np.vstack([unseen_row, x]), y, point)
    return Estimate(
        observed=hist.observed,
        estimate=point,
        lower=lower,
        upper=upper,
        method="loglinear",
        model=name,
        interval="95% profile likelihood (model fixed in advance)",
        diagnostics={
            "heterogeneity": form,
            **(
                {
                    "eta": {
                        f"eta{j}": float(b)
                        for j, b in zip(
                            [j for j in range(3, hist.k + 1) if j not in dropped],
                            beta[first:],
                            strict=True,
                        )
                    },
                    "eta_dropped": [f"eta{j}" for j in dropped],
                }
                if form == CHAO
                else {"heterogeneity_coefficient": float(beta[-1])}
            ),
            "deviance": g2,
            "deviance_df": df,
            "deviance_p": p,
            "bic": npars * math.log(n) - 2 * loglik,
            "aic": 2 * npars - 2 * loglik,
        },
        warnings=warnings,
    )


def _name(hist: CaptureHistories, form: str, interactions: Sequence[int]) -> str:
    """Rcapture's name of the model, with the interactions' list names."""
    terms = [":".join(hist.lists[j] for j in range(hist.k) if t >> j & 1) for t in interactions]
    return " + ".join([f"Mth {form}", *terms])


def _profile_loglik(x: FloatArray, y: FloatArray, unseen: float) -> float:
    """Multinomial log-likelihood of N = observed + ``unseen`` (row 0 of ``x`` is the unseen
    cell), maximised over the model."""
    full = np.concatenate([[unseen], y])
    beta, _ = poisson_mle(x, full)
    mu = np.exp(np.minimum(x @ beta, 700.0))
    pos = full > 0
    total = float(full.sum())
    return float(
        gammaln(total + 1) - gammaln(unseen + 1) + (full[pos] * np.log(mu[pos] / mu.sum())).sum()
    )


def _profile_interval(x: FloatArray, y: FloatArray, point: float) -> tuple[float, float]:
    return interval_from_profile(lambda u: _profile_loglik(x, y, u), float(y.sum()), point)
