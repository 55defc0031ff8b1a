"""Benchmark nowcasting on simulated worlds whose publication delays drift, and on a real series.

Run ``python bench/nowcast.py`` (``--quick`` for a small run; ``--real-only`` to re-run only
the real series, keeping the simulated figures already in the result file); writes
``bench/results/nowcast.json``.

Worlds: the default simulated war (persons and sources as in ``default.yaml``) with
``war.as_of = war.end`` and every source's lag drifting — ``lag.trend`` (the median grows
×exp(trend) a year) and backlog waves (``lag.wave_amplitude`` over ``lag.wave_days``) — over
several seeds. Each world is nowcast at several as-of dates (Sundays, so the last week is
whole), from the true reporting triangle of documented deaths (no linkage error), and scored
against the eventual documented deaths per week (``documented_by_week.csv``'s ``eventual``).

Measured in the same run, on the same triangles:

- ``naive``: the counts known at the as-of date (the baseline the acceptance names);
- ``chain_ladder``: the classic chain-ladder with ratios from every period;
- ``nb_all_periods``: the negative-binomial nowcast with ``window=None`` (a delay
  distribution that does not drift), to show what the moving window changes;
- ``nb_window``: the negative-binomial nowcast with a fixed moving window of the newest 8
  periods per delay (``delay_weights="window"``, the default before age weighting);
- ``nb``: the default nowcast (every period weighted by age, the half-life chosen from the
  triangle by one-step-ahead predictive score; the chosen half-lives are recorded).

Metric: the mean absolute percentage error over the last 26 weeks (``|estimate − truth| /
truth``, weeks with truth 0 skipped), averaged over worlds and as-of dates, and the 95%
interval coverage over the same weeks. Acceptance: ``nb`` MAPE ≤ 0.5 × ``naive`` MAPE.
Speed: CPU seconds per nowcast (one BLAS thread), with the triangle's size. A control
(``control_no_drift``) repeats the run on the same worlds without drift.

Real series (``real_series`` in the result): the weekly reporting triangle of COVID-19
hospitalisations in Germany (RKI, CC BY 4.0; ``bench/data/GERMANY_COVID19_HOSP.md`` gives
the source, licences and conversion), cut with ``layout(rows, as_of)`` at 13 Sundays, every
third from 2021-10-17 to 2022-06-26. Truth: each week's count at the triangle's last report
date (2022-08-07), for weeks whose last day is at least 40 days before it — the data keep
reports up to 40 days after the positive test, so those counts are final; the cuts are
chosen so that every scored week has its truth. Measured per as-of date: MAPE of the last
26 weeks for ``naive``, ``chain_ladder`` and ``nb``, and 95% interval coverage; the same for
the newest 6 weeks alone (those still growing: the other 20 are known almost exactly), for
``naive``, ``chain_ladder``, ``nb_window`` (the baseline) and ``nb``.
Acceptance: ``nb`` MAPE ≤ 0.5 × ``naive`` MAPE on every date, and coverage over all dates
within 0.85–0.99.
"""

from __future__ import annotations

import os

# One BLAS thread: the matrices are small, and idle BLAS threads spinning on a shared
# machine cost more CPU time than they save.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import QUICK_ENV, RESULTS, machine, write_result
from unaccounted.nowcast import NowcastSettings, Report, layout, nowcast, read_triangle
from unaccounted.simulate import delays
from unaccounted.simulate.config import SimulationConfig, load_config
from unaccounted.simulate.world import day

DRIFT = {"trend": 0.15, "wave_amplitude": 0.5, "wave_days": 365.0}
CUTS = (dt.date(2024, 3, 31), dt.date(2024, 7, 28), dt.date(2024, 12, 29))
LAST = 26
METHODS: dict[str, NowcastSettings | None] = {
    "naive": None,
    "chain_ladder": NowcastSettings(method="chain-ladder"),
    "nb_all_periods": NowcastSettings(window=None),
    "nb_window": NowcastSettings(delay_weights="window"),
    "nb": NowcastSettings(),
}


REAL_SERIES = Path(__file__).resolve().parent / "data" / "germany_covid19_hosp_weekly.csv"
REAL_CUTS = tuple(dt.date(2021, 10, 17) + dt.timedelta(weeks=3 * k) for k in range(13))
#: A week's count is final once its last day is this many days before the last report.
COMPLETE_DAYS = 40
#: The newest weeks, still growing at an as-of date (a week is complete after 6 weeks).
GROWING = 6
REAL_METHODS: dict[str, NowcastSettings | None] = {
    "naive": None,
    "chain_ladder": NowcastSettings(method="chain-ladder"),
    "nb_window": NowcastSettings(delay_weights="window"),
    "nb": NowcastSettings(),
}


def drifting_config(drift: dict[str, float] | None = None) -> SimulationConfig:
    data = load_config().model_dump()
    data["war"]["as_of"] = data["war"]["end"]
    for src in data["sources"]:
        src["lag"].update(DRIFT if drift is None else drift)
    return SimulationConfig.model_validate(data)


def estimates(
    tri: Any, settings: NowcastSettings | None, cpu: list[float] | None
) -> tuple[list[dict[str, Any]], Any]:
    """Each period's estimate by ``settings`` (None: the as-of counts, the naive baseline),
    its CPU time appended to ``cpu``; returns the rows and the nowcast (None for naive)."""
    if settings is None:
        return [{"period": p.isoformat(), "estimate": int(n)}
                for p, n in zip(tri.periods, tri.latest, strict=True)], None  # fmt: skip
    t0 = time.process_time()
    result = nowcast(tri, settings)
    if cpu is not None:
        cpu.append(time.process_time() - t0)
    return [r.to_dict() for r in result.rows], result


def score(rows: list[Any], truth: dict[str, int], last: int = LAST) -> tuple[float, float | None]:
    """(MAPE, 95% coverage) of the last ``last`` periods against the truth."""
    errors, covered = [], []
    for r in rows[-last:]:
        true = truth[r["period"]]
        if true == 0:
            continue
        errors.append(abs(r["estimate"] - true) / true)
        if "lower" in r:
            covered.append(r["lower"] <= true <= r["upper"])
    return float(np.mean(errors)), (float(np.mean(covered)) if covered else None)


def run(persons: int, seeds: list[int], drift: dict[str, float] | None = None) -> dict[str, Any]:
    config = drifting_config(drift)
    per_case: list[dict[str, Any]] = []
    cpu: dict[str, list[float]] = {name: [] for name in METHODS if name != "naive"}
    for seed in seeds:
        world, records = delays.simulate_reports(config, persons, seed)
        truth = {week: eventual for week, _, _, eventual in delays.weekly_truth(world, records)}
        for cut in CUTS:
            rows = [
                Report(dt.date.fromisoformat(p), dt.date.fromisoformat(a), c)
                for p, a, c in delays.weekly_triangle(world, records, day(cut))
            ]
            tri = layout(rows)
            case: dict[str, Any] = {"seed": seed, "as_of": cut.isoformat(),
                                    "periods": len(tri.periods)}  # fmt: skip
            for name, settings in METHODS.items():
                found, result = estimates(tri, settings, cpu.get(name))
                if result is not None and "half_life" in result.details:
                    case["half_life"] = result.details["half_life"]
                mape, coverage = score(found, truth)
                case[name] = {"mape": round(mape, 4), "coverage_95": coverage}
            per_case.append(case)
            print(f"seed {seed} as of {cut}: " + ", ".join(
                f"{n} {case[n]['mape']:.3f}" for n in METHODS), flush=True)  # fmt: skip
    summary = {
        name: {
            "mape": round(float(np.mean([c[name]["mape"] for c in per_case])), 4),
            "coverage_95": (
                None if name == "naive"
                else round(float(np.mean([c[name]["coverage_95"] for c in per_case])), 3)
            ),
            "cpu_seconds_mean": round(float(np.mean(cpu[name])), 3) if name in cpu else None,
            "cpu_seconds_max": round(float(np.max(cpu[name])), 3) if name in cpu else None,
        }
        for name in METHODS
    }  # fmt: skip
    ratio = summary["nb"]["mape"] / summary["naive"]["mape"]
    return {
        "persons": persons,
        "seeds": seeds,
        "as_of": [c.isoformat() for c in CUTS],
        "drift": DRIFT,
        "last_weeks": LAST,
        "summary": summary,
        "nb_over_naive_mape": round(ratio, 3),
        "acceptance": {"rule": "nb MAPE <= 0.5 x naive MAPE", "passed": bool(ratio <= 0.5)},
        "cases": per_case,
    }


def real_series() -> dict[str, Any]:
    """Backtest naive, chain-ladder and nb on the real series at every date of ``REAL_CUTS``."""
    rows = read_triangle(REAL_SERIES)
    full = layout(rows)
    week = dt.timedelta(days=full.step_days - 1)
    truth = {
        p.isoformat(): int(n)
        for p, n in zip(full.periods, full.latest, strict=True)
        if (full.as_of - (p + week)).days >= COMPLETE_DAYS
    }
    cases: list[dict[str, Any]] = []
    cpu: dict[str, list[float]] = {name: [] for name in REAL_METHODS if name != "naive"}
    newest: list[dict[str, Any]] = []
    for cut in REAL_CUTS:
        tri = layout(rows, cut)
        assert all(p.isoformat() in truth for p in tri.periods[-LAST:]), cut
        case: dict[str, Any] = {"as_of": cut.isoformat(), "periods": len(tri.periods)}
        for name, settings in REAL_METHODS.items():
            found, result = estimates(tri, settings, cpu.get(name))
            if result is not None and name == "nb":
                newest.append({"as_of": cut.isoformat(), "rows": found[-GROWING:]})
                case["half_life"] = result.details.get("half_life")
            mape, coverage = score(found, truth)
            new_mape, new_coverage = score(found, truth, GROWING)
            case[name] = {"mape": round(mape, 4), "coverage_95": coverage,
                          f"mape_newest_{GROWING}": round(new_mape, 4),
                          f"coverage_95_newest_{GROWING}": new_coverage}  # fmt: skip
        case["nb_over_naive_mape"] = round(case["nb"]["mape"] / case["naive"]["mape"], 3)
        case["nb_window_over_naive_mape"] = round(
            case["nb_window"]["mape"] / case["naive"]["mape"], 3
        )
        cases.append(case)
        print(f"real series as of {cut}: " + ", ".join(
            f"{n} {case[n]['mape']:.4f}" for n in REAL_METHODS)
            + f" (nb/naive {case['nb_over_naive_mape']})", flush=True)  # fmt: skip

    def mean(name: str, key: str) -> float | None:
        values = [c[name][key] for c in cases]
        return None if values[0] is None else round(float(np.mean(values)), 4)

    summary = {
        name: {
            "mape_mean": mean(name, "mape"),
            "mape_max": round(float(max(c[name]["mape"] for c in cases)), 4),
            "coverage_95": mean(name, "coverage_95"),
            f"mape_newest_{GROWING}_mean": mean(name, f"mape_newest_{GROWING}"),
            f"coverage_95_newest_{GROWING}": mean(name, f"coverage_95_newest_{GROWING}"),
            "cpu_seconds_mean": round(float(np.mean(cpu[name])), 3) if name in cpu else None,
        }
        for name in REAL_METHODS
    }
    failing = [c["as_of"] for c in cases if c["nb_over_naive_mape"] > 0.5]
    failing_window = [c["as_of"] for c in cases if c["nb_window_over_naive_mape"] > 0.5]
    coverage = summary["nb"]["coverage_95"]
    assert coverage is not None
    return {
        "series": REAL_SERIES.name,
        "source": "RKI COVID-19 hospitalisations, Germany, all ages (CC BY 4.0), "
        "via the R package baselinenowcast (MIT); see bench/data/GERMANY_COVID19_HOSP.md",
        "periods": len(full.periods),
        "last_report": full.as_of.isoformat(),
        "corrections": full.corrections,
        "truth_rule": f"count at {full.as_of} for weeks ending at least {COMPLETE_DAYS} days "
        "before it (reports up to 40 days after the test are kept: final counts)",
        "as_of": [c.isoformat() for c in REAL_CUTS],
        "last_weeks": LAST,
        "newest_weeks": GROWING,
        "summary": summary,
        "acceptance": {
            "rule": "nb MAPE <= 0.5 x naive MAPE on every as-of date; "
            "nb 95% coverage within 0.85-0.99 over all dates",
            "dates_failing_mape": failing,
            "mape_passed": not failing,
            "coverage_passed": bool(0.85 <= coverage <= 0.99),
            "passed": bool(not failing and 0.85 <= coverage <= 0.99),
            "baseline_nb_window_dates_failing_mape": failing_window,
        },
        "cases": cases,
        "nb_newest_weeks": newest,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 worlds of 10,000 persons.")
    parser.add_argument("--persons", type=int, default=40_000)
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument(
        "--real-only",
        action="store_true",
        help="Only the real-series backtest, kept with the simulated figures of the last run.",
    )
    args = parser.parse_args()
    if args.real_only:
        folder = RESULTS / "quick" if os.environ.get(QUICK_ENV) else RESULTS
        previous = folder / "nowcast.json"
        kept = json.loads(previous.read_text("utf-8")) if previous.exists() else {}
        t0, load_before = time.perf_counter(), os.getloadavg()
        kept["real_series"] = real_series()
        kept["real_series"]["seconds"] = round(time.perf_counter() - t0, 1)
        kept["real_series"]["load_average"] = {"before": load_before, "after": os.getloadavg()}
        _report_real(kept["real_series"], write_result("nowcast", kept))
        return
    persons, n_seeds = (10_000, 2) if args.quick else (args.persons, args.seeds)
    load_before = os.getloadavg()
    t0, c0 = time.perf_counter(), time.process_time()
    result = run(persons, list(range(1, n_seeds + 1)))
    result["real_series"] = real_series()
    # Control: the same worlds without drift (what the moving window costs when delays hold).
    control = run(persons, list(range(1, n_seeds + 1)), {"trend": 0.0, "wave_amplitude": 0.0})
    result["control_no_drift"] = {
        "summary": control["summary"],
        "nb_over_naive_mape": control["nb_over_naive_mape"],
    }
    result["seconds"] = round(time.perf_counter() - t0, 1)
    result["cpu_seconds"] = round(time.process_time() - c0, 1)
    result["load_average"] = {"before": load_before, "after": os.getloadavg()}
    result["machine"] = machine()
    path = write_result("nowcast", result)
    s = result["summary"]
    print(
        f"MAPE of the last {LAST} weeks: naive {s['naive']['mape']:.3f}, chain-ladder "
        f"{s['chain_ladder']['mape']:.3f}, nb (all periods) {s['nb_all_periods']['mape']:.3f}, "
        f"nb (window) {s['nb_window']['mape']:.3f}, "
        f"nb {s['nb']['mape']:.3f} (ratio {result['nb_over_naive_mape']}); "
        f"acceptance {'passed' if result['acceptance']['passed'] else 'FAILED'} -> {path}"
    )

    _report_real(result["real_series"], path)


def _report_real(real: dict[str, Any], path: Path) -> None:
    s, acc = real["summary"], real["acceptance"]
    print(
        f"Real series, {len(real['as_of'])} as-of dates, MAPE of the last {LAST} weeks (mean): "
        f"naive {s['naive']['mape_mean']:.4f}, chain-ladder {s['chain_ladder']['mape_mean']:.4f}, "
        f"nb (window) {s['nb_window']['mape_mean']:.4f}, "
        f"nb {s['nb']['mape_mean']:.4f}; nb coverage {s['nb']['coverage_95']:.3f}; acceptance "
        f"{'passed' if acc['passed'] else 'FAILED'} (dates failing MAPE: "
        f"{', '.join(acc['dates_failing_mape']) or 'none'}) -> {path}"
    )


if __name__ == "__main__":
    main()
