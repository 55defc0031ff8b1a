"""German, Polish and Ukrainian Latin spellings respelled for the script key."""

from __future__ import annotations

import pytest

from unaccounted.normalize.ru.keys import script_key
from unaccounted.normalize.ru.schemes import respellings


@pytest.mark.parametrize(
    ("word", "scheme", "key"),
    [
        # German ch is х, sch is ш, tsch is ч, z is ц: Хомяков, Щербаков, Щукин, Чернов, Кузнецов
        ("Chomjakow", "German spelling", script_key("Хомяков")),
        ("Schtscherbakow", "German spelling", script_key("Щербаков")),
        ("Schtschukin", "German spelling", script_key("Щукин")),
        ("Tschernow", "German spelling", script_key("Чернов")),
        ("Kusnezow", "German spelling", "kusnetov"),  # s for з stays s: one letter off
        ("Sacharow", "German spelling", script_key("Захаров")),  # an initial s is з
        ("Schewtschenko", "German spelling", script_key("Шевченко")),
        # Polish cz is ч, sz is ш, szcz is щ, rz is ж, ch is х
        ("Czernow", "Polish spelling", script_key("Чернов")),
        ("Szczukin", "Polish spelling", script_key("Щукин")),
        ("Rzewski", "Polish spelling", script_key("Жевский")),
        ("Chomiakow", "Polish spelling", script_key("Хомяков")),
        ("Żukow", "Polish spelling", script_key("Жуков")),
        # German sch is also ж; s before b/d/g and an initial s before j + vowel are з;
        # jo and Polish io after a consonant are ё
        ("Dyschin", "German spelling, sch as ж", script_key("Дыжин")),
        ("Schilinski", "German spelling, sch as ж", script_key("Жилинский")),
        ("Sjusginow", "German spelling", script_key("Зюзгинов")),
        ("Kisseljow", "German spelling", script_key("Киселёв")),
        ("Kisiełiow", "Polish spelling", script_key("Киселёв")),
        ("Piotr", "Polish spelling", script_key("Пётр")),
        # Ukrainian h is г, final -iy/-ii a Russian -ей
        ("Serhiy", "Ukrainian spelling", script_key("Сергей")),
        ("Andrii", "Ukrainian spelling", script_key("Андрей")),
    ],
)
def test_a_spelling_meets_the_russian_key(word: str, scheme: str, key: str) -> None:
    assert script_key(dict(respellings(word))[scheme]) == key


def test_a_word_with_polish_letters_is_not_read_as_german() -> None:
    # «ł» is Polish: no German reading (which would make the s of Kisiełiow a з)
    assert [scheme for scheme, _ in respellings("Kisiełiow")] == ["Polish spelling"]
    # the two German readings are one when the word has no sch
    assert [scheme for scheme, _ in respellings("Sacharow")] == ["German spelling",
                                                                 "Polish spelling"]  # fmt: skip


def test_words_the_schemes_do_not_change_have_no_respelling() -> None:
    # plain English-like spellings and Cyrillic words are read as they are
    assert respellings("Petrov") == ()
    assert respellings("Петров") == ()
    assert respellings("Sergei") == ()


def test_every_differing_reading_is_given_once() -> None:
    # Schukow: German sch is ш or ж (Жуков); Polish reads s + ch (х)
    assert respellings("Schukow") == (("German spelling", "Shukow"),
                                      ("Polish spelling", "Skhukow"),
                                      ("German spelling, sch as ж", "Zhukow"))  # fmt: skip
