"""Typo tolerance: keys one or two edits from a query key, by deletion neighbourhoods.

Each indexed key is stored under itself and every string made by deleting one of its
letters (SymSpell's idea). A query key's own deletions (one or two deep) looked up there
find every key one substitution, insertion, deletion or swap of neighbours away, and
two-edit keys where the query has letters too many or one wrong and one too many (not two
letters too few: that would need the keys' double deletions, a far larger index);
:func:`edits` keeps those truly that close. Two edits are allowed only when one of
the keys has ``LONG`` letters or more: the script key folds letters together (-ий → i,
an «и» before a vowel goes), so one typo in the written name can move its key two edits.
Keys shorter than ``MIN_LENGTH`` letters are matched exactly: one edit of «лев» is
another name.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

#: Keys shorter than this are matched exactly only.
MIN_LENGTH = 4
#: Keys this long (either side) may be two edits apart.
LONG = 6


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


class TypoIndex:
    """Codes (positions in ``keys``) of the keys near a key, with their edit distance."""

    def __init__(self, keys: Sequence[str | None]) -> None:
        self.keys = keys
        by: dict[str, list[int]] = {}
        for code, key in enumerate(keys):
            if key and len(key) >= MIN_LENGTH:
                for variant in (key, *_deletions(key)):
                    found = by.get(variant)
                    if found is None:
                        by[variant] = [code]
                    else:
                        found.append(code)
        self._by = by
        self.near = lru_cache(maxsize=20_000)(self._near)

    def _near(self, key: str) -> dict[int, int]:
        """Code → edits (1 or 2) of the indexed keys near ``key`` (not ``key`` itself);
        cached as :meth:`near` (callers must not change the result)."""
        if len(key) < MIN_LENGTH - 1:  # «олг» may still be «олег» less a letter
            return {}
        first = _deletions(key)
        variants = {key} | first
        if len(key) >= LONG - 1:
            for d in first:
                variants |= _deletions(d)
        seen: set[int] = set()
        for variant in variants:
            seen.update(self._by.get(variant, ()))
        out: dict[int, int] = {}
        for code in seen:
            other = self.keys[code] or ""
            longest = max(len(key), len(other))
            limit = 2 if longest >= LONG else 1 if longest >= MIN_LENGTH else 0
            n = edits(key, other, limit)
            if 0 < n <= limit:
                out[code] = n
        return out


def edits(a: str, b: str, limit: int = 2) -> int:
    """The optimal-string-alignment distance of ``a`` and ``b`` (substitutions, insertions,
    deletions, swaps of neighbours), or ``limit + 1`` once it is sure to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)
