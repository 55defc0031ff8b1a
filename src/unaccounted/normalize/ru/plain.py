"""The fast path of a Russian name parse: a full name of plain words and initials.

Most records carry a full name of plain words and initials («Савченко Сергей Иванович»,
«BELYKH Valerii», «Савченко С. И.»). Whole strings rarely repeat, their tokens do: each
distinct token is described once (initial or word, its script, its role-assignment
signature), each layout of signatures gets its roles once (``names.layout``), the
given-name part is cached by its tokens (``parts.py``, with its keys) and the surname by
its text, script, sex and case (with its keys). The values are exactly
``model.name_values`` of the full parse; ``explain-record`` still runs the full parse for
its rules. A name with anything else in it — ranks, brackets, digits, words or initials
written together, a Turkic particle, ё inside Latin — takes the full parse.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from unaccounted.normalize.model import ParsedName
from unaccounted.normalize.names import (
    Signature,
    TokenInfo,
    is_glued,
    is_initial,
    layout,
    signature,
)
from unaccounted.normalize.ru import keys
from unaccounted.normalize.ru import text as tx

#: A plain word (letters, inner hyphens) or one initial with its dot.
_SIMPLE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|[^\W\d_]\.")

#: (initial letter or None, signature or None, script bits: 1 Latin, 2 Cyrillic)
Token = tuple[str | None, Signature | None, int]

#: The script of a name from the script bits of its tokens (the full parse's rule).
_SCRIPTS = ("cyrillic", "latin", "cyrillic", "mixed")

#: Entries kept in each of the fast path's caches before it starts afresh.
_CACHE_LIMIT = 400_000


class PlainNames:
    """Mixin: needs ``_word_info``, ``_given_part`` and ``_finish_surname`` from the pack."""

    _word_info: Callable[[str], TokenInfo]
    _given_part: Callable[..., tuple[Any, ...]]
    _finish_surname: Callable[[ParsedName, TokenInfo, str], None]

    def _init_plain(self) -> None:
        self._tokens: dict[str, Token | None] = {}
        self._given_values: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._surname_values: dict[tuple[str, str, str | None, str], tuple[Any, ...]] = {}

    def plain_name_values(
        self, full_name: str, sex: str | None, hint: str | None
    ) -> tuple[Any, ...] | None:
        """``model.NAME_FIELDS`` of a plain full name; None when it needs the full parse."""
        words = full_name.split()
        if not words:
            return None
        found = self._tokens
        codes = []
        bits = 0
        for word in words:
            token = found.get(word, False)
            if token is False:
                token = self._describe(word)
                if len(found) >= _CACHE_LIMIT:
                    found.clear()
                found[word] = token
            if token is None:
                return None
            codes.append(token[1])
            bits |= token[2]
        roles, order = layout(tuple(codes))
        g = p = None
        surname: list[str] = []
        initials: list[str] = []
        for word, role in zip(words, roles, strict=True):
            if role == "S":
                surname.append(word)
            elif role == "G":
                g = word
            elif role == "P":
                p = word
            else:
                initials.append(word.rstrip("."))
        s = " ".join(surname) if surname else None
        return self._assemble(g, p, s, tuple(initials), sex, hint, _SCRIPTS[bits], order)

    def plain_split_values(
        self,
        surname: str | None,
        given_name: str | None,
        patronymic: str | None,
        sex: str | None,
        hint: str | None,
    ) -> tuple[Any, ...] | None:
        """``model.NAME_FIELDS`` of a name in split columns, each one word or initials only.

        None when a column needs the full parse (several words, anything but letters).
        """
        texts: list[str | None] = [None, None, None]
        initials: list[str] = []
        bits = 0
        for i, value in enumerate((surname, given_name, patronymic)):
            if not value:
                continue
            words = value.split()
            tokens = [self._token(w) for w in words]
            if any(t is None for t in tokens):
                return None
            for token in tokens:
                assert token is not None
                bits |= token[2]
            if all(t[0] is not None for t in tokens if t is not None):
                initials.extend(w.rstrip(".") for w in words)
            elif len(words) == 1:
                texts[i] = words[0]
            else:
                return None
        s, g, p = texts
        return self._assemble(g, p, s, tuple(initials), sex, hint, _SCRIPTS[bits], "columns")

    def _token(self, word: str) -> Token | None:
        found = self._tokens
        token = found.get(word, False)
        if token is False:
            token = self._describe(word)
            if len(found) >= _CACHE_LIMIT:
                found.clear()
            found[word] = token
        return token

    def _assemble(
        self,
        g: str | None,
        p: str | None,
        s: str | None,
        initials: tuple[str, ...],
        sex: str | None,
        hint: str | None,
        script: str,
        order: str,
    ) -> tuple[Any, ...]:
        hints = tx.surname_hints(s) if s is not None else None
        part_key = (g, p, hints, sex, initials, hint)
        part = self._given_values.get(part_key)
        if part is None:
            part = self._given_keyed(part_key)
        case, name_sex, given, cands, patr, g_init, p_init, g_key, p_key = part
        if s is None:
            return (None, given, patr, g_init, p_init, cands, None, g_key, p_key, None, None,
                    name_sex, script, case, order)  # fmt: skip
        s_key = (s, script, name_sex, case or "nominative")
        sur = self._surname_values.get(s_key)
        if sur is None:
            sur = self._surname_keyed(s_key)
        phon = sur[2]
        return (sur[0], given, patr, g_init, p_init, cands, sur[1], g_key, p_key, phon,
                f"{phon}:{g_init}" if phon and g_init else None, name_sex, script, case,
                order)  # fmt: skip

    def _describe(self, word: str) -> Token | None:
        """One token, or None when a name holding it needs the full parse."""
        if (
            not _SIMPLE.fullmatch(word)
            or tx.DIRT.search(word)
            or is_glued(word)
            or word.lower() in tx.TURKIC
            or tx.YO_IN_LATIN.search(word)
        ):
            return None
        bits = (1 if tx.LATIN.search(word) else 0) | (2 if tx.CYRILLIC.search(word) else 0)
        if len(word) <= 2 and is_initial(word):
            return word.rstrip("."), None, bits
        return None, signature(self._word_info(word)), bits

    def _given_keyed(self, key: tuple[Any, ...]) -> tuple[Any, ...]:
        case, sex, given, cands, patr, g_init, p_init, _ = self._given_part(*key)
        part = (case, sex, given, tuple(cands), patr, g_init, p_init,
                keys.script_key(given) if given else None,
                keys.script_key(patr) if patr else None)  # fmt: skip
        if len(self._given_values) >= _CACHE_LIMIT:
            self._given_values.clear()
        self._given_values[key] = part
        return part

    def _surname_keyed(self, key: tuple[str, str, str | None, str]) -> tuple[Any, ...]:
        text, script, sex, case = key
        out = ParsedName(script=script, sex=sex)
        self._finish_surname(out, TokenInfo(text), case)
        s = out.surname
        found = (s, keys.script_key(s) if s else None, keys.phonetic_key(s) if s else None)
        if len(self._surname_values) >= _CACHE_LIMIT:
            self._surname_values.clear()
        self._surname_values[key] = found
        return found
