"""The fast path of a Russian name parse: a full name of plain words and initials.

Most records carry a full name of plain words and initials («Савченко Сергей Иванович»,
«BELYKH Valerii», «Савченко С. И.»). Whole strings rarely repeat, their tokens do: each
distinct token is described once (initial or word, its script, its role-assignment
signature), each layout of signatures gets its roles once (``names.layout``), the
given-name part is cached by its tokens (``parts.py``, with its keys) and the surname by
its text, script, sex and case (with its keys). The values are exactly
``model.name_values`` of the full parse; ``explain-record`` still runs the full parse for
its rules. A name with anything else in it — ranks, brackets, digits, words or initials
written together, a Turkic particle, ё inside Latin, Latin letters inside a Cyrillic word,
a word of patronymic shape whose father's name is known nowhere — takes the full parse.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from unaccounted.normalize.model import ParsedName
from unaccounted.normalize.names import (
    OBLIQUE,
    SURNAME_FIRST,
    Signature,
    TokenInfo,
    hint_has,
    is_glued,
    is_initial,
    layout,
    signature,
)
from unaccounted.normalize.ru import keys
from unaccounted.normalize.ru import text as tx

#: A plain word (letters, inner hyphens) or one initial with its dot.
_SIMPLE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|[^\W\d_]\.")

#: A described token: (its code, the letter if it is an initial, its surname hints)
Token = tuple[int, str | None, tx.SurnameHints | None]
#: Where a name's parts are among its tokens, its script and its order:
#: (surname positions, given position, patronymic position, initial positions, script, order)
Layout = tuple[tuple[int, ...], int, int, tuple[int, ...], str, str]

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
        #: (signature or None for an initial, script bits) of each token code
        self._codes: dict[tuple[Signature | None, int], int] = {}
        self._code_list: list[tuple[Signature | None, int]] = []
        self._layouts: dict[tuple[tuple[int, ...], bool, bool], Layout] = {}
        self._given_values: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._surname_values: dict[tuple[str, str, str | None, str], tuple[Any, ...]] = {}

    def plain_name_values(
        self, full_name: str, sex: str | None, hint: str | None
    ) -> tuple[Any, ...] | None:
        """``model.NAME_FIELDS`` of a plain full name; None when it needs the full parse."""
        words = full_name.split()
        found = self._tokens
        try:
            tokens = [found[w] for w in words]
        except KeyError:
            tokens = [self._token(w) for w in words]
        if None in tokens or not words:
            return None
        codes = tuple([t[0] for t in tokens])  # type: ignore[index]
        first, prose = hint_has(hint, SURNAME_FIRST), hint_has(hint, OBLIQUE)
        lay = self._layouts.get((codes, first, prose))
        if lay is None:
            lay = self._layout(codes, first, prose)
        s_at, g_at, p_at, i_at, script, order = lay
        if len(s_at) == 1:
            s: str | None = words[s_at[0]]
            hints = tokens[s_at[0]][2]  # type: ignore[index]
        elif s_at:
            s = " ".join([words[i] for i in s_at])
            hints = tx.surname_hints(s)
        else:
            s = hints = None
        initials: tuple[str, ...] = (
            tuple([tokens[i][1] for i in i_at]) if i_at else ()  # type: ignore[index,misc]
        )
        g = words[g_at] if g_at >= 0 else None
        p = words[p_at] if p_at >= 0 else None
        return self._assemble(g, p, s, hints, initials, sex, hint, script, order)

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
            if None in tokens:
                return None
            for token in tokens:
                assert token is not None
                bits |= self._code_list[token[0]][1]
            if all(t[1] is not None for t in tokens if t is not None):
                initials.extend(w.rstrip(".") for w in words)
            elif len(words) == 1:
                texts[i] = words[0]
            else:
                return None
        s, g, p = texts
        hints = tx.surname_hints(s) if s is not None else None
        return self._assemble(g, p, s, hints, tuple(initials), sex, hint, _SCRIPTS[bits],
                              "columns")  # fmt: skip

    def _token(self, word: str) -> Token | None:
        found = self._tokens
        if word in found:
            return found[word]
        token = self._describe(word)
        if len(found) >= _CACHE_LIMIT:
            found.clear()
        found[word] = token
        return token

    def _layout(self, codes: tuple[int, ...], surname_first: bool, prose: bool) -> Layout:
        described = [self._code_list[c] for c in codes]
        roles, order = layout(tuple(sig for sig, _ in described), surname_first, prose)
        bits = 0
        for _, b in described:
            bits |= b
        lay: Layout = (
            tuple(i for i, r in enumerate(roles) if r == "S"),
            roles.index("G") if "G" in roles else -1,
            roles.index("P") if "P" in roles else -1,
            tuple(i for i, r in enumerate(roles) if r == "I"),
            _SCRIPTS[bits],
            order,
        )
        self._layouts[(codes, surname_first, prose)] = lay
        return lay

    def _assemble(
        self,
        g: str | None,
        p: str | None,
        s: str | None,
        hints: tx.SurnameHints | None,
        initials: tuple[str, ...],
        sex: str | None,
        hint: str | None,
        script: str,
        order: str,
    ) -> tuple[Any, ...]:
        part_key = (g, p, hints, sex, initials, hint)
        part = self._given_values.get(part_key)
        if part is None:
            part = self._given_keyed(part_key)
        case, name_sex, given, cands, patr, g_init, p_init, g_key, p_key = part
        if s is None:
            return (None, given, patr, g_init, p_init, cands, None, g_key, p_key, None, None,
                    name_sex, script, case, order, None)  # fmt: skip
        s_key = (s, script, name_sex, case or "nominative")
        sur = self._surname_values.get(s_key)
        if sur is None:
            sur = self._surname_keyed(s_key)
        phon = sur[2]
        return (sur[0], given, patr, g_init, p_init, cands, sur[1], g_key, p_key, phon,
                f"{phon}:{g_init}" if phon and g_init else None, name_sex, script, case,
                order, None)  # fmt: skip

    def _describe(self, word: str) -> Token | None:
        """One token, or None when a name holding it needs the full parse."""
        if (
            not _SIMPLE.fullmatch(word)
            or tx.DIRT.search(word)
            or is_glued(word)
            or word.lower() in tx.TURKIC
            or tx.YO_IN_LATIN.search(word)
            or tx.has_lookalikes(word)
        ):
            return None
        bits = (1 if tx.LATIN.search(word) else 0) | (2 if tx.CYRILLIC.search(word) else 0)
        if len(word) <= 2 and is_initial(word):
            return self._code(None, bits), word.rstrip("."), tx.surname_hints(word)
        info = self._word_info(word)
        if info.patronymic_weak:  # read by the words around it: the full parse
            return None
        return self._code(signature(info), bits), None, tx.surname_hints(word)

    def _code(self, sig: Signature | None, bits: int) -> int:
        code = self._codes.get((sig, bits))
        if code is None:
            code = self._codes[(sig, bits)] = len(self._code_list)
            self._code_list.append((sig, bits))
        return code

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
