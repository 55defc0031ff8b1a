"""Delay ratios weighted by age, with the half-life chosen from the triangle's own past."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from unaccounted.nowcast import NowcastSettings, Report, layout, nowcast
from unaccounted.nowcast.delays import (
    HALF_LIVES,
    age_weights,
    choose_half_life,
    drift_sd,
    half_life_scores,
    ratio_draws,
)

START = dt.date(2024, 1, 1)


def _report(i: int, delay: int, count: int) -> Report:
    """``count`` events of the ``i``-th weekly period known at the end of its ``delay``-th week."""
    period = START + dt.timedelta(days=7 * i)
    return Report(period, period + dt.timedelta(days=7 * delay + 6), count)


def _speeding_up(n: int = 12, fast_from: int = 8) -> list[Report]:
    """Periods of 100 events each: 50 known in their own week, 80 from period ``fast_from``
    on; all 100 a week later. Observed up to the newest period's first report."""
    rows = []
    for i in range(n):
        rows.append(_report(i, 0, 80 if i >= fast_from else 50))
        if i < n - 1:
            rows.append(_report(i, 1, 100))
    return rows


def test_age_weights_halve_every_half_life() -> None:
    rows = np.array([3, 4, 5, 6])
    assert age_weights(rows, 2.0).tolist() == [0.5**1.5, 0.5, 0.5**0.5, 1.0]
    assert age_weights(rows, None).tolist() == [1.0, 1.0, 1.0, 1.0]


def test_the_score_is_the_deviance_of_each_reports_predicted_total() -> None:
    # Three periods of 10 events observed to delay 1: 5, 8 and 8 known at delay 0.
    rows = [_report(0, 0, 5), _report(0, 1, 10), _report(1, 0, 8), _report(1, 1, 10),
            _report(2, 0, 8), _report(2, 1, 10), _report(3, 0, 8)]  # fmt: skip
    scores = half_life_scores(layout(rows), (None, 1.0))
    # Period 1 predicted from period 0 alone (ratio ½): 8 more expected, 2 came, whatever the
    # half-life: Poisson deviance 2 (2 log(2/8) + 6) = 12 - 8 log 2.
    first = 12 - 8 * math.log(2)
    # Period 2 from periods 0 and 1 with weights a and 1: ratio (5a + 8) / (10a + 10), so
    # 8 (5a + 2) / (5a + 8) more expected: 24/7 with a = ½ (half-life 1), 56/13 with a = 1.
    assert scores[1.0] == pytest.approx(first + 2 * (2 * math.log(7 / 12) + 10 / 7))
    assert scores[None] == pytest.approx(first + 2 * (2 * math.log(13 / 28) + 30 / 13))
    assert choose_half_life(layout(rows), (None, 1.0)) == 1.0  # the recent ratio was right


def test_steady_reporting_keeps_every_period_alike() -> None:
    # Every period reports 25%, 50%, 100% of 40: every half-life predicts every report
    # exactly, and a tie goes to the steadiest weighting.
    rows = [_report(i, d, [10, 20, 40][d]) for i in range(6) for d in range(min(3, 6 - i))]
    tri = layout(rows)
    assert half_life_scores(tri) == {h: 0.0 for h in HALF_LIVES}
    assert choose_half_life(tri) is None


def test_a_triangle_that_speeds_up_is_followed_by_a_short_half_life() -> None:
    tri = layout(_speeding_up())
    assert choose_half_life(tri) == 1.0
    rng = np.random.default_rng(0)
    # The fixed window (newest 8 periods observed at delay 1, periods 3-10): 5 × 50 + 3 × 80
    # of 800 known at delay 0.
    window, _ = ratio_draws(tri, 8, 20, 10, rng)
    assert window[0] == 490 / 800
    # Weights ½^age over periods 10 (age 0) back to 0 (age 10): 80 × 1.75 plus
    # 50 × (½³ + … + ½¹⁰) = 50 × 0.2490234375, of 100 × (2 − ½¹⁰).
    weighted, _ = ratio_draws(tri, 8, 20, 10, rng, weighted=True, half_life=1.0)
    assert weighted[0] == pytest.approx((140 + 50 * 0.2490234375) / (100 * (2 - 0.5**10)))
    truth = 100
    old = nowcast(tri, NowcastSettings(delay_weights="window")).rows[-1]
    new = nowcast(tri).rows[-1]
    assert old.observed == new.observed == 80
    # 80 / 0.6125 ≈ 131 and 80 / 0.7626 ≈ 105, each drawn towards the steady level of 100.
    assert (old.estimate, new.estimate) == (122, 105)
    assert abs(new.estimate - truth) < abs(old.estimate - truth)
    assert new.lower <= truth <= new.upper
    assert nowcast(tri).details["half_life"] == 1.0


def test_without_a_change_the_weighting_changes_nothing() -> None:
    # The same triangle before it sped up: every weighting gives ratio ½ and the same answer.
    tri = layout(_speeding_up(fast_from=99))
    old = nowcast(tri, NowcastSettings(delay_weights="window"))
    new = nowcast(tri)
    assert new.details["half_life"] == "all periods alike"
    assert [r.estimate for r in new.rows] == [r.estimate for r in old.rows]


def test_drift_is_extrapolated_from_the_estimates_centre() -> None:
    # Windows of one period: log ratios [log ½, 0, 0, 0], noise (1 - ½) / 500 in the first.
    rows = []
    for i in range(6):
        rows.append(_report(i, 0, 500 if i == 4 else 1000))
        if i < 5:
            rows.append(_report(i, 1, 1000))
    tri = layout(rows)
    step = math.sqrt((math.log(2) ** 2 - 0.001) / 3)
    # The newest period lies 1 + centre periods past an estimate centred 0.25 periods back.
    assert drift_sd(tri, 0, 1, 0, centre=0.25) == pytest.approx(step * math.sqrt(1.25))
    assert drift_sd(tri, 0, 1, 0) == pytest.approx(step * math.sqrt(1.5))  # half a window


def test_an_unknown_weighting_is_refused() -> None:
    tri = layout(_speeding_up())
    with pytest.raises(
        ValueError, match="unknown delay weighting 'recent'; choose one of auto, window"
    ):
        nowcast(tri, NowcastSettings(delay_weights="recent"))
