"""Linkage accuracy and scale against plain Splink on the raw strings, in one run.

Two worlds from the simulator's default (hard) config: namesakes, brothers, fathers and
sons, declined names, transliterations, typos. Each is ingested and normalized into a
workspace; then, each in a fresh process (so its peak RSS is its own):

- ``unaccounted``: the link stage's core (``link_records``: training with automatic
  blocks, two scoring passes, constrained average-linkage clustering) on the normalized
  link input;
- ``plain_splink`` (the named baseline): Splink on the raw strings — full_name
  Jaro-Winkler, birth_date, region, unit; u by sampling, EM blocked on birth_date then on
  full_name; blocking on full_name, on a full birth_date (a year alone would block
  thousands of records together), or on region + unit + the name's first letter;
  connected components at p ≥ 0.95.

``sparse``: the same two linkers on a world of the same size from ``sparse_world.yaml``
(short posts with an everyday name and a home town only, hand-typed lists with typing
errors and partial dates, German/Polish/Ukrainian spellings; docs/simulate.md).

Both are scored at cluster level (pairwise and B-cubed F1) against the simulator's truth.
``febrl4``: the same comparison on FEBRL4's 10,000 English-language records (``febrl.py``).
``accuracy`` uses ``--persons`` persons; ``scale`` about ``--scale-records`` records.
Each child reports its wall-clock and CPU seconds (all threads) and the peak RSS of
linking itself (before scoring); the 1/5/15-minute load averages around the children are
kept, since wall-clock times on a shared machine say little without them.

``scale.end_to_end`` is the "normalize + link + cluster end to end" figure as a user meets
it: the workspace stages themselves (``run_normalize``, then ``run_link`` — reading the
link input from the store, training, both scoring passes, clustering, stable ids and
writing pairs and persons back), each in its own fresh process, their wall-clock seconds
added and the larger of their peaks kept. The ``unaccounted`` figures above are the
linkage core alone, comparable with plain Splink's.

    python bench/link.py [--quick] [--persons N] [--scale-records N] [--no-scale] [--no-febrl4]
                         [--no-sparse] [--only-accuracy]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import febrl
from common import cached_facts, machine, run_measured, simulated_workspace, write_result

OURS = """
def run(folder):
    import resource
    import time
    import pyarrow.parquet as pq
    from unaccounted.evaluate import score_clusters
    from unaccounted.link.core import link_records
    from unaccounted.settings import LinkSettings
    cpu = time.process_time()
    table = pq.read_table(folder + "/link_input.parquet")
    res = link_records(table, LinkSettings())
    cpu = time.process_time() - cpu
    # the peak of linking itself: scoring against the truth below needs more memory
    link_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    truth = pq.read_table(folder + "/truth.parquet").to_pylist()
    keys = zip(table.column("source_id").to_pylist(), table.column("record_id").to_pylist())
    pred = {k: int(v) for k, v in zip(keys, res.labels.tolist())}
    true = {(r["source_id"], r["record_id"]): r["person_id"] for r in truth}
    scores = score_clusters(true, pred).as_dict()
    return {"records": table.num_rows, "scores": scores, "phases": res.seconds,
            "link_peak_rss_mib": link_peak, "cpu_seconds": cpu,
            "facts": res.facts, "checks": res.model.checks,
            "training": res.model.training}
"""

PLAIN = """
def run(folder):
    import logging
    import resource
    import time
    import duckdb
    import pyarrow.parquet as pq
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from unaccounted.evaluate import score_clusters
    logging.getLogger("splink").setLevel(logging.ERROR)
    cpu = time.process_time()
    table = pq.read_table(folder + "/raw.parquet")
    con = duckdb.connect(config={"threads": 2})
    con.register("raw_arrow", table)
    con.execute("CREATE TABLE raw AS SELECT * FROM raw_arrow")
    db = DuckDBAPI(con)
    df = db.register("raw")
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("full_name", [0.92, 0.8]),
            cl.LevenshteinAtThresholds("birth_date", [1, 2]),
            cl.ExactMatch("region"),
            cl.ExactMatch("unit"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("full_name"),
            "l.birth_date = r.birth_date AND length(l.birth_date) >= 8",
            block_on("region", "unit", "substr(full_name, 1, 1)"),
        ],
        retain_matching_columns=False,
    )
    linker = Linker(df, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("full_name", "birth_date")], recall=0.5)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(
        "l.birth_date = r.birth_date AND length(l.birth_date) >= 8", max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("full_name"), max_pairs=1e6)
    pred = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.95)
    rows = con.sql(
        f"SELECT unique_id, cluster_id FROM {clusters.physical_name}").fetchall()
    ids = dict(zip(table.column("unique_id").to_pylist(),
                   zip(table.column("source_id").to_pylist(),
                       table.column("record_id").to_pylist())))
    predicted = {ids[u]: c for u, c in rows}
    cpu = time.process_time() - cpu
    link_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    truth = pq.read_table(folder + "/truth.parquet").to_pylist()
    true = {(r["source_id"], r["record_id"]): r["person_id"] for r in truth}
    return {"records": table.num_rows, "link_peak_rss_mib": link_peak, "cpu_seconds": cpu,
            "scores": score_clusters(true, predicted).as_dict()}
"""


NORMALIZE = """
def run(root):
    from pathlib import Path
    from unaccounted.normalize.stage import run_normalize
    from unaccounted.workspace import Workspace
    return {"records": run_normalize(Workspace.open(Path(root))).records}
"""


LINK_STAGE = """
def run(root):
    from pathlib import Path
    from unaccounted.link.stage import run_link
    from unaccounted.workspace import Workspace
    report = run_link(Workspace.open(Path(root)), full=True, retrain=True)
    return {"records": report.records, "persons": report.persons}
"""


#: The sparse and hand-typed world (short posts, hand-typed lists, foreign spellings).
SPARSE_WORLD = Path(__file__).with_name("sparse_world.yaml")


def prepare(root: Path, persons: int, seed: int, config: Path | None = None) -> dict[str, Any]:
    """Simulate, ingest, normalize; write link_input / raw / truth parquet files."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from unaccounted.evaluate.truth import truth_persons

    ws, facts = simulated_workspace(root, persons, seed, config=config)
    if config is not None:
        facts["config"] = config.name
    # in a fresh process, so that its peak RSS is the normalize stage's own
    normalized = run_measured(NORMALIZE, str(root / "ws"))
    facts["normalize_seconds"] = round(normalized["seconds"], 1)
    facts["normalize_peak_rss_mib"] = round(normalized["peak_rss_mib"])
    facts["records"] = normalized["records"]
    with ws.store(read_only=True) as store:
        pq.write_table(store.link_input(), root / "link_input.parquet")
        pq.write_table(store.raw_input(), root / "raw.parquet")
    truth = truth_persons(root / "simulated")
    pq.write_table(
        pa.table({
            "source_id": [k[0] for k in truth], "record_id": [k[1] for k in truth],  # type: ignore[index]
            "person_id": list(truth.values()),
        }),
        root / "truth.parquet",
    )  # fmt: skip
    shutil.rmtree(root / "simulated")
    return facts


def prepared(root: Path, persons: int, seed: int, config: Path | None = None) -> dict[str, Any]:
    """The facts of a prepared world in ``root``, preparing it unless it is there."""
    return cached_facts(root, lambda: prepare(root, persons, seed, config))


def compare(root: Path) -> dict[str, Any]:
    """Both linkers on one prepared world, with the 1/5/15-minute load averages before,
    between and after them (wall-clock figures mean little on a busy machine)."""
    load = [_load()]
    ours = run_measured(OURS, str(root))
    load.append(_load())
    plain = run_measured(PLAIN, str(root))
    load.append(_load())
    return {
        "load_average": dict(zip(("before", "between", "after"), load, strict=True)),
        "unaccounted": ours,
        "plain_splink": plain,
        "f1_gain": round(ours["scores"]["pairwise_f1"] - plain["scores"]["pairwise_f1"], 4),
        "seconds_ratio": round(ours["seconds"] / plain["seconds"], 2),
        # CPU seconds of all threads: steadier than wall-clock time on a busy machine
        "cpu_seconds_ratio": round(ours["cpu_seconds"] / plain["cpu_seconds"], 2),
    }


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def end_to_end(root: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Normalize + link + cluster as the workspace stages run them: the normalize stage's
    process (measured when the world was prepared) and a full link stage's process
    (``run_link`` with a new model), seconds added, the larger peak RSS."""
    stage = run_measured(LINK_STAGE, str(root / "ws"))
    return {
        "normalize_seconds": data["normalize_seconds"],
        "link_stage_seconds": round(stage["seconds"], 1),
        "link_stage_persons": stage["persons"],
        "seconds": round(data["normalize_seconds"] + stage["seconds"], 1),
        "peak_rss_mib": round(max(data.get("normalize_peak_rss_mib", 0), stage["peak_rss_mib"])),
    }


def _keep_last_scale(result: dict[str, Any]) -> None:
    """Copy the scale section of the last written result, marked as not rerun."""
    import json

    from common import RESULTS

    last = RESULTS / "link.json"
    if last.exists():
        scale = json.loads(last.read_text("utf-8")).get("scale")
        if scale is not None:
            result["scale"] = {**scale, "not_rerun": "figures of an earlier run, kept as they were"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Small sizes, for a smoke run.")
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--scale-records", type=int, default=1_000_000)
    parser.add_argument("--no-scale", action="store_true", help="Skip the scale run.")
    parser.add_argument("--no-febrl4", action="store_true", help="Skip the FEBRL4 run.")
    parser.add_argument("--no-sparse", action="store_true", help="Skip the sparse world.")
    parser.add_argument(
        "--only-accuracy", action="store_true",
        help="Run the accuracy worlds (hard, sparse, FEBRL4) only; keep the last scale figures.",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--data", type=Path, help="Keep the prepared worlds here and reuse them when present."
    )
    args = parser.parse_args()
    persons = 2_000 if args.quick else args.persons
    scale_records = 20_000 if args.quick else args.scale_records
    result: dict[str, Any] = {"benchmark": "link", "machine": machine(), "quick": args.quick}
    with tempfile.TemporaryDirectory(prefix="bench-link-") as tmp:
        base = args.data or Path(tmp)
        root = base / "accuracy"
        result["accuracy"] = {"data": prepared(root, persons, args.seed), **compare(root)}
        print("accuracy:", {k: result["accuracy"][k] for k in ("f1_gain", "seconds_ratio")})
        if not args.no_sparse:
            root = base / "sparse"
            data = prepared(root, persons, args.seed, SPARSE_WORLD)
            result["sparse"] = {"data": data, **compare(root)}
            print("sparse:", result["sparse"]["unaccounted"]["scores"])
        if not args.no_febrl4:
            result["febrl4"] = febrl.compare(base / "febrl4")
            print("febrl4:", result["febrl4"]["unaccounted"]["scores"]["pairwise_f1"])
        if args.only_accuracy:
            _keep_last_scale(result)
        elif not args.no_scale:
            root = base / "scale"
            # the default config writes about 1.07 records per simulated person
            data = prepared(root, int(scale_records / 1.07), args.seed + 1)
            result["scale"] = {"data": data, **compare(root)}
            result["scale"]["end_to_end"] = end_to_end(root, data)
            print("scale:", result["scale"]["end_to_end"])
    acc = result["accuracy"]
    result["acceptance"] = {
        "accuracy_f1_at_least_0.97": acc["unaccounted"]["scores"]["pairwise_f1"] >= 0.97,
        "accuracy_f1_gain_at_least_0.15": acc["f1_gain"] >= 0.15,
    }
    if "sparse" in result:
        scores = result["sparse"]["unaccounted"]["scores"]
        result["acceptance"]["sparse_f1_at_least_0.97"] = scores["pairwise_f1"] >= 0.97
        result["acceptance"]["sparse_precision_at_least_0.99"] = (
            scores["pairwise_precision"] >= 0.99
        )
    if "febrl4" in result:
        f1 = result["febrl4"]["unaccounted"]["scores"]["pairwise_f1"]
        result["acceptance"]["febrl4_f1_at_least_0.999"] = f1 >= 0.999
    if "scale" in result:
        sc = result["scale"]
        e2e = sc["end_to_end"]
        result["acceptance"].update({
            "scale_link_cluster_within_1.5x_plain": sc["seconds_ratio"] <= 1.5,
            "scale_link_peak_rss_mib": round(sc["unaccounted"]["link_peak_rss_mib"]),
            "scale_link_peak_rss_at_most_4gib": sc["unaccounted"]["link_peak_rss_mib"] <= 4096,
            "scale_end_to_end_seconds": e2e["seconds"],
            "scale_end_to_end_within_60s": e2e["seconds"] <= 60,
            "scale_end_to_end_peak_rss_mib": e2e["peak_rss_mib"],
            "scale_end_to_end_within_60s_and_4gib":
                e2e["seconds"] <= 60 and e2e["peak_rss_mib"] <= 4096,
        })  # fmt: skip
    path = write_result("link", result)
    print(f"wrote {path}")
    print(result["acceptance"])


if __name__ == "__main__":
    main()
