"""The concealment report on simulated worlds where some units conceal their dead.

For each seed: simulate a world (``units.conceal.unit_share`` of its units list a share
``missing_share`` of their dead as missing in official notices), ingest its sources,
normalize, load the simulator's true clustering (so linkage errors are not measured
here), infer unit alias groups and rank the units. Each alias group is mapped to the
simulated unit most of its persons served in. A seed succeeds when every concealing
unit is ranked above every honest unit. Target: 19 of 20 seeds.

Named baselines, same worlds and same alias groups: ranking units by the raw share of
their official-source persons listed missing (no independent evidence, no test); and
today's test alone — the ranked units by the independent-evidence p-value (shown dead and
dead before the notice, Fisher's exact test), without the missing share against peers.

    python bench/concealment.py [--quick] [--seeds N] [--persons N]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from common import machine, write_result
from unaccounted.analyze import analyze
from unaccounted.analyze.concealment import naive_ranking
from unaccounted.evaluate.truth import read_clusters
from unaccounted.ingest.folders import ingest_folder
from unaccounted.normalize.stage import run_normalize
from unaccounted.simulate.config import load_config
from unaccounted.simulate.run import simulate
from unaccounted.workspace import Workspace

UNITS_PER_TYPE = 4
UNIT_SHARE = 0.1
MISSING_SHARE = 0.6


def world_config() -> Any:
    config = load_config(None)
    units = config.units.model_copy(
        update={
            "default_per_type": UNITS_PER_TYPE,
            "per_type": {},
            "conceal": config.units.conceal.model_copy(
                update={"unit_share": UNIT_SHARE, "missing_share": MISSING_SHARE}
            ),
        }
    )
    return config.model_copy(update={"units": units})


def build(folder: Path, persons: int, seed: int) -> Workspace:
    sim = folder / "sim"
    simulate(world_config(), persons, seed, sim)
    ws = Workspace.init(folder / "ws")
    ingest_folder(ws, sim / "sources")
    run_normalize(ws)
    with ws.store() as store:
        store.load_clusters(read_clusters(sim / "truth" / "records.csv", sim / "sources"), "bench")
    return ws


def truth_units(sim: Path) -> tuple[dict[str, str], set[str]]:
    person_unit = {
        r["person_id"]: r["unit"]
        for r in csv.DictReader((sim / "truth" / "persons.csv").open(encoding="utf-8"))
    }
    conceals = {
        r["unit"]
        for r in csv.DictReader((sim / "truth" / "units.csv").open(encoding="utf-8"))
        if r["conceals"] == "1"
    }
    return person_unit, conceals


def one_seed(persons: int, seed: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-conceal-"))
    try:
        t0 = time.perf_counter()
        ws = build(folder, persons, seed)
        built = time.perf_counter() - t0
        t1 = time.perf_counter()
        analysis = analyze(ws)
        report = analysis.concealment(ws)
        seconds = time.perf_counter() - t1
        person_unit, conceals = truth_units(folder / "sim")
        # Each alias group stands for the simulated unit most of its persons served in.
        members: dict[str, Counter[str]] = {}
        for p, g in analysis.units.person_unit.items():
            members.setdefault(g, Counter())[person_unit[p]] += 1
        true_of = {g: c.most_common(1)[0][0] for g, c in members.items()}
        # A simulated unit's main group: the one holding most of its persons.
        main: dict[str, tuple[int, str]] = {}
        for g, c in members.items():
            u = true_of[g]
            if c[u] > main.get(u, (0, ""))[0]:
                main[u] = (c[u], g)
        rank_of = {e.unit: e.rank for e in report}
        honest = [e.rank for e in report if e.rank and true_of.get(e.unit) not in conceals]
        best_honest = min(honest, default=None)
        concealing = {
            u: {
                "group": main[u][1] if u in main else None,
                "rank": rank_of.get(main[u][1]) if u in main else None,
            }
            for u in sorted(conceals)
        }
        ok = bool(conceals) and all(
            c["rank"] is not None and (best_honest is None or c["rank"] < best_honest)
            for c in concealing.values()
        )
        naive = naive_ranking(analysis.views, analysis.units, analysis.rules)
        naive_rank = {g: i + 1 for i, g in enumerate(naive)}
        naive_honest = min(
            (naive_rank[g] for g in naive if true_of.get(g) not in conceals), default=None
        )
        naive_conc = {u: naive_rank.get(main[u][1]) if u in main else None for u in conceals}
        naive_ok = bool(conceals) and all(
            r is not None and (naive_honest is None or r < naive_honest)
            for r in naive_conc.values()
        )
        by_evidence = sorted(
            (e for e in report if e.rank),
            key=lambda e: (e.evidence_p or 1.0, -(e.share or 0.0), e.unit),
        )
        evidence_rank = {e.unit: i + 1 for i, e in enumerate(by_evidence)}
        evidence_honest = min(
            (evidence_rank[e.unit] for e in by_evidence if true_of.get(e.unit) not in conceals),
            default=None,
        )
        evidence_conc = {u: evidence_rank.get(main[u][1]) if u in main else None for u in conceals}
        evidence_ok = bool(conceals) and all(
            r is not None and (evidence_honest is None or r < evidence_honest)
            for r in evidence_conc.values()
        )
        return {
            "seed": seed,
            "ok": ok,
            "concealing_units": concealing,
            "best_honest_rank": best_honest,
            "ranked_units": sum(1 for e in report if e.rank),
            "too_little_data": sum(1 for e in report if e.rank is None),
            "flagged_bh": sum(1 for e in report if e.flagged),
            "flagged_concealing": sum(
                1 for e in report if e.flagged and true_of.get(e.unit) in conceals
            ),
            "flagged_honest": sum(
                1 for e in report if e.flagged and true_of.get(e.unit) not in conceals
            ),
            "baseline": {
                "ok": naive_ok,
                "concealing_ranks": naive_conc,
                "best_honest_rank": naive_honest,
            },
            "baseline_independent_evidence": {
                "ok": evidence_ok,
                "concealing_ranks": evidence_conc,
                "best_honest_rank": evidence_honest,
            },
            "persons": len(analysis.views),
            "build_seconds": round(built, 2),
            "analyze_seconds": round(seconds, 2),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 seeds of 5,000 persons")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--persons", type=int, default=20_000)
    args = parser.parse_args(argv)
    seeds, persons = (3, 5_000) if args.quick else (args.seeds, args.persons)
    runs = []
    for seed in range(1, seeds + 1):
        run = one_seed(persons, seed)
        runs.append(run)
        print(
            f"seed {seed}: ok={run['ok']} baseline_ok={run['baseline']['ok']} "
            f"evidence_only_ok={run['baseline_independent_evidence']['ok']} "
            f"concealing={ {u: c['rank'] for u, c in run['concealing_units'].items()} } "
            f"best honest={run['best_honest_rank']} flagged={run['flagged_bh']} "
            f"honest flagged={run['flagged_honest']}",
            file=sys.stderr,
            flush=True,
        )
    ok = sum(r["ok"] for r in runs)
    result = {
        "machine": machine(),
        "world": {
            "persons": persons,
            "units_per_type": UNITS_PER_TYPE,
            "conceal_unit_share": UNIT_SHARE,
            "conceal_missing_share": MISSING_SHARE,
            "clustering": "simulator truth (linkage error not measured here)",
        },
        "seeds": seeds,
        "target": "each concealing unit ranked above every honest unit in >= 19 of 20 seeds",
        "seeds_ok": ok,
        "meets_target": ok >= round(seeds * 19 / 20) if seeds else False,
        "baseline": {
            "name": "raw share of official-source persons listed missing, no test",
            "seeds_ok": sum(r["baseline"]["ok"] for r in runs),
        },
        "baseline_independent_evidence": {
            "name": "the ranked units by the independent-evidence p-value alone (today's test)",
            "seeds_ok": sum(r["baseline_independent_evidence"]["ok"] for r in runs),
        },
        "flags": {
            "total": sum(r["flagged_bh"] for r in runs),
            "honest": sum(r["flagged_honest"] for r in runs),
            "honest_share": round(
                sum(r["flagged_honest"] for r in runs) / max(1, sum(r["flagged_bh"] for r in runs)),
                4,
            ),
        },
        "seconds": round(sum(r["build_seconds"] + r["analyze_seconds"] for r in runs), 1),
        "runs": runs,
    }
    path = write_result("concealment-quick" if args.quick else "concealment", result)
    evidence_ok = result["baseline_independent_evidence"]["seeds_ok"]
    flags = result["flags"]
    print(
        f"{ok}/{seeds} seeds ok (raw missing share {result['baseline']['seeds_ok']}, "
        f"independent evidence alone {evidence_ok}); flagged {flags['total']}, "
        f"honest {flags['honest']} ({flags['honest_share']:.1%}); wrote {path}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
