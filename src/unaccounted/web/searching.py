"""The search the pages call: ``unaccounted.service.search.search`` when it is installed.

The search service is looked up when first used, so that the pages that do not search
work without it; a workspace without it gets a one-line message on the search page.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

from unaccounted.errors import InputError


class Search(Protocol):
    def __call__(
        self, s: Any, query: str, *, unit: str | None = None, region: str | None = None,
        status: str | None = None, born: str | None = None, limit: int = 10,
    ) -> Any: ...  # fmt: skip


def service_search() -> Search:
    """``unaccounted.service.search.search``, or a one-line error if it is not installed."""
    try:
        module = importlib.import_module("unaccounted.service.search")
    except ModuleNotFoundError as exc:
        if exc.name != "unaccounted.service.search":
            raise

        def missing(s: Any, query: str, **filters: Any) -> Any:
            raise InputError("search is not available in this installation")

        return missing
    found: Search = module.search
    return found


def hit_dict(hit: Any) -> dict[str, Any]:
    """A search hit as plain values (the JSON API's and the templates' shape)."""
    keys = ("person_id", "score", "name", "grade", "status", "unit", "region", "birth_year",
            "sources", "why")  # fmt: skip
    return {k: getattr(hit, k, None) for k in keys}
