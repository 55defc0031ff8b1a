"""The search the pages call (``unaccounted.service.search.search`` unless a test gives
another), and a hit as the plain values the templates and the JSON API show."""

from __future__ import annotations

from typing import Any, Protocol

from unaccounted.service.search import search as service_search

__all__ = ["Search", "hit_dict", "service_search"]


class Search(Protocol):
    def __call__(
        self, s: Any, query: str, *, unit: str | None = None, region: str | None = None,
        status: str | None = None, born: str | None = None,
        grade: list[str] | None = None, died: str | None = None, limit: int = 10,
    ) -> Any: ...  # fmt: skip


def _joined(hit: Any, many: str, one: str) -> str | None:
    values = getattr(hit, many, None)
    if values:
        return ", ".join(str(v) for v in values)
    value = getattr(hit, one, None)
    return None if value is None else str(value)


def hit_dict(hit: Any) -> dict[str, Any]:
    """A search hit as plain values: the name as written in the best-matching record, grade,
    status, units, regions, birth years, number of sources, and why it matched."""
    return {
        "person_id": hit.person_id, "score": hit.score, "name": hit.name,
        "grade": getattr(hit, "grade", None), "status": getattr(hit, "status", None),
        "unit": _joined(hit, "units", "unit"), "region": _joined(hit, "regions", "region"),
        "birth_year": _joined(hit, "birth_years", "birth_year"),
        "sources": getattr(hit, "sources", None), "why": list(getattr(hit, "why", []) or []),
    }  # fmt: skip
