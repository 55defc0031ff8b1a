"""One log-linear model over every stratum at once (the default of ``estimate --by``).

Estimating each stratum on its own asks a few dozen persons to reveal how eight lists depend
on each other; they cannot, and the intervals come out far too narrow. This model keeps what
differs between strata and shares what does not:

    log μ(s, h) = λ_s + Σ_j (β_j + δ_sj) h_j + Σ_{j<k} γ_jk h_j h_k

for stratum ``s`` and capture history ``h`` (h_j = 1 when list ``j`` saw the person):

- ``λ_s``: the stratum's unseen count, ``exp(λ_s)`` — what is estimated;
- ``β_j + δ_sj``: list ``j``'s capture in stratum ``s``. The deviations ``δ_sj`` have a
  normal prior with standard deviation :data:`DEVIATION_SD` (a ridge penalty): a stratum's
  capture rates are its own where its data say so and lean on the other strata's where it
  has few persons;
- ``γ_jk``: the two-list interactions — the lists' dependence and the heterogeneity of the
  persons between them — shared by all strata and learned from all of them. Their prior is
  wide (:data:`INTERACTION_SD`); it only keeps the fit finite when two lists never overlap.

A list that saw nobody in a stratum is not in that stratum's model (its histories are
structural zeros there). The fit is the penalised Poisson maximum (Newton's method); the
covariance of the coefficients is the inverse of the penalised information.

A stratum's interval is for the count it really has, not for the model's mean: the unseen
``U_s`` differs from ``μ_s = exp(λ_s)`` by both the error of ``λ_s`` and Poisson noise, so

    var(log U_s) ≈ se(λ_s)² + 1 / μ_s,   U_s ∈ μ_s · exp(± 1.96 · sd)

and the stratum is ``documented + U_s``. The total adds the strata with their covariances:
``var(Σ U_s) ≈ μᵀ Σ_λ μ + Σ μ_s``.

A stratum is in the model when it could be estimated alone at all (three lists saw someone
in it and someone is on two lists); the others are reported with the reason.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from unaccounted.estimate.result import Estimate, EstimateRefused
from unaccounted.estimate.strata import POOLED, Z95, not_estimable

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

__all__ = ["POOLED", "PooledFit", "fit_pooled"]

#: Prior standard deviation of a stratum's deviation from a list's common capture (log odds).
DEVIATION_SD = 1.0
#: Prior standard deviation of a two-list interaction: wide; it keeps the fit finite.
INTERACTION_SD = 30.0
MAX_ITERATIONS = 200


@dataclass(frozen=True)
class PooledFit:
    """The fitted model: for each stratum in it, the documented and the unseen."""

    lists: tuple[str, ...]
    #: Indices (into the cells' rows) of the strata in the model.
    strata: tuple[int, ...]
    documented: IntArray
    #: exp(λ_s): the expected unseen count of each stratum in the model.
    unseen: FloatArray
    #: Covariance of the λ_s.
    cov: FloatArray

    def stratum(self, i: int) -> Estimate:
        """The estimate of ``self.strata[i]``."""
        mu = float(self.unseen[i])
        se = math.sqrt(max(float(self.cov[i, i]), 0.0))
        est = _estimate(int(self.documented[i]), mu, math.sqrt(se * se + 1.0 / mu), MODEL_NAME)
        est.diagnostics = {"unseen": mu, "se_log_unseen": se}
        return est

    def total(self, extra_documented: int = 0) -> Estimate:
        """The sum of the strata in the model, plus ``extra_documented`` persons known in
        strata outside it (added with nothing unseen)."""
        mu = self.unseen
        unseen = float(mu.sum())
        sd = math.sqrt(max(float(mu @ self.cov @ mu) + unseen, 0.0)) / unseen
        n = int(self.documented.sum()) + extra_documented
        return _estimate(n, unseen, sd, f"sum of {len(self.strata)} strata of one pooled model")


def _estimate(documented: int, unseen: float, sd: float, model: str) -> Estimate:
    """documented + unseen, the unseen's interval log-normal with ``sd`` on the log scale."""
    return Estimate(
        observed=documented,
        estimate=documented + unseen,
        lower=documented + unseen * math.exp(-Z95 * sd),
        upper=documented + unseen * math.exp(Z95 * sd),
        method="loglinear",
        model=model,
        interval=INTERVAL,
    )


MODEL_NAME = "pooled: strata's own list captures (shrunk), two-list interactions shared"
INTERVAL = "95% Wald on the log of the unseen, with its Poisson noise"


def fit_pooled(cells: IntArray, lists: Sequence[str]) -> tuple[PooledFit | None, dict[int, str]]:
    """Fit every stratum of ``cells`` (strata × 2^k counts; cell 0, the unseen, is ignored).

    Returns the fit (None when no stratum can be in it) and, per stratum left out, why.
    """
    cells = np.asarray(cells, dtype=np.int64)
    s_count, size = cells.shape
    k = int(math.log2(size))
    if 2**k != size or k != len(lists):
        raise ValueError(f"cells must have 2^{len(lists)} columns, one per capture history")
    reasons: dict[int, str] = {}
    for s in range(s_count):
        why = not_estimable(cells[s], lists)
        if why:
            reasons[s] = why
    strata = tuple(s for s in range(s_count) if s not in reasons)
    if not strata:
        return None, reasons
    x, y, penalty = _design(cells, strata, k)
    beta, cov = _penalised_poisson(x, y, penalty)
    return (
        PooledFit(
            tuple(lists),
            strata,
            cells[list(strata), 1:].sum(axis=1),
            np.exp(beta[: len(strata)]),
            cov[: len(strata), : len(strata)],
        ),
        reasons,
    )


def _design(
    cells: IntArray, strata: tuple[int, ...], k: int
) -> tuple[sparse.csr_matrix, FloatArray, FloatArray]:
    """The sparse design over every observable (stratum, history) cell, the counts and the
    penalty per column. Columns: λ_s, β_j, δ_sj, γ_jk."""
    n_s = len(strata)
    pairs = list(itertools.combinations(range(k), 2))
    hist = np.arange(1, 2**k)
    on = ((hist[:, None] >> np.arange(k)) & 1).astype(bool)  # (2^k - 1, k)
    col_main, col_dev, col_pair = n_s, n_s + k, n_s + k + n_s * k
    rows, cols, ys = [], [], []
    row = 0
    for si, s in enumerate(strata):
        seen = np.array([cells[s][1:][on[:, j]].sum() > 0 for j in range(k)])
        ok = ~(on[:, ~seen].any(axis=1))
        h_on = on[ok]
        m = h_on.shape[0]
        r = np.arange(row, row + m)
        rows.append(r)
        cols.append(np.full(m, si))
        hr, hj = np.nonzero(h_on)
        rows += [r[hr], r[hr]]
        cols += [col_main + hj, col_dev + si * k + hj]
        for p, (a, b) in enumerate(pairs):
            both = r[h_on[:, a] & h_on[:, b]]
            rows.append(both)
            cols.append(np.full(both.size, col_pair + p))
        ys.append(cells[s][1:][ok])
        row += m
    n_cols = col_pair + len(pairs)
    r_all, c_all = np.concatenate(rows), np.concatenate(cols)
    x = sparse.csr_matrix((np.ones(r_all.size), (r_all, c_all)), shape=(row, n_cols))
    used = np.asarray(x.getnnz(axis=0) > 0)
    penalty = np.concatenate([
        np.zeros(n_s + k),
        np.full(n_s * k, DEVIATION_SD**-2),
        np.full(len(pairs), INTERACTION_SD**-2),
    ])  # fmt: skip
    # a column no cell uses (a list nobody in the model's strata saw) is dropped; the λ_s
    # columns always have cells, so they stay first
    return x[:, np.flatnonzero(used)].tocsr(), np.concatenate(ys).astype(np.float64), penalty[used]


def _penalised_poisson(
    x: sparse.csr_matrix, y: FloatArray, penalty: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Newton's method for the penalised Poisson log-likelihood; (beta, covariance)."""
    p = x.shape[1]
    beta = np.zeros(p)
    xt = x.T.tocsr()

    def objective(b: FloatArray) -> float:
        eta = x @ b
        return float(y @ eta - np.exp(np.minimum(eta, 700.0)).sum() - 0.5 * (penalty * b) @ b)

    value = objective(beta)
    for _ in range(MAX_ITERATIONS):
        mu = np.exp(np.minimum(x @ beta, 700.0))
        grad = xt @ (y - mu) - penalty * beta
        hess = (xt @ sparse.diags(mu) @ x).toarray() + np.diag(penalty)
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError as exc:
            raise EstimateRefused("the pooled model's information matrix is singular") from exc
        size = 1.0
        while True:
            cand = beta + size * step
            got = objective(cand)
            if got >= value - 1e-10 * abs(value) or size < 1e-8:
                break
            size /= 2
        beta, value = cand, got
        if float(np.max(np.abs(size * step))) < 1e-8:
            break
    else:
        raise EstimateRefused("the pooled model did not converge")
    mu = np.exp(np.minimum(x @ beta, 700.0))
    hess = (xt @ sparse.diags(mu) @ x).toarray() + np.diag(penalty)
    return beta, np.asarray(np.linalg.inv(hess), dtype=np.float64)
