"""The styles of hand-made lists: short posts, foreign spellings and hand-typing noise,
exactly as a tiny world writes them; and the default world untouched by them."""

import csv
from pathlib import Path

import numpy as np
import pytest

from unaccounted.errors import InputError
from unaccounted.simulate import forms
from unaccounted.simulate.config import load_config
from unaccounted.simulate.run import simulate

TINY = """
sources:
  - {slug: posts, name: Posts, kind: social, style: sparse_post, independence_group: social,
     url: https://example.org/p, coverage: {base: 0.5, visibility: 0.0},
     hand: {errors: 0.5, no_yo_places: 1.0}}
  - {slug: press, name: Press, kind: news, style: foreign, independence_group: foreign,
     coverage: {base: 0.5, visibility: 0.0}}
  - {slug: typed, name: Typed, kind: memorial_list, style: official, independence_group: v,
     coverage: {base: 0.5, visibility: 0.0}, hand: {errors: 0.6, partial_dates: 0.6}}
"""


def _rows(folder: Path, slug: str, columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    with (folder / "sources" / f"{slug}.csv").open(encoding="utf-8", newline="") as f:
        return [tuple(row[c] for c in columns) for row in csv.DictReader(f)]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    config = folder / "tiny.yaml"
    config.write_text(TINY, encoding="utf-8")
    simulate(load_config(config), 12, 5, folder / "world")
    return folder / "world"


def test_sparse_posts_have_an_everyday_name_a_town_and_hand_typing(tiny: Path) -> None:
    # Everyday names (Егорка, Лёша, Саша), either order, no patronymic, birth date or age;
    # hand-typing: «Сикиирцкий» (a doubled letter), «Зайц» and «Самсо» (the last word cut
    # short), «Медунин С.» (initials only); the date as «05.2023», «13 марта» or nothing.
    assert _rows(tiny, "posts", ("full_name", "event_date", "hometown")) == [
        ("Данилов Егорка", "13 марта", "с. Васильевка, Владимирская обл"),
        ("Лёша Симонов", "05.2023", "пос. Первомайский, Ростовская обл"),
        ("Сикиирцкий Саша", "25 сентября", "с. Михайловка, Кабардино-Балкарская Респ"),
        ("Саша Зайц", "12.2023", "г. Краснодар"),
        ("Паша Самсо", "02.2024", "г. Екатеринбург"),
        ("Петруцин Женя", "", "г. Казань"),
        ("Медунин С.", "1 сентября", "с. Никольское, Калининградская обл"),
    ]


def test_foreign_lists_spell_names_the_german_polish_or_ukrainian_way(tiny: Path) -> None:
    # Oleksii: the Ukrainian form of Алексей; Sikirizki: German z for ц and i for ий;
    # Samsonow Pawel: w for в (German), a year for the birth date.
    assert _rows(tiny, "press", ("full_name", "birth_date", "event_date")) == [
        ("Smirnov Artem", "08.04.1993", "15.03.2023"),
        ("Simonov Oleksii", "12.05.1984", "25.05.2023"),
        ("Sikirizki Aleksandr", "12.01.1991", "25.09.2023"),
        ("Samsonow Pawel", "1992", "21.02.2024"),
    ]


def test_hand_noise_on_an_official_style(tiny: Path) -> None:
    # Transposed letters («Алкесандр», «Горбуонв»), a space moved inside a word
    # («Григорье вич», «Пет руцин»); dates cut to «09.1992», «02.2024» or «2024».
    assert _rows(tiny, "typed", ("full_name", "birth_date", "event_date")) == [
        ("Зайцев Алкесандр Сергеевич", "06.03.1992", "07.12.2023"),
        ("Самсонов Павел Григорье вич", "09.1992", "02.2024"),
        ("Горбуонв Алексей Васильевич", "14.01.1984", "2024"),
        ("Пет руцин Евгений Никитич", "11.09.1978", "02.04.2024"),
    ]


def test_default_world_keeps_its_digest() -> None:
    # A config without the hand-made keys hashes as before they existed (truth/world.json).
    assert load_config().digest() == (
        "e3f8e7a47e79bf57555d96e06c024a2bc1df3404dac803f0023a3e7ddc0b24a9"
    )


@pytest.mark.parametrize(
    ("word", "german", "polish"),
    [
        ("Захаров", "Sacharow", "Zacharow"),
        ("Савченко", "Sawtschenko", "Sawczenko"),
        ("Жуков", "Schukow", "Żukow"),
        ("Павлов", "Pawlow", "Pawłow"),
        ("Василий", "Wassili", "Wasilij"),
        ("Хрущёв", "Chruschtschow", "Chruszczow"),
    ],
)
def test_foreign_spellings(word: str, german: str, polish: str) -> None:
    assert (forms.foreign(word, "german"), forms.foreign(word, "polish")) == (german, polish)


def test_hand_errors() -> None:
    rng = np.random.default_rng(1)
    name = "Савченко Сергей Иванович"
    assert forms.hand_error(name, "initials", "Савченко", rng) == "Савченко С. И."
    # the surname keeps its letters wherever it stands
    assert forms.hand_error("Серёжа Савченко", "initials", "Савченко", rng) == "С. Савченко"
    assert forms.hand_error("Савченко", "initials", "Савченко", rng) == "Савченко"
    assert forms.hand_error("Ли Ян", "swap", "Ли", rng) == "Ли Ян"  # no word of five letters
    assert forms.hand_error("Ян Ли", "truncate", "Ли", rng) == "Ян Ли"  # too short to cut
    # a narrow column cuts the last word, keeping four letters and 60 % at least
    cut = forms.hand_error(name, "truncate", "Савченко", rng)
    assert cut.startswith("Савченко Сергей Ива") and len(cut) < len(name)
    for kind in ("swap", "double", "space"):
        out = forms.hand_error(name, kind, "Савченко", rng)
        assert out != name and out[0] == "С", (kind, out)  # the initial letter is kept


def test_hand_config_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "sources:\n  - {slug: a, name: A, kind: news, style: foreign, independence_group: g,"
        " encoding: cp1251}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"style 'foreign' writes Polish letters"):
        load_config(path)
    path.write_text(
        "sources:\n  - {slug: a, name: A, kind: news, style: social, independence_group: g,"
        " hand: {errors: 1.5}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"sources\.0\.hand\.errors: Input should be less"):
        load_config(path)
