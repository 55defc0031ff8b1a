"""The concealment report on hard simulated worlds, each linked as a user would link it.

Each world is simulated with one of four settings (cycled over the seeds): honest units
whose missing are partly dead (``fates.missing_dead_share`` 0.5); every missing soldier
dead (1.0); periods of heavy fighting that triple the missing (with 0.3 of the missing
dead); and units of very different sizes. In every world the units' sizes vary
(``units.size_sigma``), and each concealing unit (``units.conceal.unit_share``) lists a share
drawn from ``units.conceal.missing_share_range`` = [0.3, 0.9] of its dead as missing.

The world's sources are ingested, normalized and linked through the service (a Session:
``ingest_simulated_folder``, ``normalize``, ``link``) — not the simulator's true clusters —
then analyzed. Each alias group stands for the simulated unit most of its persons' records
belong to; a simulated unit's main group is the one holding most of its persons.

Per world: whether every concealing unit ranks above every honest unit (and every one with
at least 200 true dead); whether every concealing unit with at least 200 dead (all hide
>= 30 %) is flagged at FDR 5 %; how many flagged units are honest. Named baselines on the
same worlds and alias groups: **today's test** (the signal tests: missing share against
peers combined with the independent-evidence test, Benjamini–Hochberg — the ranking before
the combined model) and the **raw missing share** (units by the share of their
official-source persons listed missing; no test, so no flags).

Every world holds at least one concealing unit (``units.conceal.min_units`` 1: when the
random share draws none, the unit with the lowest draw conceals); a world with none would
still count as a failure of the ranking figure (``worlds_with_concealing_units``). Each run lists
its concealing units with their true dead and how many of them the simulator listed
missing (``dead_listed_missing``), and the honest units flagged (``flagged_honest_units``).

    python bench/concealment.py [--quick] [--seeds N] [--persons N] [--first-seed S] [--name N]

``concealment.json`` is seeds 1–40; ``concealment_41_80.json`` the next 40 worlds
(``--first-seed 41 --name concealment_41_80``), on which nothing was tuned.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import machine, write_result
from unaccounted.analyze import analyze
from unaccounted.analyze.concealment import ConcealmentReport, naive_ranking
from unaccounted.evaluate.truth import read_clusters, truth_persons
from unaccounted.service.ingest import ingest_simulated_folder
from unaccounted.service.link import link, normalize
from unaccounted.service.session import Session
from unaccounted.simulate.config import HeavyFighting, SimulationConfig, load_config
from unaccounted.simulate.run import simulate
from unaccounted.workspace import Workspace

UNITS_PER_TYPE = 2
UNIT_SHARE = 0.15
RANGE = (0.3, 0.9)
FDR = 0.05
MIN_DEAD = 200
HEAVY = [
    HeavyFighting(start="2022-09-01", end="2022-12-31", missing_factor=3.0),  # type: ignore[arg-type]
    HeavyFighting(start="2023-06-01", end="2023-09-30", missing_factor=3.0),  # type: ignore[arg-type]
]
#: setting name → (fates updates, unit size sigma)
SETTINGS: dict[str, tuple[dict[str, Any], float]] = {
    "missing_partly_dead": ({"missing_dead_share": 0.5}, 0.6),
    "every_missing_dead": ({"missing_dead_share": 1.0}, 0.6),
    "heavy_fighting": ({"missing_dead_share": 0.3, "heavy_fighting": HEAVY}, 0.6),
    "very_different_sizes": ({"missing_dead_share": 0.5}, 1.2),
}


def world_config(setting: str | None = None) -> SimulationConfig:
    """The world of one setting; None: the plain concealing world (4 units of each type,
    10 % of them listing 60 % of their dead as missing) other tests and benchmarks use."""
    config = load_config(None)
    if setting is None:
        conceal = config.units.conceal.model_copy(update={"unit_share": 0.1, "missing_share": 0.6})
        units = config.units.model_copy(
            update={"default_per_type": 4, "per_type": {}, "conceal": conceal}
        )
        return config.model_copy(update={"units": units})
    fates, sigma = SETTINGS[setting]
    conceal = config.units.conceal.model_copy(
        update={"unit_share": UNIT_SHARE, "min_units": 1, "missing_share_range": RANGE}
    )
    units = config.units.model_copy(
        update={"default_per_type": UNITS_PER_TYPE, "per_type": {}, "size_sigma": sigma,
                "conceal": conceal}
    )  # fmt: skip
    return config.model_copy(
        update={"units": units, "fates": config.fates.model_copy(update=fates)}
    )


def build(folder: Path, persons: int, seed: int, setting: str | None = None) -> Workspace:
    """Simulate, ingest, normalize and link through the service; with no setting, the plain
    concealing world with the simulator's true clusters loaded instead of linking."""
    sim = folder / "sim"
    simulate(world_config(setting), persons, seed, sim)
    ws = Workspace.init(folder / "ws")
    with Session(ws, "bench") as s:
        ingest_simulated_folder(s, sim / "sources")
        normalize(s)
        if setting is not None:
            link(s)
    if setting is None:
        with ws.store() as store:
            store.load_clusters(
                read_clusters(sim / "truth" / "records.csv", sim / "sources"), "bench"
            )
    return ws


def truth(sim: Path) -> tuple[dict[tuple[str, str], str], dict[str, str], dict[str, int], set[str]]:
    """(source, record) → true person; person → unit; unit → dead; concealing units."""
    record = {(str(s), str(r)): str(p) for (s, r), p in truth_persons(sim).items()}  # type: ignore[misc]
    person_unit = {
        r["person_id"]: r["unit"]
        for r in csv.DictReader((sim / "truth" / "persons.csv").open(encoding="utf-8"))
    }
    units = list(csv.DictReader((sim / "truth" / "units.csv").open(encoding="utf-8")))
    dead = {r["unit"]: int(r["dead"]) for r in units}
    return record, person_unit, dead, {r["unit"] for r in units if r["conceals"] == "1"}


def above_all(ranks: dict[str, int | None], honest_best: int | None) -> bool:
    return all(r is not None and (honest_best is None or r < honest_best) for r in ranks.values())


def judge(
    order: list[str], flagged: set[str] | None, true_of: dict[str, str], main: dict[str, str],
    conceals: set[str], dead: dict[str, int],
) -> dict[str, Any]:  # fmt: skip
    """One ranking (most suspicious first) and its flags against the truth."""
    rank = {g: i + 1 for i, g in enumerate(order)}
    honest_best = min((rank[g] for g in order if true_of.get(g) not in conceals), default=None)
    ranks = {u: rank.get(main.get(u, "")) for u in sorted(conceals)}
    big = {u: r for u, r in ranks.items() if dead[u] >= MIN_DEAD}
    out: dict[str, Any] = {
        "concealing_ranks": ranks,
        "best_honest_rank": honest_best,
        "all_above_honest": bool(conceals) and above_all(ranks, honest_best),
        "large_above_honest": above_all(big, honest_best),
    }
    if flagged is not None:
        out["flagged"] = len(flagged)
        out["flagged_honest"] = sum(1 for g in flagged if true_of.get(g) not in conceals)
        out["flagged_honest_units"] = sorted(g for g in flagged if true_of.get(g) not in conceals)
        out["large_flagged"] = all(main.get(u) in flagged for u in big)
    return out


def one_world(persons: int, seed: int, setting: str) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-conceal-"))
    try:
        t0 = time.perf_counter()
        ws = build(folder, persons, seed, setting)
        built = time.perf_counter() - t0
        t1 = time.perf_counter()
        analysis = analyze(ws)
        report: ConcealmentReport = analysis.concealment(ws)
        seconds = time.perf_counter() - t1
        record, person_unit, dead, conceals = truth(folder / "sim")
        listed = {
            r["unit"]: int(r["dead_listed_missing"])
            for r in csv.DictReader((folder / "sim" / "truth" / "units.csv").open(encoding="utf-8"))
        }
        # Each alias group stands for the simulated unit most of its records belong to.
        members: dict[str, Counter[str]] = {}
        for v in analysis.views:
            g = analysis.units.person_unit.get(v.person_id)
            if g is None:
                continue
            for c in v.claims:
                p = record.get((c.source, c.record_id))
                if p is not None:
                    members.setdefault(g, Counter())[person_unit[p]] += 1
        true_of = {g: c.most_common(1)[0][0] for g, c in members.items()}
        best: dict[str, tuple[int, str]] = {}
        for g, c in members.items():
            u = true_of[g]
            if c[u] > best.get(u, (0, ""))[0]:
                best[u] = (c[u], g)
        main = {u: g for u, (_, g) in best.items()}
        ranked = [e for e in report if e.rank is not None]
        model = judge(
            [e.unit for e in ranked], {e.unit for e in report if e.flagged},
            true_of, main, conceals, dead,
        )  # fmt: skip
        key: Callable[[Any], tuple[float, str]] = lambda e: (e.p_value or 1.0, e.unit)  # noqa: E731
        today = judge(
            [e.unit for e in sorted(ranked, key=key)],
            {e.unit for e in ranked if e.q_value is not None and e.q_value <= FDR},
            true_of, main, conceals, dead,
        )  # fmt: skip
        naive = judge(
            naive_ranking(analysis.views, analysis.units, analysis.rules),
            None, true_of, main, conceals, dead,
        )  # fmt: skip
        return {
            "seed": seed,
            "setting": setting,
            "concealing_units": {
                u: {
                    "dead": dead[u],
                    "dead_listed_missing": listed[u],
                    "group": main.get(u),
                    "model": model["concealing_ranks"][u],
                }
                for u in sorted(conceals)
            },
            "model": model,
            "baseline_today": today,
            "baseline_raw_missing_share": naive,
            "ranked_units": len(ranked),
            "persons_linked": len(analysis.views),
            "build_seconds": round(built, 2),
            "analyze_seconds": round(seconds, 2),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def summary(runs: list[dict[str, Any]], name: str) -> dict[str, Any]:
    got = [r[name] for r in runs]
    out: dict[str, Any] = {
        # A world without a concealing unit counts as a failure of the ranking figure.
        "worlds_with_concealing_units": sum(bool(g["concealing_ranks"]) for g in got),
        "worlds_all_concealing_above_every_honest": sum(g["all_above_honest"] for g in got),
        "worlds_large_concealing_above_every_honest": sum(g["large_above_honest"] for g in got),
    }
    if "flagged" in got[0]:
        flagged = sum(g["flagged"] for g in got)
        honest = sum(g["flagged_honest"] for g in got)
        out |= {
            "worlds_every_large_concealing_flagged": sum(g["large_flagged"] for g in got),
            "flagged": flagged,
            "flagged_honest": honest,
            "honest_share_of_flagged": round(honest / flagged, 4) if flagged else None,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 worlds of 4,000 persons")
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--persons", type=int, default=8_000)
    parser.add_argument(
        "--first-seed",
        type=int,
        default=1,
        help="the first world's seed (41: the 40 worlds after the default ones)",
    )
    parser.add_argument("--name", default=None, help="the result's name under bench/results/")
    args = parser.parse_args(argv)
    seeds, persons = (4, 4_000) if args.quick else (args.seeds, args.persons)
    names = list(SETTINGS)
    runs = []
    for seed in range(args.first_seed, args.first_seed + seeds):
        run = one_world(persons, seed, names[(seed - 1) % len(names)])
        runs.append(run)
        m, t = run["model"], run["baseline_today"]
        print(
            f"seed {seed} {run['setting']}: all above={m['all_above_honest']} "
            f"large above={m['large_above_honest']} large flagged={m['large_flagged']} "
            f"flagged={m['flagged']} honest={m['flagged_honest']} | today: "
            f"{t['all_above_honest']} {t['flagged']}/{t['flagged_honest']} "
            f"({run['build_seconds'] + run['analyze_seconds']:.0f}s)",
            file=sys.stderr,
            flush=True,
        )
    result = {
        "machine": machine(),
        "world": {
            "persons": persons,
            "units_per_type": UNITS_PER_TYPE,
            "conceal_unit_share": UNIT_SHARE,
            "conceal_missing_share_range": list(RANGE),
            "settings": {
                k: {"fates": {f: str(v) for f, v in fa.items()}, "size_sigma": s}
                for k, (fa, s) in SETTINGS.items()
            },
            "clustering": "linked through the service (ingest, normalize, link)",
        },
        "seeds": seeds,
        "first_seed": args.first_seed,
        "targets": {
            "worlds_all_concealing_above_every_honest": ">= 95 % of worlds",
            "worlds_every_large_concealing_flagged": f">= 95 % of worlds (>= {MIN_DEAD} dead)",
            "honest_share_of_flagged": "<= 0.05",
        },
        "model": summary(runs, "model"),
        "baseline_today": {"name": "the signal tests (today's ranking)"}
        | summary(runs, "baseline_today"),
        "baseline_raw_missing_share": {"name": "raw share of official-source persons missing"}
        | summary(runs, "baseline_raw_missing_share"),
        "seconds": round(sum(r["build_seconds"] + r["analyze_seconds"] for r in runs), 1),
        "runs": runs,
    }
    name = args.name or ("concealment-quick" if args.quick else "concealment")
    path = write_result(name, result)
    m = result["model"]
    print(
        f"model: {m['worlds_all_concealing_above_every_honest']}/{seeds} all above honest, "
        f"{m['worlds_every_large_concealing_flagged']}/{seeds} large flagged, honest share "
        f"{m['honest_share_of_flagged']}; today {result['baseline_today']}; raw "
        f"{result['baseline_raw_missing_share']}; wrote {path}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
