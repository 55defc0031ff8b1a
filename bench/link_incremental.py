"""Incremental link run against a full run, after about 5 % new records arrive.

A simulated world (default hard config) of about ``--records`` records is ingested with
the last rows of its largest source held back (``--share`` of all records), normalized and
linked (a full run). Then the held-back rows arrive (the whole source file is ingested
again: its other rows are unchanged) and are normalized. From copies of that workspace,
each in a fresh process (so its peak RSS is its own):

- ``incremental``: ``unaccounted link`` — the saved model, only pairs involving the new
  records scored, the stored pairs kept;
- ``full_retrained`` (the named baseline, what every run did before incremental
  linking): ``unaccounted link --retrain`` — a new model, every pair scored;
- ``full_saved_model``: ``unaccounted link --full`` — every pair scored with the saved model.

Each reports wall and CPU seconds (all threads of the process), the machine's load
average before and after, the run's facts, and cluster-level scores against the
simulator's truth; ``clusters_differing`` counts the clusters of one run that are not
clusters of the other.

    python bench/link_incremental.py [--quick] [--records N] [--share S] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from common import machine, run_measured, write_result

LINK = """
def run(ws_path, simulated, mode):
    import os
    from pathlib import Path
    from unaccounted.link.stage import run_link
    from unaccounted.evaluate.truth import score_workspace
    from unaccounted.workspace import Workspace
    ws = Workspace.open(Path(ws_path))
    load_before = os.getloadavg()
    c0 = time.process_time()
    w0 = time.perf_counter()
    report = run_link(ws, full=mode == "full", retrain=mode == "retrain")
    link_seconds = time.perf_counter() - w0
    cpu = time.process_time() - c0
    load_after = os.getloadavg()
    scores = score_workspace(ws, Path(simulated)).as_dict()
    with ws.store(read_only=True) as store:
        rows = store.current_assignment().to_pylist()
    with open(ws_path + ".clusters.json", "w") as fh:
        json.dump([[r["source_id"], r["record_id"], r["person_id"]] for r in rows], fh)
    return {"mode": report.mode, "retrained": report.retrained, "why": report.why,
            "changes": vars(report.changes), "records": report.records,
            "pairs": report.pairs, "persons": report.persons, "kept_ids": report.kept_ids,
            "new_ids": report.new_ids, "merges": report.merges, "splits": report.splits,
            "link_seconds": round(link_seconds, 2), "cpu_seconds": round(cpu, 2),
            "load_before": load_before, "load_after": load_after,
            "facts": report.facts, "scores": scores}
"""


def prepare(root: Path, records: int, share: float, seed: int) -> dict[str, Any]:
    """Simulate; ingest with rows held back; normalize; link; ingest the rest; normalize."""
    from unaccounted.ingest.folders import ingest_folder
    from unaccounted.link.stage import run_link
    from unaccounted.normalize.stage import run_normalize
    from unaccounted.simulate.config import load_config
    from unaccounted.simulate.run import simulate
    from unaccounted.workspace import Workspace

    facts: dict[str, Any] = {"seed": seed, "share": share}
    t = time.perf_counter()
    # the default config writes about 1.07 records per simulated person
    simulate(load_config(None), int(records / 1.07), seed, root / "simulated")
    facts["simulate_seconds"] = round(time.perf_counter() - t, 1)
    sources = root / "simulated" / "sources"
    sizes = {p.stem: _rows(p) for p in sources.glob("*.csv")}
    total = sum(sizes.values())
    big = max(sizes, key=lambda s: sizes[s])
    held = round(share * total)
    facts.update({"records": total, "grown_source": big, "held_back": held})
    first = root / "first" / "sources"
    first.mkdir(parents=True)
    for path in sources.iterdir():
        if path.name != f"{big}.csv":
            shutil.copy(path, first / path.name)
    lines = (sources / f"{big}.csv").read_bytes().splitlines(keepends=True)
    (first / f"{big}.csv").write_bytes(b"".join(lines[: len(lines) - held]))
    ws = Workspace.init(root / "ws")
    t = time.perf_counter()
    ingest_folder(ws, first)
    run_normalize(ws)
    facts["first_ingest_normalize_seconds"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    first_run = run_link(ws)
    facts["first_link_seconds"] = round(time.perf_counter() - t, 1)
    facts["first_link"] = {"records": first_run.records, "persons": first_run.persons}
    t = time.perf_counter()
    ingest_folder(ws, sources, only=(big,))
    run_normalize(ws)
    facts["growth_ingest_normalize_seconds"] = round(time.perf_counter() - t, 1)
    return facts


def _rows(path: Path) -> int:
    """Data rows of a simulated CSV (any encoding; one record a line, no field holds a
    newline)."""
    return len(path.read_bytes().splitlines()) - 1


def prepared(root: Path, records: int, share: float, seed: int) -> dict[str, Any]:
    facts_path = root / "facts.json"
    if facts_path.exists():
        facts: dict[str, Any] = json.loads(facts_path.read_text("utf-8"))
        return facts
    facts = prepare(root, records, share, seed)
    facts_path.write_text(json.dumps(facts), "utf-8")
    return facts


def measure(root: Path, mode: str) -> dict[str, Any]:
    """Link a fresh copy of the grown workspace in ``mode`` in a child process."""
    copy = root / f"ws-{mode}"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(root / "ws", copy)
    result = run_measured(LINK, str(copy), str(root / "simulated"), mode)
    result["clusters"] = _clusters(Path(str(copy) + ".clusters.json"))
    shutil.rmtree(copy)
    return result


def _clusters(path: Path) -> set[frozenset[tuple[str, str]]]:
    by: dict[str, set[tuple[str, str]]] = {}
    for source, record, person in json.loads(path.read_text("utf-8")):
        by.setdefault(person, set()).add((source, record))
    path.unlink()
    return {frozenset(v) for v in by.values()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10,000 records, for a smoke run.")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--share", type=float, default=0.05, help="Share of records held back.")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--data", type=Path, help="Keep the prepared world here and reuse it.")
    args = parser.parse_args()
    records = 10_000 if args.quick else args.records
    result: dict[str, Any] = {"benchmark": "link_incremental", "machine": machine(),
                              "quick": args.quick}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-link-incr-") as tmp:
        root = args.data or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        result["data"] = prepared(root, records, args.share, args.seed)
        runs = {name: measure(root, mode) for name, mode in
                [("incremental", "incremental"), ("full_retrained", "retrain"),
                 ("full_saved_model", "full")]}  # fmt: skip
    inc = runs["incremental"]["clusters"]
    for run in runs.values():
        clusters = run.pop("clusters")
        run["clusters_differing_from_incremental"] = len(clusters - inc)
    result["runs"] = runs
    inc_run, base = runs["incremental"], runs["full_retrained"]
    result["summary"] = {
        "new_records": inc_run["changes"]["new"],
        "records": inc_run["records"],
        "incremental_seconds": inc_run["link_seconds"],
        "full_seconds": base["link_seconds"],
        "incremental_cpu_seconds": inc_run["cpu_seconds"],
        "full_cpu_seconds": base["cpu_seconds"],
        "cpu_speedup": round(base["cpu_seconds"] / max(inc_run["cpu_seconds"], 1e-9), 2),
        "wall_speedup": round(base["link_seconds"] / max(inc_run["link_seconds"], 1e-9), 2),
        "pairwise_f1": {n: r["scores"]["pairwise_f1"] for n, r in runs.items()},
        "clusters_differing_from_incremental": {
            n: r["clusters_differing_from_incremental"] for n, r in runs.items()
        },
        "load_average_at_end": os.getloadavg(),
    }
    path = write_result("link_incremental", result)
    print(f"wrote {path}")
    print(json.dumps(result["summary"], indent=2))


if __name__ == "__main__":
    main()
