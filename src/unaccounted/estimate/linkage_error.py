"""Linkage error carried into the estimate: plausible clusterings and Rubin's rules.

The link stage keeps one clustering, but each scored pair is only *probably* one person.
:func:`draw_clusterings` draws many clusterings that the scores and the reviewers'
decisions allow: every scored pair becomes a link with its match probability (one
Bernoulli draw per pair, vectorised), and the records are re-clustered by the link stage's
own constrained average linkage (``link/cluster.py``) with the same constraints — a
reviewer's "same person" always holds, a reviewer's "different" and a listing source's
conflicting birth days always separate. Two groups of records merge in a draw when most of
the scored pairs between them were drawn as links.

Each draw is estimated as if it were the truth, and the estimates are combined with
Rubin's rules (as multiple imputation does, and as HRDAG's verdata does across its
replicates): total variance = mean within-draw variance + (1 + 1/m) × between-draw
variance. The between part is what linkage uncertainty adds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.stats import t as student_t

from unaccounted.link import constraints as cl

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
#: Drawn links are 0/1; groups merge while at least half their scored pairs were drawn.
DRAW_THRESHOLD = 0.5


@dataclass
class LinkageScores:
    """What the draws need: ``n`` records, their scored pairs, the constraints."""

    n: int
    pairs: cl.Pairs
    constraints: cl.Constraints = field(default_factory=cl.Constraints)


def draw_clusterings(scores: LinkageScores, m: int, seed: int) -> list[IntArray]:
    """``m`` clusterings (a cluster label per record) drawn from the match probabilities."""
    rng = np.random.default_rng(seed)
    p = np.clip(scores.pairs.probability, 0.0, 1.0)
    out = []
    for _ in range(m):
        linked = rng.random(len(p)) < p
        drawn = cl.Pairs(scores.pairs.left, scores.pairs.right, linked.astype(np.float64))
        groups = cl.candidate_groups(scores.n, drawn, DRAW_THRESHOLD, scores.constraints.must)
        out.append(cl.cluster(scores.n, groups, drawn, DRAW_THRESHOLD, scores.constraints))
    return out


@dataclass(frozen=True)
class Rubin:
    """Rubin's rules over ``m`` draws, each an estimate ``q`` with variance ``w``."""

    m: int
    mean: float
    within: float
    between: float
    total: float
    df: float

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """The interval ``mean ± t_df × sqrt(total)`` (normal when ``df`` is infinite)."""
        half = student_t.ppf(0.5 + level / 2, self.df) * math.sqrt(self.total)
        return self.mean - half, self.mean + half

    @property
    def linkage_variance_share(self) -> float:
        """Share of the total variance that comes from the draws disagreeing."""
        return (1 + 1 / self.m) * self.between / self.total if self.total > 0 else 0.0

    @property
    def linkage_width_share(self) -> float:
        """How much narrower the interval would be without linkage error (0 to 1)."""
        if self.total <= 0:
            return 0.0
        return 1.0 - math.sqrt(self.within / self.total)


def rubin(estimates: npt.ArrayLike, variances: npt.ArrayLike) -> Rubin:
    """Combine per-draw estimates and their variances with Rubin's rules.

    ``between`` is the sample variance of the estimates (ddof 1); the degrees of freedom
    are Rubin's (1987) ``(m - 1) (1 + within / ((1 + 1/m) between))²`` (infinite when the
    draws agree). One draw has no between variance: the result is that draw's.
    """
    q = np.asarray(estimates, dtype=np.float64)
    w = np.asarray(variances, dtype=np.float64)
    m = len(q)
    if m == 0 or len(w) != m:
        raise ValueError("rubin needs as many variances as estimates, at least one")
    mean, within = float(q.mean()), float(w.mean())
    between = float(q.var(ddof=1)) if m > 1 else 0.0
    extra = (1 + 1 / m) * between
    total = within + extra
    df = math.inf if extra == 0 else (m - 1) * (1 + within / extra) ** 2
    return Rubin(m, mean, within, between, total, df)


@dataclass(frozen=True)
class Combined:
    """Rubin's rules applied to each side of an interval that need not be symmetric."""

    low: Rubin
    high: Rubin

    @property
    def mean(self) -> float:
        return self.low.mean

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        return self.low.interval(level)[0], self.high.interval(level)[1]

    @property
    def linkage_width_share(self) -> float:
        """How much narrower the interval would be without linkage error (0 to 1)."""
        with_link = math.sqrt(self.low.total) + math.sqrt(self.high.total)
        without = math.sqrt(self.low.within) + math.sqrt(self.high.within)
        return 1.0 - without / with_link if with_link > 0 else 0.0


def combine(estimates: npt.ArrayLike, low: npt.ArrayLike, high: npt.ArrayLike) -> Combined:
    """Rubin's rules with the lower side's variances and, apart, the upper side's.

    When every draw agrees the result is the mean of the draws' own intervals' sides.
    """
    return Combined(rubin(estimates, low), rubin(estimates, high))
