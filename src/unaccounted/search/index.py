"""The search index: kept current in the store, loaded once per process into arrays.

:func:`update_index` is the one call a stage (or the service after any stage) makes: it
rewrites only the rows of records whose version, normalized fields or person changed
since the index was written, and drops the rows of records gone, inside the caller's
transaction. :func:`rebuild_index` rewrites every row.

:class:`SearchIndex` is the in-memory form the queries read: each name key and filter
value dictionary-encoded to integer codes (one array per column), postings of records by
surname key and by given-name key, each person's records, deletion neighbourhoods of
the surname, given-name and patronymic keys and spellings for typo tolerance
(``typos.py``), and the unit keys the linked persons show to be one unit. A server
keeps one per workspace and loads it again when :meth:`SearchIndex.is_current` says the
stored index has changed.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from unaccounted.normalize.pack import LanguagePack
from unaccounted.normalize.record import Normalizer
from unaccounted.search.typos import TypoIndex
from unaccounted.store import Store

log = logging.getLogger(__name__)

#: The fewest linked persons that must name a military unit number and a formation
#: together before the unit filter takes the two for one unit.
ALIAS_MIN_PERSONS = 2


@dataclass(frozen=True)
class IndexUpdate:
    """What an update did: rows written and removed, rows now, and how long it took."""

    kind: str  # update | rebuild
    written: int
    removed: int
    rows: int
    seconds: float


def update_index(store: Store) -> IndexUpdate:
    """Bring the stored index up to date with records, normalized fields and persons.

    Runs in the caller's transaction (it opens none): call it after ingest, normalize or
    link in the same unit of work, or on its own.
    """
    return _refresh(store, rebuild=False)


def rebuild_index(store: Store) -> IndexUpdate:
    """Rewrite every row of the stored index (in the caller's transaction)."""
    return _refresh(store, rebuild=True)


def _refresh(store: Store, *, rebuild: bool) -> IndexUpdate:
    t0 = time.perf_counter()
    written, removed = store.refresh_search_index(rebuild=rebuild)
    seconds = time.perf_counter() - t0
    kind = "rebuild" if rebuild else "update"
    store.log_search_update(kind, written, removed, seconds)
    rows = store.search_index_rows()
    log.info("search index %s: %d rows written, %d removed, %d rows, %.2f s", kind, written,
             removed, rows, seconds)  # fmt: skip
    return IndexUpdate(kind, written, removed, rows, seconds)


@dataclass(frozen=True)
class Codes:
    """A column dictionary-encoded: one code per record (-1: missing) and the values."""

    codes: np.ndarray
    values: list[Any]
    lookup: dict[Any, int]

    @classmethod
    def of(cls, column: pa.ChunkedArray | pa.Array) -> Codes:
        encoded = pc.dictionary_encode(column)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
        values = encoded.dictionary.to_pylist()
        return cls(codes, values, {v: i for i, v in enumerate(values)})

    def code(self, value: Any) -> int:
        return self.lookup.get(value, -2)  # -2 matches no record, not even a missing value


#: The shared file of unit aliases a user confirmed (``analyze.run.CONFIRMED_ALIASES``).
CONFIRMED_UNITS = "unit_aliases.yaml"


def confirmed_unit_aliases(store: Store) -> list[tuple[str, str]]:
    """The unit key pairs a user confirmed to be one unit, as the store keeps them (a
    malformed entry is skipped: the file is checked when it is written)."""
    shared = store.shared_file(CONFIRMED_UNITS)
    if not shared:
        return []
    try:
        data = yaml.safe_load(shared["content"]) or {}
    except yaml.YAMLError:
        return []
    pairs = data.get("aliases") if isinstance(data, dict) else None
    return [
        (p[0], p[1])
        for p in pairs or []
        if isinstance(p, list) and len(p) == 2 and all(isinstance(k, str) for k in p)
    ]


def spelling(name: str) -> str:
    """A name as the typo tables compare spellings: lower case, ё as е."""
    return name.lower().replace("ё", "е")


def postings(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(record numbers sorted by code, start of each code's run): code c's records are
    ``order[start[c]:start[c + 1]]``; missing codes (-1) are left out."""
    order = np.argsort(codes, kind="stable").astype(np.int32)
    start = np.searchsorted(codes[order], np.arange(size + 1)).astype(np.int64)
    return order, start


class SearchIndex:
    """The index in memory: load with :meth:`load`, query with ``search.query.search``."""

    def __init__(self, table: pa.Table, pack: LanguagePack, normalizer: Normalizer,
                 stamp: tuple[int, int],
                 confirmed_units: Sequence[tuple[str, str]] = ()) -> None:  # fmt: skip
        self.pack = pack
        self.confirmed_units = list(confirmed_units)
        self.normalizer = normalizer
        self.stamp = stamp
        self._mask: tuple[frozenset[str], np.ndarray] | None = None
        self.table = table
        self.size = table.num_rows
        col = table.column
        self.person = Codes.of(col("person_id"))
        self._number_unlinked()
        self.source = Codes.of(col("source_id"))
        self.surname = Codes.of(col("surname_key"))
        self.patronymic = Codes.of(col("patronymic_key"))
        self.given_initial = Codes.of(col("given_initial"))
        self.patronymic_initial = Codes.of(col("patronymic_initial"))
        self.unit = Codes.of(col("unit_key"))
        self.unit_class = Codes.of(col("unit_class_key"))
        self._unit_aliases()
        self.region = Codes.of(col("region_code"))
        self.hometown_region = Codes.of(col("hometown_region"))
        self.status = Codes.of(col("status"))
        self.birth_lo = col("birth_year_lo").fill_null(-1).to_numpy().astype(np.int32)
        self.birth_hi = col("birth_year_hi").fill_null(-1).to_numpy().astype(np.int32)
        self._given_codes(col("given_candidates"))
        self.by_surname = postings(self.surname.codes, len(self.surname.values))
        n_given = len(self.given_keys)
        self.by_given = postings(self.given1, n_given)
        self.by_given2 = postings(self.given2, n_given)
        self.by_person = postings(self.person_codes, self.persons)
        self._person_order()
        # records per surname, given-name and patronymic code: how rare a name is (rank.py)
        self.surname_df = np.diff(self.by_surname[1])
        self.given_df = np.diff(self.by_given[1])
        self.patronymic_df = np.bincount(
            self.patronymic.codes[self.patronymic.codes >= 0], minlength=len(self.patronymic.values)
        )
        self._spellings(col("surname"))
        self._warm_up()
        self.given_typos = TypoIndex(self.given_keys)
        # the canonical given names and patronymics as spelled (lower case, ё as е), by
        # code: typos of the spelling that the script keys miss (``rank._given_typos``)
        self.given_spelling_typos = TypoIndex(
            [spelling(self.given_name_of.get(code, "")) for code in range(len(self.given_keys))]
        )
        codes, first = np.unique(self.patronymic.codes, return_index=True)
        written = col("patronymic").take(pa.array(first[codes >= 0])).to_pylist()
        by_code = dict(zip(codes[codes >= 0].tolist(), written, strict=True))
        self.patronymic_spelling_typos = TypoIndex(
            [spelling(by_code.get(code) or "") for code in range(len(self.patronymic.values))]
        )
        self.patronymic_typos = TypoIndex(self.patronymic.values)

    def _unit_aliases(self) -> None:
        """Military unit numbers («vch:02009») that linked persons name, in their other
        records, as one formation («msp:4»): the two keys are one unit for the filter.

        A number maps to the formation when at least ``ALIAS_MIN_PERSONS`` persons have
        both and more than half of the persons with the number and some formation have
        that one (a transfer or a wrong record does not merge two units). ``unit_same``
        gives each key's code the codes of the keys learned to be the same unit.
        """
        units, persons = self.unit.codes, self.person.codes
        is_number = np.array([str(v).startswith("vch:") for v in self.unit.values], dtype=bool)
        self.unit_same: dict[int, set[int]] = {}
        self.class_of_unit: dict[int, int] = {}
        has = (units >= 0) & (persons >= 0)
        named = has & (self.unit_class.codes >= 0)
        for u, c in zip(units[named].tolist(), self.unit_class.codes[named].tolist(), strict=True):
            self.class_of_unit.setdefault(u, c)
        if not is_number.any():
            return
        pairs = np.unique(persons[has].astype(np.int64) * len(self.unit.values) + units[has])
        person_of, unit_of = np.divmod(pairs, len(self.unit.values))
        numbers_of: dict[int, list[int]] = {}
        formations_of: dict[int, list[int]] = {}
        for p, u in zip(person_of.tolist(), unit_of.tolist(), strict=True):
            (numbers_of if is_number[u] else formations_of).setdefault(p, []).append(u)
        together: dict[int, dict[int, int]] = {}
        reach: dict[int, int] = {}  # persons with the number and some formation
        for p, numbers in numbers_of.items():
            formations = formations_of.get(p)
            if not formations:
                continue
            for v in numbers:
                reach[v] = reach.get(v, 0) + 1
                counts = together.setdefault(v, {})
                for u in formations:
                    counts[u] = counts.get(u, 0) + 1
        for v, counts in together.items():
            u, n = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))
            if n >= ALIAS_MIN_PERSONS and 2 * n > reach[v]:
                self.unit_same.setdefault(v, set()).add(u)
                self.unit_same.setdefault(u, set()).add(v)

    def unit_codes(self, key: str) -> set[int]:
        """The codes of a unit key, of the keys confirmed to be the same unit (``unaccounted
        unit-aliases --confirm``) and of the keys learned to be."""
        keys = {key}
        for _ in range(len(self.confirmed_units)):  # joined transitively
            more = {b for a, b in self.confirmed_units if a in keys}
            more |= {a for a, b in self.confirmed_units if b in keys}
            if more <= keys:
                break
            keys |= more
        codes = {self.unit.code(k) for k in keys}
        for code in list(codes):
            codes |= self.unit_same.get(code, set())
        return codes

    def _warm_up(self) -> None:
        """Parse a name of each kind once: the pack builds its larger tables (Latin
        surnames, declension) on first use, which the first query would otherwise pay."""
        for name in ("Sergey Ivanovich Ivanov", "Сергея Ивановича Иванова", "Серёжа Иванов"):
            self.pack.parse_name(name)
        self.pack.parse_name(None, "Сергея", "Иванова")  # an unknown given name: pymorphy3

    def _spellings(self, column: pa.ChunkedArray) -> None:
        """Surnames as written in their canonical form (lower case, ё as е), for typos the
        script key would make wider (ь and и before a vowel vanish from the key)."""
        text = Codes.of(pc.replace_substring(pc.utf8_lower(column), "ё", "е"))
        pairs = np.unique(text.codes.astype(np.int64) * (len(self.surname.values) + 1)
                          + self.surname.codes)  # fmt: skip
        self.keys_of_spelling: dict[int, list[int]] = {}
        for pair in pairs.tolist():
            t, k = divmod(pair, len(self.surname.values) + 1)
            if t >= 0 and 0 <= k < len(self.surname.values):
                self.keys_of_spelling.setdefault(t, []).append(k)
        self.spelling_typos = TypoIndex(text.values)
        self.surname_typos = TypoIndex(self.surname.values)

    def _number_unlinked(self) -> None:
        """Every record without a person is a person of its own (codes after the persons)."""
        codes = self.person.codes.copy()
        missing = np.flatnonzero(codes < 0)
        codes[missing] = len(self.person.values) + np.arange(len(missing), dtype=np.int32)
        self.person_codes = codes
        self.persons = len(self.person.values) + len(missing)

    def _person_order(self) -> None:
        """Per person code: how many sources its records come from, and its place in the
        order of person ids (records of no person after every person, in index order);
        equally scored hits are ranked by these."""
        sources = len(self.source.values) + 1
        pairs = np.unique(self.person_codes.astype(np.int64) * sources + self.source.codes + 1)
        self.person_sources = np.bincount(pairs // sources, minlength=self.persons)
        rank = np.empty(self.persons, dtype=np.int64)
        named = len(self.person.values)
        order = pc.sort_indices(pa.array(self.person.values, pa.string())).to_numpy()
        rank[order] = np.arange(named)
        rank[named:] = named + np.arange(self.persons - named)
        self.person_rank = rank

    def _given_codes(self, column: pa.ChunkedArray) -> None:
        """Codes of the script keys of each record's first and second given-name candidate."""
        key = self.pack.script_key
        keys: dict[str, int] = {}
        self.given_name_of: dict[int, str] = {}

        def coded(names: list[Any]) -> np.ndarray:
            out = np.empty(len(names) + 1, dtype=np.int32)
            out[-1] = -1  # a missing value's code (-1) maps to -1
            for i, name in enumerate(names):
                k = key(name) if name else ""
                code = keys.setdefault(k, len(keys)) if k else -1
                self.given_name_of.setdefault(code, name)
                out[i] = code
            return out

        lengths = pc.list_value_length(column).fill_null(0).to_numpy(zero_copy_only=False)
        found = []
        for position in (0, 1):
            has = lengths > position
            codes = np.full(self.size, -1, dtype=np.int32)
            if has.any():
                names = Codes.of(pc.list_element(column.filter(pa.array(has)), position))
                codes[has] = coded(names.values)[names.codes]
            found.append(codes)
        self.given1, self.given2 = found
        self.given_keys = list(keys)
        self.given_lookup = keys

    @classmethod
    def load(cls, store: Store, normalizer: Normalizer) -> SearchIndex:
        """Read the stored index (run :func:`update_index` first for a current one)."""
        t0 = time.perf_counter()
        stamp = store.search_index_version()
        index = cls(store.read_search_index(), normalizer.pack, normalizer, stamp,
                    confirmed_unit_aliases(store))  # fmt: skip
        # the typo tables are millions of small objects that live as long as the index:
        # left to the collector, each full collection walks them all (a second at a
        # million records, in the middle of some query); frozen, it never does
        gc.collect()
        gc.freeze()
        log.info("search index loaded: %d records in %.2f s", index.size,
                 time.perf_counter() - t0)  # fmt: skip
        return index

    def is_current(self, store: Store) -> bool:
        """Whether the stored index is the one this was loaded from."""
        return store.search_index_version() == self.stamp

    def person_mask(self, person_ids: frozenset[str]) -> np.ndarray:
        """Which person codes are among ``person_ids`` (records of no person are not);
        the mask of the last set asked for is kept, so a server filtering every query
        by the same set computes it once."""
        if self._mask is not None and self._mask[0] is person_ids:
            return self._mask[1]
        mask = np.zeros(self.persons, dtype=bool)
        values = self.person.values
        mask[: len(values)] = [v in person_ids for v in values]
        self._mask = (person_ids, mask)
        return mask

    def records_of(self, person: int) -> np.ndarray:
        order, start = self.by_person
        return order[start[person] : start[person + 1]]

    def value(self, column: str, record: int) -> Any:
        return self.table.column(column)[record].as_py()
