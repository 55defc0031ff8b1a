"""Estimates per stratum and their total, with linkage error carried through.

:func:`estimate_strata` takes the records (:class:`~unaccounted.estimate.strata.RecordTable`),
the current clustering and any number of drawn clusterings
(:func:`~unaccounted.estimate.linkage_error.draw_clusterings`). Each stratum is estimated on
every draw; the log estimates and their variances (from each 95% interval, taken as
symmetric on the log scale) are combined with Rubin's rules, and the interval is
transformed back. A stratum is estimable when at least half of the draws are; a draw that
cannot be estimated is left out of that stratum's combination.

With the pooled model (the default, ``estimate/pooled.py``) each draw is one fit over all
strata, and the draw's total comes from it with the strata's covariances. With a model per
stratum, the total, per draw, is the sum of the estimable strata's estimates (a draw where
one of them failed uses that stratum's combined estimate) and its variance the sum of the
strata's (strata are independent given the linkage). Either way the persons documented in
strata that cannot be estimated are pooled into one residual stratum whose unseen are added
(``estimate/residual.py``; only if even that fails are they added with nothing unseen), the
totals are combined across draws with Rubin's rules in the same way, and the total is
checked against the unstratified estimate.

Without draws the current clustering is the only one: each stratum keeps its method's own
interval and nothing is said about linkage.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from unaccounted.estimate.linkage_error import combine
from unaccounted.estimate.pooled import fit_pooled
from unaccounted.estimate.residual import (
    RunsEstimate,
    add_unseen,
    estimate_runs,
    overlap_note,
    residual_rows,
    whole_rows,
)
from unaccounted.estimate.result import Estimate, EstimateRefused
from unaccounted.estimate.strata import (
    PAIRS,
    POOLED,
    MethodChoice,
    RecordTable,
    estimate_cells,
    log_variances,
    person_cells,
)

IntArray = npt.NDArray[np.int64]

#: Runs of the current clustering when persons of unknown stratum are imputed and no
#: clusterings are drawn (Rubin's rules then carry the imputation's uncertainty; with
#: the fraction of missing information of stratum placement, 20 proper imputations keep
#: the efficiency loss and the between-imputation variance's own noise small).
IMPUTATIONS = 20
#: A stratum on its own, where the pooled model has nothing to pool or fails.
ALONE = MethodChoice(model=PAIRS)
#: The reason of the unknown stratum when its persons were placed in the others.
PLACED = "placed in the strata by imputation"


@dataclass
class StratumEstimate:
    """One stratum (or the total): documented dead, estimate and interval, or the reason."""

    stratum: str
    documented: int
    estimate: float | None = None
    lower: float | None = None
    upper: float | None = None
    reason: str | None = None
    draws: int = 0
    linkage_width_share: float | None = None
    #: Persons of unknown stratum placed in this one by imputation (mean over runs).
    imputed: float | None = None
    model: str = ""
    warnings: list[str] = field(default_factory=list)
    #: The expected dead among the stratum's missing added (``--dead-among-missing``).
    dead_among_missing: dict[str, Any] | None = None
    #: How much the deaths not reported yet added (``--reporting-delay``).
    reporting_delay: dict[str, Any] | None = None

    @property
    def estimable(self) -> bool:
        return self.reason is None

    @property
    def placed(self) -> bool:
        """The unknown stratum whose persons were placed in the others by imputation."""
        return (self.reason or "").startswith(PLACED)

    def to_dict(self) -> dict[str, Any]:
        def num(x: float | None) -> float | None:
            return None if x is None or not math.isfinite(x) else round(x, 3)

        out: dict[str, Any] = {
            "stratum": self.stratum,
            "documented": self.documented,
            "estimable": self.estimable,
            "estimate": num(self.estimate),
            "lower": num(self.lower),
            "upper": num(self.upper),
            "reason": self.reason,
            "draws_estimated": self.draws,
            "linkage_width_share": num(self.linkage_width_share),
            "imputed": num(self.imputed),
            "model": self.model,
            "warnings": list(self.warnings),
        }
        if self.dead_among_missing is not None:
            out["dead_among_missing"] = self.dead_among_missing
        if self.reporting_delay is not None:
            out["reporting_delay"] = self.reporting_delay
        return out


@dataclass
class StrataResult:
    by: str
    method: str
    lists: tuple[str, ...]
    draws: int
    strata: list[StratumEstimate]
    total: StratumEstimate
    combination: str
    #: Strata that could not be estimated, pooled and estimated together (or None).
    residual: RunsEstimate | None = None
    #: The same persons estimated as one table, and the stratified total minus it.
    unstratified: RunsEstimate | None = None
    difference: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "method": self.method,
            "lists": list(self.lists),
            "draws": self.draws,
            "combination": self.combination,
            "strata": [s.to_dict() for s in self.strata],
            "total": self.total.to_dict(),
            "residual": None if self.residual is None else _runs_dict(self.residual),
            "unstratified": None if self.unstratified is None else _runs_dict(self.unstratified),
            "difference_from_unstratified": self.difference,
        }


def _runs_dict(r: RunsEstimate) -> dict[str, Any]:
    return {"estimate": r.estimate, "lower": r.lower, "upper": r.upper,
            "documented": r.documented, "model": r.model, "runs": r.runs}  # fmt: skip


@dataclass
class _Draws:
    """Per stratum and draw: log estimate and its (lower, upper) variances (NaN: refused)."""

    q: npt.NDArray[np.float64]
    w: npt.NDArray[np.float64]
    observed: IntArray
    reasons: list[Counter[str]]
    models: list[Counter[str]]
    warnings: list[set[str]]


def estimate_strata(
    table: RecordTable,
    current: IntArray,
    draws: list[IntArray],
    choice: MethodChoice,
    by: str = "",
    impute: bool = True,
) -> StrataResult:
    """Every stratum's estimate and the total; see the module doc. ``impute``: place the
    persons of unknown stratum in strata, drawn afresh on every run."""
    documented = person_cells(table, current).sum(axis=1)
    imputing = impute and bool(table.values) and documented[-1] > 0
    runs = draws or [current] * (IMPUTATIONS if imputing else 1)
    cells = [
        person_cells(table, labels, np.random.default_rng([choice.seed, i]) if imputing else None)
        for i, labels in enumerate(runs)
    ]
    s_count, m = len(table.strata), len(runs)
    d = _Draws(
        np.full((s_count, m), np.nan), np.full((s_count, m, 2), np.nan),
        np.stack([c.sum(axis=1) for c in cells], axis=1),
        [Counter() for _ in range(s_count)], [Counter() for _ in range(s_count)],
        [set() for _ in range(s_count)],
    )  # fmt: skip
    own: dict[int, Estimate] = {}
    totals: list[Estimate | None] = []
    seen: dict[bytes, Estimate | str] = {}  # draws often agree on a stratum: fit it once
    chosen: dict[str, float] = {}  # the pooled model's prior scale, chosen on the first run
    tables: dict[bytes, tuple[list[Estimate | str], Estimate | None]] = {}  # or on them all
    for i, c in enumerate(cells):
        key = c.tobytes()
        if key not in tables:
            tables[key] = _fit_draw(c, table.lists, choice, seen, chosen)
        fits, drawn_total = tables[key]
        totals.append(drawn_total)
        for s, est in enumerate(fits):
            if isinstance(est, str):
                d.reasons[s][est] += 1
                continue
            d.w[s, i] = log_variances(est)
            d.q[s, i] = math.log(est.estimate)
            d.models[s][est.model] += 1
            d.warnings[s].update(est.warnings)
            if m == 1:
                own[s] = est
    strata = [_combine(table.strata[s], int(documented[s]), d, s, own.get(s), m > 1)
              for s in range(s_count)]  # fmt: skip
    for i, st in enumerate(strata):
        if imputing and i < len(table.values):  # persons received, on average over the runs
            st.imputed = float(np.mean(d.observed[i])) - st.documented
        if not draws:
            st.linkage_width_share = None
    if imputing:
        unknown = strata[-1]
        unknown.reason = f"{PLACED} ({unknown.documented} persons)"
        unknown.estimate = unknown.lower = unknown.upper = None
        unknown.model, unknown.warnings = "", []
    strata = [s for s in strata if s.documented > 0 or s.estimable]
    joint = [t for t in totals if t is not None]
    if len(joint) == len(totals):
        total = _joint_total(strata, joint, m > 1)
    else:
        total = _total(strata, table, cells, d, m > 1)
    if not draws:
        total.linkage_width_share = None
    how = (
        f"Rubin's rules over {m} drawn clusterings on the log scale"
        if draws
        else "the current clustering only (linkage error not carried)"
    )
    if imputing:
        how += f"; persons of unknown stratum placed by imputation, afresh in each of {m} runs"
    result = StrataResult(by, choice.method, table.lists, len(draws), strata, total, how)
    if len(table.strata) > 1 and total.estimable:
        _check_residual_and_whole(result, table, cells, choice)
    return result


def _check_residual_and_whole(
    result: StrataResult, table: RecordTable, cells: list[IntArray], choice: MethodChoice
) -> None:
    """Pool the strata that could not be estimated into a residual stratum and add its
    unseen to the total; then compare the total with the unstratified estimate."""
    total = result.total
    if total.estimate is None or total.lower is None or total.upper is None:
        return
    index = {name: i for i, name in enumerate(table.strata)}
    rest = [index[s.stratum] for s in result.strata if not s.estimable and not s.placed]
    if rest:
        got = estimate_runs(residual_rows(cells, rest), table.lists, choice)
        if isinstance(got, RunsEstimate):
            result.residual = got
            total.estimate, total.lower, total.upper = add_unseen(
                (total.estimate, total.lower, total.upper), got
            )
            total.model += f" + a residual stratum pooling {len(rest)}"
            total.warnings = [w for w in total.warnings if "nothing unseen" not in w]
            total.warnings.append(
                f"{len(rest)} strata could not be estimated on their own: pooled into one "
                f"residual stratum ({got.documented:,.0f} documented, estimated "
                f"{got.estimate:,.0f} [{got.lower:,.0f}–{got.upper:,.0f}])"
            )
    whole = estimate_runs(whole_rows(cells), table.lists, choice)
    if isinstance(whole, RunsEstimate):
        result.unstratified = whole
        result.difference, note = overlap_note((total.estimate, total.lower, total.upper), whole)
        if note:
            total.warnings.append(note)


def _fit_draw(
    cells: IntArray,
    lists: tuple[str, ...],
    choice: MethodChoice,
    seen: dict[bytes, Estimate | str],
    chosen: dict[str, float] | None = None,
) -> tuple[list[Estimate | str], Estimate | None]:
    """One draw: each stratum's estimate or why it has none, and the total when the model
    gives one with the strata's covariances (the pooled model); ``seen`` caches the fits of
    strata estimated on their own, ``chosen`` keeps the pooled model's prior scale chosen on
    the first draw for the others (the draws differ little; choosing is five fits)."""
    if choice.method == "loglinear" and choice.model == POOLED:
        return _fit_pooled(cells, lists, {} if chosen is None else chosen)
    fits: list[Estimate | str] = []
    for row in cells:
        key = row.tobytes()
        if key not in seen:
            seen[key] = _fit(row, lists, choice)
        fits.append(seen[key])
    return fits, None


def _fit_pooled(
    cells: IntArray, lists: tuple[str, ...], chosen: dict[str, float]
) -> tuple[list[Estimate | str], Estimate | None]:
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            fit, reasons = fit_pooled(cells, lists, chosen.get("scale"))
        except EstimateRefused as exc:
            # each stratum on its own then, saying why
            each = [_fit(row, lists, ALONE) for row in cells]
            for got in each:
                if isinstance(got, Estimate):
                    got.warnings.append(f"{exc}; estimated on its own")
            return each, None
    fits: list[Estimate | str] = [reasons.get(s, "") for s in range(len(cells))]
    if fit is None:
        return fits, None
    chosen.setdefault("scale", fit.scale)
    if len(fit.strata) == 1:  # nothing to pool: the one stratum's pairs model
        fits[fit.strata[0]] = _fit(cells[fit.strata[0]], lists, ALONE)
        return fits, None
    for i, s in enumerate(fit.strata):
        fits[s] = fit.stratum(i)
    return fits, fit.total(sum(int(cells[s].sum()) for s in reasons))


def _fit(cells: IntArray, lists: tuple[str, ...], choice: MethodChoice) -> Estimate | str:
    """The stratum's estimate, or why it has none (numerical warnings of refused fits hushed)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            got = estimate_cells(cells, lists, choice)
            log_variances(got)
            return got
        except EstimateRefused as exc:
            return str(exc)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            return f"the fit failed numerically ({exc})"


def _combine(
    name: str, documented: int, d: _Draws, s: int, own: Estimate | None, drawn: bool
) -> StratumEstimate:
    ok = np.isfinite(d.q[s])
    m = len(ok)
    out = StratumEstimate(name, documented, draws=int(ok.sum()))
    if ok.sum() * 2 < m or not ok.any():
        reason = d.reasons[s].most_common(1)[0][0] if d.reasons[s] else "not estimable"
        some = drawn and ok.any()
        out.reason = f"{reason} (in {m - int(ok.sum())} of {m} draws)" if some else reason
        return out
    out.model = d.models[s].most_common(1)[0][0]
    out.warnings = sorted(d.warnings[s])
    if not drawn and own is not None:
        out.estimate, out.lower, out.upper = own.estimate, own.lower, own.upper
        return out
    r = combine(d.q[s][ok], d.w[s][ok, 0], d.w[s][ok, 1])
    lo, hi = r.interval()
    floor = float(d.observed[s][ok].min())  # nobody can be fewer than those documented
    out.estimate, out.lower, out.upper = math.exp(r.mean), max(math.exp(lo), floor), math.exp(hi)
    out.linkage_width_share = r.linkage_width_share
    if ok.sum() < m:
        out.warnings.append(f"{m - int(ok.sum())} of {m} draws could not be estimated")
    return out


def _total(
    strata: list[StratumEstimate],
    table: RecordTable,
    cells: list[IntArray],
    d: _Draws,
    drawn: bool,
) -> StratumEstimate:
    index = {name: i for i, name in enumerate(table.strata)}
    est = [index[s.stratum] for s in strata if s.estimable]
    unestimable = [s for s in strata if not s.estimable]
    fixed = [index[s.stratum] for s in unestimable]  # an imputed stratum's cells are all 0
    m = len(cells)
    q, w = np.zeros(m), np.zeros((m, 2))
    for i in range(m):
        total, var = float(sum(cells[i][s].sum() for s in fixed)), np.zeros(2)
        for s in est:
            if math.isfinite(d.q[s, i]):
                log_n, log_var = d.q[s, i], d.w[s, i]
            else:
                log_n, log_var = np.nanmean(d.q[s]), np.nanmean(d.w[s], axis=0)
            n_hat = math.exp(log_n)
            total += n_hat
            var += n_hat * n_hat * log_var
        q[i], w[i] = (math.log(total), var / (total * total)) if total > 0 else (-math.inf, 0)
    out = StratumEstimate("total", sum(s.documented for s in strata), draws=m)
    if not np.isfinite(q).all():
        out.reason = "nobody documented as dead"
        return out
    r = combine(q, w[:, 0], w[:, 1])
    lo, hi = r.interval()
    floor = float(min(sum(c[s].sum() for s in est + fixed) for c in cells))
    out.estimate, out.lower, out.upper = math.exp(r.mean), max(math.exp(lo), floor), math.exp(hi)
    out.linkage_width_share = r.linkage_width_share if drawn else None
    out.model = f"sum of {len(est)} estimated strata"
    unplaced = [s for s in unestimable if not s.placed]
    if unplaced:
        out.warnings.append(
            f"{len(unplaced)} strata could not be estimated; their documented dead are added "
            "with nothing unseen"
        )
    return out


def _joint_total(
    strata: list[StratumEstimate], totals: list[Estimate], drawn: bool
) -> StratumEstimate:
    """The total from each draw's own total (a model that fits every stratum at once knows
    their covariances), combined with Rubin's rules."""
    out = StratumEstimate("total", sum(s.documented for s in strata), draws=len(totals))
    variances = [log_variances(t) for t in totals]
    r = combine([math.log(t.estimate) for t in totals], [v[0] for v in variances],
                [v[1] for v in variances])  # fmt: skip
    lo, hi = r.interval()
    floor = float(min(t.observed for t in totals))
    out.estimate, out.lower, out.upper = math.exp(r.mean), max(math.exp(lo), floor), math.exp(hi)
    out.linkage_width_share = r.linkage_width_share if drawn else None
    if not drawn:
        out.estimate, out.lower, out.upper = totals[0].estimate, totals[0].lower, totals[0].upper
    out.model = totals[0].model
    out.warnings.extend(totals[0].warnings)  # the model's own (the pooled model's pair test)
    fixed = [s for s in strata if not s.estimable and not s.placed]
    if fixed:
        out.warnings.append(
            f"{len(fixed)} strata could not be estimated; their documented dead are added "
            "with nothing unseen"
        )
    return out
