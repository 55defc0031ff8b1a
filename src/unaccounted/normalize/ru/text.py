"""Text helpers of the Russian pack: scripts, endings, cleaning a written name.

Module-level and cached, shared by the adapter (``ru/__init__.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from unaccounted.normalize.ru import keys, tags
from unaccounted.normalize.ru.translit import initial_to_cyrillic

LATIN = re.compile(r"[a-zA-Z]")
CYRILLIC = re.compile(r"[а-яА-ЯёЁіїєґІЇЄҐ]")
#: Script-key endings of surnames (-ов, -ев, -ин, -ский, -енко, -ук, -их, -ян, -дзе …).
SURNAME_ENDINGS = ("ov", "ev", "in", "ini", "ski", "tki", "enko", "ko", "uk", "ih", "ian",
                    "an", "ova", "eva", "ina", "ska", "tka", "dze", "wvili", "ovic", "evic",
                    "of", "off", "ef",
                    # case forms: -овой, -ову, -овым, -ского, -скому, -ским, -ской
                    "ovoi", "evoi", "inoi", "ovu", "evu", "inu", "ovim", "evim", "inim",
                    "skogo", "skomu", "skim", "skoi", "tkogo", "tkomu", "tkim", "tkoi")  # fmt: skip
#: Surname endings that show a case by themselves (a man's; -ова/-ову are ambiguous).
SURNAME_CASE_ENDINGS = (("овым", "instrumental"), ("евым", "instrumental"),
                         ("иным", "instrumental"), ("ским", "instrumental"),
                         ("цким", "instrumental"), ("ского", "genitive"), ("цкого", "genitive"),
                         ("скому", "dative"), ("цкому", "dative"))  # fmt: skip
TURKIC = {"оглы": "m", "оглу": "m", "улы": "m", "угли": "m", "кызы": "f", "гызы": "f",
           "ogly": "m", "oglu": "m", "kyzy": "f", "gyzy": "f"}  # fmt: skip
SEX_WORDS = {"м": "m", "m": "m", "муж": "m", "мужской": "m", "male": "m", "man": "m",
              "ж": "f", "f": "f", "жен": "f", "женский": "f", "female": "f", "woman": "f",
              "w": "f"}  # fmt: skip


#: What a surname shows of the rest of the name: (the case its ending shows, the sex its
#: nominative ending shows, whether it is a feminine case form, the sex pymorphy3's
#: dictionary or an adjectival ending gives when the -ов/-ин/-ский ending says nothing).
SurnameHints = tuple[str | None, str | None, bool, str | None]


@lru_cache(maxsize=200_000)
def surname_hints(text: str) -> SurnameHints:
    """What a surname shows of the rest of the name (:data:`SurnameHints`)."""
    shown = None
    if CYRILLIC.search(text):
        low = text.lower()
        shown = next((c for e, c in SURNAME_CASE_ENDINGS if low.endswith(e)), None)
    k = keys.script_key(text)
    sex = ("f" if k.endswith(("ova", "eva", "ina", "ska", "tka", "aia"))
           else "m" if k.endswith(("ov", "ev", "in", "ski", "tki")) else None)  # fmt: skip
    known = None
    if sex is None and shown is None and CYRILLIC.search(text):
        known, shown = surname_sex(text)
    return shown, sex, k.endswith(("ovoi", "evoi", "inoi", "skoi", "tkoi")), known


#: Adjectival surname endings that show the sex in the nominative (Долгорукий, Толстая).
_ADJECTIVAL = (("ий", "m"), ("ый", "m"), ("ая", "f"), ("яя", "f"))


def surname_sex(text: str) -> tuple[str | None, str | None]:
    """(sex, case) a Cyrillic surname shows when its -ов/-ин/-ский ending does not.

    An adjectival nominative ending gives the sex (Долгорукий, Толстая); else pymorphy3's
    dictionary when every surname reading it holds has one sex («Вертинской»: a woman's,
    in any case; «Донской»: a man's), and the genitive when it holds the word only as a
    man's genitive (accusative) form («Фишера»). A surname of both sexes («Майер»,
    «Бхутто») says nothing.
    """
    last = text.rpartition("-")[2]
    low = last.lower()
    if len(low) >= 5:
        for ending, sex in _ADJECTIVAL:
            if low.endswith(ending):
                return sex, None
    readings = tags.surname_readings(last)
    sexes = {r[2] for r in readings}
    if len(sexes) != 1:
        return None, None
    sex = sexes.pop()
    cases = {r[1] for r in readings}
    return sex, "genitive" if sex == "m" and cases <= {"genitive", "accusative"} else None


#: A full name that needs cleaning first: brackets, digits, symbols, commas, or a rank word.
DIRT = re.compile(
    r"[()\[\]«»\"\d†*+✝✞,]|(?i:рядов|ефрейт|сержант|лейтенант|капитан|майор|прапорщ|полковн|старшин"
    r"|генерал|матрос|гвардии|позывн|private|corporal|sergeant|lieutenant|captain|major|colonel"
    r"|\b(?:мл|ст|гв|ряд|ефр|sgt|pvt|cpl|lt|capt|col)\.)"
)
BORN = re.compile(r"(?i)(?<!\w)г\.?\s?р\.?(?=[\s,;]|$)|года рождения")
BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
CALLSIGN = re.compile(r"(?i)(?:позывной|call\s*sign|callsign)\s*[«\"']?[^»\"',]*[»\"']?")
YO_IN_LATIN = re.compile(r"(?<=[A-Za-z])[ёЁ]|[ёЁ](?=[A-Za-z])")


#: Latin letters that look like Cyrillic ones, as typed inside Cyrillic words («Hиколай»).
_LOOKALIKE = str.maketrans("ABCEHKMOPTXaceopxyiT", "АВСЕНКМОРТХасеорхуіТ")
_MIXED_WORD = re.compile(
    r"[^\W\d_]*(?:[a-zA-Z][^\W\d_]*[а-яА-ЯёЁ]|[а-яА-ЯёЁ][^\W\d_]*[a-zA-Z])"
    r"[^\W\d_]*"
)


def has_lookalikes(text: str) -> bool:
    """Whether a word of ``text`` mixes Latin and Cyrillic letters."""
    return _MIXED_WORD.search(text) is not None


def fold_lookalikes(value: str | None) -> str | None:
    """Latin look-alike letters inside Cyrillic words written as the Cyrillic letters.

    Only a word that mixes both scripts changes, and only when every Latin letter in it
    has a Cyrillic twin («Hиколай» → «Николай»); a Latin word stays Latin.
    """
    if not value or not has_lookalikes(value):
        return value

    def fold(m: re.Match[str]) -> str:
        word = m[0]
        folded = word.translate(_LOOKALIKE)
        return folded if not LATIN.search(folded) else word

    return _MIXED_WORD.sub(fold, value)


def latin_yo(value: str | None) -> str | None:
    """BGN/PCGN and scientific schemes keep ё in Latin text («Artёm», «FЁDOROV»)."""
    if not value or not LATIN.search(value):
        return value
    return YO_IN_LATIN.sub(lambda m: "yo" if m[0] == "ё" else "YO", value)


TURKIC_RE = re.compile(r"(?i)(?<!\w)(?:" + "|".join(TURKIC) + r")(?!\w)")


def merge_turkic(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        if tok.lower() in TURKIC and out:
            out[-1] = f"{out[-1]} {tok.lower()}"
        else:
            out.append(tok)
    return out


def initial(letter: str) -> str:
    return initial_to_cyrillic(letter) if LATIN.match(letter) else letter.upper()


def title(word: str) -> str:
    """Capitalise a name written all in capitals or all in lower case; else keep it."""
    if word.isupper() or word.islower():
        return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))
    return word
