"""Recent quarters scaled up for the deaths not reported yet (``estimate/with_delay.py``)."""

from __future__ import annotations

import datetime as dt

import pytest

from unaccounted.cli.estimate_cmds import _stratum_cells
from unaccounted.estimate.stratified import StrataResult, StratumEstimate
from unaccounted.estimate.with_delay import (
    add_reporting_delay,
    quarter_factors,
    warn_still_reported,
)
from unaccounted.nowcast import PeriodNowcast


def _week(day: str, observed: int, known: float, lower: int, upper: int) -> PeriodNowcast:
    return PeriodNowcast(dt.date.fromisoformat(day), observed, round(observed / known), lower,
                         upper, known)  # fmt: skip


def test_weeks_are_summed_into_the_quarter_of_their_monday() -> None:
    rows = [
        _week("2024-09-23", 10, 1.0, 10, 10),
        _week("2024-09-30", 8, 0.8, 8, 13),  # Monday in Q3, its Sunday in Q4: Q3
        _week("2024-10-07", 6, 0.75, 7, 13),
        _week("2024-12-30", 1, 0.4, 1, 6),  # a week's nowcast keeps its fraction: 2.5
        _week("2024-12-23", 0, 0.5, 0, 2),
    ]
    assert quarter_factors(rows) == {
        "2024-Q3": (18.0, 20.0, 18.0, 23.0),
        "2024-Q4": (7.0, 10.5, 8.0, 21.0),
    }


def _result(strata: list[StratumEstimate], total: StratumEstimate) -> StrataResult:
    return StrataResult("period", "loglinear", ("a", "b", "c"), 0, strata, total, "")


def test_a_quarter_still_being_reported_is_scaled_by_its_factor() -> None:
    done = StratumEstimate("2024-Q3", 80, 100.0, 90.0, 120.0, model="m")
    recent = StratumEstimate("2024-Q4", 40, 50.0, 50.0, 50.0, model="m")
    never = StratumEstimate("2024-Q2", 2, reason="fewer than three lists")
    total = StratumEstimate("total", 122, 150.0, 140.0, 170.0, model="t")
    factors = {
        "2024-Q3": (60, 60, 60, 60),  # every report is in: left as it is
        "2024-Q4": (40, 50, 50, 50),  # a fifth still to come, for certain
        "2024-Q2": (2, 4, 2, 8),
    }
    res = add_reporting_delay(_result([done, recent, never], total), factors)
    assert (done.estimate, done.lower, done.upper, done.reporting_delay) == (
        100.0, 90.0, 120.0, None,
    )  # fmt: skip
    # an interval of no width times a factor of no width: 50 × 50 / 40 every draw
    assert (recent.estimate, recent.lower, recent.upper) == pytest.approx((62.5, 62.5, 62.5))
    assert recent.reporting_delay == {
        "known_share": 0.8, "factor": 1.25, "factor_95": [1.25, 1.25], "added": 12.5,
    }  # fmt: skip
    assert recent.model == "m × reporting delay"
    # a stratum with no estimate stays without one
    assert never.estimate is None and never.reporting_delay is None
    # the total gains what the quarters gained
    assert res.total.estimate == pytest.approx(162.5)
    assert res.total.reporting_delay == {"added": 12.5}
    assert res.to_dict()["strata"][1]["reporting_delay"]["factor"] == 1.25
    assert "reporting_delay" not in res.to_dict()["strata"][0]
    assert _stratum_cells(recent)[-1] == "×1.25 not reported yet"
    assert _stratum_cells(res.total)[-1] == "+12.5 not reported yet"


def test_the_interval_carries_the_factors_uncertainty() -> None:
    recent = StratumEstimate("2024-Q4", 40, 50.0, 50.0, 50.0, model="m")
    total = StratumEstimate("total", 40, 50.0, 50.0, 50.0, model="t")
    add_reporting_delay(_result([recent], total), {"2024-Q4": (40, 50, 44, 64)}, seed=1)
    # the estimate's interval has no width: the interval is 50 × the factor's range
    # [44/40, 64/40], up to the draws' sampling error
    assert recent.estimate == pytest.approx(62.5)
    assert recent.lower == pytest.approx(55.0, rel=0.02)
    assert recent.upper == pytest.approx(80.0, rel=0.03)
    assert recent.reporting_delay is not None
    assert recent.reporting_delay["factor_95"] == [1.1, 1.6]


def test_without_the_option_the_quarters_still_being_reported_are_named() -> None:
    older = StratumEstimate("2024-Q3", 80, 100.0, 90.0, 120.0, model="m")
    latest = StratumEstimate("2024-Q4", 40, 50.0, 40.0, 70.0, model="m")
    refused = StratumEstimate("2025-Q1", 2, reason="fewer than three lists")
    total = StratumEstimate("total", 122, 150.0, 140.0, 170.0, model="t")
    res = _result([older, latest, refused], total)
    factors = {
        "2024-Q3": (100.0, 104.0, 100.0, 110.0),  # ×1.04: below the 1.05 worth a word
        "2024-Q4": (40.0, 50.0, 44.0, 64.0),  # ×1.25
        "2025-Q1": (2.0, 6.0, 2.0, 12.0),  # not estimable: nothing to run low
    }
    assert warn_still_reported(res, factors) == ["2024-Q4"]
    assert total.warnings == [
        "the latest quarters are still being reported: the nowcast expects 2024-Q4 ×1.25 as "
        "many documented deaths once the reports are in, and their estimates run low; "
        "--reporting-delay scales them"
    ]
    # the estimates themselves are left as they are
    assert (latest.estimate, latest.lower, latest.upper) == (50.0, 40.0, 70.0)
    assert warn_still_reported(_result([older], StratumEstimate("total", 80)), factors) == []
