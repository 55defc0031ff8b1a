"""Model search for log-linear MSE: BIC downhill, stepwise p-value, exhaustive BIC/AIC.

- **downhill** (Silverman, Chan & Vincent 2024, the default): start from main effects;
  repeatedly move to the neighbour (one interaction term added, or one generator dropped)
  with the lowest BIC among those not yet visited; stop when no neighbour improves.
  BIC = p log(n) − 2 log L, with n the number of people observed and p counting every
  parameter of the model, those fixed at minus infinity included.
- **stepwise** (Chan, Silverman & Vincent 2021): start from main effects; for each
  two-list term not yet in, compare the observed overlap with its Poisson expectation under
  the current model; add the term with the smallest two-sided tail p-value if it is below
  the threshold (0.02); candidates whose model fails the existence check are skipped.
- **exhaustive**: fit every hierarchical model up to ``max_order`` and take the lowest BIC
  (or AIC); refused when there are too many models.

Every search only ever picks a model that passed the existence and identifiability
checks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.stats import poisson

from unaccounted.estimate.existence import check, design, reduce
from unaccounted.estimate.loglinear import Fit, fit
from unaccounted.estimate.models import Model, all_models, popcount
from unaccounted.estimate.result import EstimateRefused

SEARCHES = ("downhill", "stepwise", "bic", "aic")


@dataclass
class SearchResult:
    """The chosen fit and the models visited on the way."""

    best: Fit
    visited: list[Fit] = field(default_factory=list)


def default_max_order(search: str, k: int) -> int:
    """Stepwise looks at pairs only (as published); the others go up to k − 1."""
    return 2 if search == "stepwise" else k - 1


class _Fitter:
    """Fits models on one table, each model once."""

    def __init__(self, cells: npt.NDArray[np.int64], lists: tuple[str, ...] | None) -> None:
        self.cells = cells
        self.lists = lists
        self.cache: dict[Model, Fit] = {}

    def __call__(self, model: Model) -> Fit:
        got = self.cache.get(model)
        if got is None:
            got = fit(model, self.cells, self.lists)
            self.cache[model] = got
        return got


def downhill(
    cells: npt.NDArray[np.int64],
    k: int,
    max_order: int | None = None,
    lists: tuple[str, ...] | None = None,
    max_steps: int = 20,
) -> SearchResult:
    """BIC downhill search from the main-effects model."""
    order = k - 1 if max_order is None else max_order
    f = _Fitter(cells, lists)
    current = f(Model.independence(k))
    if not current.ok:
        raise EstimateRefused(f"the main-effects model cannot be fitted: {current.verdict.reason}")
    considered = {current.model}
    for _ in range(max_steps):
        new = [m for m in current.model.neighbours(order) if m not in considered]
        if not new:
            break
        considered.update(new)
        fits = [f(m) for m in new]
        good = [x for x in fits if x.ok]
        if not good:
            break
        cand = min(good, key=lambda x: x.bic)
        if cand.bic >= current.bic:
            break
        current = cand
    return SearchResult(current, list(f.cache.values()))


def stepwise(
    cells: npt.NDArray[np.int64],
    k: int,
    max_order: int = 2,
    lists: tuple[str, ...] | None = None,
    threshold: float = 0.02,
) -> SearchResult:
    """Forward selection of interactions by Poisson-tail p-value below ``threshold``."""
    f = _Fitter(cells, lists)
    current = f(Model.independence(k))
    if not current.ok:
        raise EstimateRefused(f"the main-effects model cannot be fitted: {current.verdict.reason}")
    while True:
        cands = current.model.addable(max_order)
        if not cands:
            break
        expected = _expected_overlaps(current, cells, cands)
        best_p, best_t = 1.0, -1
        for t, pstar in zip(cands, expected, strict=True):
            nstar = int(cells[(np.arange(cells.size) & t) == t].sum())
            p = min(float(poisson.cdf(nstar, pstar)), float(poisson.sf(nstar - 1, pstar)))
            if p < best_p and check(current.model.with_term(t), cells, lists).ok:
                best_p, best_t = p, t
        if best_t < 0 or best_p >= threshold:
            break
        nxt = f(current.model.with_term(best_t))
        if not nxt.ok:
            break
        current = nxt
    return SearchResult(current, list(f.cache.values()))


def _expected_overlaps(current: Fit, cells: npt.NDArray[np.int64], terms: list[int]) -> list[float]:
    red = reduce(current.model, cells)
    assert current.coefficients is not None
    beta = np.array([current.coefficients[t] for t in red.estimable])
    mu = np.exp(red.x @ beta)
    x = design(current.model.k, terms, red.keep)
    return [float(v) for v in mu @ x]


def exhaustive(
    cells: npt.NDArray[np.int64],
    k: int,
    max_order: int | None = None,
    lists: tuple[str, ...] | None = None,
    criterion: str = "bic",
    models: list[Model] | None = None,
) -> SearchResult:
    """Fit every admissible model and take the one with the lowest BIC (or AIC)."""
    order = k - 1 if max_order is None else max_order
    f = _Fitter(cells, lists)
    fits = [f(m) for m in (models if models is not None else all_models(k, order))]
    good = [x for x in fits if x.ok]
    if not good:
        raise EstimateRefused("no model can be fitted to this table")
    key: Callable[[Fit], float] = (lambda x: x.bic) if criterion == "bic" else (lambda x: x.aic)
    return SearchResult(min(good, key=key), fits)


def run_search(
    search: str,
    cells: npt.NDArray[np.int64],
    k: int,
    max_order: int | None = None,
    lists: tuple[str, ...] | None = None,
    threshold: float = 0.02,
) -> SearchResult:
    """Dispatch by name: ``downhill``, ``stepwise``, ``bic`` or ``aic``."""
    if search == "downhill":
        return downhill(cells, k, max_order, lists)
    if search == "stepwise":
        return stepwise(cells, k, 2 if max_order is None else max_order, lists, threshold)
    if search in ("bic", "aic"):
        return exhaustive(cells, k, max_order, lists, criterion=search)
    raise ValueError(f"unknown search {search!r} (expected one of {', '.join(SEARCHES)})")


def order_of(model: Model) -> int:
    return max((popcount(t) for t in model.terms), default=1)


def finite(x: float) -> bool:
    return math.isfinite(x)
