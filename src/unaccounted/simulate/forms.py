"""Written forms of values: dates, declined names, transliterations, typos.

Every function here turns one value into one string and is cached or applied once per
distinct value (``by_unique``), so rendering a million records costs a few thousand
calls of the slow functions (declension, transliteration), not a million.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache

import iuliia  # type: ignore[import-untyped]  # no py.typed in iuliia 0.13
import numpy as np
import numpy.typing as npt
from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

from unaccounted.simulate.locale import months

Objects = npt.NDArray[np.object_]
EPOCH = dt.date(1970, 1, 1)

#: Transliteration schemes a Latin-script list may use (iuliia's real schemas).
SCHEMES: dict[str, iuliia.Schema] = {
    "icao_doc_9303": iuliia.ICAO_DOC_9303,
    "bgn_pcgn": iuliia.BGN_PCGN,
    "wikipedia": iuliia.WIKIPEDIA,
    "mvd_782": iuliia.MVD_782,
    "mvd_310": iuliia.MVD_310,
    "gost_779_alt": iuliia.GOST_779_ALT,
    "scientific": iuliia.SCIENTIFIC,
}

CASES: dict[str, Case] = {
    "genitive": Case.GENITIVE,
    "dative": Case.DATIVE,
    "accusative": Case.ACCUSATIVE,
    "instrumental": Case.INSTRUMENTAL,
    "prepositional": Case.PREPOSITIONAL,
}
_PARTS = {
    "surname": NamePart.LASTNAME,
    "given": NamePart.FIRSTNAME,
    "patronymic": NamePart.MIDDLENAME,
}


def by_unique(keys: npt.NDArray[np.int64], fn: Callable[[int], str]) -> Objects:
    """``fn`` applied once per distinct key, spread back to every position."""
    uniq, inverse = np.unique(keys, return_inverse=True)
    table = np.array([fn(k) for k in uniq.tolist()] + [""], dtype=object)
    return np.asarray(table[inverse.reshape(-1)], dtype=object)


def date_of(days: int) -> dt.date:
    return EPOCH + dt.timedelta(days=days)


def dmy(days: int) -> str:
    """12.03.2023 — official notices, graves, courts."""
    return date_of(days).strftime("%d.%m.%Y")


def dmy_short(days: int) -> str:
    """12.03.23 — social posts."""
    return date_of(days).strftime("%d.%m.%y")


def iso(days: int) -> str:
    return date_of(days).isoformat()


def slash(days: int) -> str:
    """12/03/2023 — day first, as European lists write it."""
    return date_of(days).strftime("%d/%m/%Y")


def words(days: int, year: bool = True, suffix: str = " г.") -> str:
    """«12 марта 2023 г.» (genitive month name)."""
    d = date_of(days)
    text = f"{d.day} {months()[d.month - 1]['genitive']}"
    return f"{text} {d.year}{suffix}" if year else text


def month_year(days: int) -> str:
    """«март 2023» — a memorial list that knows only the month."""
    d = date_of(days)
    return f"{months()[d.month - 1]['nominative']} {d.year}"


def year(days: int) -> str:
    return str(date_of(days).year)


@cache
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


@cache
def decline(word: str, part: str, sex: str, case: str) -> str:
    """One name part in a grammatical case (petrovich rules).

    Of a hyphenated name only the last piece declines (Алдын-оол → Алдын-оолом).
    """
    if case == "nominative" or not word:
        return word
    gender = Gender.FEMALE if sex == "f" else Gender.MALE
    head, _, last = word.rpartition("-")
    declined = str(_maker().make(_PARTS[part], gender, CASES[case], last))
    return f"{head}-{declined}" if head else declined


def decline_name(
    surname: str, given: str, patronymic: str, sex: str, case: str
) -> tuple[str, str, str]:
    return (
        decline(surname, "surname", sex, case),
        decline(given, "given", sex, case),
        decline(patronymic, "patronymic", sex, case),
    )


@cache
def translit(text: str, scheme: str) -> str:
    """Cyrillic → Latin with one of ``SCHEMES``."""
    return str(SCHEMES[scheme].translate(text))


def no_yo(text: str) -> str:
    """ё written as е, as most typed lists do."""
    return text.replace("ё", "е").replace("Ё", "Е")


_KEYBOARD = ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю")


def _neighbours(ch: str) -> str:
    for row in _KEYBOARD:
        i = row.find(ch)
        if i >= 0:
            return row[max(i - 1, 0) : i] + row[i + 1 : i + 2]
    return ""


def typo(word: str, rng: np.random.Generator) -> str:
    """One hand-typing error: swapped, dropped, doubled or neighbouring-key letter.

    The first letter is kept (people rarely mistype the initial), so sorting and
    initials still work as they do on real lists.
    """
    if len(word) < 4:
        return word
    i = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    near = _neighbours(word[i].lower())
    if not near:
        return word[:i] + word[i + 1 :]
    return word[:i] + near[int(rng.integers(0, len(near)))] + word[i + 1 :]


def month_year_numeric(days: int) -> str:
    """03.2023 — a hand-typed list or a post that knows only the month."""
    return date_of(days).strftime("%m.%Y")


# German (Duden) and Polish spellings of Russian names, as newspapers and lists in those
# languages write them: Захаров → Sacharow, Савченко → Sawtschenko / Sawczenko,
# Жуков → Schukow / Żukow. Simplified (no je/ie after consonants), as many real lists are.
_GERMAN = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "w", "g", "d", "e", "jo", "sch", "s", "i", "i", "k", "l", "m", "n", "o", "p",
     "r", "s", "t", "u", "f", "ch", "z", "tsch", "sch", "schtsch", "", "y", "", "e", "ju", "ja"],
    strict=True,
))  # fmt: skip
_POLISH = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "w", "g", "d", "e", "io", "ż", "z", "i", "j", "k", "ł", "m", "n", "o", "p",
     "r", "s", "t", "u", "f", "ch", "c", "cz", "sz", "szcz", "", "y", "", "e", "iu", "ia"],
    strict=True,
))  # fmt: skip
_VOWELS = set("аеёиоуыэюя")
_SOFT = set("еёиюяь")


def _spell(word: str, table: dict[str, str], scheme: str) -> str:
    out: list[str] = []
    low = word.lower()
    for i, ch in enumerate(low):
        nxt = low[i + 1] if i + 1 < len(low) else ""
        prev = low[i - 1] if i else ""
        piece = table.get(ch, ch)
        if scheme == "german" and ch == "с" and prev in _VOWELS and nxt in _VOWELS:
            piece = "ss"  # Василий → Wassili: a single s between vowels reads as з
        elif scheme == "polish" and ch == "л" and nxt in _SOFT:
            piece = "l"  # Ł only before a hard vowel: Павлов → Pawłow, Ольга → Olga
        elif scheme == "german" and ch == "й" and prev in "иы" and not nxt:
            piece = ""  # Василий → Wassili, Горький → Gorki
        elif ch == "ё" and prev in "жчшщ":
            piece = "o"  # Хрущёв → Chruschtschow
        out.append(piece)
    text = "".join(out)
    return text[:1].upper() + text[1:] if word[:1].isupper() else text


@cache
def foreign(text: str, scheme: str) -> str:
    """A Cyrillic name in German or Polish spelling («Sawtschenko», «Sawczenko»)."""
    table = _GERMAN if scheme == "german" else _POLISH
    return " ".join(_spell(w, table, scheme) for w in text.split(" "))


#: Kinds of hand-typing errors ``hand_error`` makes, in the order of their numbers.
HAND_ERRORS: tuple[str, ...] = ("swap", "double", "truncate", "space", "initials")


def hand_error(name: str, kind: str, surname: str, rng: np.random.Generator) -> str:
    """One error of a hand-typed list in a full name whose surname is ``surname``:

    ``swap`` two letters transposed and ``double`` a letter doubled in one word (not the
    first letter); ``truncate`` the last word cut short, as a narrow column cuts it
    (Александрович → Алекс, Самсонов → Самсон: at least four letters and 60 % of the
    word); ``space`` a space moved inside a word (Савченко → Сав ченко); ``initials``
    every word but the surname reduced to its initial (Савченко С. И.; a name whose
    surname is not found keeps its first word). A name too short for the error is
    unchanged.
    """
    words = name.split(" ")
    if kind == "initials":
        stem = surname.lower()[:3]
        keep = next((i for i, w in enumerate(words) if w.lower().startswith(stem)), 0)
        if len(words) < 2:
            return name
        return " ".join(w if i == keep else f"{w[:1]}." for i, w in enumerate(words) if w)
    if kind == "truncate":
        last = words[-1]
        shortest = max(4, -(-len(last) * 3 // 5))
        if len(words) < 2 or len(last) - 1 <= shortest:
            return name
        words[-1] = last[: int(rng.integers(shortest, len(last) - 1))]
        return " ".join(words)
    long = [i for i, w in enumerate(words) if len(w) >= 5]
    if not long:
        return name
    i = long[int(rng.integers(0, len(long)))]
    w = words[i]
    j = int(rng.integers(1, len(w) - 2))  # 1 ≤ j ≤ len - 3: inside the word
    if kind == "swap":
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif kind == "double":
        w = w[:j] + w[j] + w[j:]
    else:
        w = w[: j + 1] + " " + w[j + 1 :]
    words[i] = w
    return " ".join(words)
