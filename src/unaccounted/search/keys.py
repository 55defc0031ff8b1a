"""A search query read as names: cleaned, then parsed by the records' own name parser.

The query goes through the language pack's ``parse_name`` — the function that made the
stored names' keys — so a declined form, a diminutive, initials or a Latin spelling
reduce to the keys the records have. A query has no columns, so it is read several ways
(:func:`readings`): as the parser orders it; with its words in every other role (a
surname first or last, a given name alone); and with each Latin word respelled in the
German, Polish or Ukrainian scheme (``normalize/ru/schemes.py``). Each reading says which
query word became which name part and by what rule, for the explanation of a hit.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field, replace

from unaccounted.errors import InputError
from unaccounted.normalize.model import ParsedName
from unaccounted.normalize.names import is_initial, tokens_of
from unaccounted.normalize.pack import LanguagePack
from unaccounted.normalize.ru.schemes import respellings

#: The longest query accepted, in characters (after control characters are dropped).
MAX_QUERY = 200
#: Word tokens whose every role assignment is tried; longer queries are read as parsed.
_MAX_PERMUTED = 3
#: A reading's prior: the parser's own order first, then other roles, then respellings.
_PERMUTED_PRIOR = -0.3
_RESPELLED_PRIOR = -0.2
#: A known given name or patronymic read as a surname: only when nothing else fits.
_NAME_AS_SURNAME_PRIOR = -3.0

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_NOT_NAME = re.compile(r"[^\w\s.'’-]|[\d_]")


@dataclass(frozen=True)
class Part:
    """One name part a reading found: the query word(s), the canonical value, the rule."""

    written: str
    value: str
    key: str
    rule: str


@dataclass(frozen=True)
class Reading:
    """One way to read the query as a name, with the keys the index is searched by."""

    surname: Part | None = None
    #: canonical given names the given-name word may stand for, best first (same written)
    given: tuple[Part, ...] = ()
    patronymic: Part | None = None
    given_initial: str | None = None
    patronymic_initial: str | None = None
    initials_written: tuple[str, ...] = ()
    prior: float = 0.0
    how: str = "as written"
    signature: tuple[object, ...] = field(default=(), compare=False)
    #: the query's words in roles the parser did not give them: tried only when no
    #: reading as parsed matches a record in every part it has (``query.search``)
    fallback: bool = False

    def empty(self) -> bool:
        return not (self.surname or self.given or self.patronymic or self.given_initial)


def clean_query(text: str) -> str:
    """The query without control and invisible characters, spaces collapsed.

    One-line :class:`InputError` when it is empty or longer than ``MAX_QUERY``.
    """
    if not isinstance(text, str):
        raise InputError("the search query must be text")
    if len(text) > MAX_QUERY * 4:  # do no work on a huge input
        raise InputError(f"the search query is {len(text)} characters; at most {MAX_QUERY}")
    cleaned = " ".join(_CONTROL.sub(" ", unicodedata.normalize("NFC", text)).split())
    if len(cleaned) > MAX_QUERY:
        raise InputError(f"the search query is {len(cleaned)} characters; at most {MAX_QUERY}")
    if not cleaned:
        raise InputError("the search query is empty: give a name, a surname or a given name")
    return cleaned


def name_words(text: str) -> list[str]:
    """The query's tokens that can be part of a name (words and initials), in order."""
    out = []
    for token in tokens_of(text):
        word = _NOT_NAME.sub("", token)
        if word.strip(".-'’"):
            out.append(word)
    return out


def readings(pack: LanguagePack, text: str) -> list[Reading]:
    """Every distinct reading of a cleaned query, the parser's own first."""
    tokens = name_words(text)
    if not tokens:
        return []
    found: dict[tuple[object, ...], Reading] = {}
    variants: list[tuple[list[str], str, float]] = [(tokens, "as written", 0.0)]
    for scheme in _schemes_used(tokens):
        respelled = [dict(respellings(t)).get(scheme, t) for t in tokens]
        variants.append((respelled, scheme, _RESPELLED_PRIOR))
    for words, how, prior in variants:
        parsed = pack.parse_name(" ".join(words))
        _add(found, _reading(pack, parsed, tokens, words, None, how, prior))
        for roles in _role_assignments(words):
            parsed = _split_parse(pack, words, roles)
            surname_at = next((i for i, r in roles.items() if r == "S"), None)
            odd = surname_at is not None and _known_name(pack, words[surname_at])
            extra = _PERMUTED_PRIOR + (_NAME_AS_SURNAME_PRIOR if odd else 0.0)
            reading = _reading(pack, parsed, tokens, words, roles, how, prior + extra)
            _add(found, replace(reading, fallback=True))
    return list(found.values())


def _known_name(pack: LanguagePack, word: str) -> bool:
    """Whether the pack knows ``word`` alone as a given name or a patronymic."""
    alone = pack.parse_name(word)
    if alone.patronymic:
        return True
    rule = alone.rules.get("given_name", "")
    return alone.surname is None and bool(alone.given_name) and not rule.startswith(
        ("as written", "pymorphy", "reverse"))  # fmt: skip


def _schemes_used(tokens: list[str]) -> list[str]:
    schemes: list[str] = []
    for t in tokens:
        for scheme, _ in respellings(t):
            if scheme not in schemes:
                schemes.append(scheme)
    return schemes


def _role_assignments(words: list[str]) -> list[dict[int, str]]:
    """Each assignment of S/G/P roles (distinct) to the word tokens, initials left out."""
    at = [i for i, w in enumerate(words) if not is_initial(w)]
    if not at or len(at) > _MAX_PERMUTED:
        return []
    out: list[dict[int, str]] = []
    for roles in itertools.permutations("SGP", len(at)):
        if "S" in roles or len(at) == 1:  # more words than a given name: one is a surname
            out.append(dict(zip(at, roles, strict=True)))
    return out


def _split_parse(pack: LanguagePack, words: list[str], roles: dict[int, str]) -> ParsedName:
    by_role = {r: words[i] for i, r in roles.items()}
    initials = " ".join(w for i, w in enumerate(words) if i not in roles)
    given = by_role.get("G") or (initials if initials else None)
    patronymic = by_role.get("P") or (initials if initials and "G" in by_role else None)
    return pack.parse_name(None, by_role.get("S"), given, patronymic)


def _reading(
    pack: LanguagePack, parsed: ParsedName, tokens: list[str], words: list[str],
    roles: dict[int, str] | None, how: str, prior: float,
) -> Reading:  # fmt: skip
    """A reading from a parse: each part with the query word it came from."""
    shown = _shown_words(parsed, words, roles)
    key = pack.script_key

    def part(role: str, value: str | None, rule: str) -> Part | None:
        if not value:
            return None
        at = shown.get(role)
        written = tokens[at] if at is not None else value
        note = rule if how == "as written" else f"{how}; {rule}"
        return Part(written, value, key(value), note)

    surname = part("S", parsed.surname, parsed.rules.get("surname", ""))
    given_rule = parsed.rules.get("given_name", "").split(";")[0]
    given = tuple(
        p for p in (part("G", n, given_rule) for n in parsed.given_candidates or (
            (parsed.given_name,) if parsed.given_name else ())) if p is not None
    )  # fmt: skip
    patronymic = part("P", parsed.patronymic, parsed.rules.get("patronymic", ""))
    initials = tuple(tokens[i] for i, w in enumerate(words) if is_initial(w))
    gi = parsed.given_initial if not parsed.given_name else None
    pi = parsed.patronymic_initial if not parsed.patronymic else None
    sig = (surname.key if surname else None, tuple(g.key for g in given),
           patronymic.key if patronymic else None, gi, pi)  # fmt: skip
    return Reading(surname, given, patronymic, gi, pi, initials, prior, how, sig)


def _shown_words(
    parsed: ParsedName, words: list[str], roles: dict[int, str] | None
) -> dict[str, int]:
    """Which word position each role came from (the parser's order string, or ``roles``)."""
    if roles is not None:
        return {r: i for i, r in roles.items()}
    order = (parsed.order or "").split()
    if len(order) != len(words):
        return {}
    return {r: i for i, r in enumerate(order) if r in "SGP"}


def _add(found: dict[tuple[object, ...], Reading], reading: Reading) -> None:
    if reading.empty():
        return
    old = found.get(reading.signature)
    if old is None or (reading.fallback, -reading.prior) < (old.fallback, -old.prior):
        found[reading.signature] = reading
