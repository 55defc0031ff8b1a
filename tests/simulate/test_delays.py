"""Drifting publication delays and the truth files a nowcast is scored against."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from unaccounted.errors import InputError
from unaccounted.simulate import delays
from unaccounted.simulate.config import LagConfig, SimulationConfig, load_config
from unaccounted.simulate.run import Summary
from unaccounted.simulate.sources import log_median_lag
from unaccounted.simulate.world import day

START = day(dt.date(2022, 2, 24))


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_no_drift_keeps_the_fixed_median() -> None:
    events = np.array([START, START + 100, START + 700])
    assert (
        np.exp(log_median_lag(LagConfig(median_days=30), events, START)).tolist()
        == [pytest.approx(30.0)] * 3
    )


def test_trend_and_waves_move_the_median() -> None:
    lag = LagConfig(median_days=30, trend=np.log(2), wave_amplitude=0.5, wave_days=100)
    # One year in: doubled by the trend; at a quarter wave (25 days) ×1.5, at three quarters ×0.5.
    events = np.array([START, START + 25, START + 75, START + 365.25 // 1])
    got = np.exp(log_median_lag(lag, events.astype(np.int64), START))
    assert got[0] == pytest.approx(30.0)
    assert got[1] == pytest.approx(30 * 1.5 * 2 ** (25 / 365.25))
    assert got[2] == pytest.approx(30 * 0.5 * 2 ** (75 / 365.25))
    assert got[3] == pytest.approx(30 * 2 * (1 + 0.5 * np.sin(2 * np.pi * 365 / 100)), rel=1e-3)


def test_wave_amplitude_must_leave_a_positive_median(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "sources:\n  - {slug: a, name: A, kind: social, style: social, independence_group: a,"
        " lag: {wave_amplitude: 1.0}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="wave_amplitude"):
        load_config(path)


def test_truth_files_agree_with_the_triangle(world_dir: Path, summary: Summary) -> None:
    weeks = _read(world_dir / "truth" / "documented_by_week.csv")
    triangle = _read(world_dir / "truth" / "triangle.csv")
    assert list(weeks[0]) == ["week", "dead", "documented", "eventual"]
    assert sum(int(w["dead"]) for w in weeks) == summary.dead
    for w in weeks:
        assert int(w["documented"]) <= int(w["eventual"])
    # The triangle's last report of each week is what was documented by war.as_of.
    final = {r["period"]: int(r["count"]) for r in triangle if r["as_of"] == "2025-03-01"}
    documented = {w["week"]: int(w["documented"]) for w in weeks if int(w["documented"])}
    assert {k: v for k, v in final.items() if v} == documented
    # Cumulative: never decreasing within a period.
    by_period: dict[str, list[int]] = {}
    for r in triangle:
        by_period.setdefault(r["period"], []).append(int(r["count"]))
    assert all(c == sorted(c) for c in by_period.values())


def test_drift_slows_late_reports_but_keeps_who_is_reported() -> None:
    base = load_config()
    data = base.model_dump()
    for s in data["sources"]:
        s["lag"].update(trend=1.0)
    drifting = SimulationConfig.model_validate(data)
    w0, r0 = delays.simulate_reports(base, 3000, 5)
    w1, r1 = delays.simulate_reports(drifting, 3000, 5)
    eventual0 = delays.first_documented(w0, r0, eventual=True)
    eventual1 = delays.first_documented(w1, r1, eventual=True)
    ever0 = eventual0 < delays.NEVER
    # Same persons chosen by every source (capture draws do not depend on the lag) …
    # (courts decide only on those still missing when they publish; copies follow the lag).
    for a, b in zip(r0, r1, strict=True):
        if a.source.copies is None and a.source.style != "court":
            assert np.union1d(a.person, a.later_person).tolist() == (
                np.union1d(b.person, b.later_person).tolist()
            )
    # … but documented later: a growing backlog.
    both = ever0 & (eventual1 < delays.NEVER)
    assert np.median((eventual1 - w1.event)[both]) > np.median((eventual0 - w0.event)[both])
    # Fewer deaths are documented by war.as_of when the backlog grows.
    known0 = (delays.first_documented(w0, r0, eventual=False) < delays.NEVER).sum()
    known1 = (delays.first_documented(w1, r1, eventual=False) < delays.NEVER).sum()
    assert known1 < known0
