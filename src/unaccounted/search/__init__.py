"""Search by name, in any script and form: ``search(store_or_index, "Серёжа Петров")``.

The index lives in the store (``search_index``, schema 5), kept current by
:func:`update_index` after any stage; :class:`SearchIndex` is its in-memory form, which a
server loads once and reloads when the stored one changes (:func:`index_for` does this).
"""

from unaccounted.search.index import IndexUpdate, SearchIndex, rebuild_index, update_index
from unaccounted.search.keys import MAX_QUERY
from unaccounted.search.query import index_for, search
from unaccounted.search.result import Hit, SearchResult

__all__ = [
    "MAX_QUERY",
    "Hit",
    "IndexUpdate",
    "SearchIndex",
    "SearchResult",
    "index_for",
    "rebuild_index",
    "search",
    "update_index",
]
