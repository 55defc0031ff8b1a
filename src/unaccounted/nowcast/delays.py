"""The reporting-delay distribution of a triangle: how much of a period is known after d steps.

Both nowcast methods use chain-ladder ratios ``g_d = max(Σ N[i, d], ½) / Σ N[i, d+1]`` over
periods ``i`` observed to delay ``d + 1`` — the share of what is known at delay ``d + 1``
that was already known at delay ``d``. The share of a period's eventual count known at
delay ``D`` is then ``q(D) = Π_{d ≥ D} g_d``.

Chain-ladder proper sums over every period whose cells at ``d`` and ``d + 1`` were reported
(a cell dated before the triangle's first report is unknown and left out; a correction
can make a ratio above one, which is capped at one). To follow a delay distribution that drifts
(a backlog that grows and shrinks), :func:`window_rows` keeps only the most recent periods
for each delay — those whose reports at that delay were made close to the as-of date —
widening the window back in time only until it holds enough events. Uncertainty in the
ratios comes from a Bayesian bootstrap over the periods of each window.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from unaccounted.nowcast.triangle import Triangle

#: The least count a window is taken to know at delay ``d``: with none known yet (but some
#: at ``d + 1``) the ratio would claim that nothing is ever known at ``d``, and a single
#: early report of a later period would give an unbounded estimate.
FLOOR = 0.5

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def window_rows(tri: Triangle, delay: int, window: int | None, min_count: int) -> Ints:
    """The periods whose ratio at ``delay`` is used: the newest ``window`` observed at
    ``delay + 1`` (all of them when ``window`` is None), more while they hold fewer than
    ``min_count`` events at ``delay + 1``."""
    # newest first; a period whose cell at ``delay`` is dated before the triangle's first
    # report says nothing about that delay
    eligible = np.flatnonzero((tri.observed_delay >= delay + 1) & (tri.first_known() <= delay))
    eligible = eligible[::-1]
    if window is None or eligible.size <= window:
        return eligible
    totals = np.cumsum(tri.counts[eligible, delay + 1])
    enough = int(np.searchsorted(totals, min_count, side="left")) + 1
    return eligible[: max(window, enough)]


def ratio_draws(
    tri: Triangle,
    window: int | None,
    min_count: int,
    draws: int,
    rng: np.random.Generator,
    drift: bool = False,
) -> tuple[Floats, Floats]:
    """The point ratios ``g`` (one per delay) and ``draws`` bootstrap draws of them."""
    n_delays = tri.counts.shape[1] - 1
    point = np.ones(n_delays)
    sample = np.ones((draws, n_delays))
    for d in range(n_delays):
        rows = window_rows(tri, d, window, min_count)
        now, nxt = tri.counts[rows, d].astype(float), tri.counts[rows, d + 1].astype(float)
        if nxt.sum() == 0:
            continue
        point[d] = min(max(now.sum(), FLOOR) / nxt.sum(), 1.0)
        weights = rng.standard_gamma(1.0, size=(draws, rows.size))
        floor = FLOOR * weights.mean(axis=1)  # scaled like the weighted sums
        top, bottom = np.maximum(weights @ now, floor), weights @ nxt
        ratio = top / np.where(bottom > 0, bottom, 1)
        sample[:, d] = np.where(bottom > 0, np.minimum(ratio, 1.0), point[d])
    if window is not None and drift:
        # One shared draw moves every delay's ratio the same way: a backlog slows them all.
        shift = rng.standard_normal(draws)
        sd = np.array([drift_sd(tri, d, window, min_count) for d in range(n_delays)])
        sample = np.minimum(sample * np.exp(shift[:, None] * sd[None, :]), 1.0)
    return point, sample


def drift_sd(tri: Triangle, delay: int, window: int, min_count: int, blocks: int = 4) -> float:
    """How far the log ratio at ``delay`` may have moved since the window's periods.

    The eligible periods are cut into consecutive windows, newest first; the root mean
    square change of the log ratio from one window to the next measures the drift per
    window, and the newest periods lie about ``(delay + 1) / window + 1/2`` windows past
    the newest window's middle, so the drift is scaled by the square root of that distance
    (a random walk). Zero when fewer than two windows hold events.
    """
    eligible = np.flatnonzero((tri.observed_delay >= delay + 1) & (tri.first_known() <= delay))
    eligible = eligible[::-1]
    logs, noise = [], []
    for b in range(blocks):
        rows = eligible[b * window : (b + 1) * window]
        now, nxt = tri.counts[rows, delay].sum(), tri.counts[rows, delay + 1].sum()
        if rows.size < window or now == 0 or nxt < min_count:
            break
        share = now / nxt
        logs.append(float(np.log(share)))
        noise.append(float((1 - share) / now))  # binomial variance of log(share)
    if len(logs) < 2:
        return 0.0
    # The sampling noise of the two windows is in the bootstrap already: count only the rest.
    pair_noise = np.array(noise[:-1]) + np.array(noise[1:])
    step = float(np.sqrt(max(0.0, float(np.mean(np.diff(logs) ** 2 - pair_noise)))))
    return step * float(np.sqrt((delay + 1) / window + 0.5))


def known_share(ratios: Floats, observed_delay: Ints) -> Floats:
    """``q``: the share of each period's eventual count known at its observed delay.

    ``ratios`` is one vector of ``g_d`` or a (draws × delays) matrix; the result has the
    matching shape with periods last.
    """
    g = np.atleast_2d(ratios)
    suffix = np.ones((g.shape[0], g.shape[1] + 1))
    suffix[:, :-1] = np.cumprod(g[:, ::-1], axis=1)[:, ::-1]
    q = suffix[:, np.minimum(observed_delay, g.shape[1])]
    return np.asarray(q[0] if np.ndim(ratios) == 1 else q, dtype=np.float64)
