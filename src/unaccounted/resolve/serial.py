"""A person view as two JSON texts and back, exactly: the stored views are these texts.

The texts hold what the view's computation gave — claims with their provenance and values,
best values with their rules, the assessment, the grade and the status history — so that
:func:`decode` of both gives a :class:`PersonView` equal to the one :func:`encode` was
given (``as_dict()`` included). Claims are written once; the assessment, conflicts and
history name them by their position. A history entry's date, basis, status and event date
are its claim's; only its status class (which the rules decide) is written.

The **core** text has all but the bulk: each claim's values are only those the analyses
read (:data:`ANALYSIS_VALUES`), and each best value lacks its list of every value seen.
The **detail** text has those. Reading the core alone gives a *summary view*: equal to the
full one in everything but ``Claim.values`` and ``BestValue.values``, and about a quarter
of the text to read — what the unit, region, history and concealment reports and the
HTML report read (:func:`unaccounted.analyze.analyze`). Layouts (lists, not objects, to
keep the texts small and quick to read)::

    core:   {"f": FORMAT,
             "c": [[source, record_id, kind, group, status, status_raw, published,
                    event_lo, event_hi, event_edtf, birth_lo, birth_hi, birth_edtf,
                    url, quote, analysis values], …],
             "b": [[name, value, shown, rule, sources, conflict], …],
             "a": [fate, [claim, …], [[kind, detail, [claim, …]], …]],
             "g": [grade, rule, description, fate, sources, groups],
             "h": [[claim, status_class], …]}
    detail: {"v": [every value of each claim, …], "b": [every value of each best value, …]}
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from unaccounted.resolve.best import BestValue
from unaccounted.resolve.claims import Claim
from unaccounted.resolve.grade import Assessment, Conflict, GradeResult
from unaccounted.resolve.history import History, HistoryEntry
from unaccounted.resolve.view import PersonView

#: Format of the texts; stored views of another format are remade, never misread (the
#: format is part of the digest the views are stored with).
FORMAT = 1

#: The claim values the analyses read (unit alias groups, unit names): kept in the core.
ANALYSIS_VALUES = ("unit_key", "unit_class_key", "raw_unit")


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text is not None else None


def _no_other_types(value: object) -> Any:
    raise TypeError(f"a claim value of type {type(value).__name__} cannot be stored: {value!r}")


def _claim(c: Claim) -> list[Any]:
    return [
        c.source, c.record_id, c.kind, c.group, c.status, c.status_raw, _iso(c.published),
        _iso(c.event_lo), _iso(c.event_hi), c.event_edtf, _iso(c.birth_lo), _iso(c.birth_hi),
        c.birth_edtf, c.url, c.quote,
        {k: c.values[k] for k in ANALYSIS_VALUES if k in c.values},
    ]  # fmt: skip


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_no_other_types)


def encode(view: PersonView) -> tuple[str, str]:
    """The view as its (core, detail) texts; its person id is stored beside them."""
    at = {id(c): i for i, c in enumerate(view.claims)}
    a, g = view.assessment, view.grade
    data = {
        "f": FORMAT,
        "c": [_claim(c) for c in view.claims],
        "b": [
            [b.name, b.value, b.shown, b.rule, b.sources, b.conflict] for b in view.best.values()
        ],
        "a": [
            a.fate,
            [at[id(c)] for c in a.support],
            [[x.kind, x.detail, [at[id(c)] for c in x.claims]] for x in a.conflicts],
        ],
        "g": [g.grade, g.rule, g.description, g.fate, g.sources, g.groups],
        "h": [[at[id(e.claim)], e.status_class] for e in view.history.entries],
    }
    detail = {"v": [c.values for c in view.claims], "b": [b.values for b in view.best.values()]}
    return _dumps(data), _dumps(detail)


def decode(person_id: str, core: str, detail: str | None = None) -> PersonView:
    """The view :func:`encode` wrote; its summary (see above) when ``detail`` is None."""
    data = json.loads(core)
    more = json.loads(detail) if detail is not None else None
    every = more["v"] if more is not None else [x[15] for x in data["c"]]
    claims = [
        Claim(person_id, s, r, k, g, st, sr, _date(pub), _date(el), _date(eh), ee,
              _date(bl), _date(bh), be, u, q, values)
        for (s, r, k, g, st, sr, pub, el, eh, ee, bl, bh, be, u, q, _), values
        in zip(data["c"], every, strict=True)
    ]  # fmt: skip
    seen = more["b"] if more is not None else [[] for _ in data["b"]]
    fate, support, conflicts = data["a"]
    grade, rule, description, gfate, sources, groups = data["g"]
    entries = []
    for i, status_class in data["h"]:
        c = claims[i]
        entries.append(HistoryEntry(c.date, c.date_basis, c.status, status_class, c.event_edtf, c))
    return PersonView(
        person_id=person_id,
        claims=tuple(claims),
        best={
            name: BestValue(name, value, shown, rule_, srcs, values, conflict)
            for (name, value, shown, rule_, srcs, conflict), values in zip(
                data["b"], seen, strict=True
            )
        },
        assessment=Assessment(
            fate,
            tuple(claims[i] for i in support),
            tuple(Conflict(k, d, tuple(claims[i] for i in cs)) for k, d, cs in conflicts),
        ),
        grade=GradeResult(grade, rule, description, gfate, sources, groups),
        history=History(tuple(entries)),
    )
