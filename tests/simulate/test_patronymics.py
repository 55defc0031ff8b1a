"""Patronymics and feminine surnames follow the rules a native reader expects."""

import pytest

from unaccounted.simulate.patronymics import feminine_surname, patronymic


@pytest.mark.parametrize(
    ("father", "son", "daughter"),
    [
        # Irregular: the list, each a form every Russian speaker knows.
        ("Илья", "Ильич", "Ильинична"),
        ("Никита", "Никитич", "Никитична"),
        ("Лев", "Львович", "Львовна"),  # fleeting vowel
        ("Павел", "Павлович", "Павловна"),  # fleeting vowel
        ("Пётр", "Петрович", "Петровна"),  # ё → е
        ("Михаил", "Михайлович", "Михайловна"),
        ("Яков", "Яковлевич", "Яковлевна"),
        ("Кузьма", "Кузьмич", "Кузьминична"),
        # -ий after two consonants keeps и; after one it becomes ь.
        ("Дмитрий", "Дмитриевич", "Дмитриевна"),
        ("Георгий", "Георгиевич", "Георгиевна"),
        ("Юрий", "Юрьевич", "Юрьевна"),
        ("Василий", "Васильевич", "Васильевна"),
        ("Анатолий", "Анатольевич", "Анатольевна"),
        # Regular suffixes.
        ("Иван", "Иванович", "Ивановна"),
        ("Сергей", "Сергеевич", "Сергеевна"),
        ("Игорь", "Игоревич", "Игоревна"),
        ("Артём", "Артёмович", "Артёмовна"),
        # Names of Russia's republics.
        ("Шамиль", "Шамилевич", "Шамилевна"),
        ("Гаджи", "Гаджиевич", "Гаджиевна"),
        ("Муса", "Мусаевич", "Мусаевна"),
        ("Ринат", "Ринатович", "Ринатовна"),
    ],
)
def test_patronymic(father: str, son: str, daughter: str) -> None:
    assert patronymic(father, "m") == son
    assert patronymic(father, "f") == daughter


@pytest.mark.parametrize(
    ("surname", "group", "woman"),
    [
        ("Иванов", "russian", "Иванова"),
        ("Соловьёв", "russian", "Соловьёва"),
        ("Никитин", "russian", "Никитина"),
        ("Троицкий", "russian", "Троицкая"),
        ("Толстой", "russian", "Толстая"),
        ("Савченко", "ukrainian", "Савченко"),  # -енко never changes
        ("Ковальчук", "ukrainian", "Ковальчук"),
        ("Белых", "russian", "Белых"),  # -ых never changes
        ("Монгуш", "tuvan", "Монгуш"),
        ("Сафин", "tatar", "Сафина"),
    ],
)
def test_feminine_surname(surname: str, group: str, woman: str) -> None:
    assert feminine_surname(surname, group) == woman
