"""One record's raw values to its normalized fields, with the rule behind each field.

:class:`Normalizer` is built once per pack and is pure: the same raw values always give
the same fields, so ``explain-record`` can re-derive the explanation of a stored row.
Every reader caches its results by raw string; at scale most values repeat (dates,
units, regions, statuses, common names), which is where the speed comes from.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyarrow as pa

from unaccounted.normalize.ages import birth_from_age, parse_age
from unaccounted.normalize.dates import _HAS_YEAR, DateParser
from unaccounted.normalize.model import NAME_FIELDS, PartialDate
from unaccounted.normalize.pack import LanguagePack
from unaccounted.normalize.places import PlaceReader
from unaccounted.normalize.regions import RegionReader
from unaccounted.normalize.statuses import StatusReader
from unaccounted.normalize.units import UnitReader

#: Bumped when the core's rules change; with the pack's digest it makes ``norm_version``.
CORE_VERSION = 3

#: Names a source must show before its usual case is trusted (``detect_name_hints``).
_MIN_HINT_SAMPLE = 10
#: Share of a source's names of two or more words that must put the surname first.
_SURNAME_FIRST_SHARE = 0.9

#: The normalized columns (store/migrations/0002_normalized.sql; ``name_rank``: 0005).
FIELDS: tuple[str, ...] = (
    "surname", "given_name", "patronymic", "given_initial", "patronymic_initial",
    "given_candidates", "surname_key", "given_key", "patronymic_key", "surname_phonetic",
    "name_block", "sex", "name_script", "name_case", "name_order", "name_rank",
    "birth_lo", "birth_hi", "birth_precision", "birth_edtf", "birth_candidates", "birth_year",
    "age", "event_lo", "event_hi", "event_precision", "event_edtf", "event_candidates",
    "published_date", "status", "unit_key", "unit_class_key", "unit_type", "unit_number",
    "unit_guards", "unit_vch", "region_code", "hometown_region_code", "hometown_settlement",
    "event_place_name", "event_region_code",
)  # fmt: skip


#: The raw record columns the normalizer reads.
RAW_COLUMNS = (
    "full_name",
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "birth_date",
    "age",
    "status",
    "event_date",
    "event_place",
    "unit",
    "region",
    "hometown",
    "published",
)


_NAME_FIELDS = FIELDS[:16]
assert _NAME_FIELDS == NAME_FIELDS
_BIRTH_FIELDS = FIELDS[16:21]
_EVENT_FIELDS = FIELDS[23:28]
_REST_FIELDS = FIELDS[29:]
_UNIT_FIELDS = ("unit_key", "unit_class_key", "unit_type", "unit_number", "unit_guards",
                "unit_vch")  # fmt: skip
_HOME_FIELDS = ("hometown_region_code", "hometown_settlement")
_PLACE_FIELDS = ("event_place_name", "event_region_code")
_LIST_FIELDS = frozenset({"given_candidates", "birth_candidates", "event_candidates"})
assert _BIRTH_FIELDS[0] == "birth_lo" and _EVENT_FIELDS[0] == "event_lo"
assert FIELDS[21:23] == ("birth_year", "age") and FIELDS[28] == "published_date"

#: The Arrow type of each normalized field (strings unless listed).
ARROW_TYPES: dict[str, pa.DataType] = {
    "given_candidates": pa.list_(pa.string()), "birth_candidates": pa.list_(pa.date32()),
    "event_candidates": pa.list_(pa.date32()), "birth_year": pa.int32(), "age": pa.int32(),
    "unit_number": pa.int32(), "unit_guards": pa.bool_(),
    **{f: pa.date32() for f in ("birth_lo", "birth_hi", "event_lo", "event_hi",
                                "published_date")},
}  # fmt: skip


@dataclass(frozen=True)
class Explained:
    field: str
    raw: str | None
    value: Any
    rule: str


class Normalizer:
    def __init__(self, pack: LanguagePack) -> None:
        self.pack = pack
        self.dates = DateParser(pack.data)
        self.statuses = StatusReader(pack.data)
        self.units = UnitReader(pack.data, pack.script_key)
        self.regions = RegionReader(pack.data, pack.script_key)
        self.places = PlaceReader(pack.data)

        self._date = lru_cache(maxsize=100_000)(self._date_values)
        self._aged = lru_cache(maxsize=100_000)(self._age_values)
        self._unit = lru_cache(maxsize=50_000)(self._unit_values)
        self._published = lru_cache(maxsize=50_000)(self.dates.parse)
        self._shape = lru_cache(maxsize=50_000)(_date_shape)
        self._home = lru_cache(maxsize=50_000)(self._home_values)
        self._place = lru_cache(maxsize=50_000)(self._place_values)
        self._readers: tuple[tuple[tuple[str, ...], str, Any], ...] = (
            (("status",), "status", lambda x: (self.statuses.read(x)[0],)),
            (_UNIT_FIELDS, "unit", self._unit),
            (("region_code",), "region", lambda x: (self.regions.read(x).code,)),
            (_HOME_FIELDS, "hometown", self._home),
            (_PLACE_FIELDS, "event_place", self._place),
        )
        assert tuple(f for fields, _, _ in self._readers for f in fields) == _REST_FIELDS

    def clear_caches(self) -> None:
        """Forget every cached result, the pack's too (for measuring the uncached cost)."""
        self.pack.clear_caches()
        places = self.places
        for memo in (self._date, self._aged, self._unit, self._home, self._place,
                     self._published, self._shape, self.statuses.read, self.units.read,
                     self.regions.read, places.settlement, places.event_place):  # fmt: skip
            memo.cache_clear()
        self.dates._cache.clear()

    @property
    def version(self) -> str:
        return f"core{CORE_VERSION}+{self.pack.digest}"

    def normalize(self, raw: Mapping[str, Any], date_order: str | None = None) -> dict[str, Any]:
        """The normalized fields (``FIELDS``) of one record's raw values."""
        row = {c: raw.get(c) for c in RAW_COLUMNS}
        row["source_id"] = ""
        columns = self.normalize_batch([row], {"": date_order} if date_order else {})
        return {f: values[0] for f, values in columns.items()}

    def normalize_batch(
        self,
        rows: Sequence[Mapping[str, Any]],
        date_orders: Mapping[str, str],
        name_hints: Mapping[str, str] | None = None,
    ) -> dict[str, list[Any]]:
        """``FIELDS`` → one value per row (rows are dicts with ``source_id`` and raw columns)."""
        columns = {c: [r.get(c) for r in rows] for c in ("source_id", *RAW_COLUMNS)}
        return self.normalize_columns(columns, date_orders, name_hints)

    def normalize_columns(
        self,
        cols: Mapping[str, Sequence[Any]],
        date_orders: Mapping[str, str],
        name_hints: Mapping[str, str] | None = None,
    ) -> dict[str, list[Any]]:
        """``FIELDS`` → one value per row, from raw columns (``source_id`` and ``RAW_COLUMNS``).

        The fast path: each part of the record (name, each date, the rest) is computed once
        per distinct raw value and spread back by lookup; parts are cached across batches
        too. ``date_orders`` maps a ``source_id`` to ``dmy``/``mdy`` (``"*"``: any source),
        ``name_hints`` to the pack's name hint (see :meth:`detect_name_hints`).
        Gives exactly what :meth:`explain` gives, without the explanations.
        """
        n = len(cols["source_id"])
        if n == 0:
            return {f: [] for f in FIELDS}
        gc_was_on = gc.isenabled()
        gc.disable()  # the caches hold millions of objects: a collection costs more than it frees
        try:
            out: dict[str, list[Any]] = {}
            for fields, values, positions in self._columns(cols, date_orders, n, name_hints):
                if positions is not None:
                    values = [values[i] for i in positions]
                if len(fields) == 1 and positions is None:
                    out[fields[0]] = list(values)
                    continue
                for f, column in zip(fields, zip(*values, strict=True), strict=True):
                    out[f] = [list(v) if v is not None else None for v in column] if (
                        f in _LIST_FIELDS) else list(column)  # fmt: skip
            return {f: out[f] for f in FIELDS}
        finally:
            if gc_was_on:
                gc.enable()

    def _columns(
        self,
        cols: Mapping[str, Sequence[Any]],
        date_orders: Mapping[str, str],
        n: int,
        name_hints: Mapping[str, str] | None = None,
    ) -> list[tuple[tuple[str, ...], list[Any], list[int] | None]]:
        """(fields, values, positions) for each part of the record.

        ``values`` holds one value (or tuple of values, one per field) per row, or, when
        ``positions`` is given, per distinct input, with each row's index into them.
        """
        default = date_orders.get("*")
        orders = [date_orders.get(s, default) for s in cols["source_id"]] if date_orders else [
            None] * n  # fmt: skip
        published = _spread(self._published, cols["published"])
        refs = [p.hi if p is not None else None for p in published]
        dates = []
        for col in ("birth_date", "event_date"):
            texts = cols[col]
            shapes = _spread(self._shape, texts)
            keys = [(t, r if sh[0] else None, o if sh[1] else None)
                    for t, r, o, sh in zip(texts, refs, orders, shapes, strict=True)]  # fmt: skip
            dates.append(_distinct(lambda k: self._date(*k), keys))
        (birth, birth_at), (event, event_at) = dates
        ages = _spread(parse_age, cols["age"])
        aged: dict[tuple[Any, ...], int] = {}
        for i, age in enumerate(ages):
            if age is None or birth[birth_at[i]][0] is not None:
                continue
            e = event[event_at[i]]
            if e[0] is not None or refs[i] is not None:  # a birth interval from the age
                b = self._aged(age, e, published[i])
                slot = aged.get(b)
                if slot is None:
                    slot = aged[b] = len(birth)
                    birth.append(b)
                birth_at[i] = slot
        year_of = [b[0].year if b[0] is not None and b[0].year == b[1].year else None
                   for b in birth]  # fmt: skip
        years = [year_of[i] for i in birth_at]
        hints = [name_hints.get(x) for x in cols["source_id"]] if name_hints else [None] * n
        name_keys = zip(cols["full_name"], cols["surname"], cols["given_name"],
                        cols["patronymic"], cols["sex"], hints, strict=True)  # fmt: skip
        names, name_at = _distinct(lambda k: self.pack.name_values(*k), name_keys)
        groups = [
            (_NAME_FIELDS, names, name_at), (_BIRTH_FIELDS, birth, birth_at),
            (("birth_year",), years, None), (("age",), ages, None),
            (_EVENT_FIELDS, event, event_at), (("published_date",), refs, None),
        ]  # fmt: skip
        # the other fields each depend on one raw column: read once per distinct value
        for fields, column, read in self._readers:
            values, at = _distinct(read, cols[column])
            groups.append((fields, values, at))
        return groups

    def normalize_arrow(
        self,
        cols: Mapping[str, Sequence[Any]],
        date_orders: Mapping[str, str],
        name_hints: Mapping[str, str] | None = None,
    ) -> dict[str, pa.Array]:
        """As :meth:`normalize_columns`, as Arrow arrays; each distinct value converted once."""
        n = len(cols["source_id"])
        gc_was_on = gc.isenabled()
        gc.disable()
        try:
            groups = self._columns(cols, date_orders, n, name_hints) if n else []
            out: dict[str, pa.Array] = {}
            for fields, values, positions in groups:
                if len(fields) == 1 and positions is None:
                    out[fields[0]] = pa.array(values, ARROW_TYPES.get(fields[0], pa.string()))
                    continue
                if positions is None:
                    index: dict[Any, int] = {}
                    positions = [index.setdefault(v, len(index)) for v in values]
                    values = list(index)
                take = pa.array(positions, pa.int32())
                for f, column in zip(fields, zip(*values, strict=True), strict=True):
                    out[f] = pa.array(column, ARROW_TYPES.get(f, pa.string())).take(take)
        finally:
            if gc_was_on:
                gc.enable()
        return out if n else {f: pa.array([], ARROW_TYPES.get(f, pa.string())) for f in FIELDS}

    def _date_values(self, text: str | None, ref: dt.date | None,
                     order: str | None) -> tuple[Any, ...]:  # fmt: skip
        d = self.dates.parse(text, ref, order)
        if d is None:
            return (None, None, None, None, None)
        return (d.lo, d.hi, d.precision, d.edtf, tuple(d.candidates) if d.candidates else None)

    def _age_values(self, age: int, event: tuple[Any, ...],
                    published: PartialDate | None) -> tuple[Any, ...]:  # fmt: skip
        if event[0] is not None:
            anchor = PartialDate(event[0], event[1], event[2], event[3], "")
        else:
            assert published is not None
            anchor = _until(published)
        b = birth_from_age(age, anchor)
        return (b.lo, b.hi, b.precision, b.edtf, None)

    def _unit_values(self, text: str | None) -> tuple[Any, ...]:
        u = self.units.read(text)
        if u is None:
            return (None, None, None, None, None, None)
        return (u.unit_key, u.unit_class_key, u.unit_type, u.unit_number, u.unit_guards,
                u.unit_vch)  # fmt: skip

    def _home_values(self, text: str | None) -> tuple[Any, ...]:
        return (self.regions.read(text).code, self.places.settlement(text))

    def _place_values(self, text: str | None) -> tuple[Any, ...]:
        name, region, _ = self.places.event_place(text)
        return (name, region)

    def detect_name_hints(self, names: Mapping[str, Sequence[str | None]]) -> dict[str, str]:
        """Per source, how it usually writes names, from a sample of them.

        ``"oblique"`` when most of its sampled names are not in the nominative: obituaries
        write «простились с Алексеем Юрьевичем Чупиковым»; in such a source an ambiguous
        «Александра Котова» is a man in the genitive, not a woman. ``"surname_first"``
        when nearly all its names of two or more words put the surname first (official
        lists: «Батрес Карлос» is then surname Батрес). Both join as
        ``"oblique+surname_first"``.
        """
        found: dict[str, str] = {}
        for source, sample in names.items():
            parsed = [self.pack.parse_name(x) for x in sample if x]
            flags = []
            decided = [n.case for n in parsed if n.case]
            if len(decided) >= _MIN_HINT_SAMPLE:
                oblique = sum(1 for c in decided if c != "nominative")
                if oblique * 2 > len(decided):
                    flags.append("oblique")
            orders = [o for o in (_word_order(n.order) for n in parsed) if len(o) >= 2]
            if len(orders) >= _MIN_HINT_SAMPLE:
                first = sum(1 for o in orders if o.startswith("S"))
                if first >= _SURNAME_FIRST_SHARE * len(orders):
                    flags.append("surname_first")
            if flags:
                found[source] = "+".join(flags)
        return found

    def explain(
        self,
        raw: Mapping[str, Any],
        date_order: str | None = None,
        name_hint: str | None = None,
    ) -> list[Explained]:
        """Every normalized field with the raw value it came from and the deciding rule."""
        out: list[Explained] = []
        add = out.append
        get = raw.get
        name = self.pack.parse_name(get("full_name"), get("surname"), get("given_name"),
                                    get("patronymic"), get("sex"), name_hint)  # fmt: skip
        written = " / ".join(str(get(c)) for c in ("full_name", "surname", "given_name",
                                                    "patronymic") if get(c))  # fmt: skip
        key = self.pack.script_key
        r = name.rules
        add(Explained("surname", written, name.surname, r.get("surname", "")))
        add(Explained("given_name", written, name.given_name, r.get("given_name", "")))
        add(Explained("patronymic", written, name.patronymic, r.get("patronymic", "")))
        add(Explained("given_initial", written, name.given_initial,
                      r.get("given_initial", "first letter of the given name")))  # fmt: skip
        add(Explained("patronymic_initial", written, name.patronymic_initial,
                      r.get("patronymic_initial", "first letter of the patronymic")))  # fmt: skip
        add(Explained("given_candidates", written, list(name.given_candidates),
                      "every canonical name the written form may stand for"))  # fmt: skip
        for part, value in (("surname", name.surname), ("given", name.given_name),
                            ("patronymic", name.patronymic)):  # fmt: skip
            add(Explained(f"{part}_key", value, key(value) if value else None, "script key"))
        phon = self.pack.phonetic_key(name.surname) if name.surname else None
        add(Explained("surname_phonetic", name.surname, phon, "phonetic key, sex endings folded"))
        block = f"{phon}:{name.given_initial}" if phon and name.given_initial else None
        add(Explained("name_block", None, block, "surname phonetic key : given initial"))
        add(Explained("sex", get("sex"), name.sex, r.get("sex", "")))
        add(Explained("name_script", written, name.script, "letters of the written name"))
        add(Explained("name_case", written, name.case, "case shown by given name or patronymic"))
        add(Explained("name_order", written, name.order, "best-fitting order of name parts"))
        add(Explained("name_rank", written, name.rank, r.get("name_rank", "no rank in the name")))

        published = self.dates.parse(get("published"))
        ref = published.hi if published else None
        birth = self.dates.parse(get("birth_date"), ref, date_order)
        event = self.dates.parse(get("event_date"), ref, date_order)
        age = parse_age(get("age"))
        birth_rule = birth.rule if birth else ("unparsed" if get("birth_date") else "empty")
        if birth is None and age is not None and (event or published):
            anchor = event or published
            assert anchor is not None
            birth = birth_from_age(age, anchor if event else _until(anchor))
            birth_rule = birth.rule + ("" if event else " (event no later than publication)")
        self._explain_date(add, "birth", get("birth_date") or get("age"), birth, birth_rule)
        add(Explained("birth_year", get("birth_date"), birth.year if birth else None,
                      "the year, when the interval lies within one"))  # fmt: skip
        add(Explained("age", get("age"), age, "years of age as written"))
        event_rule = event.rule if event else ("unparsed" if get("event_date") else "empty")
        self._explain_date(add, "event", get("event_date"), event, event_rule)
        add(Explained("published_date", get("published"), published.hi if published else None,
                      published.rule if published else "empty or unparsed"))  # fmt: skip

        status, rule = self.statuses.read(get("status"))
        add(Explained("status", get("status"), status, rule))
        unit = self.units.read(get("unit"))
        unit_rule = unit.rule if unit else "empty"
        for f in ("unit_key", "unit_class_key", "unit_type", "unit_number", "unit_guards",
                  "unit_vch"):  # fmt: skip
            add(Explained(f, get("unit"), getattr(unit, f) if unit else None, unit_rule))
        region = self.regions.read(get("region"))
        add(Explained("region_code", get("region"), region.code, region.rule))
        home = self.regions.read(get("hometown"))
        add(Explained("hometown_region_code", get("hometown"), home.code, home.rule))
        settlement = self.places.settlement(get("hometown"))
        add(Explained("hometown_settlement", get("hometown"), settlement,
                      "settlement name without its type and region"))  # fmt: skip
        place, place_region, place_rule = self.places.event_place(get("event_place"))
        add(Explained("event_place_name", get("event_place"), place, place_rule))
        add(Explained("event_region_code", get("event_place"), place_region, place_rule))
        return out

    @staticmethod
    def _explain_date(
        add: Any, prefix: str, raw: str | None, d: PartialDate | None, rule: str
    ) -> None:
        add(Explained(f"{prefix}_lo", raw, d.lo if d else None, rule))
        add(Explained(f"{prefix}_hi", raw, d.hi if d else None, rule))
        add(Explained(f"{prefix}_precision", raw, d.precision if d else None, rule))
        add(Explained(f"{prefix}_edtf", raw, d.edtf if d else None, rule))
        cands = list(d.candidates) if d and d.candidates else None
        add(Explained(f"{prefix}_candidates", raw, cands, rule))


def _word_order(order: str | None) -> str:
    """The roles of a name's words without its initials («S I I» → «S»)."""
    return "" if not order or order == "columns" else order.replace("I", "").replace(" ", "")


def _spread(fn: Any, values: Sequence[Any]) -> list[Any]:
    """``fn`` of every value, computed once per distinct value."""
    memo = {v: fn(v) for v in dict.fromkeys(values)}
    return [memo[v] for v in values]


def _distinct(fn: Any, keys: Iterable[Any]) -> tuple[list[Any], list[int]]:
    """``fn`` of each distinct key (first seen first), and each key's index into them."""
    index: dict[Any, int] = {}
    positions = [index.setdefault(k, len(index)) for k in keys]
    return [fn(k) for k in index], positions


def _date_shape(text: str | None) -> tuple[bool, bool]:
    """(needs a reference date, may need a day/month order) — to share cache entries."""
    if not text:
        return False, False
    return _HAS_YEAR.search(text) is None, "/" in text


def _until(published: PartialDate) -> PartialDate:
    """«Some time up to the publication date», within two years before it."""
    lo = published.lo - dt.timedelta(days=730)
    return PartialDate(lo, published.hi, "range", f"{lo.isoformat()}/{published.hi.isoformat()}",
                       "before publication")  # fmt: skip
