"""German, Polish and Ukrainian Latin spellings of Russian names, respelled in the scheme
the script key reads (``keys.py``: English-like ICAO/BGN spellings). Used by search to read a query.

The script key already folds GOST, ICAO, BGN/PCGN, MVD and Wikipedia spellings. German
and Polish spellings use the same letters for other sounds — German ``z`` is ц and ``ch``
is х and an initial s before a vowel is з in a word that shows the scheme's w or ch
(«Kusnezow», «Chruschtschow», «Sacharow»), German ``sch`` is ш or ж («Schilinski» is
read both ways), ``jo`` and Polish ``io`` after a consonant are ё («Kisseljow»,
«Kisiełiow»), Polish ``cz`` is ч and ``rz`` is ж («Czernow», «Rzewski») — and Ukrainian
writes г as ``h`` («Serhiy», «Hryhoriy»), so a word in one of these spellings is first
respelled here, then keyed as usual. One word may be read in several schemes;
:func:`respellings` gives every reading that differs from the word.
"""

from __future__ import annotations

import re
from functools import lru_cache


def _german(sch: str) -> tuple[tuple[str, str], ...]:
    """German rules; ``sch`` is ш, or ж (German writes both «sch»: Schilinski is Жилинский)."""
    return (
        (r"schtsch", "SHCH"), (r"tsch", "CH"), (r"sch", sch), (r"ch", "KH"), (r"ss", "S"),
        (r"z", "TS"), (r"(?<=[aeiouy])s(?=[aeiouy])", "Z"), (r"^s(?=j?[aeiouy].*(?:w|ch))", "Z"),
        (r"s(?=[bdg])", "Z"), (r"(?<=[^aeiouyj])jo", "Ë"),  # Sjusginow: Зюзгинов; Kiseljow: ё
    )  # fmt: skip


#: (scheme, rules applied in order: pattern → replacement), on lower-case words.
_SCHEMES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("German spelling", _german("SH")),
    ("Polish spelling", (
        (r"szcz", "SHCH"), (r"sz", "SH"), (r"cz", "CH"), (r"rz", "ZH"), (r"ż", "ZH"),
        (r"ch", "KH"), (r"c", "TS"), (r"ł", "L"), (r"ś", "S"), (r"ź", "Z"), (r"ń", "N"),
        (r"ć", "CH"), (r"(?<=[^aeiouy])io", "Ë"),  # Kisielow, Kisieliow: Киселёв
    )),
    ("Ukrainian spelling", ((r"(?<![kzcs])h", "G"), (r"yi", "I"), (r"i[iy]$", "EI"))),
    ("German spelling, sch as ж", _german("ZH")),
)  # fmt: skip
#: Letters German does not write: a word with one of them is not read in a German scheme.
_NOT_GERMAN = frozenset("ąćęłńśźż")

_COMPILED = tuple((name, tuple((re.compile(p), r) for p, r in rules)) for name, rules in _SCHEMES)
_LATIN_WORD = re.compile(r"^[a-zA-ZąćęłńóśźżĄĆĘŁŃÓŚŹŻäöüÄÖÜß'’-]+$")
SCHEMES: tuple[str, ...] = tuple(name for name, _ in _SCHEMES)


@lru_cache(maxsize=50_000)
def respellings(word: str) -> tuple[tuple[str, str], ...]:
    """(scheme, the word respelled) for each scheme that changes a Latin-script word."""
    if not _LATIN_WORD.match(word):
        return ()
    low = word.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    found: list[tuple[str, str]] = []
    for name, rules in _COMPILED:
        if name.startswith("German") and _NOT_GERMAN & set(low):
            continue
        if name.endswith("as ж") and "sch" not in low.replace("schtsch", "").replace("tsch", ""):
            continue  # the same as the German reading
        text = low
        for pattern, repl in rules:  # upper-case output: no later rule reads it again
            text = pattern.sub(repl, text)
        text = text.lower()
        if text != word.lower() and all(text != t for _, t in found):
            found.append((name, _case_like(text, word)))
    return tuple(found)


def _case_like(text: str, model: str) -> str:
    return text[:1].upper() + text[1:] if model[:1].isupper() else text
