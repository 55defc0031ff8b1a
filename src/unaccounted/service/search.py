"""Finding persons by name, in any script and form (the search/ package over the store's
index), with each hit's grade and current status from the stored person views."""

from __future__ import annotations

from unaccounted.normalize.record import Normalizer
from unaccounted.normalize.stage import normalizer_for
from unaccounted.search import MAX_QUERY, Hit, SearchResult, index_for
from unaccounted.search import search as run_search
from unaccounted.service.publication import visible_ids
from unaccounted.service.session import Session

__all__ = ["MAX_QUERY", "Hit", "SearchResult"]

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
    status: str | None = None, born: str | None = None, limit: int = 10,
) -> SearchResult:  # fmt: skip
    """The persons best matching ``query``, best first, each with why it matched.

    ``unit`` and ``region`` take any spelling the normalizer reads, ``status`` a canonical
    status, ``born`` a year or ``YEAR-YEAR``; bad input is a one-line error. A viewer finds
    published persons only (``service/publication.py``).
    """
    store = s.read("search")
    index = index_for(store, _normalizer(s))
    result = run_search(index, query, unit=unit, region=region, status=status, born=born,
                        limit=limit, person_ids=visible_ids(s))  # fmt: skip
    known = store.view_summaries([h.person_id for h in result.hits if h.person_id])
    for hit in result.hits:
        view = known.get(hit.person_id or "")
        if view is not None:
            hit.grade, hit.status = view["grade"], view["status"]
    return result
