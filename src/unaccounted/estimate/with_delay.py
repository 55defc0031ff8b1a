"""A stratified estimate by period, scaled up for the deaths of recent quarters not reported yet.

A death becomes known weeks or months after it happens. In the latest quarters, every
source has had less time to report it, and the deaths no source has reported *yet* are
missed by all of them at once. That is a dependence between the lists that capture–recapture
cannot see, so the estimate of a recent quarter runs low (measured on simulated worlds,
docs/estimate.md: the last quarter at about 80 % of the truth).

The nowcast of the workspace's documented deaths (``unaccounted nowcast --from-workspace``,
:mod:`unaccounted.nowcast`) says, week by week, how many documented deaths there will be once
the reports are in, and which share of them is known. Summed over a quarter's weeks (a week
in the quarter of its Monday: each week's observed deaths over its known share, which keeps
the fractions a week's rounded nowcast drops), it gives the quarter's factor
``F = nowcast / observed`` and its 95 % range (the weeks' bounds summed: taken as moving
together, the wider choice). The quarter's estimate ``N`` is drawn
from its interval (a normal on the log scale, each half-width on its own side) and ``F`` the
same way from its range, and the estimate becomes ``N × F``: the interval is the 2.5 and
97.5 percentiles of the products, the point estimate the estimate times the factor. Quarters
whose reports are all in (``F`` = 1) are left as they are. The total adds each quarter's gain,
its interval the percentiles of the drawn total times the ratio of all quarters' nowcasts to
their observed deaths.

Without ``--reporting-delay``, :func:`warn_still_reported` names the quarters whose factor is
at least :data:`STILL_REPORTED` in a warning on the total.

Assumption: the deaths still to be reported are like the ones reported, so the estimate
scales with them; the delays of the past quarters hold for the recent ones (the nowcast's
own assumption, which it checks for drift).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from unaccounted.estimate.strata import Z95, quarter
from unaccounted.estimate.stratified import StrataResult, StratumEstimate
from unaccounted.estimate.with_missing import interval_draws
from unaccounted.nowcast import PeriodNowcast

FloatArray = npt.NDArray[np.float64]
#: Draws of the product behind each interval.
DRAWS = 4000
#: Without ``--reporting-delay``, quarters whose factor is at least this are named in a
#: warning on the total.
STILL_REPORTED = 1.05


Counts = tuple[float, float, float, float]


def quarter_factors(rows: Iterable[PeriodNowcast]) -> dict[str, Counts]:
    """Quarter → (observed, nowcast, lower, upper), summed over the nowcast's weeks: a
    week's nowcast is its observed deaths over their known share."""
    out: dict[str, list[float]] = {}
    for r in rows:
        q = quarter(r.period, r.period)
        if q is None:
            continue
        got = out.setdefault(q, [0.0, 0.0, 0.0, 0.0])
        expected = r.observed / r.known_share if r.known_share > 0 else float(r.estimate)
        for i, x in enumerate((r.observed, expected, r.lower, r.upper)):
            got[i] += x
    return {q: (v[0], v[1], max(v[0], v[2]), max(v[1], v[3])) for q, v in sorted(out.items())}


def _factor_range(counts: Counts) -> tuple[float, float, float] | None:
    """The factor and its 95 % range (None: nothing observed, or nothing left to report)."""
    observed, estimate, lower, upper = counts
    if observed <= 0 or estimate <= observed * (1 + 1e-9):
        return None
    low = min(max(lower, observed), estimate)
    return estimate / observed, low / observed, max(upper, estimate) / observed


def _factor_draws(f: float, low: float, high: float, z: FloatArray) -> FloatArray:
    """Draws of the factor from its range (a normal on the log scale, each side its own)."""
    lo = (math.log(f) - math.log(low)) / Z95
    hi = (math.log(high) - math.log(f)) / Z95
    return np.asarray(np.exp(math.log(f) + z * np.where(z < 0, lo, hi)), dtype=np.float64)


def _scale(s: StratumEstimate, counts: Counts, rng: np.random.Generator) -> float:
    """Scale ``s`` by its quarter's factor; returns the estimate it gained (0: unchanged)."""
    z = rng.standard_normal(DRAWS)
    got = _factor_range(counts)
    base = interval_draws(s, rng.standard_normal(DRAWS))
    if got is None or base is None or s.estimate is None:
        return 0.0
    f, low, high = got
    gained = s.estimate * (f - 1.0)
    s.reporting_delay = {
        "known_share": round(1.0 / f, 4),
        "factor": round(f, 4),
        "factor_95": [round(low, 4), round(high, 4)],
        "added": round(gained, 3),
    }
    s.estimate += gained
    drawn = base * _factor_draws(f, low, high, z)
    s.lower, s.upper = (float(x) for x in np.percentile(drawn, [2.5, 97.5]))
    s.model += " × reporting delay"
    return gained


def add_reporting_delay(
    result: StrataResult, factors: dict[str, Counts], seed: int = 0
) -> StrataResult:
    """Scale each quarter of ``result`` (by period) by ``factors`` (:func:`quarter_factors`)
    and add the gains to the total."""
    rng = np.random.default_rng([seed, 23])
    gained = 0.0
    for s in result.strata:
        if s.stratum in factors:
            gained += _scale(s, factors[s.stratum], rng)
    if gained > 0 and result.total.estimate is not None:
        inside = [factors[s.stratum] for s in result.strata if s.stratum in factors]
        o, e, lo, hi = (sum(c[i] for c in inside) for i in range(4))
        z = rng.standard_normal(DRAWS)
        share = _factor_range((o, e, lo, hi))
        base = interval_draws(result.total, rng.standard_normal(DRAWS))
        t = result.total
        t.estimate = (t.estimate or 0.0) + gained
        if share is not None and base is not None:
            drawn = base * _factor_draws(*share, z)
            t.lower, t.upper = (float(x) for x in np.percentile(drawn, [2.5, 97.5]))
        t.reporting_delay = {"added": round(gained, 3)}
        t.model += " × reporting delay"
    result.combination += (
        "; recent quarters times the nowcast's factor of deaths still to be reported "
        f"({DRAWS} draws of the estimate times draws of the factor)"
    )
    return result


def warn_still_reported(result: StrataResult, factors: dict[str, Counts]) -> list[str]:
    """Name, in a warning on the total, the estimable quarters whose factor is at least
    :data:`STILL_REPORTED` (estimated without ``--reporting-delay``); returns them."""
    late = {
        s.stratum: counts[1] / counts[0]
        for s in result.strata
        if s.estimable and (counts := factors.get(s.stratum)) and counts[0] > 0
        and counts[1] / counts[0] >= STILL_REPORTED
    }  # fmt: skip
    if late:
        named = ", ".join(f"{q} ×{f:.2f}" for q, f in sorted(late.items(), reverse=True))
        result.total.warnings.append(
            f"the latest quarters are still being reported: the nowcast expects {named} as "
            "many documented deaths once the reports are in, and their estimates run low; "
            "--reporting-delay scales them"
        )
    return sorted(late)
