"""The nowcast methods on triangles whose answer is known."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from unaccounted.nowcast import NowcastSettings, Report, layout, nowcast
from unaccounted.nowcast.delays import drift_sd, known_share, ratio_draws, window_rows

D = dt.date


START = D(2024, 1, 1)


def _report(period: dt.date, delay: int, count: float) -> Report:
    """``count`` known at the end of the ``delay``-th week after ``period`` began."""
    return Report(period, period + dt.timedelta(days=7 * delay + 6), round(count))


def _triangle(eventual: list[int], shares: list[float], start: D = START) -> list[Report]:
    """Weekly periods whose cumulative counts reach ``round(eventual * share[d])`` at delay d,
    observed up to the last period's first report."""
    rows = []
    n = len(eventual)
    for i, total in enumerate(eventual):
        period = start + dt.timedelta(days=7 * i)
        for d in range(min(len(shares), n - i)):
            rows.append(_report(period, d, total * shares[d]))
    return rows


def test_chain_ladder_recovers_a_fixed_delay_exactly() -> None:
    # Every period reports 25%, 50%, 100% of 40 at delays 0, 1, 2: ratios 0.5 and 0.5.
    tri = layout(_triangle([40] * 6, [0.25, 0.5, 1.0]))
    result = nowcast(tri, NowcastSettings(method="chain-ladder"))
    assert [r.observed for r in result.rows] == [40, 40, 40, 40, 20, 10]
    # No noise in the ratios: 20 / 0.5 and 10 / 0.25 exactly; the rest is Poisson noise.
    assert [r.estimate for r in result.rows[:4]] == [40, 40, 40, 40]
    assert abs(result.rows[4].estimate - 40) <= 2
    assert abs(result.rows[5].estimate - 40) <= 3
    assert result.rows[0].lower == result.rows[0].upper == 40  # complete: no uncertainty
    assert result.rows[5].lower < 40 < result.rows[5].upper


def test_delay_ratios_and_known_shares() -> None:
    tri = layout(_triangle([40] * 6, [0.25, 0.5, 1.0]))
    point, draws = ratio_draws(tri, None, 0, 50, np.random.default_rng(0))
    assert point.tolist() == [0.5, 0.5, 1.0, 1.0, 1.0]  # nothing added after delay 2
    assert np.allclose(draws[:, :2], 0.5)  # identical periods: every bootstrap draw agrees
    assert np.all(draws[:, 2:] == 1.0)
    assert known_share(point, tri.observed_delay).tolist() == [1, 1, 1, 1, 0.5, 0.25]


def test_window_keeps_the_newest_periods_and_widens_for_enough_events() -> None:
    tri = layout(_triangle([10] * 10, [0.5, 1.0]))
    # Periods 0..8 are observed at delay 1; the newest three are 8, 7, 6.
    assert window_rows(tri, 0, 3, 0).tolist() == [8, 7, 6]
    # 10 events each: 35 events need four periods.
    assert window_rows(tri, 0, 3, 35).tolist() == [8, 7, 6, 5]
    assert window_rows(tri, 0, None, 0).tolist() == list(range(8, -1, -1))


def test_moving_window_follows_a_delay_that_drifts() -> None:
    # Old periods reported everything at delay 0; the newest half of what the next week adds.
    eventual = [40] * 12
    rows = []
    for i, total in enumerate(eventual):
        period = D(2024, 1, 1) + dt.timedelta(days=7 * i)
        shares = [1.0, 1.0] if i < 6 else [0.5, 1.0]
        for d in range(min(2, 12 - i)):
            rows.append(_report(period, d, total * shares[d]))
    tri = layout(rows)
    fixed = nowcast(tri, NowcastSettings(method="chain-ladder")).rows[-1]
    moving = nowcast(tri, NowcastSettings(window=3, min_count=0)).rows[-1]
    assert fixed.observed == moving.observed == 20
    # Chain-ladder pools the old fast periods (ratio 25/40 over all of them): too low.
    assert fixed.estimate < 36
    assert moving.lower <= 40 <= moving.upper
    assert abs(moving.estimate - 40) <= 4


def test_nb_borrows_the_level_when_a_period_has_no_reports_yet() -> None:
    # The newest period has nothing at delay 0 (share 0): chain-ladder can only say 0.
    tri = layout(_triangle([30] * 10, [0.0, 0.6, 1.0]))
    assert tri.latest[-1] == 0
    cl = nowcast(tri, NowcastSettings(method="chain-ladder")).rows[-1]
    nb = nowcast(tri).rows[-1]
    assert cl.estimate == 0
    assert 25 <= nb.estimate <= 35
    assert nb.lower <= 30 <= nb.upper


def test_same_seed_same_answer_and_unknown_method() -> None:
    tri = layout(_triangle([40, 50, 45, 60, 55], [0.3, 0.7, 1.0]))
    assert nowcast(tri, NowcastSettings(seed=3)) == nowcast(tri, NowcastSettings(seed=3))
    with pytest.raises(ValueError, match="unknown nowcast method 'bogus'"):
        nowcast(tri, NowcastSettings(method="bogus"))


def test_drift_sd_counts_only_change_beyond_sampling_noise() -> None:
    # Steady delays: every window has the same ratio, so no drift at all.
    steady = layout(_triangle([1000] * 8, [0.5, 1.0]))
    assert drift_sd(steady, 0, 1, 0) == 0.0
    # The newest period observed at delay 1 reported half at delay 0; the older ones all.
    rows = []
    for i in range(6):
        period = START + dt.timedelta(days=7 * i)
        share = 0.5 if i == 4 else 1.0
        rows += [_report(period, 0, 1000 * share)] + ([_report(period, 1, 1000)] if i < 5 else [])
    tri = layout(rows)
    # Windows of one period, newest first: log ratios [log 0.5, 0, 0, 0]; binomial noise of
    # the first is (1 - 0.5) / 500. Mean of (change² - noise): (log² 2 - 0.001) / 3; the newest
    # period is (0 + 1) / 1 + 0.5 windows away: scaled by sqrt(1.5).
    expected = np.sqrt((np.log(2) ** 2 - 0.001) / 3) * np.sqrt(1.5)
    assert drift_sd(tri, 0, 1, 0) == pytest.approx(expected)


def test_a_report_earlier_than_any_seen_before_stays_bounded() -> None:
    # The older period's first report came at delay 4 (5 events); the newer one already has 3
    # at delay 3. Nothing was known at delay 3 before, so the ratio is floored at ½ / 5. The
    # series has reported since 2024-01-07 (a zero for the older week), so the zeros at its
    # early delays are known zeros, not cells dated before the first report.
    rows = [Report(D(2024, 1, 1), D(2024, 1, 7), 0), Report(D(2024, 1, 1), D(2024, 1, 30), 5),
            Report(D(2024, 1, 8), D(2024, 1, 30), 3)]  # fmt: skip
    tri = layout(rows)
    point, _ = ratio_draws(tri, None, 0, 10, np.random.default_rng(0))
    # Delays 0-1: nothing known at either end; delay 2: none known, 3 at delay 3 (½ / 3).
    assert point.tolist() == [1.0, 1.0, pytest.approx(1 / 6), 0.1]
    result = nowcast(tri, NowcastSettings(method="chain-ladder"))
    assert result.rows[1].observed == 3
    # 3 / 0.1 with Poisson noise on the rest: bounded, where a zero ratio gave ~10⁹.
    assert abs(result.rows[1].estimate - 30) <= 1


def test_one_report_date_teaches_nothing_about_delays() -> None:
    # every cell before the only report is dated before the triangle's first report
    rows = [Report(D(2024, 1, 1), D(2024, 1, 30), 5), Report(D(2024, 1, 8), D(2024, 1, 30), 3)]
    point, _ = ratio_draws(layout(rows), None, 0, 10, np.random.default_rng(0))
    assert point.tolist() == [1.0, 1.0, 1.0, 1.0]
