"""Each comparison's levels on exact inputs, evaluated with DuckDB as Splink would."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from unaccounted.link.comparisons import (
    BirthDateComparison,
    Comparison,
    EventDateComparison,
    GivenNameComparison,
    PatronymicComparison,
    PlaceComparison,
    SurnameComparison,
    UnitComparison,
    standard_comparisons,
)
from unaccounted.link.explain import levels_of

D = dt.date


def level(comp: Comparison, left: dict[str, Any], right: dict[str, Any]) -> str:
    """The label of the level a pair falls into."""
    cols = set(left) | set(right) | set(comp.columns)
    full_l = {c: left.get(c) for c in cols}
    full_r = {c: right.get(c) for c in cols}
    return comp.levels[levels_of([comp], full_l, full_r)[0]].label


def sur(key: str | None, phon: str | None = None) -> dict[str, Any]:
    return {"surname_key": key, "surname_phonetic": phon}


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (sur(None), sur("ivanov", "ivanaf"), "surname missing"),
        (sur("ivanov", "ivanaf"), sur("ivanov", "ivanaf"), "same surname"),
        # Иванов / Иванова: keys differ, the phonetic key folds the feminine ending
        (sur("ivanov", "ivanaf"), sur("ivanova", "ivanaf"), "same surname sound"),
        # one letter dropped: Jaro-Winkler 0.97
        (sur("gorewnikov", "x"), sur("gorewnkov", "y"), "surname spelled alike (JW ≥ 0.92)"),
        (sur("petrov", "p"), sur("sidorov", "s"), "all other"),
    ],
)
def test_surname_levels(left: dict[str, Any], right: dict[str, Any], expected: str) -> None:
    assert level(SurnameComparison(), left, right) == expected


def given(key: str | None, initial: str | None, cands: list[str] | None = None) -> dict[str, Any]:
    return {"given_key": key, "given_initial": initial, "given_candidates": cands or []}


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (given(None, None), given("sergei", "С"), "given name missing"),
        (given("sergei", "С"), given("sergei", "С"), "same given name"),
        # Саша may be Александр or Александра: the readings overlap
        (
            given("aleksandra", "А", ["Александра", "Александр"]),
            given("aleksandr", "А", ["Александр"]),
            "given names share a reading",
        ),
        # «С.» from a memorial list against «Сергей»
        (given(None, "С"), given("sergei", "С", ["Сергей"]), "initial fits the given name"),
        (given(None, "С"), given("andrei", "А", ["Андрей"]), "all other"),
        (
            given("dmitri", "Д", ["Дмитрий"]),
            given("dmitrii", "Д", ["Дмитрии"]),
            "given name spelled alike (JW ≥ 0.9)",
        ),
    ],
)
def test_given_name_levels(left: dict[str, Any], right: dict[str, Any], expected: str) -> None:
    assert level(GivenNameComparison(), left, right) == expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (
            {"patronymic_key": None, "patronymic_initial": None},
            {"patronymic_key": "igorevic", "patronymic_initial": "И"},
            "patronymic missing",
        ),
        (
            {"patronymic_key": "igorevic", "patronymic_initial": "И"},
            {"patronymic_key": "igorevic", "patronymic_initial": "И"},
            "same patronymic",
        ),
        (
            {"patronymic_key": None, "patronymic_initial": "И"},
            {"patronymic_key": "igorevic", "patronymic_initial": "И"},
            "initial fits the patronymic",
        ),
        # a father and his namesake son: the son's patronymic is the father's given name
        (
            {"patronymic_key": "petrovic", "patronymic_initial": "П"},
            {"patronymic_key": "ivanovic", "patronymic_initial": "И"},
            "all other",
        ),
    ],
)
def test_patronymic_levels(left: dict[str, Any], right: dict[str, Any], expected: str) -> None:
    assert level(PatronymicComparison(), left, right) == expected


def birth(lo: dt.date | None, hi: dt.date | None = None, precision: str = "day") -> dict[str, Any]:
    return {"birth_lo": lo, "birth_hi": hi or lo, "birth_precision": precision if lo else None}


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (birth(None), birth(D(1990, 3, 12)), "birth date missing"),
        (birth(D(1990, 3, 12)), birth(D(1990, 3, 12)), "same birth day"),
        # 12.03 read as 03.12: day and month swapped
        (
            birth(D(1990, 3, 12)),
            birth(D(1990, 12, 3)),
            "birth day and month swapped or one part mistyped",
        ),
        # a typo in the year only
        (
            birth(D(1990, 3, 12)),
            birth(D(1991, 3, 12)),
            "birth day and month swapped or one part mistyped",
        ),
        # «1990» (year only) contains 12.03.1990
        (
            birth(D(1990, 1, 1), D(1990, 12, 31), "year"),
            birth(D(1990, 3, 12)),
            "birth year (or month) contains the other date",
        ),
        # age 33 at death on 2023-06-01 → born 1989-06-02..1990-06-01
        (
            birth(D(1989, 6, 2), D(1990, 6, 1), "age"),
            birth(D(1990, 3, 12)),
            "birth intervals overlap (age-derived)",
        ),
        (birth(D(1990, 3, 12)), birth(D(1991, 8, 1)), "birth within two years"),
        # a father and son: 25 years apart
        (birth(D(1965, 3, 12)), birth(D(1990, 7, 1)), "all other"),
    ],
)
def test_birth_date_levels(left: dict[str, Any], right: dict[str, Any], expected: str) -> None:
    assert level(BirthDateComparison(), left, right) == expected


def event(lo: dt.date | None, hi: dt.date | None = None) -> dict[str, Any]:
    return {"event_lo": lo, "event_hi": hi or lo}


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (event(None), event(D(2023, 1, 5)), "event date missing"),
        (event(D(2023, 1, 5)), event(D(2023, 1, 5)), "same event day"),
        # «January 2023» overlaps 5 January
        (
            event(D(2023, 1, 1), D(2023, 1, 31)),
            event(D(2023, 1, 5)),
            "event dates overlap or within 3 days",
        ),
        (event(D(2023, 1, 5)), event(D(2023, 1, 7)), "event dates overlap or within 3 days"),
        (event(D(2023, 1, 5)), event(D(2023, 1, 30)), "event dates within 31 days"),
        (event(D(2023, 1, 5)), event(D(2024, 3, 16)), "all other"),
    ],
)
def test_event_date_levels(left: dict[str, Any], right: dict[str, Any], expected: str) -> None:
    assert level(EventDateComparison(), left, right) == expected


def unit(
    key: str | None, cls: str | None, number: int | None, vch: str | None = None
) -> dict[str, Any]:
    return {"unit_key": key, "unit_class_key": cls, "unit_number": number, "unit_vch": vch}


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (
            unit(None, None, None),
            unit("omsbr:17", "brigade:17", 17),
            "unit missing or not comparable",
        ),
        # a field-post number and a named brigade cannot be compared
        (
            unit("vch:15334", None, None, "15334"),
            unit("omsbr:17", "brigade:17", 17),
            "unit missing or not comparable",
        ),
        (unit("omsbr:17", "brigade:17", 17), unit("omsbr:17", "brigade:17", 17), "same unit"),
        # «17 омсбр» and «17-я бригада»
        (
            unit("omsbr:17", "brigade:17", 17),
            unit(None, "brigade:17", 17),
            "same unit class and number",
        ),
        (unit("omsbr:17", "brigade:17", 17), unit("msp:17", "regiment:17", 17), "same unit number"),
        (unit("omsbr:17", "brigade:17", 17), unit("omsbr:71", "brigade:71", 71), "all other"),
    ],
)
def test_unit_levels(left: dict[str, Any], right: dict[str, Any], expected: str) -> None:
    assert level(UnitComparison(), left, right) == expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        # one side gives only a region, the other only a town: not comparable
        (
            {"region": "RU-BA", "settlement": None},
            {"region": None, "settlement": "Уфа"},
            "home place missing",
        ),
        (
            {"region": "RU-BA", "settlement": "Уфа"},
            {"region": "RU-BA", "settlement": "Уфа"},
            "same home settlement",
        ),
        (
            {"region": "RU-BA", "settlement": "Уфа"},
            {"region": "RU-BA", "settlement": None},
            "same region",
        ),
        # a town's name in one region is not the same town in another (Заречье)
        (
            {"region": "RU-KO", "settlement": "Заречье"},
            {"region": "RU-TA", "settlement": "Заречье"},
            "all other",
        ),
        # one region, two home towns: namesakes, not one person
        (
            {"region": "RU-BA", "settlement": "Уфа"},
            {"region": "RU-BA", "settlement": "Стерлитамак"},
            "same region, other home settlement",
        ),
        # a town whose region the lookup did not find
        (
            {"region": None, "settlement": "Гусиноозерск"},
            {"region": "RU-BU", "settlement": "Гусиноозерск"},
            "same home settlement, one region unknown",
        ),
        (
            {"region": "RU-BA", "settlement": None},
            {"region": "RU-TY", "settlement": None},
            "all other",
        ),
    ],
)
def test_place_levels(left: dict[str, Any], right: dict[str, Any], expected: str) -> None:
    assert level(PlaceComparison(), left, right) == expected


def test_every_comparison_starts_with_a_null_level_and_ends_with_else() -> None:
    for comp in standard_comparisons(("personal_number",)):
        d = comp.splink_dict()
        assert d["comparison_levels"][0]["is_null_level"] is True
        assert d["comparison_levels"][-1]["sql_condition"] == "ELSE"


def test_names_and_units_are_frequency_adjusted_on_their_exact_level() -> None:
    adjusted = {
        c.name: [lv.tf_column for lv in c.levels if lv.tf_column] for c in standard_comparisons()
    }
    # «Иванов Сергей» is common and «Ооржак Айдыс» is not
    assert adjusted["surname"] == ["surname_key"]
    assert adjusted["given_name"] == ["given_key"]
    assert adjusted["unit"] == ["unit_key"]
