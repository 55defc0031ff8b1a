"""Dead among the missing: how many of a unit's officially missing persons are dead.

The persons a unit's official notices call missing fall in three groups: those an
independent source shows dead (a death claim of a non-official source in another
independence group, as in the concealment report), those a claim of captivity or return
shows alive, and the *open* rest. The model gives each open person a chance of being dead,
and the unit (or period, or region) the sum with a 95 % interval. A cure model:

1. **Dead share, pooled.** Each unit has a share π of dead among its officially missing;
   the units' shares follow a Beta(α, β) fitted by the beta-binomial marginal likelihood
   over comparable units (empirical Bayes), and each unit's π is its posterior mean, so a
   unit with a few missing borrows strength from its peers. Comparable units: the same
   type (``omsbr:…``) and the same concealment flag, when at least three such units have
   :data:`MIN_POOL` officially missing; else the units of the same flag; else all units.
2. **Time to revelation.** A dead person's death shows in an independent claim some time
   after the notice; the delay is Weibull, fitted on the shown dead (revealed between
   their last independent claim still saying missing and their first independent claim
   of death) and the open persons (not revealed by their last claim still saying missing,
   weighted by their chance of being dead).
3. **Open persons.** One still called missing ``t`` days after the notice is dead with
   chance ``π S(t) / (π S(t) + 1 - π)``: the longer independent sources keep saying
   missing, the less likely the person is dead. Steps 1 and 2 alternate
   (expectation-maximisation) until they settle.
4. **Uncertainty.** :data:`DRAWS` draws of the Weibull's parameters, of each unit's π and
   of each open person's fate; the interval is the 2.5 and 97.5 percentiles of the shown
   dead plus the drawn dead, the estimate the shown dead plus the chances at the fit.

Assumptions (docs/resolve.md says when they mislead): one revelation schedule for all
units; a returned person is alive; α and β are taken as known.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from scipy.special import betaln

from unaccounted.analyze.missing_share import MIN_PEERS, unit_type
from unaccounted.analyze.units import UnitIndex
from unaccounted.errors import InputError
from unaccounted.resolve.claims import Claim
from unaccounted.resolve.person import PersonView
from unaccounted.resolve.rules import GradingRules

FloatArray = npt.NDArray[np.float64]

OFFICIAL = "official"
EVIDENCE_OF_DEATH = frozenset({"killed", "died_of_wounds", "died"})
CAPTIVITY = frozenset({"captured", "returned"})
#: Draws of the posterior behind each interval.
DRAWS = 2000
#: Rounds of the expectation-maximisation fit at most.
MAX_ITERATIONS = 200
#: Officially missing persons a pool of comparable units needs (else a wider pool).
MIN_POOL = 30
#: The pool of every unit.
ALL = "all units"
#: The Beta prior's concentration α + β is kept in this range (1e4: complete pooling).
CONCENTRATION = (0.5, 1e4)


@dataclass(frozen=True)
class MissingPerson:
    """A person some claim calls missing, as the model reads them."""

    person_id: str
    unit: str | None
    official: bool  # an official claim of the missing class
    shown_dead: bool  # an independent claim of death (officially missing only)
    stated_dead: bool  # a claim of the dead class from any source
    returned: bool  # a claim of captivity or return
    #: days from the notice to the latest independent claim still saying missing (0: none)
    quiet: int
    #: days from the notice to the first independent claim of death (None: none)
    revealed: int | None


@dataclass(frozen=True)
class Gathered:
    missing: list[MissingPerson]
    as_of: dt.date | None


def _days(claims: list[Claim], notice: dt.date | None) -> list[int]:
    return [(c.date - notice).days for c in claims if c.date is not None and notice is not None]


def read_person(
    person_id: str, claims: Sequence[Claim], unit: str | None, rules: GradingRules
) -> MissingPerson | None:
    """What the model reads of one person's claims (None: no claim calls them missing)."""
    classes = [rules.status_class(c.status) for c in claims]
    said = [c for c, k in zip(claims, classes, strict=True) if k == "missing"]
    if not said:
        return None
    off = [c for c in said if c.kind == OFFICIAL]
    notices = off or said
    notice = min((c.date for c in notices if c.date is not None), default=None)
    groups = {c.group for c in claims if c.kind == OFFICIAL} | {c.group for c in notices}
    other = [c for c in claims if c.kind != OFFICIAL and c.group not in groups]
    dead = [c for c in other if c.status in EVIDENCE_OF_DEATH]
    still = [c for c in other if rules.status_class(c.status) == "missing"]
    dead_days, still_days = _days(dead, notice), _days(still, notice)
    revealed = max(0, min(dead_days)) if dead_days else (0 if dead else None)
    return MissingPerson(
        person_id,
        unit,
        bool(off),
        bool(off) and bool(dead),
        "dead" in classes,
        any(c.status in CAPTIVITY for c in claims),
        max([0, *still_days]),
        revealed,
    )


def gather(views: list[PersonView], units: UnitIndex, rules: GradingRules) -> Gathered:
    """The persons the model reads, from the person views the concealment report reads."""
    dated = [c.published for v in views for c in v.claims if c.published]
    missing = [
        m
        for v in views
        if (m := read_person(v.person_id, v.claims, units.person_unit.get(v.person_id), rules))
        is not None
    ]
    return Gathered(missing, max(dated, default=None))


def survival(days: FloatArray, theta: FloatArray) -> FloatArray:
    """S(t): the chance a dead person's death is not yet in an independent claim ``t`` days
    after the notice: Weibull with ``theta`` = (log scale in days, log shape)."""
    scale, shape = math.exp(theta[0]), math.exp(theta[1])
    return np.asarray(np.exp(-((np.maximum(days, 0.0) / scale) ** shape)), dtype=np.float64)


def _revelation_nll(
    theta: FloatArray, shown: tuple[FloatArray, FloatArray], quiet: FloatArray, w: FloatArray
) -> float:
    """Minus the expected complete-data log likelihood of the revelation times: shown dead
    revealed between their last quiet claim and their first death claim; open persons,
    weighted by their chance of being dead, not revealed by their last quiet claim."""
    a, b = shown
    between = survival(a, theta) - survival(b, theta)
    open_part = np.log(np.maximum(survival(quiet, theta), 1e-300))
    return float(-np.sum(np.log(np.maximum(between, 1e-300))) - np.sum(w * open_part))


def _hessian(f: Callable[[FloatArray], float], x: FloatArray, h: float = 1e-3) -> FloatArray:
    """The numerical Hessian of ``f`` at ``x`` (central differences)."""
    k = len(x)
    out = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            e_i, e_j = np.eye(k)[i] * h, np.eye(k)[j] * h
            out[i, j] = (
                f(x + e_i + e_j) - f(x + e_i - e_j) - f(x - e_i + e_j) + f(x - e_i - e_j)
            ) / (4 * h * h)
    return out


def fit_prior(k: FloatArray, n: FloatArray) -> tuple[float, float]:
    """Beta(α, β) of the units' dead shares by the beta-binomial marginal likelihood of
    ``k`` shown dead in ``n`` effective trials each (n ≥ k, real)."""
    keep = n > 0
    k, n = k[keep], n[keep]
    share = float(k.sum() / n.sum()) if n.sum() > 0 else 0.5
    share = min(max(share, 1e-3), 1 - 1e-3)
    if len(k) < 2:
        return share * 2.0, (1 - share) * 2.0

    def nll(w: FloatArray) -> float:
        a, b = math.exp(w[0]), math.exp(w[1])
        return -float(np.sum(betaln(k + a, n - k + b) - betaln(a, b)))

    lo, hi = math.log(CONCENTRATION[0]), math.log(CONCENTRATION[1])
    start = np.array([math.log(share * 10), math.log((1 - share) * 10)])
    got = minimize(nll, start, method="L-BFGS-B", bounds=[(lo - 3, hi), (lo - 3, hi)])
    a, b = math.exp(got.x[0]), math.exp(got.x[1])
    scale = min(max(a + b, CONCENTRATION[0]), CONCENTRATION[1]) / (a + b)
    return a * scale, b * scale


@dataclass
class Group:
    """Dead among the officially missing of one unit, period or region."""

    name: str
    officially_missing: int = 0
    shown_dead: int = 0
    returned: int = 0
    open: int = 0
    estimate: float = 0.0
    lower: float = 0.0
    upper: float = 0.0
    dead_share: float | None = None  # the posterior mean of π (units only)
    pool: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "officially_missing": self.officially_missing,
            "shown_dead_by_independent_sources": self.shown_dead,
            "returned_or_captured": self.returned,
            "open": self.open,
            "dead_among_missing": round(self.estimate, 2),
            "interval_95": [round(self.lower, 2), round(self.upper, 2)],
            "dead_share_posterior_mean": None
            if self.dead_share is None
            else round(self.dead_share, 4),
            "pool": self.pool,
        }


@dataclass
class Model:
    """Every missing person's chance of being dead, with draws of their fates."""

    persons: list[MissingPerson]
    #: each person's probability of being dead (1 shown dead, 0 returned; a stated-dead
    #: person who is not officially missing is 1)
    p: FloatArray
    #: (DRAWS, persons) drawn fates (1.0 dead)
    fates: FloatArray
    #: the revelation curve: (log scale in days, log shape) of a Weibull
    theta: FloatArray
    as_of: dt.date | None = None
    units: dict[str, Group] = field(default_factory=dict)

    def groups(
        self, key: Callable[[MissingPerson], str | None], official_only: bool = True
    ) -> dict[str, Group]:
        """Dead among the missing summed by ``key`` (None: left out)."""
        out: dict[str, Group] = {}
        members: dict[str, list[int]] = defaultdict(list)
        for i, m in enumerate(self.persons):
            name = key(m)
            if name is None or (official_only and not m.official):
                continue
            members[name].append(i)
            g = out.setdefault(name, Group(name))
            g.officially_missing += 1
            g.shown_dead += m.shown_dead
            g.returned += m.returned and not m.shown_dead
            g.open += not m.shown_dead and not m.returned
        for name, idx in members.items():
            g = out[name]
            g.estimate = float(self.p[idx].sum())
            sums = self.fates[:, idx].sum(axis=1)
            g.lower, g.upper = (float(x) for x in np.percentile(sums, [2.5, 97.5]))
        return dict(sorted(out.items()))

    def open_draws(self, key: Callable[[MissingPerson], str | None]) -> dict[str, FloatArray]:
        """Per group: draws of the dead among persons stated missing and by no claim dead
        (the persons a stated-dead estimate does not count)."""
        members: dict[str, list[int]] = defaultdict(list)
        for i, m in enumerate(self.persons):
            name = key(m)
            if name is not None and not m.stated_dead and not m.shown_dead:
                members[name].append(i)
        return {n: self.fates[:, idx].sum(axis=1) for n, idx in sorted(members.items())}


def _pools(sizes: Mapping[str, int], flagged: Collection[str]) -> dict[str, str]:
    """Each unit's pool of comparable units (see the module doc); ``sizes``: each unit's
    officially missing."""

    def enough(units: list[str]) -> bool:
        return len(units) >= MIN_PEERS and sum(sizes[v] for v in units) >= MIN_POOL

    out = {}
    for u in sizes:
        flag = u in flagged
        same_flag = [v for v in sizes if (v in flagged) == flag]
        same_type = [v for v in same_flag if unit_type(v) == unit_type(u)]
        tag = "flagged" if flag else "not flagged"
        if enough(same_type):
            out[u] = f"{unit_type(u)}, {tag}"
        elif enough(same_flag):
            out[u] = tag
        else:
            out[u] = ALL
    return out


def _unit_shares(
    w: FloatArray, members: dict[str, list[int]], pools: dict[str, str]
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    """Each pool's Beta prior and each unit's (expected dead, officially missing)."""
    km = {u: (float(w[idx].sum()), float(len(idx))) for u, idx in members.items()}
    priors: dict[str, tuple[float, float]] = {}
    for name in set(pools.values()) | {ALL}:
        chosen = [u for u in km if name == ALL or pools[u] == name]
        k = np.array([km[u][0] for u in chosen])
        n = np.array([km[u][1] for u in chosen])
        priors[name] = fit_prior(k, n) if chosen else (1.0, 1.0)
    return priors, km


def fit(
    data: Gathered, flagged: Collection[str] = (), *, draws: int = DRAWS, seed: int = 0
) -> Model:
    """The model over the gathered persons; ``flagged``: units the concealment report flags."""
    if draws < 1:
        raise InputError("draws of dead among the missing must be 1 or more")
    persons = data.missing
    n = len(persons)
    rng = np.random.default_rng([seed, 17])
    shown = np.array([m.shown_dead for m in persons], dtype=bool)
    back = np.array([m.returned and not m.shown_dead for m in persons], dtype=bool)
    stated = np.array([m.stated_dead and not m.official for m in persons], dtype=bool)
    known = shown | stated  # dead for certain
    quiet = np.array([m.quiet for m in persons], dtype=np.float64)
    revealed = [m for m in persons if m.shown_dead and m.revealed is not None]
    b = np.array([max(float(m.revealed or 0), 1.0) for m in revealed])
    a = np.array([float(m.quiet) for m in revealed])
    a = np.where(a < b, a, 0.0)
    members: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(persons):
        if m.official and m.unit is not None:
            members[m.unit].append(i)
    pools = _pools({u: len(idx) for u, idx in members.items()}, flagged)
    is_open = ~known & ~back
    pi = np.full(n, 0.5)
    theta = np.array([math.log(180.0), 0.0])
    bounds = [(math.log(0.01), math.log(1e5)), (math.log(0.02), math.log(5.0))]
    w = np.where(known, 1.0, np.where(back, 0.0, 0.5))
    for _ in range(MAX_ITERATIONS):
        w = np.where(is_open, _dead_chance(pi, survival(quiet, theta)), w)
        got = minimize(
            _revelation_nll, theta, args=((a, b), quiet[is_open], w[is_open]),
            method="L-BFGS-B", bounds=bounds,
        )  # fmt: skip
        priors, km = _unit_shares(w, members, pools)
        before = pi.copy()
        a0, b0 = priors[ALL]
        pi[:] = a0 / (a0 + b0)
        for u, idx in members.items():
            pa, pb = priors[pools[u]]
            pi[idx] = (pa + km[u][0]) / (pa + pb + km[u][1])
        moved = float(np.abs(got.x - theta).max())
        theta = np.asarray(got.x, dtype=np.float64)
        if moved < 1e-6 and float(np.abs(pi - before).max()) < 1e-6:
            break
    # the revelation curve's uncertainty from the curvature of its objective
    hess = _hessian(lambda x: _revelation_nll(x, (a, b), quiet[is_open], w[is_open]), theta)
    try:
        cov = np.linalg.inv(hess)
        ok = bool(np.all(np.isfinite(cov)) and np.all(np.linalg.eigvalsh(cov) > 0))
    except np.linalg.LinAlgError:
        ok = False
    thetas = (
        rng.multivariate_normal(theta, cov, size=draws) if ok else np.repeat(theta[None], draws, 0)
    )
    lows, highs = np.array(bounds).T
    thetas = np.clip(thetas, lows, highs)  # a flat objective draws far off: keep in bounds
    survive_draw = np.stack([survival(quiet, t) for t in thetas])
    pi_draw = np.empty((draws, n))
    a0, b0 = priors[ALL]
    pi_draw[:] = rng.beta(a0, b0, size=(draws, 1))
    shares: dict[str, float] = {}
    for u, idx in members.items():
        pa, pb = priors[pools[u]]
        k_u, m_u = km[u]
        pi_draw[:, idx] = rng.beta(pa + k_u, pb + m_u - k_u, size=(draws, 1))
        shares[u] = (pa + k_u) / (pa + pb + m_u)
    p = _dead_chance(pi, survival(quiet, theta))
    p_draw = _dead_chance(pi_draw, survive_draw)
    for arr in (p, p_draw):
        arr[..., known] = 1.0
        arr[..., back] = 0.0
    fates = (rng.random(p_draw.shape) < p_draw).astype(np.float64)
    model = Model(persons, p, fates, theta, data.as_of)
    model.units = model.groups(lambda m: m.unit)
    for u, g in model.units.items():
        g.dead_share, g.pool = shares.get(u), pools.get(u)
    return model


def _dead_chance(pi: FloatArray, survive: FloatArray) -> FloatArray:
    """P(dead | not shown dead by the last quiet claim): a cure model's posterior."""
    dead = pi * survive
    return np.asarray(dead / (dead + (1 - pi)), dtype=np.float64)
