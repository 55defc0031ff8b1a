"""Per-record building blocks shared by the styles: picks, names, dates, units, regions.

A ``Render`` wraps one source's records with its own random stream and hands out
columns as numpy object arrays of strings, one entry per record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from unaccounted.simulate import forms
from unaccounted.simulate.sources import STATUS_CODES, Records
from unaccounted.simulate.world import FATE_CODES, RANKS, World, stream

Objects = npt.NDArray[np.object_]
Ints = npt.NDArray[np.int64]


def objects(values: Iterable[str]) -> Objects:
    return np.array(list(values), dtype=object)


@dataclass
class Render:
    world: World
    recs: Records
    rng: np.random.Generator = field(init=False)

    def __post_init__(self) -> None:
        self.rng = stream(self.world.seed, f"style:{self.recs.source.slug}")
        self.p = self.recs.person
        self.n = self.recs.size
        self.sex = self.world.sex[self.p]

    # --- choices ------------------------------------------------------------------------
    def variant(self, weights: Sequence[float]) -> Ints:
        """A variant number per record, drawn with the given relative weights."""
        w = np.asarray(weights, dtype=np.float64)
        return np.asarray(self.rng.choice(len(w), size=self.n, p=w / w.sum()), dtype=np.int64)

    def chance(self, share: float) -> npt.NDArray[np.bool_]:
        return np.asarray(self.rng.random(self.n) < share)

    def pick(self, options: Sequence[str]) -> Objects:
        return objects(options)[self.rng.integers(0, len(options), self.n)]

    def words(
        self, table: dict[str, tuple[str, ...]], codes: Ints, names: Sequence[str]
    ) -> Objects:
        """A word per record for a coded value, picked among the style's variants."""
        out = np.full(self.n, "", dtype=object)
        for code, name in enumerate(names):
            mask = codes == code
            options = table.get(name, ("",))
            out[mask] = objects(options)[self.rng.integers(0, len(options), int(mask.sum()))]
        return out

    def status(self, table: dict[str, tuple[str, ...]]) -> Objects:
        return self.words(table, self.recs.status, STATUS_CODES)

    def fate_name(self) -> Objects:
        return objects(FATE_CODES)[self.world.fate[self.p]]

    # --- names --------------------------------------------------------------------------
    def surname(self) -> Objects:
        return np.asarray(self.world.surname[self.p], dtype=object)

    def given(self) -> Objects:
        return np.asarray(self.world.given_name[self.p], dtype=object)

    def patronymic(self) -> Objects:
        return np.asarray(self.world.patronymic[self.p], dtype=object)

    def declined(self, case: str) -> tuple[Objects, Objects, Objects]:
        """Surname, given name and patronymic of every record in ``case``."""
        w = self.world
        sex = self.sex

        def part(keys: Ints, fn: Callable[[int], str]) -> Objects:
            return forms.by_unique(keys, fn)

        sur = part(
            self.p,
            lambda i: forms.decline(w.surname[i], "surname", "f" if w.sex[i] else "m", case),
        )
        giv = part(
            w.given_idx[self.p] * 2 + sex,
            lambda k: forms.decline(w.pools.given[k // 2], "given", "mf"[k % 2], case),
        )
        pat = part(
            self.p,
            lambda i: forms.decline(w.patronymic[i], "patronymic", "f" if w.sex[i] else "m", case),
        )
        return sur, giv, pat

    def initials(self) -> Objects:
        """«С. И.» — the given name and patronymic as initials."""
        w = self.world
        return forms.by_unique(self.p, lambda i: f"{w.given_name[i][0]}. {w.patronymic[i][0]}.")

    def no_yo(self, column: Objects, share: float) -> Objects:
        """ё written as е in ``share`` of the records."""
        out = column.copy()
        for i in np.flatnonzero(self.chance(share)).tolist():
            out[i] = forms.no_yo(out[i])
        return out

    def typos(self, column: Objects, share: float) -> Objects:
        out = column.copy()
        for i in np.flatnonzero(self.chance(share)).tolist():
            out[i] = forms.typo(out[i], self.rng)
        return out

    # --- dates --------------------------------------------------------------------------
    def date(self, days: Ints, fn: Callable[[int], str]) -> Objects:
        return forms.by_unique(days, fn)

    def birth(self) -> Ints:
        return np.asarray(self.world.birth[self.p], dtype=np.int64)

    def event(self) -> Ints:
        return np.asarray(self.world.event[self.p], dtype=np.int64)

    def age(self) -> Objects:
        years = np.floor((self.event() - self.birth()) / 365.25).astype(np.int64)
        return forms.by_unique(years, str)

    # --- places and units ---------------------------------------------------------------
    def region(self, column: str) -> Objects:
        return objects([r[column] for r in self.world.regions])[self.world.region[self.p]]

    def hometown(self) -> Objects:
        return objects(self.world.hometowns)[self.world.hometown[self.p]]

    def place(self, column: str) -> Objects:
        return objects([r[column] for r in self.world.places])[self.world.place[self.p]]

    def unit(self, kinds: Sequence[str], weights: Sequence[float]) -> Objects:
        """A written form of each record's unit, the form drawn per record."""
        table = np.array([[u.aliases[k] for k in kinds] for u in self.world.units], dtype=object)
        return np.asarray(table[self.world.unit[self.p], self.variant(weights)], dtype=object)

    def rank(self, table: dict[str, str] | None = None) -> Objects:
        names = [table[r] if table else r for r in RANKS]
        return objects(names)[self.world.rank[self.p]]

    def category(self, table: dict[str, tuple[str, ...]]) -> Objects:
        return self.words(table, self.world.category[self.p], self.world.categories)

    def record_ids(self, prefix: str, width: int = 7) -> Objects:
        return objects([f"{prefix}{i:0{width}d}" for i in range(1, self.n + 1)])

    def urls(self, base: str) -> Objects:
        ids = self.rng.permutation(self.n) + 100_000
        return objects([f"{base}/{i}" for i in ids.tolist()])


def join(*parts: Objects | str) -> Objects:
    """Concatenate columns (and literal strings) element by element."""
    out: Objects | str = ""
    for part in parts:
        out = out + part  # object arrays add elementwise
    assert isinstance(out, np.ndarray)
    return out
