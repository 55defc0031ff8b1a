"""Statuses, units, regions and places: exact values for the shapes sources write."""

from __future__ import annotations

from pathlib import Path

import pytest

from unaccounted.normalize.pack import PackData
from unaccounted.normalize.places import PlaceReader
from unaccounted.normalize.regions import RegionReader
from unaccounted.normalize.ru.keys import script_key
from unaccounted.normalize.statuses import StatusReader
from unaccounted.normalize.units import UnitReader

DATA = PackData("ru")


@pytest.mark.parametrize(
    ("text", "status"),
    [("погиб", "killed"), ("Погиб в ходе СВО", "killed"), ("груз 200", "killed"),
     ("200", "killed"), ("KIA", "killed"), ("б/в", "missing"), ("пропал б/в", "missing"),
     ("MIA", "missing"), ("в плену", "captured"), ("POW", "captured"), ("300-й", "wounded"),
     ("трёхсотый", "wounded"), ("умер от ран", "died_of_wounds"),
     ("признана умершей", "declared_dead"), ("returned (exchange)", "returned"),
     ("погиб 7 марта под Бахмутом", "killed"), ("зник безвісти", "missing"), ("xyz", None)],
)  # fmt: skip
def test_status_words(text: str, status: str | None) -> None:
    assert StatusReader(DATA).read(text)[0] == status


@pytest.mark.parametrize(
    ("text", "key", "cls"),
    [("25 ОМСБр", "omsbr:25", "brigade:25"),
     ("25-я отдельная гвардейская мотострелковая бригада", "omsbr:25", "brigade:25"),
     ("25th Guards Separate Motor Rifle Brigade", "omsbr:25", "brigade:25"),
     ("25-я бригада", None, "brigade:25"),
     ("в/ч 12345", "vch:12345", None),
     ("2 гв. МСП", "msp:2", "regiment:2"),
     ("ШО-278", "sho:278", "detachment:278"),
     ("11 ШО ЧВК", "pmc:11", "detachment:11"),
     ("27-й штурмовой отряд частной военной компании", "pmc:27", "detachment:27"),
     ("в составе 25-й отдельной мотострелковой бригады", "omsbr:25", "brigade:25"),
     ("25th Separate Motorized Rifle Brigade", "omsbr:25", "brigade:25"),
     ("25 OMSBr", "omsbr:25", "brigade:25"),
     ("ОМСБр №25", "omsbr:25", "brigade:25"),
     # the larger formation of a nested unit
     ("1-й батальон 25-й бригады", None, "brigade:25"),
     ("2-й мотострелковый батальон 25-й отдельной мотострелковой бригады", "omsbr:25",
      "brigade:25"),
     # a military unit number next to a name: both kept
     ("в/ч 12345 (25 ОМСБр)", "omsbr:25", "brigade:25"),
     ("вч12345", "vch:12345", None),
     ("войсковая часть 12345", "vch:12345", None)],
)  # fmt: skip
def test_units_without_a_registry(text: str, key: str | None, cls: str | None) -> None:
    unit = UnitReader(DATA, script_key).read(text)
    assert unit is not None
    assert (unit.unit_key, unit.unit_class_key) == (key, cls)


@pytest.mark.parametrize(
    ("text", "code"),
    [("Нижегородская обл.", "RU-NIZ"), ("Башкирия", "RU-BA"), ("Кузбасс", "RU-KEM"),
     ("Тыва", "RU-TY"), ("Тува", "RU-TY"), ("Republic of Tyva", "RU-TY"),
     ("Moscow Oblast", "RU-MOS"), ("Krasnoyarskiy", "RU-KYA"), ("Kursk", "RU-KRS"),
     ("ДНР", "UA-14"), ("г. Тольятти", "RU-SAM"), ("с. Дубовка, Респ Хакасия", "RU-KK"),
     ("Алтайский край", "RU-ALT"), ("Республика Алтай", "RU-AL"), ("ХМАО", "RU-KHM"),
     ("Саха /Якутия/", "RU-SA"), ("xyz", None)],
)  # fmt: skip
def test_regions(text: str, code: str | None) -> None:
    assert RegionReader(DATA, script_key).read(text).code == code


def test_event_places_in_any_case_form() -> None:
    places = PlaceReader(DATA)
    assert places.event_place("под Бахмутом")[:2] == ("Бахмут", "UA-14")
    assert places.event_place("в районе Бахмута")[:2] == ("Бахмут", "UA-14")
    assert places.event_place("Bakhmut")[:2] == ("Бахмут", "UA-14")
    assert places.settlement("с. Дубовка, Респ Хакасия") == "Дубовка"


def test_a_workspace_registry_names_the_unit_of_a_military_number(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text(
        "unit_key,type,number,vch,aliases\nomsbr:25,omsbr,25,12345,«Двадцать пятая»\n", "utf-8"
    )
    units = UnitReader(PackData("ru", tmp_path))
    by_number = units.read("в/ч 12345")
    assert by_number is not None
    assert (by_number.unit_key, by_number.unit_class_key, by_number.unit_vch) == (
        "omsbr:25", "brigade:25", "12345")  # fmt: skip
    alias = units.read("«Двадцать пятая»")
    assert alias is not None and alias.unit_key == "omsbr:25"


def test_pack_additions_change_the_digest(tmp_path: Path) -> None:
    from unaccounted.normalize.pack import load_pack

    before = load_pack("ru").digest
    (tmp_path / "diminutives.csv").write_text("name,diminutive\nАлександр,Санчо\n", "utf-8")
    pack = load_pack("ru", tmp_path)
    assert pack.digest != before
    assert pack.parse_name("Санчо Иванов").given_name == "Александр"


def test_a_missing_pack_folder_is_a_one_line_error(tmp_path: Path) -> None:
    from unaccounted.errors import WorkspaceError
    from unaccounted.normalize.pack import load_pack

    with pytest.raises(WorkspaceError, match="does not exist"):
        load_pack("ru", tmp_path / "nope")


def test_a_bad_status_in_an_addition_is_a_one_line_error(tmp_path: Path) -> None:
    from unaccounted.errors import InputError

    (tmp_path / "statuses.csv").write_text("word,status\nсгинул,vanished\n", "utf-8")
    with pytest.raises(InputError, match="unknown status 'vanished' for 'сгинул'; use one of"):
        StatusReader(PackData("ru", tmp_path))


def test_a_ragged_addition_is_a_one_line_error(tmp_path: Path) -> None:
    from unaccounted.errors import InputError

    (tmp_path / "cities.csv").write_text("city,iso_code\nЖуковка,RU-BRY,extra\n", "utf-8")
    with pytest.raises(InputError, match="cities.csv .added.: a row has too many cells"):
        PackData("ru", tmp_path).table("cities")
