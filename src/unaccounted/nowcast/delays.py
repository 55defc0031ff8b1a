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

A fixed window follows a drift only as fast as its length allows. :func:`choose_half_life`
instead weights every period by its age, halving the weight every ``h`` periods, and
chooses ``h`` from the triangle itself: replayed at each of its past report dates, which
``h`` best predicted what the next report added (:func:`half_life_scores`) — one-step-ahead
predictive scoring on the triangle's own past, which is how NobBS and epinowcast-style
nowcasts tune their moving window. Reporting that changes speed favours a short half-life;
steady reporting, or too few events to see a change, a long one. The nb nowcast does this
by default (``delay_weights="auto"``); ``"window"`` keeps the fixed window.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.signal import lfilter

from unaccounted.nowcast.triangle import Triangle

#: The least count a window is taken to know at delay ``d``: with none known yet (but some
#: at ``d + 1``) the ratio would claim that nothing is ever known at ``d``, and a single
#: early report of a later period would give an unbounded estimate.
FLOOR = 0.5

#: Half-lives (in periods) :func:`choose_half_life` compares, longest first (a tie goes to
#: the steadier estimate); None weighs every period alike.
HALF_LIVES: tuple[float | None, ...] = (None, 32.0, 16.0, 8.0, 4.0, 2.0, 1.0)

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def eligible_rows(tri: Triangle, delay: int) -> Ints:
    """The periods that say something about the ratio at ``delay``, oldest first: observed
    at ``delay + 1``, and with their cell at ``delay`` dated after the triangle's first
    report. They are consecutive periods (both conditions cut the periods at one end)."""
    return np.flatnonzero((tri.observed_delay >= delay + 1) & (tri.first_known() <= delay))


def age_weights(rows: Ints, half_life: float | None) -> Floats:
    """Each period's weight: halved every ``half_life`` periods back from the newest."""
    if half_life is None or rows.size == 0:
        return np.ones(rows.size)
    return np.asarray(0.5 ** ((rows[-1] - rows) / half_life), dtype=np.float64)


def _decay(half_life: float | None) -> float:
    return 1.0 if half_life is None else float(0.5 ** (1 / half_life))


def half_life_scores(tri: Triangle, grid: tuple[float | None, ...] = HALF_LIVES
                     ) -> dict[float | None, float]:  # fmt: skip
    """How well each half-life in ``grid`` predicted the triangle's own past, one report ahead.

    Replayed at each past report date, the ratios weighted with the half-life predict what
    the next report adds to every period: period ``i`` at delay ``d`` adds
    ``N[i, d] (1/g - 1)``, with ``g = Σ w N[j, d] / Σ w N[j, d+1]`` over the periods ``j``
    whose ratio at ``d`` was known by then. The score is the Poisson deviance of each
    report's predicted total against the total it added. A nowcast sums what is missing
    over the delays still to come, so a drift that moves every delay the same way counts
    in full here, while noise in single ratios partly cancels, as it does in the nowcast.
    Every half-life is scored on the same predictions (those with some event before them).
    """
    n = tri.counts.shape[0]
    predicted = {h: np.zeros(n + tri.counts.shape[1]) for h in grid}
    added = np.zeros(n + tri.counts.shape[1])
    for d in range(tri.counts.shape[1] - 1):
        rows = eligible_rows(tri, d)
        if rows.size < 2:
            continue
        now, nxt = tri.counts[rows, d].astype(float), tri.counts[rows, d + 1].astype(float)
        if np.all(now[1:] >= nxt[1:]):  # nothing was ever added after delay d: nothing to learn
            continue
        report = rows[1:] + d + 1  # the report (counted in periods) that revealed N[i, d + 1]
        scored: npt.NDArray[np.bool_] | None = None
        for h in grid:
            a = _decay(h)
            top = lfilter([1.0], [1.0, -a], now)[:-1]  # Σ over j < i of a^(i-1-j) N[j, d]
            bottom = lfilter([1.0], [1.0, -a], nxt)[:-1]
            scored = bottom > 0
            g = np.minimum(np.maximum(top, FLOOR) / np.where(scored, bottom, 1.0), 1.0)
            more = now[1:] * (1 / g - 1)
            np.add.at(predicted[h], report[scored], more[scored])
        assert scored is not None
        np.add.at(added, report[scored], np.maximum(nxt[1:] - now[1:], 0)[scored])
    scores = {}
    for h in grid:
        some = (predicted[h] > 0) | (added > 0)  # a report with nothing either way scores 0
        mu, y = np.maximum(predicted[h][some], 1e-9), added[some]
        scores[h] = float(np.sum(2 * (_xlogy(y, y / mu) - (y - mu))))
    return scores


def _xlogy(x: Floats, y: Floats) -> Floats:
    """``x log y``, zero where ``x`` is zero."""
    return np.asarray(x * np.log(np.where(x > 0, y, 1.0)), dtype=np.float64)


def choose_half_life(tri: Triangle, grid: tuple[float | None, ...] = HALF_LIVES) -> float | None:
    """The half-life of ``grid`` whose one-step-ahead predictions of the triangle's own past
    reports were best (:func:`half_life_scores`); the first of equals."""
    scores = half_life_scores(tri, grid)
    return min(grid, key=lambda h: scores[h])


def window_rows(tri: Triangle, delay: int, window: int | None, min_count: int) -> Ints:
    """The periods whose ratio at ``delay`` is used: the newest ``window`` observed at
    ``delay + 1`` (all of them when ``window`` is None), more while they hold fewer than
    ``min_count`` events at ``delay + 1``."""
    eligible = eligible_rows(tri, delay)[::-1]  # newest first
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
    weighted: bool = False,
    half_life: float | None = None,
) -> tuple[Floats, Floats]:
    """The point ratios ``g`` (one per delay) and ``draws`` bootstrap draws of them.

    ``weighted``: every eligible period, weighted by :func:`age_weights` with ``half_life``,
    instead of the newest ``window`` (which then only sets the drift's measuring blocks);
    the bootstrap then draws one weight per period, shared by every delay (a resampled
    period counts alike wherever it appears), which also keeps it fast on long triangles.
    """
    n_delays = tri.counts.shape[1] - 1
    point = np.ones(n_delays)
    sample = np.ones((draws, n_delays))
    centre: list[float | None] = [None] * n_delays
    shared: Floats | None = None
    for d in range(n_delays):
        if weighted:
            rows = eligible_rows(tri, d)
            w = age_weights(rows, half_life)
        else:
            rows = window_rows(tri, d, window, min_count)
            w = np.ones(rows.size)
        now, nxt = tri.counts[rows, d].astype(float), tri.counts[rows, d + 1].astype(float)
        if nxt.sum() == 0 or (weighted and np.array_equal(now, nxt)):
            continue  # nothing known, or nothing ever added after d: the ratio is 1
        if weighted:  # the weighted periods' mean age, newest 0, by events at d + 1
            centre[d] = float((w * nxt) @ (rows[-1] - rows) / (w @ nxt))
        point[d] = min(max(w @ now, FLOOR * w.max()) / (w @ nxt), 1.0)
        if weighted:  # each period's bootstrap weight, shared by every delay
            if shared is None:
                shared = rng.standard_gamma(1.0, size=(draws, tri.counts.shape[0]))
            consecutive = rows[-1] - rows[0] + 1 == rows.size  # always, from layout()
            boot = shared[:, rows[0] : rows[-1] + 1] if consecutive else shared[:, rows]
            top, bottom = boot @ (w * now), boot @ (w * nxt)
            top = np.maximum(top, FLOOR * w.max() * (boot @ w) / w.sum())  # scaled like sums
        else:
            weights = rng.standard_gamma(1.0, size=(draws, rows.size))
            floor = FLOOR * weights.mean(axis=1)  # scaled like the weighted sums
            top, bottom = np.maximum(weights @ now, floor), weights @ nxt
        ratio = top / np.where(bottom > 0, bottom, 1)
        sample[:, d] = np.where(bottom > 0, np.minimum(ratio, 1.0), point[d])
    if window is not None and drift:
        # One shared draw moves every delay's ratio the same way: a backlog slows them all.
        shift = rng.standard_normal(draws)
        sd = np.array([drift_sd(tri, d, window, min_count, centre=centre[d])
                       for d in range(n_delays)])  # fmt: skip
        sample = np.minimum(sample * np.exp(shift[:, None] * sd[None, :]), 1.0)
    return point, sample


def drift_sd(
    tri: Triangle,
    delay: int,
    window: int,
    min_count: int,
    blocks: int = 4,
    centre: float | None = None,
) -> float:
    """How far the log ratio at ``delay`` may have moved since the window's periods.

    The eligible periods are cut into consecutive windows, newest first; the root mean
    square change of the log ratio from one window to the next measures the drift per
    window, and the newest periods lie ``(delay + 1 + centre) / window`` windows past the
    estimate's centre (``centre``: the mean age, in periods, of the periods the ratio was
    estimated from; half a window by default), so the drift is scaled by the square root of
    that distance (a random walk). Zero when fewer than two windows hold events.
    """
    eligible = eligible_rows(tri, delay)[::-1]
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
    middle = window / 2 if centre is None else centre
    return step * float(np.sqrt((delay + 1 + middle) / window))


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
