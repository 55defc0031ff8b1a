"""Name pools with realistic frequencies, drawn as index arrays.

Surnames: the language pack lists each name group's common surnames most frequent first;
they get Zipf–Mandelbrot weights ``1 / (rank + 10) ** s``. For the Russian group a long tail
of rarer surnames (the ``russian-names`` package list) carries ``rare_surname_share`` of the draws,
also Zipf-weighted by a fixed, seed-independent order, so a world of a million persons has
both very common surnames (namesakes arise by themselves) and tens of thousands of rare
ones. Given names carry explicit relative weights for soldiers and for their fathers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from unaccounted.simulate.locale import rare_surnames, read_table

GROUPS: tuple[str, ...] = (
    "russian", "ukrainian", "tatar", "bashkir", "buryat", "tuvan", "dagestani", "chechen",
)  # fmt: skip

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Choice:
    """Candidates (indices into a pool) and their probabilities."""

    index: IntArray
    p: FloatArray

    def draw(self, rng: np.random.Generator, n: int) -> IntArray:
        picks = rng.choice(len(self.index), size=n, p=self.p)
        return self.index[picks]


@dataclass(frozen=True)
class NamePools:
    surnames: tuple[str, ...]
    surname_group: tuple[str, ...]
    given: tuple[str, ...]
    surname_choice: dict[str, Choice]
    male_choice: dict[str, Choice]
    female_choice: dict[str, Choice]
    father_choice: dict[str, Choice]


#: Zipf–Mandelbrot shift: flattens the very top so the commonest surname (Смирнов) takes
#: about 2% of draws, near the published shares, instead of 1/H(n) of them.
SHIFT = 10


def _zipf(n: int, s: float, offset: int = 0) -> FloatArray:
    ranks = np.arange(1 + offset, n + 1 + offset, dtype=np.float64)
    w = (ranks + SHIFT) ** -s
    return np.asarray(w / w.sum(), dtype=np.float64)


def _stable_order(words: tuple[str, ...]) -> list[str]:
    """A fixed pseudo-random order (by hash), the same on every machine and run."""
    return sorted(words, key=lambda w: hashlib.blake2b(w.encode("utf-8"), digest_size=8).digest())


@cache
def name_pools(zipf: float = 1.0, rare_share: float = 0.35) -> NamePools:
    """The pools for the given surname Zipf exponent and share of rare surnames."""
    surnames: list[str] = []
    surname_group: list[str] = []
    by_group: dict[str, list[int]] = {g: [] for g in GROUPS}
    for row in read_table("surnames"):
        by_group[row["group"]].append(len(surnames))
        surnames.append(row["surname"])
        surname_group.append(row["group"])
    surname_choice: dict[str, Choice] = {}
    for group, idx in by_group.items():
        p = _zipf(len(idx), zipf)
        index = np.asarray(idx, dtype=np.int64)
        if group == "russian" and rare_share > 0:
            known = set(surnames)
            tail = [w for w in _stable_order(rare_surnames()) if w not in known]
            start = len(surnames)
            surnames.extend(tail)
            surname_group.extend(["russian"] * len(tail))
            tail_p = _zipf(len(tail), zipf, offset=len(idx))
            p = np.concatenate([p * (1 - rare_share), tail_p * rare_share])
            index = np.concatenate([index, np.arange(start, start + len(tail), dtype=np.int64)])
        surname_choice[group] = Choice(index, p)

    given: list[str] = []
    position: dict[str, int] = {}
    rows: dict[tuple[str, str], list[tuple[int, float, float]]] = {}
    for row in read_table("given_names"):
        name = row["name"]
        if name not in position:
            position[name] = len(given)
            given.append(name)
        key = (row["group"], row["sex"])
        weights = (position[name], float(row["weight_person"]), float(row["weight_father"]))
        rows.setdefault(key, []).append(weights)

    def choice(group: str, sex: str, column: int) -> Choice:
        entries = rows.get((group, sex)) or rows[("russian", sex)]
        entries = [e for e in entries if e[column] > 0]
        w = np.asarray([e[column] for e in entries], dtype=np.float64)
        return Choice(np.asarray([e[0] for e in entries], dtype=np.int64), w / w.sum())

    return NamePools(
        surnames=tuple(surnames),
        surname_group=tuple(surname_group),
        given=tuple(given),
        surname_choice=surname_choice,
        male_choice={g: choice(g, "m", 1) for g in GROUPS},
        female_choice={g: choice(g, "f", 1) for g in GROUPS},
        father_choice={g: choice(g, "m", 2) for g in GROUPS},
    )
