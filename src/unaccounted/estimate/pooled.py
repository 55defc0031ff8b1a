"""One log-linear model over every stratum at once (the default of ``estimate --by``).

Estimating each stratum on its own asks a few dozen persons to reveal how eight lists depend
on each other; they cannot, and the intervals come out far too narrow. This model keeps what
differs between strata and shares what does not:

    log μ(s, h) = λ_s + Σ_j (β_j + δ_sj) h_j + Σ_{j<k} γ_jk h_j h_k

for stratum ``s`` and capture history ``h`` (h_j = 1 when list ``j`` saw the person):

- ``λ_s``: the stratum's unseen count, ``exp(λ_s)`` — what is estimated;
- ``β_j + δ_sj``: list ``j``'s capture in stratum ``s``. The deviations ``δ_sj`` have a
  normal prior with standard deviation τ (a ridge penalty): a stratum's capture rates are
  its own where its data say so and lean on the other strata's where it has few persons.
  τ is chosen from the data, by empirical Bayes: of the scales in :data:`SCALES`, the one
  whose Laplace approximation of the marginal likelihood is highest (Wood 2011 chooses
  smoothing penalties the same way). Strata that differ much get a wide τ, strata alike a
  narrow one;
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

Sharing ``γ_jk`` assumes the lists depend on each other alike in every stratum. That is
tested, pair by pair: in each stratum the persons on both lists of the pair against the
model's expectation, ``X² = Σ_s (O_s − E_s)² / E_s`` over the strata expecting five or more,
on (strata − 1) degrees of freedom; a pair whose p-value is below 0.001 divided by the
number of pairs (Bonferroni) is reported as a warning on the total.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.special import gammaln
from scipy.stats import chi2

from unaccounted.estimate.result import Estimate, EstimateRefused
from unaccounted.estimate.strata import POOLED, Z95, not_estimable

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

__all__ = ["POOLED", "PooledFit", "fit_pooled"]

#: The prior standard deviations of a stratum's deviation from a list's common capture
#: (log scale) among which the data choose; the first fit warms the next.
SCALES = (0.25, 0.5, 1.0, 2.0, 4.0)
#: Family-wise level of the test that the two-list interactions are alike in every stratum.
PAIR_TEST_LEVEL = 0.001
#: Least expected count of a pair's persons for a stratum to take part in its test.
PAIR_TEST_MIN_EXPECTED = 5.0
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
    #: The chosen prior standard deviation τ of the strata's capture deviations.
    scale: float = 1.0
    #: Per scale tried, its log marginal likelihood (Laplace), up to a constant.
    evidence: tuple[tuple[float, float], ...] = ()
    #: The two-list interactions that differ between strata, as warnings.
    pair_warnings: tuple[str, ...] = ()

    def stratum(self, i: int) -> Estimate:
        """The estimate of ``self.strata[i]``."""
        mu = float(self.unseen[i])
        se = math.sqrt(max(float(self.cov[i, i]), 0.0))
        est = _estimate(int(self.documented[i]), mu, math.sqrt(se * se + 1.0 / mu), MODEL_NAME)
        est.diagnostics = {"unseen": mu, "se_log_unseen": se, "deviation_sd": self.scale}
        return est

    def total(self, extra_documented: int = 0) -> Estimate:
        """The sum of the strata in the model, plus ``extra_documented`` persons known in
        strata outside it (added with nothing unseen)."""
        mu = self.unseen
        unseen = float(mu.sum())
        sd = math.sqrt(max(float(mu @ self.cov @ mu) + unseen, 0.0)) / unseen
        n = int(self.documented.sum()) + extra_documented
        how = "chosen by marginal likelihood" if len(self.evidence) > 1 else "given"
        model = (
            f"sum of {len(self.strata)} strata of one pooled model (prior sd of the strata's "
            f"capture deviations {self.scale:g}, {how})"
        )
        est = _estimate(n, unseen, sd, model)
        est.diagnostics = {"deviation_sd": self.scale}
        est.warnings.extend(self.pair_warnings)
        return est


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


def fit_pooled(
    cells: IntArray, lists: Sequence[str], scale: float | None = None
) -> tuple[PooledFit | None, dict[int, str]]:
    """Fit every stratum of ``cells`` (strata × 2^k counts; cell 0, the unseen, is ignored).

    ``scale``: the prior standard deviation τ of the strata's capture deviations; None
    chooses it among :data:`SCALES` by the marginal likelihood. Returns the fit (None when no
    stratum can be in it) and, per stratum left out, why.
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
    x, y, deviation, base = _design(cells, strata, k)
    evidence: list[tuple[float, float]] = []
    best: tuple[float, float, FloatArray, FloatArray] | None = None
    beta: FloatArray | None = None
    for tau in SCALES if scale is None else (scale,):
        penalty = base + deviation * tau**-2
        beta, cov, logdet = _penalised_poisson(x, y, penalty, beta)
        eta = x @ beta
        value = float(
            y @ eta - np.exp(np.minimum(eta, 700.0)).sum() - gammaln(y + 1).sum()
            - 0.5 * (penalty * beta) @ beta - 0.5 * logdet
            - float(deviation.sum()) * math.log(tau)
        )  # fmt: skip
        evidence.append((tau, value))
        if best is None or value > best[1]:
            best = (tau, value, beta, cov)
    assert best is not None
    tau, _, beta, cov = best
    return (
        PooledFit(
            tuple(lists),
            strata,
            cells[list(strata), 1:].sum(axis=1),
            np.exp(beta[: len(strata)]),
            cov[: len(strata), : len(strata)],
            scale=tau,
            evidence=tuple(evidence),
            pair_warnings=tuple(_pair_test(x, y, beta, cells, strata, lists)),
        ),
        reasons,
    )


def _pair_test(
    x: sparse.csr_matrix,
    y: FloatArray,
    beta: FloatArray,
    cells: IntArray,
    strata: tuple[int, ...],
    lists: Sequence[str],
) -> list[str]:
    """Warnings for the two-list interactions that differ between strata (module doc)."""
    k = len(lists)
    mu = np.exp(np.minimum(x @ beta, 700.0))
    hist = np.arange(1, 2**k)
    on = ((hist[:, None] >> np.arange(k)) & 1).astype(bool)
    # the rows of the design are, stratum by stratum, that stratum's modelled histories
    stratum_of, history_of = [], []
    for si, s in enumerate(strata):
        seen = np.array([cells[s][1:][on[:, j]].sum() > 0 for j in range(k)])
        ok = np.flatnonzero(~(on[:, ~seen].any(axis=1)))
        stratum_of.append(np.full(ok.size, si))
        history_of.append(hist[ok])
    row_stratum, row_history = np.concatenate(stratum_of), np.concatenate(history_of)
    pairs = list(itertools.combinations(range(k), 2))
    out = []
    for a, b in pairs:
        both = ((row_history >> a) & 1).astype(bool) & ((row_history >> b) & 1).astype(bool)
        observed = np.bincount(row_stratum[both], weights=y[both], minlength=len(strata))
        expected = np.bincount(row_stratum[both], weights=mu[both], minlength=len(strata))
        used = expected >= PAIR_TEST_MIN_EXPECTED
        if used.sum() < 2:
            continue
        stat = float((((observed - expected) ** 2) / expected)[used].sum())
        df = int(used.sum()) - 1
        p = float(chi2.sf(stat, df))
        if p < PAIR_TEST_LEVEL / len(pairs):
            out.append(
                f"lists {lists[a]} and {lists[b]} depend on each other differently in "
                f"different strata (X² = {stat:.1f} on {df} df, p = {p:.2g}); the pooled "
                "model shares their interaction, so some strata may be misstated: estimate "
                "by stratum on its own (--model pairs) to compare"
            )
    return out


def _design(
    cells: IntArray, strata: tuple[int, ...], k: int
) -> tuple[sparse.csr_matrix, FloatArray, FloatArray, FloatArray]:
    """The sparse design over every observable (stratum, history) cell, the counts, which
    columns are the strata's deviations (1.0) and the fixed penalty of the others. Columns:
    λ_s, β_j, δ_sj, γ_jk."""
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
    deviation = np.concatenate([np.zeros(n_s + k), np.ones(n_s * k), np.zeros(len(pairs))])
    base = np.concatenate([np.zeros(n_s + k + n_s * k), np.full(len(pairs), INTERACTION_SD**-2)])
    # a column no cell uses (a list nobody in the model's strata saw) is dropped; the λ_s
    # columns always have cells, so they stay first
    kept = np.flatnonzero(used)
    y = np.concatenate(ys).astype(np.float64)
    return x[:, kept].tocsr(), y, deviation[used], base[used]


def _penalised_poisson(
    x: sparse.csr_matrix, y: FloatArray, penalty: FloatArray, start: FloatArray | None = None
) -> tuple[FloatArray, FloatArray, float]:
    """Newton's method for the penalised Poisson log-likelihood from ``start`` (zeros);
    (beta, covariance, log-determinant of the penalised information)."""
    p = x.shape[1]
    beta = np.zeros(p) if start is None else start.copy()
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
    _, logdet = np.linalg.slogdet(hess)
    return beta, np.asarray(np.linalg.inv(hess), dtype=np.float64), float(logdet)
