"""Per-stratum coverage of stratified estimates, with and without linkage error carried.

Over ``--worlds`` small simulated worlds (the simulator's default config, ``--persons``
persons each, seeds 1..N): each world is ingested, normalized and linked into a workspace
as a user would, then estimated by period (event quarter) twice:

- ``with_linkage_error``: ``--draws`` clusterings drawn from the scored pairs and the
  constraints, each estimated, combined with Rubin's rules;
- ``without_linkage_error`` (the named baseline): the current clustering only, each
  stratum with its method's own interval.

Two populations are estimated (``POPULATIONS``): the persons a record states dead, and the
persons a record states dead or missing. A world the link stage fails on (Splink's training
can underflow on small worlds) is listed in ``failed_worlds`` and left out. A stratum's truth
is the simulator's dead (or dead and never-returned missing) persons whose true event date
falls in the quarter. Coverage is the share of estimable strata whose 95% interval holds the
truth.

    python bench/strata.py [--quick] [--worlds N] [--persons N] [--draws M] [--name NAME]

``strata.json`` is the acceptance run (``--worlds 52``); ``strata_3000.json`` shows how the
stated-dead estimate's bias grows against its interval in larger worlds
(``--worlds 12 --persons 3000 --draws 5 --name strata_3000``).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from common import machine, run_measured, write_result

CHILD = """
def run(seeds, persons, draws, by, progress):
    import shutil, tempfile, time as _t
    from pathlib import Path
    from unaccounted.simulate.config import load_config
    from unaccounted.simulate.run import simulate
    from unaccounted.workspace import Workspace
    from unaccounted.ingest.folders import ingest_folder
    from unaccounted.normalize.stage import run_normalize
    from unaccounted.link.stage import run_link
    from unaccounted.estimate.from_workspace import workspace_strata
    from unaccounted.estimate.strata import MethodChoice
    from unaccounted.simulate.truth_strata import dead_by_quarter
    rows, failed, seconds = [], [], {"pipeline": 0.0, "with": 0.0, "without": 0.0}
    for seed in [int(s) for s in seeds.split(",")]:
        root = Path(tempfile.mkdtemp(prefix="bench-strata-"))
        try:
            t = _t.process_time()
            simulate(load_config(None), int(persons), seed, root / "sim")
            ws = Workspace.init(root / "ws")
            ingest_folder(ws, root / "sim" / "sources")
            run_normalize(ws)
            try:
                run_link(ws)
            except Exception as exc:  # a world the link stage cannot train on is counted
                failed.append({"world": seed, "stage": "link", "error": str(exc)[:300]})
                continue
            finally:
                seconds["pipeline"] += _t.process_time() - t
            persons_csv = root / "sim" / "truth" / "persons.csv"
            truths = {"dead": dead_by_quarter(persons_csv),
                      "dead_or_missing": dead_by_quarter(persons_csv, include_missing=True)}
            runs = [(pop, name, m) for pop in truths for name, m in
                    (("without", 0), ("with", int(draws)))]
            for pop, name, m in runs:
                truth = truths[pop]
                counted = ("dead",) if pop == "dead" else ("dead", "missing")
                t = _t.process_time()
                res = workspace_strata(ws, by, MethodChoice(seed=seed), m, counted)
                seconds[name] += _t.process_time() - t
                for s in res.strata + [res.total]:
                    true = sum(truth.values()) if s.stratum == "total" else truth.get(s.stratum, 0)
                    rows.append({"world": seed, "run": name, "population": pop,
                                 "stratum": s.stratum,
                                 "documented": s.documented, "estimable": s.estimable,
                                 "estimate": s.estimate, "lower": s.lower, "upper": s.upper,
                                 "truth": true, "reason": s.reason,
                                 "linkage_width_share": s.linkage_width_share})
        finally:
            shutil.rmtree(root, ignore_errors=True)
        with open(progress, "a", encoding="utf-8") as fh:  # partial results survive a crash
            fh.write(json.dumps({"world": seed, "rows": [r for r in rows if r["world"] == seed]},
                                default=str) + "\\n")
    return {"rows": rows, "failed_worlds": failed, "cpu_seconds": seconds}
"""


#: population → what counts: (1) persons any of whose records says dead, against the
#: simulated dead; (2) dead or missing (records saying either), against the simulated dead
#: and the missing who never returned.
POPULATIONS = {
    "dead": "persons a record states dead; truth: the simulated dead",
    "dead_or_missing": (
        "persons a record states dead or missing; truth: dead + missing not returned"
    ),
}


def summarise(rows: list[dict[str, Any]], pop: str, run: str, total: bool) -> dict[str, Any]:
    mine = [r for r in rows if r["run"] == run and (r["stratum"] == "total") == total
            and r["stratum"] != "(unknown)" and r["population"] == pop]  # fmt: skip
    est = [r for r in mine if r["estimable"]]
    covered = [r for r in est if r["lower"] <= r["truth"] <= r["upper"]]
    widths = sorted((r["upper"] - r["lower"]) / r["truth"] for r in est if r["truth"])
    shares = [r["linkage_width_share"] for r in est if r["linkage_width_share"] is not None]
    return {
        "strata": len(mine),
        "estimable": len(est),
        "not_estimable": len(mine) - len(est),
        "coverage_95": len(covered) / len(est) if est else None,
        "median_relative_width": widths[len(widths) // 2] if widths else None,
        "mean_relative_error": (
            sum(abs(r["estimate"] - r["truth"]) / r["truth"] for r in est if r["truth"])
            / max(1, sum(1 for r in est if r["truth"]))
        ),
        "below_truth": sum(1 for r in est if r["upper"] < r["truth"]),
        "above_truth": sum(1 for r in est if r["lower"] > r["truth"]),
        "mean_linkage_width_share": sum(shares) / len(shares) if shares else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 worlds, 5 draws.")
    parser.add_argument("--worlds", type=int, default=50)
    parser.add_argument("--persons", type=int, default=1000)
    parser.add_argument("--draws", type=int, default=20)
    parser.add_argument("--by", default="period")
    parser.add_argument(
        "--name", default="strata", help="Results file: bench/results/NAME.json (default strata)."
    )
    args = parser.parse_args()
    if args.quick:
        args.worlds, args.draws = 3, 5
    load = os.getloadavg()[0]
    start = time.perf_counter()
    seeds = ",".join(str(s) for s in range(1, args.worlds + 1))
    progress = Path(tempfile.gettempdir()) / "bench-strata-progress.jsonl"
    progress.unlink(missing_ok=True)
    child = run_measured(CHILD, seeds, str(args.persons), str(args.draws), args.by, str(progress))
    rows = child["rows"]
    result = {
        "machine": machine(),
        "load_average_at_start": load,
        "load_average_at_end": os.getloadavg()[0],
        "quick": args.quick,
        "worlds": args.worlds,
        "worlds_estimated": len({r["world"] for r in rows}),
        "persons_per_world": args.persons,
        "by": args.by,
        "draws": args.draws,
        "method": "loglinear, one pooled model over the strata (estimate/pooled.py)",
        "wall_seconds": time.perf_counter() - start,
        "child_seconds": child["seconds"],
        "cpu_seconds": child["cpu_seconds"],
        "peak_rss_mib": child["peak_rss_mib"],
        "populations": POPULATIONS,
        **{
            pop: {
                key: {
                    "with_linkage_error": summarise(rows, pop, "with", key == "total"),
                    "without_linkage_error": summarise(rows, pop, "without", key == "total"),
                }
                for key in ("per_stratum", "total")
            }
            for pop in POPULATIONS
        },
        "failed_worlds": child["failed_worlds"],
        "rows": rows,
    }
    path = write_result(args.name, result)
    print(f"wrote {path}")
    for pop in POPULATIONS:
        for key in ("per_stratum", "total"):
            for run, s in result[pop][key].items():
                figures = {k: s[k] for k in ("estimable", "coverage_95", "mean_relative_error")}
                print(pop, key, run, figures)


if __name__ == "__main__":
    main()
