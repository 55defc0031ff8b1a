"""Latin back to Cyrillic, for Russian names met in Latin script.

Known names are looked up by script key (``lexicon.py``); this is the fallback for the
rest, a greedy longest-match table that reads the common schemes (ICAO, BGN/PCGN, GOST
7.79 B, MVD, popular English) and Ukrainian Latin. It is a best guess: ``-iy``, ``-y``,
``y`` before a vowel and soft signs cannot all be recovered, which is why linkage compares
the script key, not this spelling.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TABLE: tuple[tuple[str, str], ...] = (
    ("shch", "щ"), ("sch", "щ"), ("shh", "щ"), ("tch", "ч"), ("zh", "ж"), ("kh", "х"),
    ("ts", "ц"), ("tz", "ц"), ("cz", "ц"), ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("iu", "ю"),
    ("ju", "ю"), ("ya", "я"), ("ia", "я"), ("ja", "я"), ("yo", "ё"), ("jo", "ё"), ("ye", "е"),
    ("je", "е"), ("iy", "ий"), ("yy", "ый"), ("ij", "ий"), ("ii", "ий"), ("ei", "ей"),
    ("ai", "ай"), ("oi", "ой"), ("ui", "уй"), ("a", "а"), ("b", "б"), ("v", "в"), ("w", "в"),
    ("g", "г"), ("h", "х"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "ы"),
    ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"),
    ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("x", "кс"), ("c", "ц"),
    ("q", "к"), ("'", "ь"), ("’", "ь"), ("`", "ь"), ("ʹ", "ь"),
)  # fmt: skip
_MAX = max(len(k) for k, _ in _TABLE)
_LOOKUP = dict(_TABLE)
_DIACRITICS = {"š": "sh", "č": "ch", "ž": "zh", "ŝ": "shch", "û": "yu", "â": "ya", "ë": "yo",
               "è": "e", "é": "e", "ĭ": "i"}  # fmt: skip
_VOWELS = set("аеёиоуыэюя")


@lru_cache(maxsize=100_000)
def to_cyrillic(word: str) -> str:
    """A Cyrillic spelling of a Latin-script Russian word (best guess), cased like it."""
    low = "".join(_DIACRITICS.get(c, c) for c in unicodedata.normalize("NFC", word.lower()))
    out: list[str] = []
    i = 0
    while i < len(low):
        for size in range(_MAX, 0, -1):
            chunk = low[i : i + size]
            if chunk in _LOOKUP:
                cyr = _LOOKUP[chunk]
                # y after a vowel or at the start before a vowel is й/е: Yevgeny, Andrey
                if chunk == "y" and (not out or out[-1][-1] in _VOWELS):
                    cyr = "й"
                out.append(cyr)
                i += size
                break
        else:
            out.append(low[i])
            i += 1
    text = "".join(out)
    text = re.sub(r"ы$", "ий", text)  # names do not end in ы: Vasily, Chaykovsky
    text = re.sub(r"(?<=[кгхжшчщ])ый$", "ий", text)
    return _case_like(text, word)


def _case_like(text: str, model: str) -> str:
    if model.isupper() and len(model) > 1:
        return text.upper()
    if model[:1].isupper():
        return "-".join(p[:1].upper() + p[1:] for p in text.split("-"))
    return text


_INITIALS = {
    "a": "А", "b": "Б", "v": "В", "g": "Г", "h": "Г", "d": "Д", "e": "Е", "y": "Ю", "z": "З",
    "i": "И", "k": "К", "l": "Л", "m": "М", "n": "Н", "o": "О", "p": "П", "r": "Р", "s": "С",
    "t": "Т", "u": "У", "f": "Ф", "c": "Ц", "j": "Ю", "w": "В",
}  # fmt: skip


def initial_to_cyrillic(letter: str) -> str:
    """A Latin initial as the Cyrillic initial it most likely stands for."""
    return _INITIALS.get(letter.lower(), letter.upper())
