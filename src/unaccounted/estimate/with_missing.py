"""The stated-dead estimate plus the expected dead among each stratum's missing.

A stated-dead estimate counts the persons some record says are dead and the dead no list
recorded as dead. Persons whose records only ever say missing are in neither count's
documented part; :mod:`unaccounted.analyze.dead_among_missing` gives draws of how many of
them are dead, per stratum. Here each stratum's estimate is drawn from its interval (a
normal on the log scale, with the lower and upper half-widths each from its own side), the
drawn dead among the missing are added draw by draw (the draws of all strata share the
model's parameters, so the total carries their correlation), and the new interval is the
2.5 and 97.5 percentiles of the sums. The point estimate is the estimate plus the mean of
the added draws. A stratum that cannot be estimated keeps no estimate; its added dead still
enter the total, as do those of persons of unknown stratum.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from unaccounted.estimate.strata import Z95
from unaccounted.estimate.stratified import StrataResult, StratumEstimate

FloatArray = npt.NDArray[np.float64]


def _drawn(s: StratumEstimate, z: FloatArray) -> FloatArray | None:
    """Draws of a stratum's estimate from its interval (None: not estimable)."""
    if s.estimate is None or s.lower is None or s.upper is None or s.estimate <= 0:
        return None
    mu = math.log(s.estimate)
    lo = (mu - math.log(max(s.lower, 1e-9))) / Z95
    hi = (math.log(s.upper) - mu) / Z95
    return np.asarray(np.exp(mu + z * np.where(z < 0, lo, hi)), dtype=np.float64)


def _add(s: StratumEstimate, added: FloatArray, z: FloatArray) -> None:
    mean = float(added.mean())
    low, high = (float(x) for x in np.percentile(added, [2.5, 97.5]))
    base = _drawn(s, z)
    s.dead_among_missing = {
        "expected": round(mean, 3),
        "interval_95": [round(low, 3), round(high, 3)],
        "share_of_estimate": None,
    }
    if base is None or s.estimate is None:
        return
    total = base + added
    s.estimate += mean
    s.lower, s.upper = (float(x) for x in np.percentile(total, [2.5, 97.5]))
    s.dead_among_missing["share_of_estimate"] = round(mean / s.estimate, 4) if s.estimate else None
    s.model += " + dead among the missing"


def add_dead_among_missing(
    result: StrataResult, added: dict[str, FloatArray], seed: int = 0
) -> StrataResult:
    """Add to each stratum (and the total) the drawn dead among its missing: ``added`` maps
    a stratum to its draws (all of one length); strata not in ``result`` go to the total."""
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
        f"; plus the expected dead among each stratum's missing ({n} draws of the "
        "dead-among-the-missing model added to draws from each interval)"
    )
    return result
