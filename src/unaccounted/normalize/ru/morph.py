"""Russian name morphology: patronymic forms, and declined names back to the nominative.

- Patronymics are recognised by suffix (-ович/-евич/-ич, -овна/-евна/-ична/-инична) with
  their case endings, and returned in the nominative.
- Given names: the lexicon (``lexicon.py``) holds every case form of every known name
  and diminutive, made with petrovich (``pytrovich``); unknown names fall back to
  ``pymorphy3`` (OpenCorpora dictionary) when it tags the word as a first name.
- Surnames: candidate nominatives are made by undoing the case ending the given name or
  patronymic shows (genitive «Чупикова» → «Чупиков», instrumental «Янпольским» →
  «Янпольский», feminine «Поляковой» → «Полякова»); a candidate is accepted only if
  petrovich, declining it again, gives back the written form. Surnames that do not
  decline (-енко, -ко, -их/-ых, a woman's consonant-final surname, foreign vowel-final
  ones) verify as themselves. When nothing verifies, pymorphy3's surname lemma is used,
  then the written form.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

CASES: dict[str, Case] = {
    "genitive": Case.GENITIVE,
    "dative": Case.DATIVE,
    "accusative": Case.ACCUSATIVE,
    "instrumental": Case.INSTRUMENTAL,
    "prepositional": Case.PREPOSITIONAL,
}

#: (case ending on a masculine patronymic, case)
_PATR_M = (("у", "dative"), ("ем", "instrumental"), ("е", "prepositional"), ("а", "genitive"))
_PATR_F = (("ой", "instrumental"), ("ы", "genitive"), ("е", "dative"), ("у", "accusative"))
_PATR_M_SUFFIXES = ("ович", "евич", "ёвич", "ьич", "ич")
_PATR_F_SUFFIXES = ("овна", "евна", "ёвна", "инична", "ична")


@cache
def maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


def decline(word: str, part: str, sex: str, case: str) -> str:
    """``word`` in ``case`` by petrovich; the last piece of a hyphenated name declines."""
    if case == "nominative":
        return word
    gender = Gender.FEMALE if sex == "f" else Gender.MALE
    parts = {"surname": NamePart.LASTNAME, "given": NamePart.FIRSTNAME,
             "patronymic": NamePart.MIDDLENAME}  # fmt: skip
    head, _, last = word.rpartition("-")
    out = str(maker().make(parts[part], gender, CASES[case], last))
    return f"{head}-{out}" if head else out


@lru_cache(maxsize=100_000)
def patronymic_form(word: str) -> tuple[str, str, str] | None:
    """(nominative, sex, case) of a patronymic form, or None if ``word`` is not one."""
    low = word.lower()
    if len(low) < 5:
        return None
    tail = low[-4:]  # every form below has «ич», «вн» or «чн» in its last four letters
    if "ич" not in tail and "вн" not in tail and "чн" not in tail:
        return None
    for suffix in _PATR_M_SUFFIXES:
        if low.endswith(suffix):
            return word, "m", "nominative"
        for ending, case in _PATR_M:
            if low.endswith(suffix + ending):
                return word[: -len(ending)], "m", case
    for suffix in _PATR_F_SUFFIXES:
        if low.endswith(suffix):
            return word, "f", "nominative"
        for ending, case in _PATR_F:
            if low.endswith(suffix[:-1] + ending):
                return word[: -len(ending)] + "а", "f", case
    return None


_M_UNDO: dict[str, tuple[tuple[str, str], ...]] = {
    "genitive": (("ского", "ский"), ("ского", "ской"), ("цкого", "цкий"), ("кого", "кий"),
                 ("гого", "гий"), ("хого", "хий"), ("ого", "ый"), ("ого", "ой"), ("его", "ий"),
                 ("ова", "ов"), ("ева", "ев"), ("ёва", "ёв"), ("ина", "ин"), ("ына", "ын"),
                 ("я", "й"), ("я", "ь"), ("ы", "а"), ("и", "а"), ("и", "я"), ("а", "")),
    "dative": (("скому", "ский"), ("скому", "ской"), ("цкому", "цкий"), ("кому", "кий"),
               ("гому", "гий"), ("хому", "хий"), ("ому", "ый"), ("ому", "ой"), ("ему", "ий"),
               ("ову", "ов"), ("еву", "ев"), ("ину", "ин"), ("ю", "й"), ("ю", "ь"), ("е", "а"),
               ("е", "я"), ("у", "")),
    "instrumental": (("ским", "ский"), ("ским", "ской"), ("цким", "цкий"), ("ким", "кий"),
                     ("гим", "гий"), ("хим", "хий"), ("ым", "ый"), ("ым", "ой"), ("им", "ий"),
                     ("овым", "ов"), ("евым", "ев"), ("иным", "ин"), ("ем", "й"), ("ем", "ь"),
                     ("ей", "я"), ("ой", "а"), ("ом", ""), ("ем", "")),
    "prepositional": (("ском", "ский"), ("ском", "ской"), ("цком", "цкий"), ("ком", "кий"),
                      ("гом", "гий"), ("хом", "хий"), ("ом", "ый"), ("ом", "ой"), ("ем", "ий"),
                      ("ове", "ов"), ("еве", "ев"), ("ине", "ин"), ("е", "й"), ("е", "ь"),
                      ("е", "а"), ("е", "я"), ("е", "")),
}  # fmt: skip
_M_UNDO["accusative"] = _M_UNDO["genitive"] + (("у", "а"), ("ю", "я"))
_M_UNDO["instrumental"] += (("овым", "ов"), ("евым", "ев"), ("ёвым", "ёв"), ("ыным", "ын"))
_POSSESSIVE = ("ов", "ев", "ёв", "ин", "ын", "ова", "ева", "ёва", "ина", "ына")
_F_POSSESSIVE = (("овой", "ова"), ("евой", "ева"), ("ёвой", "ёва"), ("иной", "ина"),
                 ("ыной", "ына"))  # fmt: skip
_F_UNDO: dict[str, tuple[tuple[str, str], ...]] = {
    "genitive": (("ской", "ская"), ("цкой", "цкая"), ("ой", "ая"), ("ой", "а"), ("ы", "а"),
                 ("и", "я")),
    "dative": (("ской", "ская"), ("цкой", "цкая"), ("ой", "ая"), ("ой", "а"), ("е", "а"),
               ("е", "я")),
    "accusative": (("скую", "ская"), ("цкую", "цкая"), ("ую", "ая"), ("у", "а"), ("ю", "я")),
    "instrumental": (("ской", "ская"), ("цкой", "цкая"), ("ой", "ая"), ("ой", "а"),
                     ("ей", "я")),
    "prepositional": (("ской", "ская"), ("цкой", "цкая"), ("ой", "ая"), ("ой", "а"),
                      ("е", "а"), ("е", "я")),
}  # fmt: skip
for _case in ("genitive", "dative", "instrumental", "prepositional"):
    _F_UNDO[_case] = _F_POSSESSIVE + _F_UNDO[_case]
_F_UNDO["accusative"] = (("ову", "ова"), ("еву", "ева"), ("ину", "ина")) + _F_UNDO["accusative"]


@lru_cache(maxsize=200_000)
def surname_nominative(word: str, sex: str, case: str) -> tuple[str, str]:
    """(nominative, rule) of a surname written in ``case`` for a person of ``sex``."""
    if case == "nominative" or not word:
        return word, "as written (nominative)"
    low = word.lower()
    undo = (_F_UNDO if sex == "f" else _M_UNDO).get(case, ())
    # possessive -ов/-ин forms first (Чупиковым → Чупиков, not the adjective Чупиковый)
    ordered = sorted(undo, key=lambda en: (not en[1].endswith(_POSSESSIVE), -len(en[0])))
    candidates = [word[: len(word) - len(e)] + n for e, n in ordered if low.endswith(e)]
    candidates.append(word)  # does not decline
    # a man's surname does not end in a hissing consonant and ь (Януковичем → Янукович)
    verified = [c for c in dict.fromkeys(candidates)
                if len(c) >= 2 and not (sex == "m" and c[-2:-1] in "жшчщ" and c[-1:] == "ь")
                and _same(decline(c, "surname", sex, case), word)]  # fmt: skip
    if len(verified) > 1 and any(c.endswith("ой") for c in verified):
        # «Толстым»: Толстой or Толстый — pymorphy3's dictionary decides
        known = pymorphy_surnames(word, sex)
        verified.sort(key=lambda c: c.lower().replace("ё", "е") not in known)
    if verified:
        cand = verified[0]
        rule = "does not decline" if cand == word else f"{case} undone, checked by petrovich"
        return cand, rule
    lemma = _pymorphy_surname(word, sex)
    if lemma:
        return lemma, "pymorphy3 surname lemma"
    return word, f"{case} form kept: no nominative verified"


def _same(a: str, b: str) -> bool:
    return a.lower().replace("ё", "е") == b.lower().replace("ё", "е")


@cache
def pymorphy() -> Any:
    """pymorphy3's analyzer, made on first use (0.1 s and 15 MB, only for unknown words)."""
    import pymorphy3  # type: ignore[import-untyped]

    return pymorphy3.MorphAnalyzer(lang="ru")


def _pymorphy_surname(word: str, sex: str) -> str | None:
    for p in pymorphy().parse(word):
        if "Surn" in p.tag:
            form = p.inflect({"nomn", "femn" if sex == "f" else "masc"}) or p
            return cased_like(str(form.word), word)
    return None


@lru_cache(maxsize=100_000)
def pymorphy_surnames(word: str, sex: str) -> frozenset[str]:
    """The nominatives pymorphy3's dictionary gives ``word`` as a surname of ``sex``."""
    found: set[str] = set()
    if not pymorphy().word_is_known(word.lower()):
        return frozenset()
    for p in pymorphy().parse(word):
        if "Surn" in p.tag and p.is_known and "plur" not in p.tag:
            form = p.inflect({"nomn", "femn" if sex == "f" else "masc"})
            if form is not None:
                found.add(str(form.word).replace("ё", "е"))
    return frozenset(found)


#: Case endings of given names to undo: (ending, nominative ending) per sex and case.
_GIVEN_UNDO: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("f", "nominative"): (("", ""),),
    ("f", "genitive"): (("ы", "а"), ("и", "я"), ("и", "а"), ("и", "ь")),
    ("f", "dative"): (("е", "а"), ("е", "я"), ("и", "я"), ("и", "ь")),
    ("f", "accusative"): (("у", "а"), ("ю", "я"), ("ь", "ь")),
    ("f", "instrumental"): (("ой", "а"), ("ей", "я"), ("ей", "а"), ("ью", "ь")),
    ("f", "prepositional"): (("е", "а"), ("е", "я"), ("и", "я"), ("и", "ь")),
    ("m", "nominative"): (("", ""),),
    ("m", "genitive"): (("а", ""), ("я", "й"), ("я", "ь"), ("ы", "а"), ("и", "а"), ("и", "я")),
    ("m", "accusative"): (("а", ""), ("я", "й"), ("я", "ь"), ("у", "а"), ("ю", "я")),
    ("m", "dative"): (("у", ""), ("ю", "й"), ("ю", "ь"), ("е", "а"), ("е", "я")),
    ("m", "instrumental"): (("ом", ""), ("ем", "й"), ("ем", "ь"), ("ой", "а"), ("ей", "я")),
    ("m", "prepositional"): (("е", ""), ("е", "й"), ("е", "ь"), ("е", "а"), ("и", "я")),
}  # fmt: skip


@lru_cache(maxsize=50_000)
def given_nominative(word: str, sex: str, case: str) -> str | None:
    """The nominative of a given name of ``sex`` written in ``case``, checked by petrovich."""
    low = word.lower()
    for ending, nominative in _GIVEN_UNDO.get((sex, case), ()):
        if not low.endswith(ending) or len(low) - len(ending) < 2:
            continue
        cand = word[: len(word) - len(ending)] + nominative
        if _same(decline(cand, "given", sex, case), word):
            return cand
    return None


PYMORPHY_CASES = {
    "nomn": "nominative", "gent": "genitive", "datv": "dative",
    "accs": "accusative", "ablt": "instrumental", "loct": "prepositional",
}  # fmt: skip


def cased_like(word: str, model: str) -> str:
    if model.isupper():
        return word.upper()
    return "-".join(p[:1].upper() + p[1:] for p in word.split("-"))
