"""Name pools with realistic frequencies, drawn as index arrays.

Surnames: the language pack lists each name group's common surnames most frequent first;
they get Zipf–Mandelbrot weights ``1 / (rank + 10) ** s``. For the Russian group a long tail
of rarer surnames (the ``russian-names`` package list) carries ``rare_surname_share`` of the draws,
also Zipf-weighted by a fixed, seed-independent order, so a world of a million persons has
both very common surnames (namesakes arise by themselves) and tens of thousands of rare
ones. Given names carry explicit relative weights for soldiers and for their fathers.

The language pack lists only 15–40 surnames for each other name group, so a world drawn
from them alone has far more exact namesakes among Tatars, Bashkirs or Buryats than those
peoples have. ``surnames_formed.csv`` widens those groups with surnames formed the way the
groups form them (a forefather's given name + -ов/-ев/-ин, Ukrainian -енко; Tuvan clan
names): with ``persons.formed_surname_share`` above 0 that share of each such group's
draws comes from them, Zipf-weighted in a fixed order. The default (0) keeps the worlds
made before the file existed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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


_FORMED_SHARE: ContextVar[float] = ContextVar("formed_surname_share", default=0.0)


@contextmanager
def formed_surnames(share: float) -> Iterator[None]:
    """Within the block, :func:`name_pools` draws ``share`` of each non-Russian name
    group's surnames from ``surnames_formed.csv`` (``persons.formed_surname_share``;
    ``run.simulate`` sets it around building the world)."""
    token = _FORMED_SHARE.set(share)
    try:
        yield
    finally:
        _FORMED_SHARE.reset(token)


def name_pools(zipf: float = 1.0, rare_share: float = 0.35) -> NamePools:
    """The pools for the given surname Zipf exponent and share of rare surnames (and the
    share of formed surnames set by :func:`formed_surnames`, 0 outside it)."""
    return _name_pools(zipf, rare_share, _FORMED_SHARE.get())


def formed_surname_table() -> dict[str, list[str]]:
    """Name group → the surnames of ``surnames_formed.csv``, in the file's order."""
    table: dict[str, list[str]] = {}
    for row in read_table("surnames_formed"):
        table.setdefault(row["group"], []).append(row["surname"])
    return table


@cache
def _name_pools(zipf: float, rare_share: float, formed_share: float) -> NamePools:
    surnames: list[str] = []
    surname_group: list[str] = []
    by_group: dict[str, list[int]] = {g: [] for g in GROUPS}
    for row in read_table("surnames"):
        by_group[row["group"]].append(len(surnames))
        surnames.append(row["surname"])
        surname_group.append(row["group"])
    formed = formed_surname_table() if formed_share > 0 else {}
    listed = set(surnames)
    surname_choice: dict[str, Choice] = {}
    for group, idx in by_group.items():
        p = _zipf(len(idx), zipf)
        index = np.asarray(idx, dtype=np.int64)
        extra = [w for w in _stable_order(tuple(formed.get(group, ()))) if w not in listed]
        if extra:  # a non-Russian group's formed surnames, a Zipf tail after its listed ones
            start = len(surnames)
            surnames.extend(extra)
            surname_group.extend([group] * len(extra))
            tail_p = _zipf(len(extra), zipf, offset=len(idx))
            p = np.concatenate([p * (1 - formed_share), tail_p * formed_share])
            index = np.concatenate([index, np.arange(start, start + len(extra), dtype=np.int64)])
        if group == "russian" and rare_share > 0:
            known = set(surnames) | {w for words in formed.values() for w in words}
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
