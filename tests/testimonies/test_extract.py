"""The extraction rules on literal (invented) sentences: what each kind of suggestion reads,
its span and its value."""

from __future__ import annotations

import pytest

from unaccounted.errors import InputError
from unaccounted.normalize.pack import load_pack
from unaccounted.normalize.record import Normalizer
from unaccounted.testimony.extract import extract


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer(load_pack("ru"))


def found(text: str, normalizer: Normalizer) -> list[tuple[str, str, str, str]]:
    return [(f.kind, text[f.start : f.end], f.value, f.detail) for f in extract(text, normalizer)]


CASES = [
    # a declined name back in the nominative, the rank kept apart; a sum in words
    ("Жена рядового Павла Егорова перевела двести тысяч рублей на карту командира.", [
        ("person", "Павла Егорова", "Егоров Павел", "rank: рядовой"),
        ("incident_type", "перевела двести", "extortion", "keyword «перевела двести»"),
        ("money", "двести тысяч рублей", "200000 RUB", "sum of money"),
    ]),
    # a chain of formations is one unit, keyed by the largest; an abbreviation its own
    ("Бойцов 1-го батальона 123-го полка и 25 ОМСБр держали в подвале в Горловке.", [
        ("unit", "1-го батальона 123-го полка", "regiment:123",
         "noun «regiment» only; the largest formation named"),
        ("unit", "25 ОМСБр", "omsbr:25", "abbreviation «омсбр»"),
        ("incident_type", "держали", "unlawful_detention", "keyword «держали»"),
        ("place", "Горловке", "Горловка", "after «в»"),
    ]),
    # a lone surname takes the case of its rank: «ефрейтору Киселёву» is Киселёв
    ("Командир роты капитан Петров угрожал ефрейтору Киселёву расстрелом.", [
        ("person", "Петров", "Петров", "rank: капитан"),
        ("incident_type", "угрожал", "threat", "keyword «угрожал»"),
        ("person", "Киселёву", "Киселёв", "rank: ефрейтор"),
    ]),
    # a two-word place in the nominative; dates by the date normalizer (a season: 2023-21)
    ("Мобилизованных из Белгорода держали у Тихой Заводи с 5 июня 2024 года, а весной 2023 "
     "года ранили.", [
        ("place", "Белгорода", "Белгород", "after «из»"),
        ("incident_type", "держали", "unlawful_detention", "keyword «держали»"),
        ("place", "Тихой Заводи", "Тихая Заводь", "after «у»"),
        ("date", "5 июня 2024 года", "2024-06-05", "day and month name"),
        ("date", "весной 2023 года", "2023-21", "season"),
    ]),
    # a day without its year is XXXX in EDTF; «в/ч» with its number is a unit
    ("Заплатили полтора миллиона рублей. Потом 3 марта вернулись в в/ч 12345.", [
        ("incident_type", "Заплатили", "extortion", "keyword «заплатили»"),
        ("money", "полтора миллиона рублей", "1500000 RUB", "sum of money"),
        ("date", "3 марта", "XXXX-03-03", "day and month name, year not said"),
        ("unit", "в/ч 12345", "vch:12345", "military unit number (not in the registry)"),
    ]),
    # a capitalised first word of a sentence is not a name; «у Петрова» is a person, not a
    # place, and with no rank to give the case the form is kept as written (it may be a
    # woman's nominative); nothing here is an incident type
    ("Вечером приехал брат. Жили у Петрова.", [
        ("person", "Петрова", "Петрова", "name"),
    ]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"), CASES, ids=[f"sentence-{i}" for i in range(len(CASES))]
)
def test_suggestions_of_literal_sentences(
    normalizer: Normalizer, text: str, expected: list[tuple[str, str, str, str]]
) -> None:
    assert found(text, normalizer) == expected


def test_another_language_pack_is_refused(tmp_path: object) -> None:
    class Other:
        code = "uk"

    fake = Normalizer.__new__(Normalizer)
    fake.pack = Other()  # type: ignore[assignment]
    with pytest.raises(InputError, match="^assisted extraction reads Russian text; the work"):
        extract("текст", fake)
