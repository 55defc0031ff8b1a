"""``simulate()``: build a world, select and render every source, write it all out."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from unaccounted import __version__
from unaccounted.errors import InputError
from unaccounted.files import Folder
from unaccounted.simulate import truth
from unaccounted.simulate.config import SimulationConfig
from unaccounted.simulate.hand import add_hand_noise
from unaccounted.simulate.names import formed_surnames
from unaccounted.simulate.render import Render
from unaccounted.simulate.sources import Records, select_records
from unaccounted.simulate.styles import STYLES
from unaccounted.simulate.world import World, build_world
from unaccounted.simulate.writers import write_json, write_source

log = logging.getLogger(__name__)

#: Called after each step with a short description of what was done.
Progress = Callable[[str], None]


@dataclass
class Summary:
    persons: int
    dead: int
    dead_unobserved: int
    records: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def total_records(self) -> int:
        return sum(self.records.values())


def steps(config: SimulationConfig) -> int:
    """How many times ``simulate`` calls its progress callback."""
    return 2 + 2 * len(config.sources)


def simulate(config: SimulationConfig, persons: int, seed: int, out: Path,
             progress: Progress | None = None, *, force: bool = False) -> Summary:  # fmt: skip
    """Write ``out/sources/`` and ``out/truth/`` for a world of ``persons`` persons.

    Files of an earlier simulation there are replaced only with ``force``."""
    _check_out(out, force)
    if persons < 1:
        raise InputError(f"--persons must be at least 1 (got {persons})")
    if seed < 0:
        raise InputError(f"--seed must be a non-negative integer (got {seed})")
    tick = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with formed_surnames(config.persons.formed_surname_share):
        world = build_world(config, persons, seed)
    timings["world"] = time.perf_counter() - t0
    tick(f"world of {persons:,} persons")
    log.info("world: %d persons, %d dead", persons, int(world.dead.sum()))

    with (
        Folder.at(out, create=True, force=force) as root,
        root.folder("sources") as src_dir,
        root.folder("truth") as truth_dir,
    ):
        summary = _write_world(config, world, src_dir, truth_dir, tick, timings)
    return summary


def _check_out(out: Path, force: bool) -> None:
    """Refuse, before any work, to write over an earlier simulation without ``force``."""
    for sub in ("sources", "truth"):
        folder = out / sub
        if not force and folder.is_dir() and not folder.is_symlink() and any(folder.iterdir()):
            raise InputError(
                f"{folder} already holds files; pass --force to replace them, "
                "or choose another --out"
            )


def _write_world(
    config: SimulationConfig,
    world: World,
    src_dir: Folder,
    truth_dir: Folder,
    tick: Progress,
    timings: dict[str, float],
) -> Summary:
    done: dict[str, Records] = {}
    pairs: list[tuple[Records, list[str]]] = []
    for src in config.sources:
        t = time.perf_counter()
        recs = select_records(world, src, done)
        done[src.slug] = recs
        tick(f"{src.slug}: {recs.size:,} records selected")
        render = Render(world, recs)
        table = STYLES[src.style](render)
        if src.hand is not None:
            table = add_hand_noise(table, render, src.hand)
        write_source(src_dir, src, table)
        record_ids = np.asarray(table.columns[0], dtype=object).tolist()
        pairs.append((recs, record_ids))
        timings[f"source:{src.slug}"] = time.perf_counter() - t
        tick(f"{src.slug}: written")
        log.info("source %s: %d records", src.slug, recs.size)

    t = time.perf_counter()
    summary = _write_truth(world, truth_dir, pairs)
    timings["truth"] = time.perf_counter() - t
    tick("truth written")
    summary.timings = timings
    return summary


def _write_truth(world: World, folder: Folder, pairs: list[tuple[Records, list[str]]]) -> Summary:
    ids = truth.person_ids(world.n)
    seen = np.zeros(world.n, dtype=np.int64)
    for recs, _ in pairs:
        seen[np.unique(recs.person)] += 1
    truth.write_records(folder, ids, pairs)
    truth.write_persons(folder, world, ids, seen)
    conceal = set(world.conceal_units)
    truth.write_units(folder, world, conceal)
    totals = truth.write_totals(folder, world)
    hist = truth.write_histories(folder, world, pairs)
    truth.write_delays(folder, world, [recs for recs, _ in pairs])
    records = {recs.source.slug: recs.size for recs, _ in pairs}
    write_json(
        folder / "world.json",
        {
            "generator": f"unaccounted {__version__}",
            "seed": world.seed,
            "config_sha256": world.config.digest(),
            "persons": world.n,
            "dead": totals["all"],
            **hist,
            "records": records,
            "independence_groups": {
                recs.source.slug: recs.source.independence_group for recs, _ in pairs
            },
            "concealing_units": sorted(conceal),
            "war": world.config.war.model_dump(mode="json", exclude={"intensity"}),
        },
    )
    return Summary(world.n, totals["all"], hist["dead_unobserved"], records)
