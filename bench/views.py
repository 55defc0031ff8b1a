"""Readers of person views before and after stored views, on a simulated world.

A world of about ``--records`` records (the concealment benchmark's world: some units
conceal their dead) is simulated, ingested and normalized, and the simulator's true
clustering loaded, all by the **baseline** code — the source tree of ``--baseline`` (by
default the commit before stored views were added), which recomputes every person view
from every claim on each read (this build runs with the baseline's own functions). The
workspace is copied; the copy is opened by this tree (its schema upgraded) and all its
views stored (``refresh_all``). Then each reader runs as a fresh
``unaccounted`` process on each workspace — ``unit``, ``region``, ``history``,
``concealment`` (all ``--json``) and ``report`` — timed from outside (wall seconds and the
CPU seconds of the process); the JSON they print is compared byte for byte. Last, a small
change — ``--moved`` records given new persons by loading a changed clustering — and the
time to refresh the views after it (``refresh_after_change``).

Machine facts and the load average around each run go with the figures: the machine is
shared, and load changes wall times.

    python bench/views.py [--quick] [--records N] [--baseline REF] [--data DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

from common import machine, run_measured, write_result

ROOT = Path(__file__).resolve().parents[1]
#: Records per simulated person in this world (5,372 records of 5,000 persons, seed 1).
RECORDS_PER_PERSON = 1.074

BUILD = """
def run(ws_path, sim):
    from pathlib import Path
    from unaccounted.ingest.folders import ingest_folder
    from unaccounted.normalize.stage import run_normalize
    from unaccounted.resolve.clusters import read_clusters  # the baseline's own names
    from unaccounted.store.resolve import load_clusters
    from unaccounted.workspace import Workspace
    sim = Path(sim)
    ws = Workspace.init(Path(ws_path))
    ingest_folder(ws, sim / "sources")
    run_normalize(ws)
    with ws.store() as store:
        load_clusters(store, read_clusters(sim / "truth" / "records.csv", sim / "sources"), "bench")
        counts = store.counts()
    return {"records": counts["records"], "persons": counts["persons"]}
"""

REFRESH = """
def run(ws_path, sim, moved):
    import os
    from pathlib import Path
    from unaccounted.evaluate.truth import read_clusters
    from unaccounted.resolve.rules import workspace_rules
    from unaccounted.resolve.stored import refresh_views
    from unaccounted.workspace import Workspace
    ws = Workspace.open(Path(ws_path))
    rules = workspace_rules(ws)
    with ws.store() as store:  # upgrades the baseline's schema first
        if int(moved):  # the change: the first records of the truth given new persons
            rows = list(read_clusters(Path(sim) / "truth" / "records.csv", Path(sim) / "sources"))
            rows = [(f"moved-{i}", s, r) if i < int(moved) else (p, s, r)
                    for i, (p, s, r) in enumerate(rows)]
            store.load_clusters(rows, "bench")
        load = os.getloadavg()[0]
        t0, c0 = time.perf_counter(), time.process_time()
        with store.transaction():
            n = refresh_views(store, rules)
        return {"views_written": n, "seconds": round(time.perf_counter() - t0, 3),
                "cpu_seconds": round(time.process_time() - c0, 3), "load_before": load}
"""


def baseline_tree(ref: str, folder: Path) -> tuple[str, Path]:
    """The baseline's ``src`` unpacked under ``folder``; returns (commit, its src path)."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", ref], capture_output=True, text=True, check=True
    ).stdout.strip()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "src"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return commit, folder / "src"


def before_stored_views() -> str:
    """The commit before the one that added the stored views (``store/views.py``)."""
    added = subprocess.run(
        ["git", "-C", str(ROOT), "log", "--diff-filter=A", "--format=%H", "--",
         "src/unaccounted/store/views.py"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return f"{added[-1]}^"


def with_src(src: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(src)}


def timed_cli(src: Path, ws: Path, args: list[str]) -> tuple[dict[str, Any], bytes]:
    """One ``unaccounted`` process: its wall and CPU seconds, and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "unaccounted", "--workspace", str(ws), *args],
        capture_output=True,
        env=with_src(src),
        check=False,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    figures = {"seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "load_before": load}
    return figures, done.stdout


def pick_keys(ws: Path) -> tuple[str, str]:
    """A unit key and a region code with many persons (read with the store's engine)."""
    import duckdb

    con = duckdb.connect(str(ws / "unaccounted.duckdb"), read_only=True)
    try:
        unit = con.execute(
            """SELECT unit_key FROM normalized WHERE unit_key LIKE 'omsbr:%'
            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"""
        ).fetchall()[0][0]
        region = con.execute(
            """SELECT region_code FROM normalized WHERE region_code IS NOT NULL
            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"""
        ).fetchall()[0][0]
    finally:
        con.close()
    return str(unit), str(region)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10,000 records, for a smoke run.")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--moved", type=int, default=50, help="Records moved by the change.")
    parser.add_argument("--baseline", default="", help="Git ref of the baseline code.")
    parser.add_argument("--data", type=Path, help="Work here (kept) instead of a temp folder.")
    args = parser.parse_args()
    records = 10_000 if args.quick else args.records
    ref = args.baseline or before_stored_views()
    folder = args.data or Path(tempfile.mkdtemp(prefix="bench-views-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        result = measure(folder, records, args.seed, args.moved, ref)
    finally:
        if args.data is None:
            shutil.rmtree(folder, ignore_errors=True)
    path = write_result("views", result)
    print(path)


def measure(folder: Path, records: int, seed: int, moved: int, ref: str) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import concealment as world

    commit, base_src = baseline_tree(ref, folder / "baseline")
    sim = folder / "sim"
    persons = round(records / RECORDS_PER_PERSON)
    world.simulate(world.world_config(), persons, seed, sim)
    base_ws, new_ws = folder / "ws-baseline", folder / "ws-stored"
    built = run_measured_with(base_src, BUILD, str(base_ws), str(sim))
    shutil.copytree(base_ws, new_ws)
    refresh = run_measured(REFRESH, str(new_ws), str(sim), "0")
    unit, region = pick_keys(new_ws)
    commands = {
        "unit": ["unit", unit, "--json"],
        "region": ["region", region, "--json"],
        "history": ["history", "--json"],
        "concealment": ["concealment", "--json"],
        "report": ["report", "--out"],
    }
    readers: dict[str, Any] = {}
    for name, cmd in commands.items():
        row: dict[str, Any] = {"args": cmd}
        outputs = []
        for label, src, ws in (("before", base_src, base_ws), ("after", ROOT / "src", new_ws)):
            argv = [*cmd, str(folder / f"report-{label}")] if name == "report" else cmd
            row[label], out = timed_cli(src, ws, argv)
            outputs.append(out)
        row["speedup"] = round(row["before"]["seconds"] / row["after"]["seconds"], 1)
        row["same_output"] = outputs[0] == outputs[1] if name != "report" else None
        readers[name] = row
        print(name, row, flush=True)
    change = run_measured(REFRESH, str(new_ws), str(sim), str(moved))
    return {
        "benchmark": "views",
        "machine": machine(),
        "world": {"seed": seed, "simulated_persons": persons, **built},
        "baseline": {
            "name": "recompute every person view from every claim on each read",
            "commit": commit,
        },
        "readers": readers,
        "refresh_all": refresh,
        "refresh_after_change": {"records_moved": moved, **change},
        "note": "wall seconds of a fresh 'unaccounted' process each (imports included); "
        "report: its HTML pages carry the time they were made, so its output is not compared",
    }


def run_measured_with(src: Path, code: str, *args: str) -> dict[str, Any]:
    """:func:`run_measured` with the baseline's source tree first on the path."""
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(src)
    try:
        return run_measured(code, *args)
    finally:
        if old is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = old


if __name__ == "__main__":
    main()
