"""A person view as four JSON texts and back, exactly: the stored views are these texts.

The texts hold what the view's computation gave — claims with their provenance and values,
best values with their rules, the assessment, the grade and the status history — so that
the view read back (:class:`StoredView`) equals the one :func:`encode` was given
(``as_dict()`` included). Claims are written once; the assessment, conflicts and history
name them by their position. A history entry's date, basis, status and event date are its
claim's; only its status class (which the rules decide) is written.

Each part is its own text, decoded the first time it is used: the concealment report
reads every person's claims but nobody's best values; a unit's dossier reads the best
values of the unit's persons only. The ``detail`` text holds the bulk no analysis reads —
each claim's values beyond :data:`ANALYSIS_VALUES`, each best value's list of every value
seen; a view read without it is a *summary*: equal to the full view but for
``Claim.values`` and ``BestValue.values``. Layouts (lists, not objects, to keep the texts
small and quick to read)::

    claims:  [[source, record_id, kind, group, status, status_raw, published, event_lo,
               event_hi, event_edtf, birth_lo, birth_hi, birth_edtf, url, quote,
               analysis values, recorded, version], …]
    best:    [[name, value, shown, rule, sources, conflict], …]
    grading: {"a": [fate, [claim, …], [[kind, detail, [claim, …]], …]],
              "g": [grade, rule, description, fate, sources, groups],
              "h": [[claim, status_class], …],
              "s": [superseded claim (as in claims), …]}

A history entry's claim number counts the current claims first, then the superseded ones
of ``"s"`` (earlier versions of a record, which only the history shows).
    detail:  {"v": [every value of each claim, …], "b": [every value of each best value, …]}
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, NamedTuple

from unaccounted.resolve.best import BestValue
from unaccounted.resolve.claims import Claim
from unaccounted.resolve.grade import Assessment, Conflict, GradeResult
from unaccounted.resolve.history import History, HistoryEntry
from unaccounted.resolve.view import PersonView

#: Format of the texts; stored views of another format are remade, never misread (the
#: format is part of the digest the views are stored with).
FORMAT = 3

#: The claim values the analyses read (unit alias groups, unit names): kept with the claims.
ANALYSIS_VALUES = ("unit_key", "unit_class_key", "raw_unit")


class Texts(NamedTuple):
    claims: str
    best: str
    grading: str
    detail: str | None


class RowTexts:
    """The texts of one row of an Arrow table of views, each made a ``str`` when read."""

    __slots__ = ("_columns", "_row")

    def __init__(self, columns: dict[str, Any], row: int) -> None:
        self._columns = columns
        self._row = row

    def _text(self, name: str) -> Any:
        return self._columns[name][self._row].as_py()

    @property
    def claims(self) -> str:
        return str(self._text("claims"))

    @property
    def best(self) -> str:
        return str(self._text("best"))

    @property
    def grading(self) -> str:
        return str(self._text("grading"))

    @property
    def detail(self) -> str | None:
        found = self._text("detail")
        return None if found is None else str(found)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text is not None else None


def _no_other_types(value: object) -> Any:
    raise TypeError(f"a claim value of type {type(value).__name__} cannot be stored: {value!r}")


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_no_other_types)


def _claim(c: Claim) -> list[Any]:
    return [
        c.source, c.record_id, c.kind, c.group, c.status, c.status_raw, _iso(c.published),
        _iso(c.event_lo), _iso(c.event_hi), c.event_edtf, _iso(c.birth_lo), _iso(c.birth_hi),
        c.birth_edtf, c.url, c.quote,
        {k: c.values[k] for k in ANALYSIS_VALUES if k in c.values}, _iso(c.recorded), c.version,
    ]  # fmt: skip


def encode(view: PersonView) -> Texts:
    """The view's texts; its person id is stored beside them."""
    at = {id(c): i for i, c in enumerate(view.claims)}
    superseded = [e.claim for e in view.history.entries if e.claim.superseded]
    at.update({id(c): len(view.claims) + i for i, c in enumerate(superseded)})
    a, g = view.assessment, view.grade
    grading = {
        "a": [
            a.fate,
            [at[id(c)] for c in a.support],
            [[x.kind, x.detail, [at[id(c)] for c in x.claims]] for x in a.conflicts],
        ],
        "g": [g.grade, g.rule, g.description, g.fate, g.sources, g.groups],
        "h": [[at[id(e.claim)], e.status_class] for e in view.history.entries],
        "s": [_claim(c) for c in superseded],
    }
    best = [[b.name, b.value, b.shown, b.rule, b.sources, b.conflict] for b in view.best.values()]
    detail = {"v": [c.values for c in view.claims], "b": [b.values for b in view.best.values()]}
    return Texts(
        _dumps([_claim(c) for c in view.claims]), _dumps(best), _dumps(grading), _dumps(detail)
    )


class StoredView(PersonView):
    """A view read from its texts, each part decoded the first time it is used.

    It equals the :class:`PersonView` it was written from (a summary, read without its
    detail, equals it but for the values described above).
    """

    def __init__(self, person_id: str, texts: Texts | RowTexts, region: str | None = None) -> None:
        """``region``: the best region code, stored beside the texts, read without them."""
        object.__setattr__(self, "person_id", person_id)
        object.__setattr__(self, "_texts", texts)
        object.__setattr__(self, "_region", region)

    def best_value(self, name: str) -> str | None:
        if name == "region" and "best" not in self.__dict__:
            region: str | None = self.__dict__["_region"]
            return region
        return super().best_value(name)

    def __getattr__(self, name: str) -> Any:
        """Decode a part not decoded yet (called only for attributes not set)."""
        texts: Texts | RowTexts | None = self.__dict__.get("_texts")
        if texts is None or name not in ("claims", "best", "assessment", "grade", "history"):
            raise AttributeError(name)
        if name == "claims":
            object.__setattr__(self, "claims", self._claims(texts))
        elif name == "best":
            object.__setattr__(self, "best", self._best(texts))
        elif name == "grade":  # the grade alone names no claim: decoded without them
            object.__setattr__(self, "grade", GradeResult(*self._parsed("grading")["g"]))
        else:
            self._grading(texts)
        return self.__dict__[name]

    def _parsed(self, part: str) -> Any:
        """A part's text parsed (once) into lists and dicts."""
        key = f"_{part}_data"
        if key not in self.__dict__:
            object.__setattr__(self, key, json.loads(getattr(self.__dict__["_texts"], part)))
        return self.__dict__[key]

    def _detail(self, texts: Texts | RowTexts) -> Any:
        if "_detail_data" not in self.__dict__:
            detail = texts.detail
            object.__setattr__(self, "_detail_data", None if detail is None else json.loads(detail))
        return self.__dict__["_detail_data"]

    def _claims(self, texts: Texts | RowTexts) -> tuple[Claim, ...]:
        rows = json.loads(texts.claims)
        detail = self._detail(texts)
        every = detail["v"] if detail is not None else [x[15] for x in rows]
        return tuple(self._claim(row, values) for row, values in zip(rows, every, strict=True))

    def _claim(self, row: list[Any], values: dict[str, Any], superseded: bool = False) -> Claim:
        s, r, k, g, st, sr, pub, el, eh, ee, bl, bh, be, u, q, _, rec, version = row
        return Claim(self.person_id, s, r, k, g, st, sr, _date(pub), _date(el), _date(eh), ee,
                     _date(bl), _date(bh), be, u, q, _date(rec), version, superseded,
                     values)  # fmt: skip

    def _best(self, texts: Texts | RowTexts) -> dict[str, BestValue]:
        rows = json.loads(texts.best)
        detail = self._detail(texts)
        seen = detail["b"] if detail is not None else [[] for _ in rows]
        return {
            name: BestValue(name, value, shown, rule, sources, values, conflict)
            for (name, value, shown, rule, sources, conflict), values in zip(
                rows, seen, strict=True
            )
        }

    def _grading(self, texts: Texts | RowTexts) -> None:
        data = self._parsed("grading")
        claims = self.claims + tuple(self._claim(x, x[15], True) for x in data["s"])
        fate, support, conflicts = data["a"]
        assessment = Assessment(
            fate,
            tuple(claims[i] for i in support),
            tuple(Conflict(k, d, tuple(claims[i] for i in cs)) for k, d, cs in conflicts),
        )
        entries = []
        for i, status_class in data["h"]:
            c = claims[i]
            entries.append(
                HistoryEntry(c.date, c.date_basis, c.status, status_class, c.event_edtf, c)
            )
        object.__setattr__(self, "assessment", assessment)
        object.__setattr__(self, "history", History(tuple(entries)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PersonView):
            return NotImplemented
        return _fields(self) == _fields(other)

    __hash__ = PersonView.__hash__


def _fields(v: PersonView) -> tuple[Any, ...]:
    return (v.person_id, v.claims, v.best, v.assessment, v.grade, v.history)


def decode(person_id: str, texts: Texts | RowTexts, region: str | None = None) -> PersonView:
    """The view whose texts :func:`encode` wrote (a summary when ``texts.detail`` is None);
    ``region``, its best region code (the ``region`` column beside the texts)."""
    return StoredView(person_id, texts, region)
