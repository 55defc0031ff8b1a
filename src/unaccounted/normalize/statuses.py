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


class PhraseTable:
    """Words and phrases to a canonical value: a value matched whole first, then by the
    longest listed phrase it contains as whole words."""

    def __init__(self, words: dict[str, str]) -> None:
        self.words = words
        phrases = sorted(self.words, key=len, reverse=True)
        self._search = re.compile(
            r"(?<![\w/])(" + "|".join(re.escape(p) for p in phrases) + r")(?![\w/])"
        )

    def match(self, text: str) -> tuple[str, str, bool] | None:
        """(canonical value, the word or phrase matched, whether it matched whole) or None."""
        clean = _clean(text)
        if clean in self.words:
            return self.words[clean], clean, True
        found = self._search.findall(clean) if self.words else []
        if found:
            best = max(found, key=len)
            return self.words[best], best, False
        return None


def read_phrases(data: PackData, name: str, column: str, allowed: tuple[str, ...]) -> PhraseTable:
    """The pack's ``<name>.csv`` (``word,<column>``) as a phrase table; a value outside
    ``allowed`` is a one-line error naming the file and the word."""
    words: dict[str, str] = {}
    for row in data.table(name):
        if row[column] not in allowed:
            raise InputError(
                f"{name}.csv: unknown {column} {row[column]!r} for {row['word']!r}; "
                f"use one of {', '.join(allowed)}"
            )
        words.setdefault(_clean(row["word"]), row[column])
    return PhraseTable(words)


class StatusReader:
    def __init__(self, data: PackData) -> None:
        self.table = read_phrases(data, "statuses", "status", STATUSES)
        self.read = lru_cache(maxsize=50_000)(self._read)

    @property
    def words(self) -> dict[str, str]:
        return self.table.words

    def _read(self, text: str | None) -> tuple[str | None, str]:
        """(canonical status or None, the rule that decided)."""
        if not text or not text.strip():
            return None, "empty"
        got = self.table.match(text)
        if got is None:
            return None, "unknown status word"
        status, word, whole = got
        return status, f"status word «{word}»" if whole else f"contains status word «{word}»"
