"""The unit filter matches a unit as the sources wrote it: a military unit number that no
registry maps («в/ч 51234») is the same unit as the formation the linked persons' other
records name («7 МСП»), once enough persons show it.

Persons (fictional; assigned as a clustering so the test fixes who is who):

- G, H: each one record «в/ч 51234» and one «7 МСП» — the two persons that show it;
- K: Орлов Павел, one record, «в/ч 51234» only;
- L: Орлов Павел, one record, «7-й полк» (the class of 7 МСП: a regiment numbered 7);
- M: Орлов Павел, one record, «в/ч 60001» only (a number nobody links to a formation);
- N, O: one record «в/ч 70002» and «9 МСП», and one «в/ч 70002» and «11 ТП» — the number
  is named with two formations, once each: it is merged with neither.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.search.conftest import indexed_workspace, loaded_index, write_source
from unaccounted.analyze.run import CONFIRMED_ALIASES
from unaccounted.errors import InputError
from unaccounted.search import SearchIndex, search
from unaccounted.search.index import confirmed_unit_aliases

ROWS = [
    ["g1", "Белов Игорь Петрович", "1980", "в/ч 51234", "", "погиб"],
    ["g2", "Белов Игорь Петрович", "1980", "7 МСП", "", "погиб"],
    ["h1", "Зайцев Олег Ильич", "1982", "в/ч 51234", "", "погиб"],
    ["h2", "Зайцев Олег Ильич", "1982", "7 МСП", "", "погиб"],
    ["k1", "Орлов Павел Андреевич", "1990", "в/ч 51234", "", "погиб"],
    ["l1", "Орлов Павел Сергеевич", "1991", "7-й полк", "", "погиб"],
    ["m1", "Орлов Павел Олегович", "1992", "в/ч 60001", "", "погиб"],
    ["n1", "Гусев Роман Ильич", "1983", "в/ч 70002", "", "погиб"],
    ["n2", "Гусев Роман Ильич", "1983", "9 МСП", "", "погиб"],
    ["o1", "Лебедев Антон Ильич", "1984", "в/ч 70002", "", "погиб"],
    ["o2", "Лебедев Антон Ильич", "1984", "11 ТП", "", "погиб"],
]
PERSONS = [
    ("G", "Units", "g1"), ("G", "Units", "g2"), ("H", "Units", "h1"), ("H", "Units", "h2"),
    ("K", "Units", "k1"), ("L", "Units", "l1"), ("M", "Units", "m1"), ("N", "Units", "n1"),
    ("N", "Units", "n2"), ("O", "Units", "o1"), ("O", "Units", "o2"),
]  # fmt: skip


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    root: Path = tmp_path_factory.mktemp("unit-world")
    write_source(root / "sources", "units", "Units", ROWS)
    return loaded_index(indexed_workspace(root, PERSONS))


def persons(index: SearchIndex, text: str, unit: str) -> list[str | None]:
    return sorted(h.person_id or "" for h in search(index, text, unit=unit, limit=20).hits)


def test_a_formation_finds_the_records_that_give_only_its_unit_number(
    index: SearchIndex,
) -> None:
    # K wrote only «в/ч 51234»; G and H link that number to 7 МСП; L's «7-й полк» is the
    # regiment numbered 7 (its class); M's number is linked to nothing
    assert persons(index, "Павел", "7 МСП") == ["K", "L"]
    assert persons(index, "Орлов", "7 мотострелковый полк") == ["K", "L"]


def test_a_unit_number_finds_the_records_that_give_its_formation(index: SearchIndex) -> None:
    assert persons(index, "Павел", "в/ч 51234") == ["K", "L"]
    assert persons(index, "Павел", "в/ч 60001") == ["M"]


def test_a_number_named_with_two_formations_is_merged_with_neither(
    index: SearchIndex,
) -> None:
    # one person each: fewer than two persons, and no majority
    assert persons(index, "Роман", "9 МСП") == ["N"]
    assert persons(index, "Антон", "9 МСП") == []
    assert persons(index, "Антон", "в/ч 70002") == ["O"]
    assert index.unit_same[index.unit.code("vch:51234")] == {index.unit.code("msp:7")}
    assert index.unit_same.get(index.unit.code("vch:70002"), set()) == set()


def test_an_unreadable_unit_is_a_one_line_error(index: SearchIndex) -> None:
    with pytest.raises(InputError, match="the unit «штаб» is not one the normalizer can read"):
        search(index, "Павел", unit="штаб")


def test_confirmed_aliases_join_units_the_records_never_linked(index: SearchIndex) -> None:
    # nobody's records link «в/ч 60001» to 9 МСП; a user confirmed it (unit_aliases.yaml)
    confirmed = SearchIndex(index.table, index.pack, index.normalizer, index.stamp,
                            [("msp:9", "vch:60001")])  # fmt: skip
    assert persons(confirmed, "Павел", "9 МСП") == ["M"]
    assert persons(confirmed, "Роман", "в/ч 60001") == ["N"]
    assert persons(index, "Павел", "9 МСП") == []


class _Shared:
    def __init__(self, content: str | None) -> None:
        self.content = content

    def shared_file(self, name: str) -> dict[str, str] | None:
        assert name == CONFIRMED_ALIASES  # the file `unaccounted unit-aliases` writes
        return None if self.content is None else {"name": name, "content": self.content}


@pytest.mark.parametrize(
    ("content", "pairs"),
    [
        (None, []),
        ("aliases:\n- [msp:9, 'vch:60001']\n", [("msp:9", "vch:60001")]),
        # a malformed entry is skipped, not an error: the file is checked when written
        ("aliases:\n- [msp:9]\n- [a, b]\n", [("a", "b")]),
        ("aliases: [", []),
    ],
)
def test_confirmed_aliases_are_read_from_the_store(
    content: str | None, pairs: list[tuple[str, str]]
) -> None:
    assert confirmed_unit_aliases(_Shared(content)) == pairs  # type: ignore[arg-type]
