"""Name parsing details the labelled set does not show: candidates, sex, keys, columns."""

from __future__ import annotations

import pytest

from unaccounted.normalize.names import tokens_of
from unaccounted.normalize.pack import load_pack
from unaccounted.normalize.ru import RussianPack


@pytest.fixture(scope="module")
def pack() -> RussianPack:
    p = load_pack("ru")
    assert isinstance(p, RussianPack)
    return p


def test_initials_glued_together_split() -> None:
    assert tokens_of("С.И.Савченко") == ["С.", "И.", "Савченко"]
    assert tokens_of("Савченко С.И.") == ["Савченко", "С.", "И."]


def test_an_ambiguous_diminutive_keeps_every_name(pack: RussianPack) -> None:
    # «Саша» stands for Александр and Александра; the surname's ending picks the order
    assert pack.parse_name("Саша Полякова").given_candidates == ("Александра", "Александр")
    assert pack.parse_name("Саша Поляков").given_candidates == ("Александр", "Александра")


def test_a_form_that_is_two_names_keeps_both(pack: RussianPack) -> None:
    # «Александра» is a woman's name or a man's in the genitive; the patronymic decides
    assert pack.parse_name("Александра Андреевича Медведева").given_candidates == ("Александр",)
    assert pack.parse_name("Александра Котова").given_candidates == ("Александра", "Александр")


@pytest.mark.parametrize(
    ("text", "sex", "rule"),
    [("Сергей Иванович Савченко", "m", "patronymic ending"),
     ("Савченко Ольга", "f", "given name"),
     ("С. И. Полякова", "f", "surname ending"),
     # only initials: the surname says it, by its ending or as pymorphy3's dictionary
     # holds it («Поляковой» only as a woman's, «Боровой» only as a man's), or nothing
     ("Поляковой С. И.", "f", "surname (adjectival ending or pymorphy3 dictionary)"),
     ("Боровой С. И.", "m", "surname (adjectival ending or pymorphy3 dictionary)"),
     ("С. И. Долгорукий", "m", "surname (adjectival ending or pymorphy3 dictionary)"),
     ("С. Толстая", "f", "surname (adjectival ending or pymorphy3 dictionary)"),
     ("С. Толстой", "unknown", "unknown"),  # a man's nominative or a woman's case form
     ("Лановой С. И.", "unknown", "unknown"),  # a surname the dictionary does not hold
     ("Шумахер М.", "unknown", "unknown")],  # a woman's consonant surname does not decline
)  # fmt: skip
def test_sex_and_its_rule(pack: RussianPack, text: str, sex: str, rule: str) -> None:
    parsed = pack.parse_name(text)
    assert (parsed.sex or "unknown", parsed.rules["sex"]) == (sex, rule)


def test_split_columns_are_used_as_given(pack: RussianPack) -> None:
    parsed = pack.parse_name(None, "ПОЛЯКОВА", "Ольга", "Андреевна", "Ж")
    assert parsed.parts() == ("Полякова", "Ольга", "Андреевна")
    assert (parsed.order, parsed.sex) == ("columns", "f")
    initials = pack.parse_name(None, "Смирнов", "П.", "Н.", None)
    assert (initials.given_initial, initials.patronymic_initial) == ("П", "Н")


def test_latin_text_with_cyrillic_yo(pack: RussianPack) -> None:
    # BGN/PCGN keeps ё inside Latin text
    parsed = pack.parse_name("FЁDOROV Artёm")
    assert (parsed.surname, parsed.given_name, parsed.script) == ("Фёдоров", "Артём", "latin")


def test_an_unknown_latin_surname_is_transliterated_back(pack: RussianPack) -> None:
    parsed = pack.parse_name("ZYRKHUSHNIKOV Ivan")
    assert parsed.surname == "Зырхушников"
    assert parsed.rules["surname"] == "reverse transliteration (guess)"
    assert pack.script_key("ZYRKHUSHNIKOV") == pack.script_key("Зырхушников")
