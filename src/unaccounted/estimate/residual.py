"""Strata that cannot be estimated, pooled into one residual stratum; the unstratified check.

A stratum too sparse for its own estimate still has unseen dead. Adding its documented dead
with nothing unseen biases the total down (the demo workspace: 114 of 262 units, 186 dead,
added as if complete). Instead those strata are pooled into one **residual stratum** and
estimated together, on every run (drawn clustering or imputation), with the stratum method
(the pooled log-linear model of one stratum is its pairs model); the runs are combined with
Rubin's rules like any stratum. Its unseen are added to the total, the two taken as
independent: each side's interval half-width is combined in quadrature. If even the pooled
residual cannot be estimated its documented dead are added as before, with the warning.

The same tables summed over all strata give the **unstratified** estimate, which the
stratified total is checked against: the difference is reported, and a warning is given
when the two intervals do not overlap.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from unaccounted.estimate.linkage_error import combine
from unaccounted.estimate.result import EstimateRefused
from unaccounted.estimate.strata import MethodChoice, estimate_cells, log_variances

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class RunsEstimate:
    """An estimate combined over runs: the point, the 95% interval and the documented."""

    estimate: float
    lower: float
    upper: float
    documented: float
    model: str
    runs: int


def estimate_runs(
    rows: Sequence[IntArray], lists: Sequence[str], choice: MethodChoice
) -> RunsEstimate | str:
    """One table per run (its cells), each estimated and combined with Rubin's rules on the
    log scale; the most common reason when fewer than half of the runs can be estimated."""
    q, low, high, reasons, models = [], [], [], Counter[str](), Counter[str]()
    for row in rows:
        try:
            got = estimate_cells(row, lists, choice)
            w = log_variances(got)
        except (EstimateRefused, ValueError, ArithmeticError) as exc:
            reasons[str(exc)] += 1
            continue
        q.append(math.log(got.estimate))
        low.append(w[0])
        high.append(w[1])
        models[got.model] += 1
    if 2 * len(q) < len(rows) or not q:
        return reasons.most_common(1)[0][0] if reasons else "not estimable"
    r = combine(q, low, high)
    lo, hi = r.interval()
    documented = float(np.mean([row.sum() for row in rows]))
    est = math.exp(r.mean)
    return RunsEstimate(est, max(math.exp(lo), documented), math.exp(hi), documented,
                        models.most_common(1)[0][0], len(q))  # fmt: skip


def residual_rows(cells: Sequence[IntArray], strata: Sequence[int]) -> list[IntArray]:
    """Per run, the cells of the given strata summed into one table."""
    return [np.asarray(c[list(strata)].sum(axis=0), dtype=np.int64) for c in cells]


def whole_rows(cells: Sequence[IntArray]) -> list[IntArray]:
    """Per run, the cells of every stratum summed: the unstratified table."""
    return [np.asarray(c.sum(axis=0), dtype=np.int64) for c in cells]


def add_unseen(
    total: tuple[float, float, float], residual: RunsEstimate
) -> tuple[float, float, float]:
    """The total with the residual's unseen added; half-widths combined in quadrature."""
    est, lo, hi = total
    unseen = residual.estimate - residual.documented
    down = math.hypot(est - lo, residual.estimate - residual.lower)
    up = math.hypot(hi - est, residual.upper - residual.estimate)
    return est + unseen, est + unseen - down, est + unseen + up


def overlap_note(
    total: tuple[float, float, float], whole: RunsEstimate
) -> tuple[float, str | None]:
    """The stratified minus the unstratified estimate, and a warning if the intervals are
    disjoint."""
    est, lo, hi = total
    diff = est - whole.estimate
    if lo <= whole.upper and whole.lower <= hi:
        return diff, None
    return diff, (
        f"the stratified total {est:,.0f} [{lo:,.0f}–{hi:,.0f}] and the unstratified "
        f"estimate {whole.estimate:,.0f} [{whole.lower:,.0f}–{whole.upper:,.0f}] disagree "
        f"(difference {diff:+,.0f}): the strata's models and the whole table's tell "
        "different stories"
    )
