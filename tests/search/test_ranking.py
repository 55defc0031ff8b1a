"""Ranking among persons who match alike: rarity of the words matched (IDF), then more
sources, more records, the person id. A small literal workspace of its own:

- O1: Орлов Павел Ильич, three records of one source (Roster);
- O2: his namesake, two records of two sources (Roster, Graves);
- L-b and L-a: namesakes Лебедев Олег Петрович, one Roster record each, L-b's first;
- Z1: Зимин Ринат, no patronymic; Z2: Зимин Р. Иванович, the given name as an initial;
- five more persons whose patronymic is Иванович, so that Иванович is a common word and
  Ринат a rare one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.search.conftest import indexed_workspace, loaded_index, write_source
from unaccounted.search import SearchIndex, search
from unaccounted.search.keys import readings
from unaccounted.search.rank import weights

ROSTER = [
    ["o1", "Орлов Павел Ильич", "1990", "", "", "погиб"],
    ["o2", "ОРЛОВ П.И.", "1990", "", "", "погиб"],
    ["o3", "Орлов Павел Ильич", "", "", "", "погиб"],
    ["o4", "Орлов Павел Ильич", "1979", "", "", "погиб"],
    ["l1", "Лебедев Олег Петрович", "1991", "", "", "погиб"],
    ["l2", "Лебедев Олег Петрович", "1984", "", "", "погиб"],
    ["z1", "Зимин Ринат", "", "", "", "погиб"],
    ["z2", "Зимин Р. Иванович", "", "", "", "погиб"],
    ["i1", "Кузьмин Олег Иванович", "", "", "", "погиб"],
    ["i2", "Соколов Иван Иванович", "", "", "", "погиб"],
    ["i3", "Морозов Антон Иванович", "", "", "", "погиб"],
    ["i4", "Волков Юрий Иванович", "", "", "", "погиб"],
    ["i5", "Титов Глеб Иванович", "", "", "", "погиб"],
]
GRAVES = [["g1", "Орлов Павел Ильич", "1979", "", "", "погиб"]]
PERSONS = [
    ("O1", "Roster", "o1"), ("O1", "Roster", "o2"), ("O1", "Roster", "o3"),
    ("O2", "Roster", "o4"), ("O2", "Graves", "g1"),
    ("L-b", "Roster", "l1"), ("L-a", "Roster", "l2"),
    ("Z1", "Roster", "z1"), ("Z2", "Roster", "z2"),
    ("I1", "Roster", "i1"), ("I2", "Roster", "i2"), ("I3", "Roster", "i3"),
    ("I4", "Roster", "i4"), ("I5", "Roster", "i5"),
]  # fmt: skip


@pytest.fixture(scope="module")
def ranked(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    root: Path = tmp_path_factory.mktemp("ranking-world")
    write_source(root / "sources", "roster", "Roster", ROSTER)
    write_source(root / "sources", "graves", "Graves", GRAVES)
    return loaded_index(indexed_workspace(root, PERSONS))


def test_more_sources_before_more_records(ranked: SearchIndex) -> None:
    # O1 has three records of one source, O2 two of two sources: O2 is better attested
    assert [h.person_id for h in search(ranked, "Орлов Павел Ильич").hits] == ["O2", "O1"]


def test_equal_persons_in_person_id_order(ranked: SearchIndex) -> None:
    # one record of one source each; L-b's record comes first, L-a's id sorts first
    hits = search(ranked, "Лебедев Олег Петрович").hits
    assert [h.person_id for h in hits] == ["L-a", "L-b"]
    assert hits[0].score == hits[1].score


def test_a_rare_given_name_outweighs_a_common_patronymic(ranked: SearchIndex) -> None:
    """Z1 agrees in the rare given name Ринат; Z2 in the common patronymic Иванович (six
    of the 14 records) and the initial Р. With fixed weights Z2 came first (10 + 2.25 + 3
    = 15.25 against 10 + 5 = 15); weighted by rarity Z1 does."""
    hits = search(ranked, "Зимин Ринат Иванович").hits
    assert [h.person_id for h in hits] == ["Z1", "Z2"]
    # n = 14 records: Зимин in 2 → 10·(1 + 0.4·(ln(15/3)/ln 15 − 0.5)) = 10.377;
    # Ринат in 1 → 5·(1 + 0.4·(ln(15/2)/ln 15 − 0.5)) = 5.488; Иванович in 6 → 2.738;
    # Z1: 10.377 + 5.488; Z2: 10.377 + 0.45·5.488 (initial) + 2.738
    assert [h.score for h in hits] == [15.865, 15.585]


def test_weights_of_a_reading(ranked: SearchIndex) -> None:
    reading = readings(ranked.pack, "Зимин Ринат Иванович")[0]
    assert [round(w, 3) for w in weights(ranked, reading)] == [10.377, 5.488, 2.738]
    # a word no record has (a typo, an unknown name) weighs as the rarest
    unknown = readings(ranked.pack, "Зимонов Ринат")[0]
    assert round(weights(ranked, unknown)[0], 3) == 12.0
