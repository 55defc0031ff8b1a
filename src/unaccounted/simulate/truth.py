"""The truth files: who each record really is, who died, and what each method should find.

- ``records.csv``: ``source,record_id,person_id,copied,duplicate``, one row per source row;
- ``persons.csv``: every person's true fields and fate;
- ``units.csv``: the unit registry with its aliases and which units conceal deaths;
- ``dead_by_unit.csv``, ``dead_by_region.csv``, ``dead_by_period.csv`` and ``dead.json``
  (the same numbers as one ``stratum → dead`` mapping for ``evaluate estimate``);
- ``histories.csv``: the true capture histories of the dead over independence groups
  (``in_<group>`` columns and ``count``), i.e. what perfect linkage would feed MSE;
- ``documented_by_week.csv``: per event week, the true deaths, the deaths documented by
  ``war.as_of`` and the deaths sources document eventually (what a nowcast should find);
- ``triangle.csv``: the reporting triangle of documented deaths (``period,as_of,count``),
  the input of ``unaccounted nowcast``;
- ``world.json``: seed, config hash, sizes, the number of dead no source reported.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from unaccounted.files import Folder
from unaccounted.simulate import delays, forms
from unaccounted.simulate.names import GROUPS
from unaccounted.simulate.sources import Records
from unaccounted.simulate.world import FATE_CODES, RANKS, World
from unaccounted.simulate.writers import write_csv, write_json


def person_ids(n: int) -> list[str]:
    width = max(7, len(str(n)))
    return [f"P{i:0{width}d}" for i in range(1, n + 1)]


def write_records(folder: Folder, ids: list[str], pairs: list[tuple[Records, list[str]]]) -> None:
    def rows() -> Any:
        for recs, record_ids in pairs:
            slug = recs.source.slug
            copied = recs.copied.astype(int).tolist()
            dup = recs.duplicate.astype(int).tolist()
            for rid, p, c, d in zip(record_ids, recs.person.tolist(), copied, dup, strict=True):
                yield (slug, rid, ids[p], c, d)

    write_csv(
        folder / "records.csv", ["source", "record_id", "person_id", "copied", "duplicate"], rows()
    )


def write_persons(folder: Folder, world: World, ids: list[str], seen: np.ndarray) -> None:
    w = world
    iso = [r["iso_code"] for r in w.regions]
    date = np.vectorize(lambda d: forms.iso(int(d)) if d >= 0 else "", otypes=[object])
    cols: dict[str, list[Any]] = {
        "person_id": ids,
        "surname": w.surname.tolist(),
        "given_name": w.given_name.tolist(),
        "patronymic": w.patronymic.tolist(),
        "sex": np.array(["m", "f"], dtype=object)[w.sex].tolist(),
        "birth_date": forms.by_unique(w.birth, forms.iso).tolist(),
        "region": np.array(iso, dtype=object)[w.region].tolist(),
        "hometown": np.array(w.hometowns, dtype=object)[w.hometown].tolist(),
        "name_group": np.array(GROUPS, dtype=object)[w.group].tolist(),
        "category": np.array(w.categories, dtype=object)[w.category].tolist(),
        "unit": np.array([u.unit_id for u in w.units], dtype=object)[w.unit].tolist(),
        "rank": np.array(RANKS, dtype=object)[w.rank].tolist(),
        "fate": np.array(FATE_CODES, dtype=object)[w.fate].tolist(),
        "dead": w.dead.astype(int).tolist(),
        "event_date": forms.by_unique(w.event, forms.iso).tolist(),
        "event_place": np.array([p["name"] for p in w.places], dtype=object)[w.place].tolist(),
        "missing_until": date(w.missing_until).tolist(),
        "returned_on": date(w.returned_on).tolist(),
        "concealed": w.concealed.astype(int).tolist(),
        "visibility": np.round(w.visibility, 3).tolist(),
        "father_id": [ids[i] if i >= 0 else "" for i in w.father_id.tolist()],
        "brother_of": [ids[i] if i >= 0 else "" for i in w.brother_of.tolist()],
        "namesake_of": [ids[i] if i >= 0 else "" for i in w.namesake_of.tolist()],
        "n_sources": seen.tolist(),
    }
    write_csv(folder / "persons.csv", list(cols), zip(*cols.values(), strict=True))


def write_units(folder: Folder, world: World, conceals: set[str]) -> None:
    dead = np.bincount(world.unit[world.dead], minlength=len(world.units))
    persons = np.bincount(world.unit, minlength=len(world.units))
    hidden = np.bincount(world.unit[world.concealed], minlength=len(world.units))
    rows = [
        (u.unit_id, u.type, u.number, int(u.guards), u.military_number, u.district,
         u.aliases["full"], u.aliases["abbreviation"], u.aliases["colloquial"],
         u.aliases["english"], u.aliases["unit_number"], "|".join(u.aliases.values()),
         int(u.unit_id in conceals), int(persons[i]), int(dead[i]), int(hidden[i]))
        for i, u in enumerate(world.units)
    ]  # fmt: skip
    headers = ["unit", "type", "number", "guards", "military_number", "district", "full",
               "abbreviation", "colloquial", "english", "unit_number", "aliases", "conceals",
               "persons", "dead", "dead_listed_missing"]  # fmt: skip
    write_csv(folder / "units.csv", headers, rows)


def dead_totals(world: World) -> dict[str, dict[str, int]]:
    dead = world.dead
    iso = [r["iso_code"] for r in world.regions]
    unit_ids = [u.unit_id for u in world.units]
    months = forms.by_unique(world.event[dead], lambda d: forms.iso(d)[:7])
    return {
        "unit": {
            k: v for k, v in sorted(Counter(unit_ids[i] for i in world.unit[dead].tolist()).items())
        },
        "region": {
            k: v for k, v in sorted(Counter(iso[i] for i in world.region[dead].tolist()).items())
        },
        "period": dict(sorted(Counter(months.tolist()).items())),
    }


def write_totals(folder: Folder, world: World) -> dict[str, int]:
    totals = dead_totals(world)
    flat: dict[str, int] = {"all": int(world.dead.sum())}
    for key, table in totals.items():
        write_csv(folder / f"dead_by_{key}.csv", [key, "dead"], sorted(table.items()))
        flat.update({f"{key}:{k}": v for k, v in table.items()})
    write_json(folder / "dead.json", flat)
    return flat


def write_histories(
    folder: Folder, world: World, pairs: list[tuple[Records, list[str]]]
) -> dict[str, int]:
    """True capture histories of the dead over independence groups; returns summary counts."""
    groups = sorted({recs.source.independence_group for recs, _ in pairs})
    bits = np.zeros(world.n, dtype=np.int64)
    for recs, _ in pairs:
        bits[recs.person] |= 1 << groups.index(recs.source.independence_group)
    dead_bits = bits[world.dead]
    counts = Counter(dead_bits[dead_bits > 0].tolist())
    rows = [
        [*(int(bool(pattern >> g & 1)) for g in range(len(groups))), count]
        for pattern, count in sorted(counts.items())
    ]
    write_csv(folder / "histories.csv", [*(f"in_{g}" for g in groups), "count"], rows)
    return {
        "dead_observed": int((dead_bits > 0).sum()),
        "dead_unobserved": int((dead_bits == 0).sum()),
    }


def write_delays(folder: Folder, world: World, records: list[Records]) -> None:
    """``documented_by_week.csv`` and ``triangle.csv`` (see :mod:`unaccounted.simulate.delays`)."""
    write_csv(
        folder / "documented_by_week.csv",
        ["week", "dead", "documented", "eventual"],
        delays.weekly_truth(world, records),
    )
    write_csv(
        folder / "triangle.csv",
        ["period", "as_of", "count"],
        delays.weekly_triangle(world, records),
    )
