"""Finding persons by name, in any script and form (the search/ package over the store's
index), with each hit's grade and current status from the stored person views."""

from __future__ import annotations

from collections.abc import Iterable

from unaccounted.errors import InputError
from unaccounted.normalize.record import Normalizer
from unaccounted.normalize.stage import normalizer_for
from unaccounted.resolve.rules import GRADES
from unaccounted.search import MAX_QUERY, Hit, SearchResult, index_for
from unaccounted.search import search as run_search
from unaccounted.search.query import died_range
from unaccounted.service.publication import visible_ids
from unaccounted.service.session import Session

__all__ = ["GRADES", "MAX_QUERY", "Hit", "SearchResult"]

#: The normalizer a workspace's queries are read with, made once per workspace and pack
#: (loading the pack costs more than answering a query).
_NORMALIZERS: dict[tuple[str, str, str], Normalizer] = {}


def _normalizer(s: Session) -> Normalizer:
    cfg = s.workspace.settings.normalize
    key = (str(s.workspace.root), cfg.locale, cfg.pack_dir)
    if key not in _NORMALIZERS:
        _NORMALIZERS[key] = normalizer_for(s.workspace)
    return _NORMALIZERS[key]


def search(
    s: Session, query: str, *, unit: str | None = None, region: str | None = None,
    status: str | None = None, born: str | None = None,
    grade: str | Iterable[str] | None = None, died: str | None = None, limit: int = 10,
) -> SearchResult:  # fmt: skip
    """The persons best matching ``query``, best first, each with why it matched.

    ``unit`` and ``region`` take any spelling the normalizer reads, ``status`` a canonical
    status, ``born`` a year or ``YEAR-YEAR``, ``grade`` one grade or several (of
    :data:`~unaccounted.resolve.rules.GRADES`; a person passes with any of them), ``died``
    a year, month or day or a range of them (:func:`~unaccounted.search.query.died_range`;
    a person passes when one of its records gives an event date, of death or of going
    missing, inside it). Grade and date filters keep persons only, never a record no link
    run has placed yet. Bad input is a one-line error. A viewer finds published persons
    only (``service/publication.py``).
    """
    grades = grades_asked(grade)
    event = died_range(died) if died is not None and died.strip() else None
    store = s.read("search")
    index = index_for(store, _normalizer(s))
    allowed = visible_ids(s)
    if grades is not None or event is not None:
        chosen = frozenset(store.persons_filtered(grades, event))
        allowed = chosen if allowed is None else allowed & chosen
    result = run_search(index, query, unit=unit, region=region, status=status, born=born,
                        limit=limit, person_ids=allowed)  # fmt: skip
    if grades is not None:
        result.filters["grade"] = ",".join(grades)
    if event is not None:
        result.filters["died"] = f"{event[0]}..{event[1]}"
    known = store.view_summaries([h.person_id for h in result.hits if h.person_id])
    for hit in result.hits:
        view = known.get(hit.person_id or "")
        if view is not None:
            hit.grade, hit.status = view["grade"], view["status"]
    return result


def grades_asked(grade: str | Iterable[str] | None) -> list[str] | None:
    """The grades a filter asks for, in the grading rules' order (None: no grade filter).

    Each may be given as ``confirmed`` or several at once as ``confirmed,probable``; an
    unknown grade is a one-line error naming the known ones."""
    given = [grade] if isinstance(grade, str) else list(grade or [])
    words = {w.strip().lower() for g in given for w in str(g).split(",") if w.strip()}
    if not words:
        return None
    unknown = sorted(words - set(GRADES))
    if unknown:
        raise InputError(f"unknown grade «{unknown[0]}»; use one of {', '.join(GRADES)}")
    return [g for g in GRADES if g in words]
