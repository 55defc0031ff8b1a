"""The combined concealment model: one measure of concealment evidence per unit, with its
interval, from a hierarchical (empirical-Bayes) model of the status mix across units.

For each unit and each person its official notices name as a casualty (a claim of an
official source of the missing or the dead class), the person scores

- 1 when the official notices only ever call him missing (no official claim of the dead
  class) and no source says he was captured or returned — signal 1, the status mix;
- 1 more when, on top of that, a non-official source of another independence group says he
  was killed or died — signals 2 and 5, the hidden deaths.

The unit's count ``K`` is the sum of the scores, and its expected count ``E`` is what its
peers' rate would give it: for each half-year of the event (the earliest event date any
claim gives; ``unknown`` without one), the unit's notices times the rate of the other
reference units of its type (all other reference units when its type has fewer than
:data:`MIN_PEERS` of them; the peers' all-period rate when a half-year has fewer than
:data:`MIN_NOTICES` peer notices). So a unit is compared with units of the same kind in
the same period: heavy fighting that leaves many missing in every unit is not concealment.

The peers' rate has two parts: their missing notices per notice, and their missing shown
dead per notice. The second grows with how well independent sources cover a unit's dead
(its soldiers' home regions have more obituaries, say), not only with how many of its
missing are dead — so it is scaled by each unit's *coverage*: the share of the persons its
official notices call dead that independent sources also show dead, relative to all units,
shrunk towards 1 by the beta-binomial moment estimate of how much units differ
(:func:`coverage_factors`; every factor is 1 when they differ no more than chance). A
unit's officially dead are untouched by concealment, so this measures coverage without
absorbing what the unit hides.

The model (Clayton and Kaldor's, as for disease maps): ``K ~ Poisson(θ E)`` with the unit's
ratio ``θ ~ Gamma(α, α)`` — mean 1, shape α fitted by maximum likelihood of the negative
binomial. It is fitted twice, for two uses:

- ``ratio``: the posterior mean of θ (1: as its peers; 2: twice its peers' count of
  missing notices and hidden deaths) with its 95 % posterior interval, under the prior
  fitted over *all* the units: a small unit's ratio is pulled towards 1 (it borrows
  strength from the others), a large unit's stays near its own ``K / E``;
- ``p_value``: the chance of a count of at least ``K`` if the unit were like the
  *reference* units other than itself — the negative binomial tail with their α (so a
  concealing unit does not widen the spread it is judged by); a large deviation stands
  out. Benjamini–Hochberg over the units gives ``q_value`` and the flag.

Concealing units would inflate the peers' rate and spread they are compared with — so
much, when several conceal, that none stands out — so the fit is repeated with the units
whose own p-value is below :data:`TRIM` (or that are flagged) left out of the reference,
until the reference stops changing (at most :data:`MAX_ROUNDS` fits). This trims the
honest units' upper tail too; fitted as if nothing were trimmed, the spread of the units
left would shrink towards a Poisson round after round, and the largest honest units — those
where a spread shows most — would stand out. So each kept unit's count enters the spread's
likelihood truncated at the largest count the trimming would have kept (:func:`trim_cut`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import gammaln
from scipy.stats import gamma, nbinom
from statsmodels.stats.multitest import multipletests

from unaccounted.analyze.missing_share import unit_type
from unaccounted.resolve.person import PersonView
from unaccounted.resolve.rules import GradingRules

#: Fewer reference units of the same type than this: the peers are all reference units.
MIN_PEERS = 3
#: A half-year with fewer peer notices than this takes the peers' all-period rate.
MIN_NOTICES = 20
#: Bounds of the prior's shape α (the upper one is a Poisson in all but name).
ALPHA_MIN, ALPHA_MAX = 0.5, 1e4
#: Half the 95 % quantile of χ² with one degree of freedom: α's profile-likelihood interval.
PROFILE_DROP = 1.920729
MAX_ROUNDS = 5
#: A unit whose own p-value is below this is left out of the reference of the next fit.
TRIM = 0.05
OFFICIAL = "official"
EVIDENCE_OF_DEATH = frozenset({"killed", "died_of_wounds", "died"})
ALIVE = frozenset({"captured", "returned"})


@dataclass
class UnitCounts:
    """One unit's casualty notices and score, per half-year of the event."""

    notices: Counter[str] = field(default_factory=Counter)
    score: Counter[str] = field(default_factory=Counter)
    #: notices that only ever say missing (score 1 or 2), per half-year
    missing: Counter[str] = field(default_factory=Counter)
    #: persons its official notices call dead, and of those, shown dead by independent
    #: sources: how well independent sources cover the unit's dead (its coverage)
    dead: int = 0
    dead_shown: int = 0

    @property
    def n(self) -> int:
        return sum(self.notices.values())

    @property
    def k(self) -> int:
        return sum(self.score.values())


@dataclass(frozen=True)
class ModelFit:
    """One unit's measure of concealment evidence."""

    observed: int  # K: missing notices + hidden deaths among them
    expected: float  # E: at its peers' rates, period by period
    peers: str  # the unit type compared with, or "all units"
    alpha: float  # the null's shape: the reference units' spread (large: little spread)
    spread: float  # the prior's shape fitted over all units: how far ratios are shrunk
    ratio: float  # posterior mean of θ
    interval: tuple[float, float]  # its 95 % posterior interval
    p_value: float
    q_value: float
    flagged: bool
    coverage: float = 1.0  # its dead's coverage by independent sources, relative to all units

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": "empirical-Bayes Gamma-Poisson over units of the same type and half-year; "
            "count = official missing notices + those shown dead by independent sources; "
            "negative-binomial tail, Benjamini-Hochberg over units",
            "observed": self.observed,
            "expected": round(self.expected, 2),
            "peers": self.peers,
            "coverage_factor": round(self.coverage, 4),
            "alpha": round(self.alpha, 3),
            "prior_alpha": round(self.spread, 3),
            "ratio": round(self.ratio, 4),
            "interval_95": [round(self.interval[0], 4), round(self.interval[1], 4)],
            "p_value": self.p_value,
            "q_value_bh": self.q_value,
            "flagged": self.flagged,
        }


def period(v: PersonView) -> str:
    """The half-year of the earliest event date any claim gives (``2023H1``), or unknown."""
    first = min((c.event_lo for c in v.claims if c.event_lo is not None), default=None)
    return "unknown" if first is None else f"{first.year}H{1 if first.month <= 6 else 2}"


def score(v: PersonView, rules: GradingRules) -> int | None:
    """The person's score (0, 1 or 2), or None when no official notice names a casualty."""
    official = [c for c in v.claims if c.kind == OFFICIAL]
    classes = {rules.status_class(c.status) for c in official}
    if not classes & {"missing", "dead"}:
        return None
    alive = any(c.status in ALIVE for c in v.claims)
    if "dead" in classes or "missing" not in classes or alive:
        return 0
    groups = {c.group for c in official}
    shown = any(
        c.status in EVIDENCE_OF_DEATH and c.kind != OFFICIAL and c.group not in groups
        for c in v.claims
    )
    return 1 + shown


def shown_dead_notice(v: PersonView, rules: GradingRules) -> bool | None:
    """For a person an official notice calls dead: whether a non-official source of another
    independence group also says he was killed or died (None: no official claim of death)."""
    official = [c for c in v.claims if c.kind == OFFICIAL]
    if "dead" not in {rules.status_class(c.status) for c in official}:
        return None
    groups = {c.group for c in official}
    return any(
        c.status in EVIDENCE_OF_DEATH and c.kind != OFFICIAL and c.group not in groups
        for c in v.claims
    )


def unit_counts(
    views: Iterable[PersonView], person_unit: Mapping[str, str], rules: GradingRules
) -> dict[str, UnitCounts]:
    """Every unit's notices and score by half-year."""
    out: dict[str, UnitCounts] = {}
    for v in views:
        unit = person_unit.get(v.person_id)
        if unit is None:
            continue
        s = score(v, rules)
        if s is None:
            continue
        c = out.setdefault(unit, UnitCounts())
        h = period(v)
        c.notices[h] += 1
        c.score[h] += s
        c.missing[h] += s > 0
        shown = shown_dead_notice(v, rules)
        if shown is not None:
            c.dead += 1
            c.dead_shown += shown
    return out


def coverage_factors(counts: Mapping[str, UnitCounts]) -> dict[str, float]:
    """Each unit's coverage of its officially dead by independent sources, relative to all
    units' pooled coverage (1: as covered as the others).

    A unit's shown-dead count grows with how well independent sources (obituaries, graves,
    social posts) cover its dead — by its soldiers' home regions, say — not only with how
    many of its missing are dead. Its officially dead measure that coverage untouched by
    concealment. Each unit's share is shrunk towards the pooled share by the beta-binomial
    moment estimate from the units' spread (as for signal 1): when the units vary no more
    than binomial sampling explains, every factor is 1.
    """
    units = [u for u in counts if counts[u].dead > 0]
    total = sum(counts[u].dead for u in units)
    pooled = sum(counts[u].dead_shown for u in units) / total if total else 0.0
    factors = dict.fromkeys(counts, 1.0)
    if len(units) < 2 or not 0 < pooled < 1:
        return factors
    pearson = sum(
        (counts[u].dead_shown - counts[u].dead * pooled) ** 2
        / (counts[u].dead * pooled * (1 - pooled))
        for u in units
    )
    phi, mean_d = pearson / (len(units) - 1), total / len(units)
    if phi <= 1 or mean_d <= 1:
        return factors
    rho = min((phi - 1) / (mean_d - 1), 1.0)
    prior = (1 - rho) / rho  # pseudo-count of the pooled share
    for u in counts:
        c = counts[u]
        factors[u] = (c.dead_shown + prior * pooled) / (c.dead + prior) / pooled
    return factors


def expected(
    unit: str,
    counts: Mapping[str, UnitCounts],
    reference: set[str],
    coverage: Mapping[str, float] | None = None,
) -> tuple[float, str]:
    """The unit's expected count at its peers' rates, and which peers: their missing
    notices per notice, plus their shown dead per notice weighted by coverage (``coverage``:
    unit → factor, all 1 when None) times the unit's own coverage."""
    f = coverage or {}
    others = [u for u in reference if u != unit]
    same = [u for u in others if unit_type(u) == unit_type(unit)]
    pool, label = (same, unit_type(unit)) if len(same) >= MIN_PEERS else (others, "all units")
    n: Counter[str] = Counter()
    m: Counter[str] = Counter()
    shown: Counter[str] = Counter()
    weighted: dict[str, float] = {}  # notices times their unit's coverage factor
    for u in pool:
        c = counts[u]
        n.update(c.notices)
        m.update(c.missing)
        shown.update({h: c.score[h] - c.missing[h] for h in c.score})
        for h, x in c.notices.items():
            weighted[h] = weighted.get(h, 0.0) + x * f.get(u, 1.0)
    total_n, total_w = sum(n.values()), sum(weighted.values())

    def rate(m_: int, shown_: int, n_: int, weighted_: float) -> float:
        # (as one division, so that with every factor 1 it is the peers' count per notice)
        return (m_ + f.get(unit, 1.0) * shown_ * n_ / weighted_) / n_ if n_ else 0.0

    overall = rate(sum(m.values()), sum(shown.values()), total_n, total_w)
    e = 0.0
    for h, x in counts[unit].notices.items():
        e += x * (rate(m[h], shown[h], n[h], weighted[h]) if n[h] >= MIN_NOTICES else overall)
    return e, label


def _nll(
    observed: list[int], expected_: list[float], kept_below: list[int] | None
) -> Callable[[float], float]:
    """The negative binomial's negative log-likelihood as a function of log α."""
    k = np.array(observed, dtype=float)
    e = np.maximum(np.array(expected_, dtype=float), 1e-9)
    cut = None if kept_below is None else np.maximum(np.array(kept_below, dtype=float), k)

    def nll(log_alpha: float) -> float:
        a = math.exp(log_alpha)
        ll = gammaln(k + a) - gammaln(a) + a * np.log(a / (a + e)) + k * np.log(e / (a + e))
        if cut is not None:
            ll = ll - nbinom.logcdf(cut, a, a / (a + e))
        return -float(ll.sum())

    return nll


def fit_alpha(
    observed: list[int], expected_: list[float], kept_below: list[int] | None = None
) -> float:
    """The prior's shape α by maximum likelihood of the negative binomial.

    ``kept_below``: for units that were kept because their count was at most a cut (the
    trimmed reference), each unit's cut; the likelihood is then that of counts truncated
    at their cuts, so that leaving out the upper tail does not read as a smaller spread.
    """
    if len(observed) < 2:
        return ALPHA_MAX
    nll = _nll(observed, expected_, kept_below)
    best = minimize_scalar(nll, bounds=(math.log(ALPHA_MIN), math.log(ALPHA_MAX)), method="bounded")
    return float(math.exp(best.x))


def alpha_lower(observed: list[int], expected_: list[float], alpha: float) -> float:
    """The smallest shape the data allow: the lower end of α's 95 % profile-likelihood
    interval (the log-likelihood within χ²₁(0.95)/2 of its maximum at ``alpha``), at
    least :data:`ALPHA_MIN`. With few units, or units that differ no more than chance, the
    fitted α sits at :data:`ALPHA_MAX` — no spread at all — while much smaller ones fit
    almost as well."""
    if len(observed) < 2:
        return ALPHA_MIN
    nll = _nll(observed, expected_, None)
    top = nll(math.log(alpha)) + PROFILE_DROP
    lo, hi = math.log(ALPHA_MIN), math.log(alpha)
    if nll(lo) <= top:
        return ALPHA_MIN
    for _ in range(60):  # bisection: nll falls from lo (above top) to hi (below it)
        mid = (lo + hi) / 2
        if nll(mid) > top:
            lo = mid
        else:
            hi = mid
    return float(math.exp(hi))


def trim_cut(e: float, alpha: float) -> int:
    """The largest count whose tail P(K ≥ k) is still at least :data:`TRIM`: a unit with a
    larger count is left out of the next reference."""
    e = max(e, 1e-9)
    return int(nbinom.isf(TRIM, alpha, alpha / (alpha + e)))


def _tail(k: int, e: float, alpha: float) -> float:
    """P(K ≥ k) for K ~ NegBin(α, α/(α+E)): Poisson(θE) with θ ~ Gamma(α, α)."""
    if k <= 0:
        return 1.0
    e = max(e, 1e-9)
    return float(nbinom.sf(k - 1, alpha, alpha / (alpha + e)))


def _fit_once(
    counts: Mapping[str, UnitCounts],
    units: list[str],
    reference: set[str],
    fdr: float,
    cuts: Mapping[str, int] | None = None,
) -> dict[str, ModelFit]:
    """One fit against ``reference``; ``cuts``: the count each reference unit was kept
    below (None: the reference is every unit, nothing trimmed)."""
    coverage = coverage_factors(counts)
    exp_of = {u: expected(u, counts, reference, coverage) for u in units}
    ref = sorted(reference)

    def spread_without(u: str) -> float:
        rest = [r for r in ref if r != u]
        kept = None if cuts is None else [cuts[r] for r in rest]
        return fit_alpha([counts[r].k for r in rest], [exp_of[r][0] for r in rest], kept)

    # Each unit is tested against the spread of the reference units other than itself.
    alpha = {u: spread_without(u) for u in units}
    every_k, every_e = [counts[u].k for u in units], [exp_of[u][0] for u in units]
    spread = fit_alpha(every_k, every_e)
    widest = alpha_lower(every_k, every_e, spread)
    p = [_tail(counts[u].k, exp_of[u][0], alpha[u]) for u in units]
    reject, q, _, _ = multipletests(p, alpha=fdr, method="fdr_bh")
    out = {}
    for u, pv, qv, r in zip(units, p, q, reject, strict=True):
        k, (e, label) = counts[u].k, exp_of[u]
        shape, rate = spread + k, spread + e
        # the interval holds both the fitted spread's posterior and that of the smallest
        # spread the data allow, so a boundary fit of no spread does not read as certainty
        lo, hi = (float(x) for x in gamma.ppf([0.025, 0.975], shape, scale=1 / rate))
        lo_w, hi_w = gamma.ppf([0.025, 0.975], widest + k, scale=1 / (widest + e))
        lo, hi = min(lo, float(lo_w)), max(hi, float(hi_w))
        fit = ModelFit(
            k, e, label, alpha[u], spread, shape / rate, (lo, hi), pv, float(qv), bool(r)
        )
        out[u] = replace(fit, coverage=coverage[u])
    return out


def fit_model(counts: Mapping[str, UnitCounts], fdr: float = 0.05) -> dict[str, ModelFit]:
    """Every unit of ``counts`` fitted, tested and flagged at false discovery rate ``fdr``."""
    units = sorted(counts)
    if not units:
        return {}
    reference = set(units)
    fits = _fit_once(counts, units, reference, fdr)
    for _ in range(MAX_ROUNDS - 1):
        plain = {u for u in units if fits[u].p_value >= TRIM and not fits[u].flagged}
        if plain == reference or len(plain) < 2:
            break
        reference = plain
        cuts = {u: trim_cut(fits[u].expected, fits[u].alpha) for u in plain}
        fits = _fit_once(counts, units, reference, fdr, cuts)
    return fits
