"""Normalization throughput on 1,000,000 simulated records, on one core.

Three measurements, each in a fresh process (so its peak RSS is its own). Rates are per
second of the process's CPU time (``records_per_s``: one core, whatever else the machine
is running) and per second of wall time (``records_per_s_wall``):

- ``normalizer``: the Russian pack's ``Normalizer`` over every record of the simulated
  sources, with its caches of repeated tokens and values (the default). Target: at least
  50,000 records/s.
- ``baseline_no_cache`` (the named baseline): the same normalizer with every cache
  cleared after each record, so each name, date, unit and region is parsed afresh, as a
  normalizer without token caching would. Measured on a sample (``--baseline-records``)
  because it is slow; its rate is comparable.
- ``stage``: ``unaccounted normalize`` end to end on a workspace holding the same
  records (read from the store, normalize, write the typed table, one transaction), with
  the default worker processes (one per core). Ingest time is reported apart. Its CPU
  rate counts the parent process only; compare wall times.

    python bench/normalize.py [--records N] [--baseline-records N]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from common import machine, run_measured, write_result

ROWS = """
import csv, itertools, sys
from pathlib import Path
import yaml
from unaccounted.columns import VALUE_COLUMNS

def rows(folder, limit):
    count = 0
    for path in sorted(Path(folder, "sources").glob("*.csv")):
        spec = yaml.safe_load(path.with_suffix(".yaml").read_text("utf-8")) or {}
        rename = spec.get("columns") or {}
        enc = spec.get("encoding") or "utf-8"
        with path.open(encoding=enc, errors="replace", newline="") as f:
            for raw in csv.DictReader(f):
                row = {c: None for c in VALUE_COLUMNS}
                for k, v in raw.items():
                    c = rename.get(k, k)
                    if c in row and v:
                        row[c] = v
                row["source_id"] = path.stem
                yield row
                count += 1
                if count >= limit:
                    return
"""

CACHED = (
    ROWS
    + """
def run(folder, limit):
    import time
    from unaccounted.normalize.pack import load_pack
    from unaccounted.normalize.record import RAW_COLUMNS, Normalizer
    t_load = time.perf_counter()
    n = Normalizer(load_pack("ru"))
    n.normalize({"full_name": "Иванов Иван Иванович"})  # builds the name lexicon
    n.normalize({"full_name": "IVANOV Ivan"})  # builds the Latin surname index
    load = time.perf_counter() - t_load
    busy = cpu = 0.0
    done = 0
    it = rows(folder, int(limit))
    orders = {"latin_list": "dmy"}
    names = ("source_id", *RAW_COLUMNS)
    while True:
        batch = list(itertools.islice(it, 50_000))
        if not batch:
            break
        columns = {c: [r[c] for r in batch] for c in names}  # as the stage reads them
        t, c = time.perf_counter(), time.process_time()
        n.normalize_arrow(columns, orders)  # the stage's path: Arrow columns out
        busy += time.perf_counter() - t
        cpu += time.process_time() - c
        done += len(batch)
    import os
    return {"records": done, "normalize_seconds": busy, "normalize_cpu_seconds": cpu,
            "records_per_s": done / cpu, "records_per_s_wall": done / busy,
            "pack_load_seconds": load, "load_average_after": os.getloadavg()}
"""
)

UNCACHED = (
    ROWS
    + """
def run(folder, limit):
    import time
    from unaccounted.normalize.pack import load_pack
    from unaccounted.normalize.record import Normalizer
    n = Normalizer(load_pack("ru"))
    n.normalize({"full_name": "Иванов Иван Иванович"})
    n.normalize({"full_name": "IVANOV Ivan"})
    orders = {"latin_list": "dmy"}
    busy = cpu = 0.0
    done = 0
    for row in rows(folder, int(limit)):
        n.clear_caches()
        columns = {k: [v] for k, v in row.items()}
        t, c = time.perf_counter(), time.process_time()
        n.normalize_columns(columns, orders)  # one row: no batch to share values in
        busy += time.perf_counter() - t
        cpu += time.process_time() - c
        done += 1
    return {"records": done, "normalize_seconds": busy, "normalize_cpu_seconds": cpu,
            "records_per_s": done / cpu, "records_per_s_wall": done / busy}
"""
)

STAGE = """
def run(folder, ws_dir):
    import time
    from pathlib import Path
    from unaccounted.ingest.folders import ingest_folder
    from unaccounted.normalize.stage import run_normalize
    from unaccounted.workspace import Workspace
    ws = Workspace.init(Path(ws_dir))
    t = time.perf_counter()
    ingest_folder(ws, Path(folder, "sources"))
    ingest = time.perf_counter() - t
    import os, resource
    from unaccounted.normalize.stage import _workers
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t, c = time.perf_counter(), time.process_time()
    report = run_normalize(ws)
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, once they end
    children = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"records": report.normalized, "workers": _workers(ws, report.normalized),
            "ingest_seconds": ingest, "normalize_seconds": seconds,
            "normalize_cpu_seconds": cpu, "workers_cpu_seconds": children,
            "records_per_s": report.normalized / (cpu + children),
            "records_per_s_wall": report.normalized / seconds,
            "load_average_after": os.getloadavg(),
            "not_understood": report.not_understood}
"""


def simulate_world(folder: Path, records: int) -> int:
    from unaccounted.simulate.config import load_config
    from unaccounted.simulate.run import simulate

    persons = max(100, int(records / 1.07) + 1000)  # about 1.07 records per person
    summary = simulate(load_config(), persons, 11, folder)
    return summary.total_records


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--baseline-records", type=int, default=10_000)
    ap.add_argument("--no-stage", action="store_true", help="Skip the end-to-end stage run.")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-normalize-"))
    try:
        total = simulate_world(tmp / "world", args.records)
        print(f"simulated {total:,} records")
        cached = run_measured(CACHED, str(tmp / "world"), str(args.records))
        print(
            f"normalizer: {cached['records_per_s']:,.0f} records/s (CPU), "
            f"{cached['records_per_s_wall']:,.0f} wall"
        )
        baseline = run_measured(UNCACHED, str(tmp / "world"), str(args.baseline_records))
        print(f"baseline_no_cache: {baseline['records_per_s']:,.0f} records/s (CPU)")
        result = {
            "machine": machine(),
            "simulated_records": total,
            "target_records_per_s": 50_000,
            "normalizer": cached,
            "baseline_no_cache": baseline,
            "speedup_over_baseline": cached["records_per_s"] / baseline["records_per_s"],
            "meets_target": cached["records_per_s"] >= 50_000,
        }
        if not args.no_stage:
            stage = run_measured(STAGE, str(tmp / "world"), str(tmp / "ws"))
            print(
                f"stage: {stage['records_per_s']:,.0f} records/s (CPU) end to end, "
                f"{stage['records_per_s_wall']:,.0f} wall"
            )
            result["stage"] = stage
        path = write_result("normalize", result)
        print(f"→ {path}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
