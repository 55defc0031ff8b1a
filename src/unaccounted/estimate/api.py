"""One entry point for every method: ``estimate(histories, method=...)``.

Log-linear estimates come from a fixed model (``model="A:B + C"``, profile-likelihood
interval) or from a model search (``search="downhill"`` by default, with a bootstrap that
repeats the search and BCa limits). LCMCR and dga are Bayesian and report posterior
medians with 95% equal-tailed intervals.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln
from scipy.stats import chi2

from unaccounted.estimate.bootstrap import bca_warnings, bootstrap_bca
from unaccounted.estimate.dga import dga
from unaccounted.estimate.histories import CaptureHistories, nested_lists
from unaccounted.estimate.lcmcr import LCMCRSettings, lcmcr
from unaccounted.estimate.loglinear import Fit, fit, profile_interval
from unaccounted.estimate.models import Model, parse_model
from unaccounted.estimate.result import Estimate, EstimateRefused
from unaccounted.estimate.search import default_max_order, run_search

METHODS = ("loglinear", "lcmcr", "dga")
#: Unseen more than this many times the observed is flagged as extreme extrapolation.
EXTRAPOLATION_WARNING = 10.0
#: A chosen log-linear model whose deviance has p below this is flagged as a gross misfit.
LACK_OF_FIT_P = 0.001


@dataclass(frozen=True)
class LoglinearSettings:
    """How to choose the log-linear model and its interval."""

    search: str = "downhill"
    model: str | None = None
    max_order: int | None = None
    threshold: float = 0.02
    nboot: int = 500
    seed: int = 0


def estimate(
    hist: CaptureHistories,
    method: str = "loglinear",
    *,
    seed: int = 0,
    loglinear: LoglinearSettings | None = None,
    lcmcr_settings: LCMCRSettings | None = None,
    delta: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Estimate:
    """Estimate the total (seen and unseen) with one method; raises ``EstimateRefused``."""
    if method == "loglinear":
        ll = loglinear or LoglinearSettings(seed=seed)
        result = loglinear_estimate(hist, ll, progress)
    elif method == "lcmcr":
        result = lcmcr(hist, lcmcr_settings or LCMCRSettings(seed=seed))
    elif method == "dga":
        result = dga(hist, delta)
    else:
        raise ValueError(f"unknown method {method!r} (expected one of {', '.join(METHODS)})")
    result.warnings.extend(nested_warnings(hist))
    return result


def nested_warnings(hist: CaptureHistories) -> list[str]:
    """One warning per list contained in another: they are one source, not two."""
    return [
        f"everyone on list {inner} is also on list {outer}: the two are not independent "
        f"sources; merge them into one independence group"
        for inner, outer in nested_lists(hist)
    ]


def loglinear_estimate(
    hist: CaptureHistories,
    settings: LoglinearSettings = LoglinearSettings(),
    progress: Callable[[int, int], None] | None = None,
) -> Estimate:
    """A log-linear estimate from a fixed model or a searched one."""
    cells = hist.cells()
    if settings.model is not None:
        return _fixed(hist, cells, parse_model(settings.model, hist.lists))
    max_order = settings.max_order or default_max_order(settings.search, hist.k)
    if not 1 <= max_order < hist.k:
        raise EstimateRefused(f"max order must be between 1 and {hist.k - 1} for {hist.k} lists")

    def searched(c: npt.NDArray[np.int64]) -> float:
        return run_search(
            settings.search, c, hist.k, max_order, hist.lists, settings.threshold
        ).best.estimate

    result = run_search(settings.search, cells, hist.k, max_order, hist.lists, settings.threshold)
    best = result.best
    diagnostics = _fit_diagnostics(best, hist)
    diagnostics.update(
        search=settings.search,
        max_order=max_order,
        models_fitted=len(result.visited),
        models_refused=sum(1 for f in result.visited if not f.ok),
    )
    if settings.search == "stepwise":
        diagnostics["threshold"] = settings.threshold
    warnings = _fit_warnings(best, hist)
    lower = upper = math.nan
    interval = "none (nboot = 0)"
    if settings.nboot > 0:
        boot = bootstrap_bca(
            cells, searched, best.estimate, settings.nboot, settings.seed, progress
        )
        lower, upper = boot.lower, boot.upper
        interval = (
            f"95% BCa bootstrap, {settings.nboot} resamples repeating the {settings.search} search"
        )
        diagnostics.update(
            nboot=settings.nboot,
            seed=settings.seed,
            bootstrap_failed=boot.failed,
            acceleration=boot.acceleration,
            bias_z0=boot.bias_z0,
            bootstrap_median=float(np.nanmedian(boot.replicates)),
            bca_levels=list(boot.levels),
        )
        warnings.extend(bca_warnings(boot))
        if boot.failed:
            warnings.append(
                f"{boot.failed} of {settings.nboot} bootstrap tables could not be estimated; "
                "the interval uses the rest"
            )
    with contextlib.suppress(ValueError, ArithmeticError):
        diagnostics["conditional_profile_interval"] = list(
            profile_interval(best.model, cells, best.estimate)
        )
    return Estimate(
        observed=hist.observed,
        estimate=best.estimate,
        lower=lower,
        upper=upper,
        method="loglinear",
        model=best.model.name(hist.lists),
        interval=interval,
        diagnostics=diagnostics,
        warnings=warnings,
    )


def _fixed(hist: CaptureHistories, cells: npt.NDArray[np.int64], model: Model) -> Estimate:
    f = fit(model, cells, hist.lists)
    if not f.ok:
        raise EstimateRefused(f"model {model.name(hist.lists)}: {f.verdict.reason}")
    lower, upper = profile_interval(model, cells, f.estimate)
    diagnostics = _fit_diagnostics(f, hist)
    diagnostics["search"] = "none (fixed model)"
    return Estimate(
        observed=hist.observed,
        estimate=f.estimate,
        lower=lower,
        upper=upper,
        method="loglinear",
        model=model.name(hist.lists),
        interval="95% profile likelihood (model fixed in advance)",
        diagnostics=diagnostics,
        warnings=_fit_warnings(f, hist),
    )


def deviance(f: Fit, hist: CaptureHistories) -> tuple[float, int, float]:
    """The chosen model's deviance G² against the saturated model, its df and p-value.

    Over the 2^k − 1 observable cells: G² = 2 Σ y log(y / mu), df = cells − parameters.
    """
    y = hist.cells()[1:].astype(np.float64)
    pos = y > 0
    saturated = float((y[pos] * np.log(y[pos])).sum() - y.sum() - gammaln(y + 1).sum())
    g2 = max(2.0 * (saturated - f.loglik), 0.0)
    df = y.size - len(f.model.parameters)
    p = float(chi2.sf(g2, df)) if df > 0 else math.nan
    return g2, df, p


def _fit_diagnostics(f: Fit, hist: CaptureHistories) -> dict[str, object]:
    coefs = f.coefficients or {}
    g2, df, p = deviance(f, hist)
    return {
        "deviance": g2,
        "deviance_df": df,
        "deviance_p": p,
        "bic": f.bic,
        "aic": f.aic,
        "loglik": f.loglik,
        "parameters": len(f.model.parameters),
        "never_overlapping_terms": [
            _term(t, hist.lists) for t, v in coefs.items() if v == -math.inf
        ],
    }


def _fit_warnings(f: Fit, hist: CaptureHistories) -> list[str]:
    out = []
    boundary = [_term(t, hist.lists) for t, v in (f.coefficients or {}).items() if v == -math.inf]
    if boundary:
        out.append(
            "terms fixed at minus infinity because their lists never overlap: "
            + ", ".join(boundary)
        )
    g2, df, p = deviance(f, hist)
    if p < LACK_OF_FIT_P:
        out.append(
            f"the chosen model fits the observed cells badly (deviance {g2:.1f} on {df} df, "
            f"p = {p:.2g}): lists depend on each other in ways it does not model"
        )
    if f.estimate - hist.observed > EXTRAPOLATION_WARNING * hist.observed:
        out.append(
            f"the unseen are estimated at over {EXTRAPOLATION_WARNING:g} times the observed: "
            "extreme extrapolation"
        )
    return out


def _term(t: int, lists: tuple[str, ...]) -> str:
    return ":".join(lists[j] for j in range(len(lists)) if t >> j & 1)
