"""Which pairs the prediction rules score: sparse records (a name and a home town, no
birth date, age or unit) are found by their region; full records are not paired so."""

from typing import Any

import duckdb
import pytest

from unaccounted.link.blocking import PREDICTION_RULES

COLUMNS = {
    "unique_id": "BIGINT", "name_block": "VARCHAR", "surname_key": "VARCHAR",
    "surname_phonetic": "VARCHAR", "given_key": "VARCHAR", "given_initial": "VARCHAR",
    "given_ambiguous": "BOOLEAN", "birth_lo": "DATE", "birth_year_lo": "BIGINT",
    "birth_year_hi": "BIGINT", "birth_day": "DATE", "event_lo": "DATE", "unit_key": "VARCHAR",
    "unit_number": "VARCHAR", "region": "VARCHAR", "settlement": "VARCHAR",
}  # fmt: skip


def record(uid: int, surname: str, block: str, given: str, **more: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(unique_id=uid, surname_key=surname, name_block=block, given_key=given,
               given_initial=given[:1].upper(), given_ambiguous=False, **more)  # fmt: skip
    return row


def blocked(left: dict[str, Any], right: dict[str, Any]) -> list[int]:
    """The numbers of the prediction rules that pair the two records."""
    con = duckdb.connect()
    cols = ", ".join(f"{c} {t}" for c, t in COLUMNS.items())
    con.execute(f"CREATE TABLE t ({cols})")
    for row in (left, right):
        con.execute(f"INSERT INTO t VALUES ({', '.join('?' * len(COLUMNS))})",
                    [row[c] for c in COLUMNS])  # fmt: skip
    rules = ", ".join(f"({rule})" for rule in PREDICTION_RULES)
    hits = con.execute(
        f"SELECT {rules} FROM t l JOIN t r ON l.unique_id = 1 AND r.unique_id = 2"
    ).fetchall()[0]
    return [i for i, hit in enumerate(hits) if hit]


OFFICIAL = record(1, "halilov", "halilaf:М", "magomed", region="RU-DA",
                  birth_lo="1992-01-01", unit_key="vch:1")  # fmt: skip


@pytest.mark.parametrize(
    ("right", "rules"),
    [
        # «Магомед Халилов, Махачкала»: no birth date, age or unit — found by the region
        # (the name's sound, and the given name with the surname's first letters)
        (record(2, "halilov", "halilaf:М", "magomed", region="RU-DA", settlement="Махачкала"),
         [9, 11]),
        # the surname cut short («Халил»): the given name, region and three letters find it
        (record(2, "halil", "halil:М", "magomed", region="RU-DA", settlement="Махачкала"),
         [11]),
        # mistyped («Хаилов») in another sound, and the official list names no town
        (record(2, "hailov", "hailaf:М", "magomed", region="RU-DA", settlement="Махачкала"),
         []),
        # another region: not paired
        (record(2, "halilov", "halilaf:М", "magomed", region="RU-CE", settlement="Грозный"),
         []),
        # a full record of the same region (a unit): the region rules leave it to the others
        (record(2, "halilov", "halilaf:М", "magomed", region="RU-DA", unit_key="vch:2"), []),
    ],
)  # fmt: skip
def test_sparse_records_are_found_by_region(right: dict[str, Any], rules: list[int]) -> None:
    assert blocked(OFFICIAL, right) == rules


def test_sparse_records_with_a_mistyped_surname_meet_in_their_town() -> None:
    post = record(1, "halilov", "halilaf:М", "magomed", region="RU-DA", settlement="Махачкала")
    typed = record(2, "hailov", "hailaf:М", "magomed", region="RU-DA", settlement="Махачкала")
    assert blocked(post, typed) == [12, 13]
