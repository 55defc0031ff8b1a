"""Dead among the missing on simulated worlds: unit intervals and the stated-dead estimate.

Over ``--worlds`` simulated worlds (the simulator's default config, ``--persons`` persons
each, seeds 1..N): each world is ingested, normalized and linked into a workspace as a user
would (as ``bench/strata.py`` does), then

- **units**: the dead-among-the-missing model (``analyze/dead_among_missing.py``) gives each
  unit alias group an interval for how many of its officially missing persons are dead;
  the truth is how many of them are, by the simulator, killed (a workspace person is the
  true person most of its records belong to). Coverage is the share of units with
  officially missing persons whose 95 % interval holds the truth.
- **quarters**: the stated-dead estimate by period (event quarter) with the current
  clustering (``--draws 0``; ``--draws N``: N drawn clusterings, as ``bench/strata.py``),
  without the step (the named baseline, ``without_step``), with the expected dead among each
  quarter's missing added (``with_step``), and with the recent
  quarters also scaled up for the deaths not reported yet (``with_step_and_delay``,
  ``estimate --dead-among-missing --reporting-delay``); the truth is the simulator's dead of
  the quarter. Coverage is the share of estimable quarters whose 95 % interval holds the
  truth.

``--keep DIR`` keeps each world's simulated folder and linked workspace under ``DIR/<seed>``
and reuses them on the next run (the models and estimates are always run afresh).

    python bench/dead_among_missing.py [--worlds N] [--persons N] [--draws N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import copy
import csv
import os
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from common import machine, write_result
from unaccounted.analyze import analyze
from unaccounted.analyze.dead_among_missing import MissingPerson, fit, gather
from unaccounted.estimate.from_workspace import person_strata, workspace_strata
from unaccounted.estimate.strata import UNKNOWN, MethodChoice
from unaccounted.estimate.with_delay import add_reporting_delay
from unaccounted.estimate.with_missing import add_dead_among_missing
from unaccounted.evaluate.truth import truth_persons
from unaccounted.ingest.folders import ingest_folder
from unaccounted.link.stage import run_link
from unaccounted.normalize.stage import run_normalize
from unaccounted.service.estimates import reporting_factors
from unaccounted.service.session import Session
from unaccounted.simulate.config import load_config
from unaccounted.simulate.run import simulate
from unaccounted.simulate.truth_strata import dead_by_quarter
from unaccounted.workspace import Workspace


def build(root: Path, persons: int, seed: int) -> Workspace:
    """The world's simulated folder and linked workspace under ``root`` (reused if done)."""
    if (root / "linked").exists():
        return Workspace.open(root / "ws")
    shutil.rmtree(root, ignore_errors=True)
    sim = root / "sim"
    simulate(load_config(None), persons, seed, sim)
    ws = Workspace.init(root / "ws")
    ingest_folder(ws, sim / "sources")
    run_normalize(ws)
    run_link(ws)
    (root / "linked").write_text(f"{persons} persons, seed {seed}\n", encoding="utf-8")
    return ws


def one_world(persons: int, seed: int, keep: Path | None = None, draws: int = 0) -> dict[str, Any]:
    root = keep / f"{persons}-{seed}" if keep else Path(tempfile.mkdtemp(prefix="bench-dam-"))
    try:
        sim = root / "sim"
        ws = build(root, persons, seed)
        t = time.process_time()
        a = analyze(ws)
        flagged = {e.unit for e in a.concealment(ws) if e.flagged}
        model = fit(gather(a.views, a.units, a.rules), flagged, seed=seed)
        model_seconds = time.process_time() - t
        # truth: each workspace person is the true person most of its records are
        true_of = truth_persons(sim)
        with (sim / "truth" / "persons.csv").open(encoding="utf-8", newline="") as fh:
            killed = {r["person_id"] for r in csv.DictReader(fh) if r["fate"] == "killed"}
        person_truth = {
            v.person_id: Counter(
                true_of.get((c.source, c.record_id)) for c in v.claims
            ).most_common(1)[0][0]
            for v in a.views
        }
        true_dead: Counter[str] = Counter()
        for m in model.persons:
            if m.official and m.unit is not None and person_truth.get(m.person_id) in killed:
                true_dead[m.unit] += 1
        units = [
            {"world": seed, "unit": g.name, "officially_missing": g.officially_missing,
             "shown_dead": g.shown_dead, "open": g.open, "estimate": g.estimate,
             "lower": g.lower, "upper": g.upper, "truth": true_dead[g.name]}
            for g in model.units.values()
        ]  # fmt: skip
        truth = dead_by_quarter(sim / "truth" / "persons.csv")
        choice = MethodChoice(seed=seed)
        t = time.process_time()
        base = workspace_strata(ws, "period", choice, draws, ("dead",))
        stepped = copy.deepcopy(base)
        strata = person_strata(ws, "period")

        def stratum(m: MissingPerson) -> str:
            return strata.get(m.person_id, UNKNOWN)

        delayed = copy.deepcopy(stepped)
        add_dead_among_missing(stepped, model.open_draws(stratum), seed)
        with Session.open(ws.root, None, read_only=True) as s:
            add_reporting_delay(delayed, reporting_factors(s, seed), seed)
        add_dead_among_missing(delayed, model.open_draws(stratum), seed)
        estimate_seconds = time.process_time() - t
        quarters = []
        runs = (("without_step", base), ("with_step", stepped), ("with_step_and_delay", delayed))
        for run, res in runs:
            for s in [*res.strata, res.total]:
                if s.stratum == UNKNOWN:
                    continue
                true = sum(truth.values()) if s.stratum == "total" else truth.get(s.stratum, 0)
                quarters.append({
                    "world": seed, "run": run, "stratum": s.stratum, "documented": s.documented,
                    "estimable": s.estimable, "estimate": s.estimate, "lower": s.lower,
                    "upper": s.upper, "truth": true, "added": s.dead_among_missing,
                })  # fmt: skip
        return {"units": units, "quarters": quarters,
                "cpu_seconds": {"model": model_seconds, "estimates": estimate_seconds}}  # fmt: skip
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def coverage(rows: list[dict[str, Any]]) -> dict[str, Any]:
    est = [r for r in rows if r.get("estimable", True) and r["estimate"] is not None]
    covered = [r for r in est if r["lower"] - 1e-9 <= r["truth"] <= r["upper"] + 1e-9]
    return {
        "rows": len(rows),
        "estimable": len(est),
        "coverage_95": len(covered) / len(est) if est else None,
        "below_truth": sum(1 for r in est if r["upper"] < r["truth"]),
        "above_truth": sum(1 for r in est if r["lower"] > r["truth"]),
        "mean_relative_error": sum(abs(r["estimate"] - r["truth"]) / r["truth"]
                                   for r in est if r["truth"])
        / max(1, sum(1 for r in est if r["truth"])),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worlds", type=int, default=10)
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--name", default="dead_among_missing")
    parser.add_argument(
        "--draws", type=int, default=0, help="clusterings drawn for the estimates (0: the current)"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="keep (and reuse) each world's linked workspace under this folder",
    )
    args = parser.parse_args()
    load = os.getloadavg()[0]
    start = time.perf_counter()
    units: list[dict[str, Any]] = []
    quarters: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    cpu = {"model": 0.0, "estimates": 0.0}
    for seed in range(1, args.worlds + 1):
        try:
            got = one_world(args.persons, seed, args.keep, args.draws)
        except Exception as exc:  # a world the link stage cannot train on is counted
            failed.append({"world": seed, "error": str(exc)[:300]})
            continue
        units += got["units"]
        quarters += got["quarters"]
        for k, v in got["cpu_seconds"].items():
            cpu[k] += v
        print(f"world {seed} done", flush=True)
        write(args, units, quarters, failed, cpu, load, start)


def write(
    args: argparse.Namespace,
    units: list[dict[str, Any]],
    quarters: list[dict[str, Any]],
    failed: list[dict[str, Any]],
    cpu: dict[str, float],
    load: float,
    start: float,
) -> None:
    """Write the results so far (after each world, so that a stopped run keeps them)."""

    def pick(run: str, total: bool) -> list[dict[str, Any]]:
        return [q for q in quarters if q["run"] == run and (q["stratum"] == "total") == total]

    result = {
        "machine": machine(),
        "load_average_at_start": load,
        "load_average_at_end": os.getloadavg()[0],
        "worlds": args.worlds,
        "worlds_estimated": len({u["world"] for u in units}),
        "worlds_done": sorted({u["world"] for u in units}),
        "persons_per_world": args.persons,
        "config": "the simulator's default",
        "clustering": "the link stage's (run_link)"
        + (
            f", {args.draws} drawn clusterings (Rubin's rules)"
            if args.draws
            else ", current clustering only (draws 0)"
        ),
        "wall_seconds": time.perf_counter() - start,
        "worlds_kept_in": None if args.keep is None else str(args.keep),
        "note": "with --keep, worlds linked by an earlier run are reused: wall_seconds then "
        "holds only the models and estimates",
        "cpu_seconds": cpu,
        "units": coverage([u for u in units if u["officially_missing"]]),
        "quarters": {
            key: {
                run: coverage(pick(run, key == "total"))
                for run in ("with_step_and_delay", "with_step", "without_step")
            }
            for key in ("per_stratum", "total")
        },
        "baseline": "without_step: the stated-dead estimate alone",
        "failed_worlds": failed,
        "unit_rows": units,
        "quarter_rows": quarters,
    }
    path = write_result(args.name, result)
    print(f"wrote {path}")
    print("units", result["units"])
    for key, runs in result["quarters"].items():
        for run, s in runs.items():
            print(key, run, {k: s[k] for k in ("estimable", "coverage_95", "mean_relative_error")})


if __name__ == "__main__":
    main()
