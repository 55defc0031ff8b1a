"""Script-independent and phonetic keys for Russian names.

``script_key`` folds Cyrillic and every common Latin transliteration of it (GOST 7.79 A
and B, ICAO 9303, BGN/PCGN, MVD, Wikipedia, popular English and French spellings) to
one lower-case ASCII skeleton, so that «Сергей Савченко», «Sergei Savchenko» and
«Sergey Savtchenko» meet. It is a *key*, not a spelling: distinct names may share one.

The rules, in order (each side goes through the same Latin folding):

1. Cyrillic letters are first written in a plain scheme (ж→zh, х→kh, ц→ts, щ→shch,
   ю→yu, я→ya, ё→yo, ь/ъ dropped);
2. diacritic and digraph spellings collapse: ŝ/shch/sch/shh and š/sh → ``w`` (ш and щ
   meet), č/ch/tch → ``c``, ž/zh → ``x``, kh/x/h → ``h``, ts/tz/tc/cz/c → ``t``;
3. y/j → i; an ``i`` before a vowel is dropped (ya/ia/ja → a, yu/iu → u, ye/ie → e);
   yo → e (ё is written е in most lists);
4. apostrophes, hard and soft signs and everything that is not a letter go; w → v;
   runs of one letter are squeezed (Хабибуллин = Habibulin, -ий = -y = -iy).

``phonetic_key`` is the blocking key: the script key with Russian vowel reduction
(о→а, е/и→и), final and pre-voiceless devoicing, and the sex endings of surnames folded
(Иванова → Иванов, Троицкая → Троицкий), in the spirit of Kaleev's Russian Metaphone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

_PLAIN = "a b v g d e yo zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e yu ya"
_CYR = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _PLAIN.split(), strict=True))
_CYR["ъ"] = _CYR["ь"] = ""
_CYR["і"] = "i"  # Ukrainian and Belarusian letters met inside Russian lists
_CYR["ї"] = "i"
_CYR["є"] = "ye"
_CYR["ґ"] = "g"
_CYR["ў"] = "u"

#: Letters with diacritics whose meaning differs from their base letter.
_SPECIAL = {
    "ŝ": "shch", "š": "sh", "č": "ch", "ž": "zh", "û": "yu", "â": "ya", "ë": "yo",
    "ǵ": "g", "ĭ": "i", "ȳ": "y", "ʹ": "", "ʺ": "", "ǐ": "i", "ć": "ch", "ś": "s", "ź": "z",
    "ł": "l", "ń": "n", "ĝ": "g", "ĉ": "ch", "ŭ": "u", "ż": "zh",
}  # fmt: skip

_FOLDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"w", "v"),
        (r"q", "k"),
        (r"ph", "f"),
        (r"shch|sch|shh|sh", "W"),
        (r"tch|ch", "C"),
        (r"zh", "Z"),
        (r"kh|x|h", "H"),
        (r"t?cz|ts|tz|tc|c", "t"),
        (r"[yj]o", "e"),
        (r"[yj]", "i"),
        (r"(.)\1+", r"\1"),
        (r"i(?=[aeou])", ""),
        (r"(.)\1+", r"\1"),
    )
)
#: Placeholders back to letters: ш/щ → w, ч → c, ж → x, х → h.
_PLACEHOLDERS = str.maketrans({"W": "w", "C": "c", "Z": "x", "H": "h"})
_NOT_LETTER = re.compile(r"[^a-z]")
#: ``_latin``'s letter table for ``str.translate`` (:func:`script_keys`).
_LATIN_TABLE = str.maketrans({**_CYR, **_SPECIAL})
_NOT_LETTER_OR_LINE = re.compile(r"[^a-z\n]")


def _latin(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", text.lower()):
        if ch in _CYR:
            out.append(_CYR[ch])
        elif ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        else:
            out.append(ch)
    decomposed = unicodedata.normalize("NFKD", "".join(out))
    return _NOT_LETTER.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


@lru_cache(maxsize=200_000)
def script_key(text: str) -> str:
    """The script-independent key of a word or name (empty for empty input)."""
    return _key_of_lower(text.lower())  # «ИВАНОВ» and «Иванов» share the work


@lru_cache(maxsize=200_000)
def _key_of_lower(text: str) -> str:
    key = _latin(text)
    for pattern, repl in _FOLDS:
        key = pattern.sub(repl, key)
    return key.translate(_PLACEHOLDERS)


def script_keys(words: Sequence[str]) -> list[str]:
    """:func:`script_key` of every word, the same keys computed over all the words at once:
    each rule runs once over the words joined by line breaks (no rule crosses one), not
    once per word — for the pack's long word lists (``Lexicon.surname_by_key``)."""
    if any("\n" in w for w in words):
        return [script_key(w) for w in words]
    text = unicodedata.normalize("NFC", "\n".join(words).lower().lower())
    decomposed = unicodedata.normalize("NFKD", text.translate(_LATIN_TABLE))
    if not decomposed.isascii():
        decomposed = "".join(c for c in decomposed if not unicodedata.combining(c))
    key = _NOT_LETTER_OR_LINE.sub("", decomposed)
    for pattern, repl in _FOLDS:
        key = pattern.sub(repl, key)
    found = key.translate(_PLACEHOLDERS).split("\n")
    assert len(found) == len(words) or not words
    return found if words else []


#: Feminine surname endings as the script key writes them (-ская → ska, -цкая → tka).
_SEX_ENDINGS: tuple[tuple[str, str], ...] = (
    ("ska", "ski"), ("tka", "tki"), ("ova", "ov"), ("eva", "ev"), ("ina", "in"), ("ina", "in"),
)  # fmt: skip
_VOWEL_CLASS = str.maketrans({"o": "a", "e": "i", "y": "i"})
_DEVOICE = str.maketrans({"b": "p", "v": "f", "g": "k", "d": "t", "z": "s", "x": "w"})
_VOICELESS = set("pfktshcw")


@lru_cache(maxsize=200_000)
def phonetic_key(text: str, *, fold_sex: bool = True) -> str:
    """A coarse sound key over :func:`script_key`, for blocking."""
    key = script_key(text)
    if fold_sex:
        for fem, masc in _SEX_ENDINGS:
            if key.endswith(fem) and len(key) > len(fem) + 1:
                key = key[: -len(fem)] + masc
                break
    key = key.translate(_VOWEL_CLASS)
    chars = list(key)
    for i, ch in enumerate(chars):
        last = i == len(chars) - 1
        if last or chars[i + 1] in _VOICELESS:
            chars[i] = ch.translate(_DEVOICE)
    return re.sub(r"(.)\1+", r"\1", "".join(chars))
