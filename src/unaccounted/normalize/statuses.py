"""Status words to a canonical status, from the pack's ``statuses.csv`` (word, status).

Canonical statuses: killed, died_of_wounds, died, missing, captured, wounded, returned,
alive, declared_dead, declared_missing, deserted. A value is matched whole first (after
lower-casing, ё → е and dropping punctuation other than ``/`` and ``-``), then by the
longest listed phrase it contains as whole words («погиб 7 марта под Бахмутом» → killed).
"""

from __future__ import annotations

import re
from functools import lru_cache

from unaccounted.errors import InputError
from unaccounted.normalize.pack import PackData

STATUSES: tuple[str, ...] = (
    "killed", "died_of_wounds", "died", "missing", "captured", "wounded", "returned",
    "alive", "declared_dead", "declared_missing", "deserted",
)  # fmt: skip

_PUNCT = re.compile(r"[^\w/\- ]+")


def _clean(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.lower().replace("ё", "е")).split())


class StatusReader:
    def __init__(self, data: PackData) -> None:
        self.words: dict[str, str] = {}
        for row in data.table("statuses"):
            if row["status"] not in STATUSES:
                raise InputError(
                    f"statuses.csv: unknown status {row['status']!r} for {row['word']!r}; "
                    f"use one of {', '.join(STATUSES)}"
                )
            self.words.setdefault(_clean(row["word"]), row["status"])
        phrases = sorted(self.words, key=len, reverse=True)
        self._search = re.compile(
            r"(?<![\w/])(" + "|".join(re.escape(p) for p in phrases) + r")(?![\w/])"
        )
        self.read = lru_cache(maxsize=50_000)(self._read)

    def _read(self, text: str | None) -> tuple[str | None, str]:
        """(canonical status or None, the rule that decided)."""
        if not text or not text.strip():
            return None, "empty"
        clean = _clean(text)
        if clean in self.words:
            return self.words[clean], f"status word «{clean}»"
        found = self._search.findall(clean)
        if found:
            best = max(found, key=len)
            return self.words[best], f"contains status word «{best}»"
        return None, "unknown status word"
