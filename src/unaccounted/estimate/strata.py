"""Stratified estimates from a linked workspace: capture histories per stratum.

A *list* is an independence group of sources (sources that copy each other are one list).
Only persons whose records say they are dead count (any record with a status of the grading
rules' ``dead`` class, as the resolve stage decides a person's fate), and a person is on a
list when a record of that list says so: a list that only ever called someone missing did
not record a death. (Counting it would make the lists look as if they overlapped more than
they do for the deaths they record, and the estimate would come out too low.)

A person's stratum is the value of the stratifying field stated by most lists among its
records (the resolve stage's rule for best values; ties go to the alphabetically first
value); a person whose records give no value is in the stratum ``(unknown)``. The period
is the **quarter** (``2023-Q2``) of the event date; a record whose event date interval
spans more than one quarter gives no period.

By default all strata are estimated with one log-linear model (``estimate/pooled.py``): each
stratum has its own capture rates per list, the lists' interactions are shared. The other
choices estimate each stratum on its own lists (those that saw someone in it). A stratum is
reported as not estimable, with the reason, when fewer than three lists saw anyone in it,
when no person is on two lists, or when the method refuses it (the MLE does not exist).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from unaccounted.errors import InputError
from unaccounted.estimate.api import LoglinearSettings, estimate
from unaccounted.estimate.histories import MAX_CELL_LISTS, CaptureHistories, from_cells
from unaccounted.estimate.lcmcr import LCMCRSettings
from unaccounted.estimate.loglinear import Fit, fit, profile_interval
from unaccounted.estimate.models import Model, pairs
from unaccounted.estimate.result import Estimate, EstimateRefused

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

BY = ("unit", "region", "period", "category")
UNKNOWN = "(unknown)"
#: Each stratum on its own with every two-list interaction.
PAIRS = "pairs"
#: The default: one log-linear model over all strata (``estimate/pooled.py``).
POOLED = "pooled"
#: Fewer lists than this cannot give an estimate with any check of its model.
MIN_LISTS = 3
Z95 = 1.959963984540054


def quarter(lo: dt.date | None, hi: dt.date | None) -> str | None:
    """``YYYY-Qn`` when the interval lies in one quarter, else None."""
    if lo is None or hi is None:
        return None
    q_lo, q_hi = (lo.year, (lo.month - 1) // 3 + 1), (hi.year, (hi.month - 1) // 3 + 1)
    return f"{q_lo[0]}-Q{q_lo[1]}" if q_lo == q_hi else None


@dataclass(frozen=True)
class RecordTable:
    """The records as the strata see them; row ``i`` is record ``i``.

    ``list_of`` is each record's list (an index into ``lists``), ``dead`` whether its
    status says dead, ``value`` its stratum value code (-1: none) into ``values``, ``span``
    the lowest and highest value codes a record without a value allows (an event date known
    to a year spans its quarters; -1: any value).
    """

    lists: tuple[str, ...]
    list_of: IntArray
    dead: BoolArray
    values: tuple[str, ...]
    value: IntArray
    span: IntArray | None = None

    @classmethod
    def build(
        cls,
        lists: Sequence[str],
        dead: Sequence[bool],
        values: Sequence[str | None],
        spans: Sequence[tuple[str, str] | None] | None = None,
    ) -> RecordTable:
        """From each record's list name, dead flag and stratum value (None: unknown), and
        optionally the range of values (first, last, as sorted) a record without one allows."""
        names = tuple(sorted(set(lists)))
        if len(names) > MAX_CELL_LISTS:
            raise InputError(f"{len(names)} lists are too many (at most {MAX_CELL_LISTS})")
        index = {n: i for i, n in enumerate(names)}
        known = tuple(sorted({v for v in values if v is not None}))
        code = {v: i for i, v in enumerate(known)}
        span = None
        if spans is not None:
            span = np.full((len(spans), 2), -1, dtype=np.int64)
            for i, sp in enumerate(spans):
                if sp is not None:
                    lo = bisect.bisect_left(known, sp[0])
                    hi = bisect.bisect_right(known, sp[1]) - 1
                    if lo <= hi:
                        span[i] = (lo, hi)
        return cls(
            names,
            np.array([index[x] for x in lists], dtype=np.int64),
            np.array(dead, dtype=bool),
            known,
            np.array([-1 if v is None else code[v] for v in values], dtype=np.int64),
            span,
        )

    @property
    def strata(self) -> tuple[str, ...]:
        """Every stratum name: the known values, then ``(unknown)``."""
        return (*self.values, UNKNOWN)


def person_cells(
    table: RecordTable, labels: IntArray, impute: np.random.Generator | None = None
) -> IntArray:
    """Dead persons per stratum and capture history: a (strata, 2^k) count matrix.

    ``labels`` is a cluster label per record (any integers; equal labels are one person).
    With ``impute``, each person of the unknown stratum is placed in a stratum drawn by
    :func:`impute_strata`, and the unknown row is empty.
    """
    _, person = np.unique(labels, return_inverse=True)
    n_persons = int(person.max()) + 1 if len(person) else 0
    dead = np.zeros(n_persons, dtype=bool)
    np.logical_or.at(dead, person, table.dead)
    bits = np.zeros(n_persons, dtype=np.int64)
    np.bitwise_or.at(bits, person[table.dead], np.left_shift(1, table.list_of[table.dead]))
    stratum = _stratum_of(person, n_persons, table)
    if impute is not None and table.values:
        lo, hi = _allowed(person, n_persons, table)
        stratum = impute_strata(stratum, dead, bits, lo, hi, len(table.values), impute)
    cells = np.zeros((len(table.strata), 2 ** len(table.lists)), dtype=np.int64)
    np.add.at(cells, (stratum[dead], bits[dead]), 1)
    return cells


def impute_strata(
    stratum: IntArray,
    dead: BoolArray,
    bits: IntArray,
    lo: IntArray,
    hi: IntArray,
    n_values: int,
    rng: np.random.Generator,
) -> IntArray:
    """Draw a stratum for every counted person whose stratum is unknown (``n_values``).

    The persons with capture history ``h`` go to the strata (within their allowed range
    ``lo..hi``) with probabilities drawn, once per call, from a Dirichlet distribution with
    parameters ``n(s, h) + n(s) / n``: the counted persons of known stratum with the same
    history, plus one person's worth spread as the strata's shares (for a history seen
    nowhere else). Drawing the probabilities rather than fixing them at their observed
    shares makes each call a *proper* imputation (Rubin & Schenker 1986), so that Rubin's
    rules over many calls carry the uncertainty of the shares themselves. Lists that record
    the dead without a date (or a unit) then keep their share of single-list persons in
    every stratum, which the estimate depends on.
    """
    out = stratum.copy()
    missing = np.flatnonzero(dead & (stratum == n_values))
    if missing.size == 0:
        return out
    known = dead & (stratum < n_values)
    n_s = np.bincount(stratum[known], minlength=n_values).astype(np.float64)
    if n_s.sum() == 0:
        return out
    prior = n_s / n_s.sum()
    size = 1 << int(bits.max()).bit_length()
    n_sh = np.zeros((n_values, size))
    np.add.at(n_sh, (stratum[known], bits[known]), 1.0)
    groups: dict[tuple[int, int, int], list[int]] = {}
    for p in missing.tolist():
        groups.setdefault((int(bits[p]), int(lo[p]), int(hi[p])), []).append(p)
    for (h, a, b), members in sorted(groups.items()):
        weight = n_sh[:, h] + prior
        if a >= 0:
            mask = np.zeros(n_values, dtype=bool)
            mask[a : b + 1] = True
            if (weight * mask).sum() > 0:
                weight = weight * mask
        out[members] = rng.choice(n_values, size=len(members), p=_drawn_shares(weight, rng))
    return out


def _drawn_shares(alpha: npt.NDArray[np.float64], rng: np.random.Generator) -> FloatArray:
    """One draw from Dirichlet(``alpha``) over the entries with ``alpha > 0`` (gamma draws,
    normalised; zeros stay zero). Tiny parameters can underflow every draw to zero: then the
    shares are ``alpha``'s own."""
    draw = np.zeros_like(alpha)
    positive = alpha > 0
    draw[positive] = rng.gamma(alpha[positive])
    total = draw.sum()
    shares: FloatArray = alpha / alpha.sum() if not total > 0 else draw / total
    return shares


def _allowed(person: IntArray, n_persons: int, table: RecordTable) -> tuple[IntArray, IntArray]:
    """Per person, the value codes its records allow (the intersection of their spans;
    -1, -1: any)."""
    lo = np.full(n_persons, -1, dtype=np.int64)
    hi = np.full(n_persons, -1, dtype=np.int64)
    if table.span is None:
        return lo, hi
    has = table.span[:, 0] >= 0
    if not has.any():
        return lo, hi
    big = np.iinfo(np.int64).max
    low = np.full(n_persons, -1, dtype=np.int64)
    high = np.full(n_persons, big, dtype=np.int64)
    np.maximum.at(low, person[has], table.span[has, 0])
    np.minimum.at(high, person[has], table.span[has, 1])
    ok = (high < big) & (low <= high)
    lo[ok], hi[ok] = low[ok], high[ok]
    return lo, hi


def _stratum_of(person: IntArray, n_persons: int, table: RecordTable) -> IntArray:
    """Each person's value stated by most lists (ties: lowest code); unknown last."""
    unknown = len(table.values)
    out = np.full(n_persons, unknown, dtype=np.int64)
    has = table.value >= 0
    if not has.any():
        return out
    k = len(table.lists)
    # one row per distinct (person, value, list), then lists per (person, value)
    key = (person[has] * (len(table.values) + 1) + table.value[has]) * k + table.list_of[has]
    pv = np.unique(key) // k
    pair, support = np.unique(pv, return_counts=True)
    p, v = pair // (len(table.values) + 1), pair % (len(table.values) + 1)
    order = np.lexsort((v, -support, p))  # per person: most lists first, then lowest value
    p, v = p[order], v[order]
    first = np.ones(len(p), dtype=bool)
    first[1:] = p[1:] != p[:-1]
    out[p[first]] = v[first]
    return out


@dataclass(frozen=True)
class MethodChoice:
    """How each stratum (and each draw) is estimated."""

    method: str = "loglinear"
    #: log-linear: ``pooled`` (one model over all strata), or each stratum on its own with
    #: ``pairs`` (every two-list interaction), ``downhill`` or a formula.
    model: str = POOLED
    seed: int = 0
    lcmcr: LCMCRSettings | None = None


def not_estimable(cells: IntArray, lists: Sequence[str]) -> str | None:
    """Why a stratum's cells cannot be estimated, or None when they can be tried."""
    seen = cells.sum()
    if seen == 0:
        return "nobody documented"
    used = [j for j in range(len(lists)) if cells[_on(len(cells), j)].sum() > 0]
    if len(used) < MIN_LISTS:
        return f"fewer than {MIN_LISTS} lists saw anyone ({len(used)})"
    idx = np.arange(len(cells))
    multi = np.array([bin(i).count("1") >= 2 for i in idx])
    if cells[multi].sum() == 0:
        return "no person is on two lists (no overlaps)"
    return None


def _on(size: int, j: int) -> BoolArray:
    return np.asarray((np.arange(size) >> j) & 1 == 1)


def reduce_lists(cells: IntArray, lists: Sequence[str]) -> CaptureHistories:
    """The histories over the lists that saw someone (a list that saw nobody is dropped)."""
    used = [j for j in range(len(lists)) if cells[_on(len(cells), j)].sum() > 0]
    idx = np.flatnonzero(cells)
    sub = np.zeros(2 ** len(used), dtype=np.int64)
    new = np.zeros(len(idx), dtype=np.int64)
    for bit, j in enumerate(used):
        new |= ((idx >> j) & 1) << bit
    np.add.at(sub, new, cells[idx])
    return from_cells([lists[j] for j in used], sub)


def estimate_cells(cells: IntArray, lists: Sequence[str], choice: MethodChoice) -> Estimate:
    """One stratum's estimate on its own; raises ``EstimateRefused`` with the reason it has
    none. (The pooled model of a single stratum is the ``pairs`` model.)"""
    reason = not_estimable(cells, lists)
    if reason:
        raise EstimateRefused(reason)
    hist = reduce_lists(cells, lists)
    if choice.method != "loglinear":
        return estimate(hist, choice.method, seed=choice.seed, lcmcr_settings=choice.lcmcr)
    if choice.model in (PAIRS, POOLED):
        if hist.k > MIN_LISTS:
            model = Model.from_generators(hist.k, pairs(hist.k))
            got = fit(model, hist.cells(), hist.lists)
            if got.ok:
                try:
                    return _pairs_estimate(hist, got)
                except (ValueError, ArithmeticError):
                    note = "the two-list-interaction model has no profile interval"
                    return _searched(hist, choice.seed, note=note)
        note = (
            "the two-list-interaction model has no MLE"
            if hist.k > MIN_LISTS
            else "the two-list-interaction model is saturated"
        )
        return _searched(hist, choice.seed, note=note)
    if choice.model == "downhill":
        return _searched(hist, choice.seed)
    return estimate(hist, loglinear=LoglinearSettings(model=choice.model))


def _pairs_estimate(hist: CaptureHistories, got: Fit) -> Estimate:
    lower, upper = profile_interval(got.model, hist.cells(), got.estimate)
    never = [t for t, v in (got.coefficients or {}).items() if v == -math.inf]
    return Estimate(
        observed=hist.observed,
        estimate=got.estimate,
        lower=lower,
        upper=upper,
        method="loglinear",
        model=got.model.name(hist.lists),
        interval="95% profile likelihood (every two-list interaction)",
        diagnostics={"bic": got.bic, "parameters": len(got.model.parameters),
                     "never_overlapping_terms": len(never)},
    )  # fmt: skip


def _searched(hist: CaptureHistories, seed: int, note: str = "") -> Estimate:
    """Downhill model search with the chosen model's profile interval (no bootstrap)."""
    est = estimate(hist, loglinear=LoglinearSettings(nboot=0, seed=seed))
    interval = est.diagnostics.get("conditional_profile_interval")
    if not interval:
        raise EstimateRefused("the searched model has no profile interval")
    est.lower, est.upper = float(interval[0]), float(interval[1])
    est.interval = "95% profile likelihood of the downhill-searched model"
    if note:
        est.warnings.append(f"{note} ({hist.k} lists); used the downhill search")
    return est


def log_variances(est: Estimate) -> tuple[float, float]:
    """The variances of log(estimate) implied by each side of its 95% interval.

    ``((log N - log lower) / 1.96)²`` and ``((log upper - log N) / 1.96)²``: an interval
    that is not symmetric (a profile-likelihood one seldom is) keeps its shape.
    """
    if not (0 < est.lower <= est.estimate <= est.upper < math.inf):
        raise EstimateRefused(f"no valid interval ({est.lower:g} to {est.upper:g})")
    log_n = math.log(est.estimate)
    low = (log_n - math.log(est.lower)) / Z95
    high = (math.log(est.upper) - log_n) / Z95
    return low * low, high * high
