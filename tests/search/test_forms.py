"""Search finds a person from every form a relative may type (the literal workspace of
``conftest.py``: A is Петров Сергей Иванович, B his namesake Петров Сергей Николаевич)."""

from __future__ import annotations

import pytest

from unaccounted.search import SearchIndex, search


def top(index: SearchIndex, text: str, **filters: str) -> list[str | None]:
    return [h.person_id for h in search(index, text, **filters).hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # any order of the full name; only A has the patronymic Иванович
        ("Петров Сергей Иванович", ["A", "B"]),
        ("Сергей Иванович Петров", ["A", "B"]),
        ("Иванович Петров Сергей", ["A", "B"]),
        # initials after or before the surname: И. agrees with A only
        ("Петров С.И.", ["A", "B"]),
        # one initial: A and B tie; A has more records
        ("С. Петров", ["A", "B"]),
        # a declined form (genitive), as an obituary writes it
        ("Сергея Ивановича Петрова", ["A", "B"]),
        ("Анны Жуковой", ["E"]),
        # Latin in several schemes, German, Polish and Ukrainian spellings
        ("Sergej Petrow", ["A", "B"]),
        ("Siergiej Pietrow", ["A", "B"]),
        ("Serhiy Petrov", ["A", "B"]),
        ("Semenov Artem", ["C"]),
        ("Schtschukin Dmitri", ["F"]),
        ("Dmitrij Szczukin", ["F"]),
        ("Kusnezow Andrej", ["D"]),
        # ё written as е, and one typo per word
        ("Семенов Артем", ["C"]),
        ("Пертов Сергей Иванович", ["A", "B"]),
        ("Кузнецво Андрей", ["D"]),
        # F's only record is in the dative; the query is in the nominative
        ("Щукин Дмитрий", ["F"]),
    ],
)
def test_each_form_finds_the_person_first(
    index: SearchIndex, query: str, expected: list[str]
) -> None:
    assert top(index, query) == expected


def test_a_diminutive_reads_as_the_full_name(index: SearchIndex) -> None:
    result = search(index, "Серёжа Петров")
    # A and B are both Сергей Петров; A, with three records, comes first
    assert [h.person_id for h in result.hits] == ["A", "B"]
    assert result.hits[0].why == ["«Петров» → surname Петров",
                                  "«Серёжа» → given name Сергей (diminutive)"]  # fmt: skip
    assert result.readings == ["surname Петров, given name Сергей"]


def test_colloquial_forms_with_a_surname_or_a_filter(index: SearchIndex) -> None:
    assert top(index, "Андрюха Кузнецов") == ["D"]
    # «Тёма» alone: only C is an Артём, and he serves in 4 МСП
    assert top(index, "Тёма", unit="4 МСП") == ["C"]


def test_a_given_name_alone_with_a_unit_or_a_region(index: SearchIndex) -> None:
    # B and C serve in 4 МСП; only C is an Артём
    assert top(index, "Артём", unit="4 МСП") == ["C"]
    # A and D come from the Kursk region; only D is an Андрей
    assert top(index, "Андрей", region="Курская") == ["D"]
    assert top(index, "Андрей", region="RU-KRS") == ["D"]


def test_filters_by_birth_years_and_status(index: SearchIndex) -> None:
    # B was born 1985 and is the only one missing; A was born 1990
    assert top(index, "Петров", born="1984-1986") == ["B"]
    assert top(index, "Петров", status="missing") == ["B"]
    assert top(index, "Петров", born="1990") == ["A"]
    assert top(index, "Петров", status="пропал без вести") == ["B"]


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("Сергея Ивановича Петрова", ["«Петрова» → surname Петров (declined form, genitive)",
                                      "«Сергея» → given name Сергей (declined form, genitive)",
                                      "«Ивановича» → patronymic Иванович "
                                      "(declined form, genitive)"]),
        ("Sergej Petrow", ["«Petrow» → surname Петров (Latin spelling)",
                           "«Sergej» → given name Сергей (Latin spelling)"]),
        ("Schtschukin Dmitri", ["«Schtschukin» → surname Щукин (German spelling)",
                                "«Dmitri» → given name Дмитрий (Latin spelling)"]),
        ("Семенов Артем", ["«Семенов» → surname Семёнов (ё written as е)",
                           "«Артем» → given name Артём (ё written as е)"]),
        ("Пертов Сергей Иванович", ["«Пертов» → surname Петров (one typo)",
                                    "«Сергей» → given name Сергей",
                                    "«Иванович» → patronymic Иванович"]),
        ("Петров С.И.", ["«Петров» → surname Петров", "«С.» → given name Сергей (initial)",
                         "«И.» → patronymic Иванович (initial)"]),
    ],
)  # fmt: skip
def test_the_first_hit_says_why(index: SearchIndex, query: str, why: list[str]) -> None:
    assert search(index, query).hits[0].why == why


def test_a_hit_carries_what_the_index_knows_of_the_person(index: SearchIndex) -> None:
    hit = search(index, "Петров Сергей Иванович").hits[0]
    # A: records a1 (List) and a2, a3 (News); born 1990 in a1 and a3; 25 ОМСБр in a1, a2
    assert (hit.person_id, hit.name, hit.canonical, hit.record) == (
        "A",
        "Петров Сергей Иванович",
        "Петров Сергей Иванович",
        ("List", "a1"),
    )
    assert (hit.units, hit.regions, hit.birth_years, hit.statuses) == (
        ["omsbr:25"],
        ["RU-KRS"],
        ["1990"],
        ["killed"],
    )
    assert (hit.sources, hit.records, hit.grade, hit.status) == (2, 3, None, None)


def test_the_limit_cuts_the_hits(index: SearchIndex) -> None:
    result = search(index, "Петров", limit=1)
    # A and B both match the surname; one is shown, both are counted
    assert ([h.person_id for h in result.hits], result.matched) == (["A"], 2)


@pytest.mark.parametrize(
    ("query", "expected", "why"),
    [
        # «Ниолаевич» (key nolaevic) is two letters short of B's nikolaevic, which the
        # key's deletion tables do not reach; as spelled it is one letter short of
        # «николаевич»: B first, though A has more records
        ("Петров Сергей Ниолаевич", ["B", "A"], "«Ниолаевич» → patronymic Николаевич (one typo)"),
        ("Пертов Сергей Ниолаевич", ["B", "A"], "«Ниолаевич» → patronymic Николаевич (one typo)"),
        # «Викторовч»: the key viktorovc is one edit away too; the spelling agrees
        ("Кузнецов Андрей Викторовч", ["D"], "«Викторовч» → patronymic Викторович (one typo)"),
        # «Адрей»: a given name one letter short, spelled and keyed
        ("Кузнецов Адрей", ["D"], "«Адрей» → given name Андрей (one typo)"),
    ],
)
def test_a_typo_the_script_key_hides_is_still_one_typo(
    index: SearchIndex, query: str, expected: list[str], why: str
) -> None:
    hits = search(index, query).hits
    assert [h.person_id for h in hits] == expected
    assert why in hits[0].why


def test_a_latin_surname_one_letter_from_a_key_is_one_typo(index: SearchIndex) -> None:
    # «Semeonov» reads back as «Семеонов», two letters from «семенов» as spelled, but its
    # key semeonov is one letter from C's semenov
    hits = search(index, "Artem Semeonov").hits
    assert [h.person_id for h in hits] == ["C"]
    assert hits[0].why[0] == "«Semeonov» → surname Семёнов (Latin spelling, one typo)"
    # «io» for ё after a consonant (Polish, and common in Latin lists) is read as ё
    hits = search(index, "Artiom Semionov").hits
    assert [h.person_id for h in hits] == ["C"]
    assert hits[0].why[0] == "«Semionov» → surname Семёнов (Polish spelling)"
