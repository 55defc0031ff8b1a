"""The unit registry of a simulated world: numbered units with all the ways they are written.

Each unit has a type from the language pack's ``unit_types.csv``, a number, perhaps the
Guards honorific, a five-digit military unit number («в/ч 12345») and a home federal
district. Numbers are random: the units describe no real formation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from unaccounted.errors import InputError
from unaccounted.simulate.config import SimulationConfig
from unaccounted.simulate.locale import read_table

#: The ways a unit is written, as the ``aliases`` of ``truth/units.csv`` list them.
ALIAS_KINDS: tuple[str, ...] = ("full", "abbreviation", "colloquial", "english", "unit_number")


@dataclass(frozen=True)
class Unit:
    unit_id: str
    type: str
    number: int
    guards: bool
    military_number: str
    district: str
    aliases: dict[str, str]


def english_ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st …"""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def russian_ordinal(n: int, gender: str) -> str:
    """«25-я» (feminine: бригада, дивизия) or «25-й» (masculine: полк, батальон)."""
    return f"{n}-{'я' if gender == 'f' else 'й'}"


@cache
def unit_types() -> dict[str, dict[str, str]]:
    return {row["key"]: row for row in read_table("unit_types")}


def aliases(utype: str, number: int, guards: bool, military_number: str) -> dict[str, str]:
    """Every written form of one unit."""
    t = unit_types()[utype]
    honor = next(iter(read_table("honorifics")))
    gv = (honor["feminine"] if t["gender"] == "f" else honor["masculine"]) + " " if guards else ""
    ordinal = russian_ordinal(number, t["gender"])
    full = f"{ordinal} {t['full_name'].format(gv=gv)}"
    english = f"{english_ordinal(number)} {t['english'].format(gv='Guards ' if guards else '')}"
    abbreviation = f"{number} {'гв. ' if guards else ''}{t['abbreviation']}"
    if utype == "sho":
        abbreviation = f"ШО-{number}"
    return {
        "full": full,
        "abbreviation": abbreviation,
        "colloquial": f"{ordinal} {t['noun']}",
        "english": english,
        "unit_number": f"в/ч {military_number}",
    }


def build_units(
    config: SimulationConfig, rng: np.random.Generator, districts: list[str]
) -> list[Unit]:
    """The registry, in a fixed order (by type as listed in the config, then number)."""
    wanted: list[str] = []
    for category in config.persons.categories.values():
        wanted.extend(t for t in category.unit_types if t not in wanted)
    unknown = [t for t in wanted if t not in unit_types()]
    if unknown:
        known = ", ".join(unit_types())
        raise InputError(f"persons.categories: unknown unit type {unknown[0]!r} (known: {known})")
    units: list[Unit] = []
    used_military: set[int] = set()
    for utype in wanted:
        count = config.units.per_type.get(utype, config.units.default_per_type)
        numbers = np.sort(rng.choice(np.arange(1, 300), size=count, replace=False))
        guards = rng.random(count) < config.units.guards_share
        home = rng.integers(0, len(districts), size=count)
        for i, number in enumerate(numbers.tolist()):
            while True:
                military = int(rng.integers(1000, 99999))
                if military not in used_military:
                    used_military.add(military)
                    break
            mil = f"{military:05d}"
            g = bool(guards[i]) and utype not in ("sho", "pmc", "odb")
            units.append(
                Unit(
                    unit_id=f"{utype}-{number:03d}",
                    type=utype,
                    number=number,
                    guards=g,
                    military_number=mil,
                    district=districts[int(home[i])],
                    aliases=aliases(utype, number, g, mil),
                )
            )
    return units
