"""The stated-dead estimate plus the dead among each stratum's missing it does not hold.

A stated-dead estimate counts the persons some record says are dead and the dead no list
recorded as dead. Persons whose records only ever say missing are not in its documented
part, but the dead among them are dead whom no list recorded as dead: its unseen part
already holds some of them, and adding all of them counts those twice.
:mod:`unaccounted.analyze.dead_among_missing` gives draws of how many of them are dead, per
stratum. Here each stratum's estimate ``N`` is drawn from its interval (a normal on the log
scale, the lower and upper half-widths each from its own side), and draw by draw only the
part of the drawn dead ``D`` that the unseen part cannot hold is added:

    N + D × n / N        (n: the stratum's documented dead)

The expected overlap ``D × (1 − n / N)`` is the share of them that the estimate would have
missed had they been dead like any other: its unseen part holds that share of every kind
of dead; the dead among the missing are, beyond it, the ones it could not see. (Measured
on simulated worlds, docs/estimate.md: adding all of them overshoots by about 10 %.) The
draws of all strata share the model's parameters, so the total carries their correlation;
the interval is the 2.5 and 97.5 percentiles of the sums, the point estimate is the
estimate plus the mean of the added draws. A stratum that cannot be estimated keeps no
estimate and says what would be added; its drawn dead still enter the total (times the
total's documented share), as do those of persons of unknown stratum.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from unaccounted.estimate.strata import Z95
from unaccounted.estimate.stratified import StrataResult, StratumEstimate

FloatArray = npt.NDArray[np.float64]


def interval_draws(s: StratumEstimate, z: FloatArray) -> FloatArray | None:
    """Draws of a stratum's estimate from its interval (None: not estimable)."""
    if s.estimate is None or s.lower is None or s.upper is None or s.estimate <= 0:
        return None
    mu = math.log(s.estimate)
    lo = (mu - math.log(max(s.lower, 1e-9))) / Z95
    hi = (math.log(s.upper) - mu) / Z95
    return np.asarray(np.exp(mu + z * np.where(z < 0, lo, hi)), dtype=np.float64)


def _add(s: StratumEstimate, added: FloatArray, z: FloatArray) -> None:
    """Add to ``s`` the part of the drawn dead its unseen part cannot hold."""
    mean = float(added.mean())
    low, high = (float(x) for x in np.percentile(added, [2.5, 97.5]))
    base = interval_draws(s, z)
    s.dead_among_missing = {
        "expected": round(mean, 3),
        "interval_95": [round(low, 3), round(high, 3)],
        "overlap_with_unseen": None,
        "added": None,
        "share_of_estimate": None,
    }
    if base is None or s.estimate is None:
        return
    kept = added * np.minimum(1.0, s.documented / base)
    total = base + kept
    gained = float(kept.mean())
    s.estimate += gained
    s.lower, s.upper = (float(x) for x in np.percentile(total, [2.5, 97.5]))
    s.dead_among_missing["overlap_with_unseen"] = round(mean - gained, 3)
    s.dead_among_missing["added"] = round(gained, 3)
    s.dead_among_missing["share_of_estimate"] = (
        round(gained / s.estimate, 4) if s.estimate else None
    )
    s.model += " + dead among the missing"


def add_dead_among_missing(
    result: StrataResult, added: dict[str, FloatArray], seed: int = 0
) -> StrataResult:
    """Add to each stratum (and the total) the drawn dead among its missing that its unseen
    part does not already hold: ``added`` maps a stratum to its draws (all of one length);
    strata not in ``result`` go to the total."""
    n = len(next(iter(added.values()))) if added else 1
    rng = np.random.default_rng([seed, 19])
    zero = np.zeros(n)
    names = {s.stratum for s in result.strata}
    for s in result.strata:
        _add(s, added.get(s.stratum, zero), rng.standard_normal(n))
    everything = sum(added.values(), zero.copy())
    _add(result.total, everything, rng.standard_normal(n))
    elsewhere = sum(
        (v for k, v in added.items() if k not in names), zero.copy()
    )  # persons of unknown stratum
    if float(elsewhere.mean()) > 0:
        result.total.warnings.append(
            f"{float(elsewhere.mean()):.1f} expected dead among the missing of no known stratum "
            "are in the total only"
        )
    result.combination += (
        f"; plus the expected dead among each stratum's missing that its unseen part does not "
        f"hold ({n} draws of the dead-among-the-missing model, each times the documented "
        "share of a draw from the interval, added to that draw)"
    )
    return result
