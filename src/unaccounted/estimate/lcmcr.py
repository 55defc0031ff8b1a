"""LCMCR estimates: the latent-class sampler's draws turned into an answer, or a refusal.

The model and its sampler are in :mod:`unaccounted.estimate.lcmcr_sampler`. Here the draws
of N, the Dirichlet-process concentration alpha and log p0 (the log probability of being on
no list) are checked for convergence — rank-normalised split R-hat <= 1.01 and bulk and
tail effective sample sizes above 400 for each (Vehtari et al. 2021) — and a run that fails
the check raises :class:`Unconverged` with the diagnostics instead of returning a number,
unless ``LCMCRSettings.accept_unconverged`` is set (then the number comes with a warning). The Monte
Carlo standard errors of the median and of both interval ends are reported.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from unaccounted.estimate.histories import CaptureHistories, overlapping
from unaccounted.estimate.lcmcr_sampler import LCMCRDraws, LCMCRSettings, default_classes, sample
from unaccounted.estimate.mcmc import ESS_LIMIT, RHAT_LIMIT, Convergence, convergence, mcse_quantile
from unaccounted.estimate.result import Estimate, EstimateRefused, json_ready

__all__ = [
    "LCMCRDraws",
    "LCMCRSettings",
    "Unconverged",
    "default_classes",
    "draws_convergence",
    "lcmcr",
    "sample",
]

log = logging.getLogger(__name__)

#: The quantities whose convergence is checked, with the names used in messages.
CHECKED = ("N", "alpha", "log_p0")


class Unconverged(EstimateRefused):
    """The chains did not converge; ``diagnostics`` holds what was measured, JSON-ready."""

    def __init__(self, message: str, diagnostics: dict[str, Any]) -> None:
        super().__init__(message)
        self.diagnostics: dict[str, Any] = json_ready(diagnostics)


def draws_convergence(draws: LCMCRDraws) -> dict[str, Convergence]:
    """Convergence of N, alpha and log p0."""
    return {
        "N": convergence(draws.n_total),
        "alpha": convergence(draws.alpha),
        "log_p0": convergence(draws.log_p0),
    }


def lcmcr(hist: CaptureHistories, settings: LCMCRSettings | None = None) -> Estimate:
    """Posterior median of N and its 95% equal-tailed interval; raises when unconverged.

    Raises ``EstimateRefused`` for fewer than three lists or lists that never overlap, and
    ``Unconverged`` (a kind of ``EstimateRefused``) when the chains fail the check, unless
    ``settings.accept_unconverged``.
    """
    settings = settings or LCMCRSettings()
    if hist.k < 3:
        raise EstimateRefused("the latent-class model needs at least 3 lists")
    if not overlapping(hist):
        raise EstimateRefused(
            "no one is on more than one list: without overlap nothing in the data measures "
            "the unseen, and the answer would be the prior's"
        )
    k = settings.k_for(hist.k)
    draws = sample(hist, settings)
    checks = draws_convergence(draws)
    diagnostics = _diagnostics(draws, checks, settings, k)
    log.info(
        "LCMCR: %d chains x %d iterations (K = %d) in %.1fs",
        settings.chains,
        settings.iterations,
        k,
        draws.seconds,
    )
    failed = [name for name, c in checks.items() if not c.ok]
    warnings = []
    if failed:
        summary = _summary(checks, failed)
        if not settings.accept_unconverged:
            raise Unconverged(
                f"the chains did not converge ({summary}); run more --iterations, or pass "
                "--accept-unconverged to see the unconverged figures",
                diagnostics,
            )
        warnings.append(f"the chains did not converge ({summary}): the figures are unreliable")
    if k > 1 and draws.occupied.mean() > k - 1:
        warnings.append(f"nearly all {k} classes are used: raise --classes")
    flat = draws.n_total.ravel()
    lo, med, hi = np.quantile(flat, [0.025, 0.5, 0.975])
    return Estimate(
        observed=hist.observed,
        estimate=float(med),
        lower=float(lo),
        upper=float(hi),
        method="lcmcr",
        model=f"latent classes (K = {k}, Dirichlet process)",
        interval="95% equal-tailed posterior interval; estimate is the posterior median",
        diagnostics=diagnostics,
        warnings=warnings,
    )


def _summary(checks: dict[str, Convergence], failed: list[str]) -> str:
    parts = [
        f"{name}: R-hat {checks[name].rhat:.3f}, bulk ESS {checks[name].ess_bulk:.0f}, "
        f"tail ESS {checks[name].ess_tail:.0f}"
        for name in failed
    ]
    return "; ".join(parts) + f" — needs R-hat <= {RHAT_LIMIT} and ESS > {ESS_LIMIT:.0f}"


def _diagnostics(
    draws: LCMCRDraws, checks: dict[str, Convergence], s: LCMCRSettings, k: int
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "converged": all(c.ok for c in checks.values()),
        "posterior_mean": float(draws.n_total.mean()),
        "mcse_median": mcse_quantile(draws.n_total, 0.5),
        "mcse_lower": mcse_quantile(draws.n_total, 0.025),
        "mcse_upper": mcse_quantile(draws.n_total, 0.975),
    }
    for name, c in checks.items():
        out[f"rhat_{name}"] = c.rhat
        out[f"ess_bulk_{name}"] = c.ess_bulk
        out[f"ess_tail_{name}"] = c.ess_tail
    out.update(
        rhat=checks["N"].rhat,
        ess=checks["N"].ess_bulk,
        chains=s.chains,
        iterations=s.iterations,
        burn_in=s.burn_in,
        thin=s.thin,
        kept_draws=int(draws.n_total.size),
        classes=k,
        collapsed_move=s.collapsed_move,
        mean_occupied_classes=float(draws.occupied.mean()),
        alpha_mean=float(draws.alpha.mean()),
        seed=s.seed,
        seconds=draws.seconds,
    )
    return out
