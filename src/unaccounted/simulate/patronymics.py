"""Russian patronymics and feminine surnames, by the rules of the literary language.

Regular rules (the suffix follows the last letter of the father's name):

- a hard consonant: Иван → Иванович / Ивановна;
- -й after a vowel: Андрей → Андреевич / Андреевна, Сергей → Сергеевич;
- -ий after one consonant: Юрий → Юрьевич / Юрьевна, Василий → Васильевич;
- -ий after two consonants: Дмитрий → Дмитриевич / Дмитриевна, Георгий → Георгиевич;
- -ь: Игорь → Игоревич / Игоревна, Шамиль → Шамилевич;
- -и / -е / -у / -о: Гаджи → Гаджиевич, Доржи → Доржиевич;
- -а / -я: Никита → Никитич / Никитична.

Irregular names (Илья → Ильич, Лев → Львович, Павел → Павлович, Пётр → Петрович,
Михаил → Михайлович, Яков → Яковлевич, Муса → Мусаевич, …) come from the language pack's
``patronymic_exceptions.csv``.
"""

from __future__ import annotations

from functools import cache

from unaccounted.simulate.locale import read_table

_VOWELS = set("аеёиоуыэюя")


@cache
def _exceptions() -> dict[str, tuple[str, str]]:
    return {r["name"]: (r["masculine"], r["feminine"]) for r in read_table("patronymic_exceptions")}


@cache
def patronymic(father: str, sex: str) -> str:
    """The patronymic of a son (``sex='m'``) or daughter (``'f'``) of a man named ``father``."""
    feminine = sex == "f"
    if father in _exceptions():
        masc, fem = _exceptions()[father]
        return fem if feminine else masc
    stem = father.replace("ё", "е") if father.endswith("ётр") else father
    last = stem[-1]
    if stem.endswith("ий"):
        if len(stem) >= 4 and not {stem[-3].lower(), stem[-4].lower()} & _VOWELS:
            base = stem[:-2] + "иев"  # Дмитрий → Дмитриев-
        else:
            base = stem[:-2] + "ьев"  # Юрий → Юрьев-
    elif last == "й":
        base = stem[:-1] + "ев"  # Андрей → Андреев-
    elif last == "ь":
        base = stem[:-1] + "ев"  # Игорь → Игорев-
    elif last in "иеуо":
        base = stem + "ев"  # Гаджи → Гаджиев-
    elif last in "ая":
        return stem[:-1] + ("ична" if feminine else "ич")  # Никита → Никитич
    else:
        base = stem + "ов"  # Иван → Иванов-
    return base + ("на" if feminine else "ич")


#: Endings of surnames that change for a woman, longest first.
_FEMININE_ENDINGS: tuple[tuple[str, str], ...] = (
    ("ский", "ская"),
    ("цкий", "цкая"),
    ("ской", "ская"),
    ("цкой", "цкая"),
    ("ов", "ова"),
    ("ёв", "ёва"),
    ("ев", "ева"),
    ("ин", "ина"),
    ("ын", "ына"),
    ("ой", "ая"),
    ("ый", "ая"),
)


@cache
def feminine_surname(surname: str, group: str = "russian") -> str:
    """A woman's form of a man's surname (Иванов → Иванова, Троицкий → Троицкая).

    Surnames in -енко, -ко, -чук, -ых/-их, consonant-final non-possessive forms
    (Мельник, Монгуш) do not change; nor do hyphenated Tuvan forms.
    """
    if group == "tuvan":
        return surname
    for masc, fem in _FEMININE_ENDINGS:
        if surname.endswith(masc):
            if masc == "ин" and group not in ("russian", "tatar", "bashkir"):
                return surname
            return surname[: -len(masc)] + fem
    return surname
