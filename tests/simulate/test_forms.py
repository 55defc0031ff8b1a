"""Declined names, transliterations, date shapes and typos, exactly as written in sources."""

import datetime as dt

import numpy as np
import pytest

from unaccounted.simulate import forms
from unaccounted.simulate.units import aliases, english_ordinal


def _day(y: int, m: int, d: int) -> int:
    return (dt.date(y, m, d) - forms.EPOCH).days


@pytest.mark.parametrize(
    ("name", "sex", "case", "expected"),
    [
        # The issue's own example: -енко does not decline, the rest does.
        (("Савченко", "Сергей", "Иванович"), "m", "genitive", ("Савченко", "Сергея", "Ивановича")),
        (("Иванов", "Илья", "Львович"), "m", "dative", ("Иванову", "Илье", "Львовичу")),
        (("Соколов", "Лев", "Павлович"), "m", "instrumental", ("Соколовым", "Львом", "Павловичем")),
        # Court decisions: accusative; a woman's -ова surname declines like an adjective.
        (("Иванова", "Анна", "Сергеевна"), "f", "accusative", ("Иванову", "Анну", "Сергеевну")),
        (("Белых", "Дмитрий", "Юрьевич"), "m", "genitive", ("Белых", "Дмитрия", "Юрьевича")),
        # A hyphenated Tuvan name declines only in its last piece.
        (("Монгуш", "Алдын-оол", "Начынович"), "m", "instrumental",
         ("Монгушем", "Алдын-оолом", "Начыновичем")),
    ],
)  # fmt: skip
def test_declined_names(
    name: tuple[str, str, str], sex: str, case: str, expected: tuple[str, str, str]
) -> None:
    assert forms.decline_name(*name, sex, case) == expected


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        ("icao_doc_9303", "Shcherbakov Sergei Iurevich"),  # passports since 2014
        ("bgn_pcgn", "Shcherbakov Sergey Yur’yevich"),
        ("wikipedia", "Shcherbakov Sergey Yuryevich"),
        ("gost_779_alt", "Shherbakov Sergej Yur`evich"),
        ("scientific", "Ščerbakov Sergej Jurʹevič"),
    ],
)
def test_transliteration_schemes(scheme: str, expected: str) -> None:
    assert forms.translit("Щербаков Сергей Юрьевич", scheme) == expected


def test_date_shapes() -> None:
    d = _day(2023, 3, 12)
    assert forms.dmy(d) == "12.03.2023"
    assert forms.dmy_short(d) == "12.03.23"
    assert forms.iso(d) == "2023-03-12"
    assert forms.slash(d) == "12/03/2023"
    assert forms.words(d) == "12 марта 2023 г."  # genitive month name
    assert forms.words(d, year=False) == "12 марта"
    assert forms.month_year(d) == "март 2023"
    assert forms.year(d) == "2023"


def test_no_yo() -> None:
    assert forms.no_yo("Соловьёв Пётр Семёнович") == "Соловьев Петр Семенович"


def test_typo_keeps_first_letter_and_changes_word() -> None:
    rng = np.random.default_rng(3)
    typed = [forms.typo("Савченко", rng) for _ in range(50)]
    assert all(t[0] == "С" for t in typed)
    assert sum(t != "Савченко" for t in typed) >= 45
    assert all(abs(len(t) - len("Савченко")) <= 1 for t in typed)


def test_unit_aliases() -> None:
    a = aliases("omsbr", 25, True, "12345")
    assert a == {
        "full": "25-я отдельная гвардейская мотострелковая бригада",
        "abbreviation": "25 гв. ОМСБр",
        "colloquial": "25-я бригада",
        "english": "25th Separate Guards Motor Rifle Brigade",
        "unit_number": "в/ч 12345",
    }
    assert aliases("msp", 1, False, "01234")["full"] == "1-й мотострелковый полк"
    assert [english_ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "102nd", "111th",
    ]  # fmt: skip
