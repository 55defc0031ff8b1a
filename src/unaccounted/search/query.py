"""Search by name: read the query, fetch and score candidates, keep the best per person.

:func:`search` is the one entry point (the CLI's ``unaccounted search`` and the web call
it): the query is cleaned and read every plausible way (``keys.py``), each reading's
candidates are scored (``rank.py``), each person keeps its best record's score, filters
keep only persons with a record of the unit, region, status or birth years asked, and the
best ``limit`` persons come back with the reasons they matched (``explain.py``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import threading
import time

import numpy as np

from unaccounted.errors import InputError
from unaccounted.normalize.pack import load_pack
from unaccounted.normalize.record import Normalizer
from unaccounted.normalize.statuses import STATUSES
from unaccounted.normalize.units import UnitValue
from unaccounted.search.explain import describe, hit_for
from unaccounted.search.index import SearchIndex
from unaccounted.search.keys import clean_query, readings
from unaccounted.search.rank import best_possible, score_reading
from unaccounted.search.result import SearchResult
from unaccounted.store import Store

#: The most hits one query may ask for.
MAX_LIMIT = 500
_BORN = re.compile(r"^\s*(\d{4})\s*(?:[-–—/]|\.\.)?\s*(\d{4})?\s*$")

_LOADED: dict[str, SearchIndex] = {}
#: One load at a time: requests served side by side must not each load the same index.
_LOADING = threading.Lock()


def index_for(store: Store, normalizer: Normalizer | None = None) -> SearchIndex:
    """The workspace's index in memory, loaded again when the stored one has changed.

    ``normalizer`` should be the workspace's (``normalize.stage.normalizer_for``), so the
    query is read with the pack additions the records were; the plain pack otherwise.
    """
    key = str(store.path)
    index = _LOADED.get(key)
    if index is not None and index.is_current(store):
        return index
    with _LOADING:
        index = _LOADED.get(key)  # loaded by another caller meanwhile
        if index is None or not index.is_current(store):
            index = SearchIndex.load(store, normalizer or Normalizer(load_pack("ru")))
            _LOADED[key] = index
    return index


def search(
    source: Store | SearchIndex,
    text: str,
    *,
    unit: str | None = None,
    region: str | None = None,
    status: str | None = None,
    born: str | int | None = None,
    limit: int = 10,
    person_ids: frozenset[str] | None = None,
) -> SearchResult:
    """The persons best matching ``text``, best first, with why each matched.

    ``person_ids``: only these persons may be hits (a viewer sees published persons
    only); None: every person, and every record no link run has placed yet.

    ``unit`` and ``region`` are read as the records' are («25 ОМСБр», «Курская», codes);
    ``status`` is a canonical status; ``born`` a year or ``YEAR-YEAR``. A person passes a
    filter when any of its records does. Bad input gives a one-line :class:`InputError`.
    """
    t0 = time.perf_counter()
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    query = clean_query(text)
    index = source if isinstance(source, SearchIndex) else index_for(source)
    allowed, filters = _filters(index, unit, region, status, born)
    if person_ids is not None:
        only = index.person_mask(person_ids)
        allowed = only if allowed is None else allowed & only
    reads = readings(index.pack, query)
    if not reads:
        raise InputError(f"the search query «{query}» has no name in it: give letters")
    seen: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    found = [(i, s) for i, r in enumerate(reads)
             if not r.fallback and (s := score_reading(index, r, seen)) is not None]  # fmt: skip
    perfect = any(s.scores.max() >= best_possible(index, reads[i]) - 1e-9 for i, s in found)
    if not perfect:  # no reading as parsed fits a record fully: try the words in other roles
        found += [(i, s) for i, r in enumerate(reads)
                  if r.fallback and (s := score_reading(index, r, seen)) is not None]  # fmt: skip
    if not found:
        return SearchResult(query, [], [], filters, 0, time.perf_counter() - t0)
    reading_of = np.concatenate([np.full(len(s.records), i, np.int32) for i, s in found])
    at = np.concatenate([np.arange(len(s.records), dtype=np.int32) for _, s in found])
    scored = {i: s for i, s in found}
    records = np.concatenate([s.records for _, s in found])
    scores = np.concatenate([s.scores for _, s in found])
    persons = index.person_codes[records]
    keep = allowed[persons] if allowed is not None else np.ones(len(records), dtype=bool)
    records, scores, persons, reading_of, at = (x[keep] for x in (records, scores, persons,
                                                                  reading_of, at))  # fmt: skip
    # best record per person: sort by score (then record, for a stable order), first of each
    order = np.lexsort((records, -scores))
    first = np.unique(persons[order], return_index=True)[1]
    best = order[first]
    ranked = best[_ranking(index, persons[best], scores[best])]
    hits = []
    shown: list[str] = []
    for j in ranked[:limit]:
        reading = reads[int(reading_of[j])]
        s = scored[int(reading_of[j])]
        k = int(at[j])
        kinds = (int(s.surname[k]), int(s.given[k]), int(s.patronymic[k]))
        hits.append(hit_for(index, int(persons[j]), int(records[j]), float(scores[j]),
                            reading, kinds))  # fmt: skip
        text_of = describe(reading)
        if text_of not in shown:
            shown.append(text_of)
    return SearchResult(query, hits, shown, filters, len(best), time.perf_counter() - t0)


def _ranking(index: SearchIndex, persons: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The order of the persons' best records: score first; among equal scores the person
    with records from more sources, then with more records, then the lower person id (a
    fixed order, whatever order the index holds the records in)."""
    sizes = np.diff(index.by_person[1])[persons]
    sources = index.person_sources[persons]
    return np.lexsort((index.person_rank[persons], -sizes, -sources, -np.round(scores, 6)))


def _filters(
    index: SearchIndex, unit: str | None, region: str | None, status: str | None,
    born: str | int | None,
) -> tuple[np.ndarray | None, dict[str, str]]:  # fmt: skip
    """Persons allowed by the filters (None: no filter), and the filters as read."""
    masks: list[np.ndarray] = []
    shown: dict[str, str] = {}
    n = index.normalizer
    if unit is not None and str(unit).strip():
        text = clean_query(str(unit))
        read = n.units.read(text)
        if text in index.unit.lookup:  # a unit key as stored («msp:4», «vch:02009»)
            read = UnitValue(text, None, None, None, False, None, "unit key")
        if read is None or not (read.unit_key or read.unit_class_key):
            raise InputError(f"the unit «{unit}» is not one the normalizer can read")
        # the unit as read, the keys linked records show to be the same unit («msp:4» and
        # «vch:02009»), and the coarse class of each («regiment:4», for «4-й полк»)
        same = index.unit_codes(read.unit_key) if read.unit_key else set()
        classes = {index.class_of_unit[c] for c in same if c in index.class_of_unit}
        if read.unit_class_key:
            classes.add(index.unit_class.code(read.unit_class_key))
        mask = np.isin(index.unit.codes, sorted(same)) | np.isin(
            index.unit_class.codes, sorted(classes)
        )
        masks.append(mask)
        shown["unit"] = read.unit_key or read.unit_class_key or ""
    if region is not None and str(region).strip():
        text = clean_query(str(region))
        code = text.upper() if text.upper() in _region_codes(n) else n.regions.read(text).code
        if code is None:
            raise InputError(f"the region «{region}» is not one the normalizer can read")
        masks.append(
            (index.region.codes == index.region.code(code))
            | (index.hometown_region.codes == index.hometown_region.code(code))
        )
        shown["region"] = code
    if status is not None and str(status).strip():
        canonical = str(status).strip().lower()
        if canonical not in STATUSES:
            canonical = n.statuses.read(clean_query(str(status)))[0] or ""
        if canonical not in STATUSES:
            raise InputError(f"unknown status «{status}»; use one of {', '.join(STATUSES)}")
        masks.append(index.status.codes == index.status.code(canonical))
        shown["status"] = canonical
    if born is not None and str(born).strip():
        lo, hi = born_range(str(born))
        masks.append((index.birth_lo >= 0) & (index.birth_lo <= hi) & (index.birth_hi >= lo))
        shown["born"] = f"{lo}" if lo == hi else f"{lo}-{hi}"
    if not masks:
        return None, shown
    allowed = np.ones(index.persons, dtype=bool)
    for mask in masks:
        ok = np.zeros(index.persons, dtype=bool)
        ok[index.person_codes[mask]] = True
        allowed &= ok
    return allowed, shown


def _region_codes(normalizer: Normalizer) -> frozenset[str]:
    """The pack's region codes («RU-KRS»), which a filter may give as they are."""
    return frozenset(r["iso_code"] for r in normalizer.pack.data.table("regions"))


def born_range(text: str) -> tuple[int, int]:
    """``1985`` → (1985, 1985); ``1984-1986`` → (1984, 1986); else a one-line error."""
    m = _BORN.match(text)
    if m is None:
        raise InputError(f"born must be a year or YEAR-YEAR, not «{text[:40]}»")
    lo = int(m[1])
    hi = int(m[2]) if m[2] else lo
    if hi < lo or lo < 1800 or hi > 2100:
        raise InputError(f"born must be years between 1800 and 2100, low first, not «{text}»")
    return lo, hi


_DAY = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DIED_ERROR = ("died must be a year, YEAR-MM or YEAR-MM-DD, or two of them as FROM..TO "
               "(either end may be left open)")  # fmt: skip


def _day_range(text: str, whole: str) -> tuple[dt.date, dt.date]:
    """``2023`` → the year; ``2023-05`` → the month; ``2023-05-14`` → that day."""
    m = _DAY.match(text)
    if m is None:
        raise InputError(f"{_DIED_ERROR}, not «{whole[:40]}»")
    year = int(m[1])
    try:
        if m[3]:
            day = dt.date(year, int(m[2]), int(m[3]))
            return day, day
        if m[2]:
            month = int(m[2])
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
    except (ValueError, calendar.IllegalMonthError):
        raise InputError(f"died: «{text}» is not a date") from None
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def died_range(text: str) -> tuple[dt.date, dt.date]:
    """The inclusive range of days a ``--died`` filter asks for.

    A year, ``YEAR-MM`` or ``YEAR-MM-DD`` is that whole year, month or day; a range is two
    of them joined by ``..`` or ``/`` (``2023-05..2023-08-15``), either end open
    (``2024..``, ``..2023-06``); two years are read as ``--born`` reads them
    (:func:`born_range`): ``2022-2023`` is both years whole. Bad input is a one-line
    :class:`InputError`.
    """
    whole = text.strip()
    years = _BORN.match(whole)
    if years and years[2]:  # «2022-2023», «2022 – 2023», as --born reads them
        lo, hi = dt.date(int(years[1]), 1, 1), dt.date(int(years[2]), 12, 31)
    else:
        ends = [e.strip() for e in re.split(r"\.\.|/", whole)]
        if not whole or len(ends) > 2 or not any(ends):
            raise InputError(f"{_DIED_ERROR}, not «{whole[:40]}»")
        lo = _day_range(ends[0], whole)[0] if ends[0] else dt.date(1800, 1, 1)
        hi = _day_range(ends[-1], whole)[1] if ends[-1] else dt.date(2100, 12, 31)
    if hi < lo or lo.year < 1800 or hi.year > 2100:
        raise InputError(f"died must be dates between 1800 and 2100, earlier first, not «{whole}»")
    return lo, hi
