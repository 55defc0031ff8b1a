"""Category words to a canonical category, from the pack's ``categories.csv`` (word, category).

Canonical categories: mobilized, contract, volunteer, conscript, prisoner (convicts recruited
from prisons), pmc (private military companies), national_guard. Matching is that of the
status words (``normalize/statuses.py``): whole first, then the longest listed phrase the
value contains as whole words («мобилизованный из Бурятии» → mobilized). Categories group
persons for ``estimate --by category``; a value no word matches is kept as written.
"""

from __future__ import annotations

from functools import lru_cache

from unaccounted.normalize.pack import PackData
from unaccounted.normalize.statuses import read_phrases

CATEGORIES: tuple[str, ...] = (
    "mobilized", "contract", "volunteer", "conscript", "prisoner", "pmc", "national_guard",
)  # fmt: skip


class CategoryReader:
    def __init__(self, data: PackData) -> None:
        self.table = read_phrases(data, "categories", "category", CATEGORIES)
        self.read = lru_cache(maxsize=10_000)(self._read)

    def _read(self, text: str | None) -> str | None:
        """The canonical category, the value as written when no word matches, None if empty."""
        if not text or not text.strip():
            return None
        got = self.table.match(text)
        return got[0] if got else " ".join(text.split())
