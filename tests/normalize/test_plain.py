"""The token-cached path of name parsing gives exactly the fields of the full parse."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pytest

from unaccounted.normalize.model import NAME_FIELDS
from unaccounted.normalize.pack import LanguagePack, load_pack
from unaccounted.normalize.record import Normalizer
from unaccounted.normalize.ru import RussianPack, plain
from unaccounted.normalize.workers import from_ipc, to_ipc

DATA = Path(__file__).parent / "data"


@pytest.fixture()
def pack() -> RussianPack:
    p = load_pack("ru")
    assert isinstance(p, RussianPack)
    return p


def _labelled() -> list[str]:
    texts: list[str] = []
    for name in ("names_hand.csv", "names.csv"):
        with (DATA / name).open(encoding="utf-8") as f:
            texts.extend(row["text"] for row in csv.DictReader(f))
    return texts


def _full(pack: RussianPack, *args: str | None) -> tuple[object, ...]:
    """The fields by the full parse (the base class's way, no fast path)."""
    return LanguagePack.name_values(pack, *args)


def test_every_labelled_name_gets_the_fields_of_the_full_parse(pack: RussianPack) -> None:
    texts = _labelled()
    fast = [t for t in texts if pack.plain_name_values(t, None, None) is not None]
    # most labelled shapes are plain words and initials; the rest take the full parse
    assert len(fast) > len(texts) // 2
    for sex in (None, "Ж"):
        for hint in (None, "oblique"):
            for text in texts:
                assert pack.name_values(text, None, None, None, sex, hint) == _full(
                    pack, text, None, None, None, sex, hint
                ), text


def test_a_plain_name_in_capitals(pack: RussianPack) -> None:
    # the surname's keys are those of its nominative in title case; the block adds the initial
    assert pack.name_values("ОСТРОВСКИЙ ИЛЬЯ СЕРГЕЕВИЧ") == (
        "Островский", "Илья", "Сергеевич", "И", "С", ("Илья",), "ostrovski", "ila",
        "sergevic", "astrafski", "astrafski:И", "m", "cyrillic", "nominative", "S G P", None,
    )  # fmt: skip
    assert len(NAME_FIELDS) == 16


def test_a_declined_name_is_read_in_its_case(pack: RussianPack) -> None:
    got = pack.name_values("Дмитрия Владиславовича Межженникова")
    assert got[:3] == ("Межженников", "Дмитрий", "Владиславович")
    assert got[13:] == ("genitive", "G P S", None)


@pytest.mark.parametrize(
    ("columns", "fast"),
    [(("ПОЛЯКОВА", "Ольга", "Андреевна", "Ж"), True),
     (("Смирнов", "П.", "Н.", None), True),
     (("Римского-Корсакова", "Николая", None, "м"), True),
     (("Savchenko", "Sergey", None, None), True),
     (("Кара-Сал", "Айдыс", "Алдын-оол оглы", None), False),  # two words in a column
     (("Il'in", "Aleksandr", None, None), False)],  # an apostrophe
)  # fmt: skip
def test_split_columns(
    pack: RussianPack, columns: tuple[str | None, str | None, str | None, str | None], fast: bool
) -> None:
    surname, given, patronymic, sex = columns
    assert (pack.plain_split_values(surname, given, patronymic, sex, None) is not None) is fast
    assert pack.name_values(None, surname, given, patronymic, sex) == _full(
        pack, None, surname, given, patronymic, sex
    )


@pytest.mark.parametrize(
    "text",
    ["рядовой Савченко С.И.", "Савченко С.И.", "IL'IN Aleksandr", "БарановАндрей Александрович",
     "Мамедов Эльчин Ильхам оглы", "FЁDOROV Artёm", "Савченко (Иванов) Сергей", ""],
)  # fmt: skip
def test_names_that_need_the_full_parse_take_it(pack: RussianPack, text: str) -> None:
    assert pack.plain_name_values(text, None, None) is None
    assert pack.name_values(text) == _full(pack, text)


def test_caches_start_afresh_when_full(pack: RussianPack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plain, "_CACHE_LIMIT", 3)
    texts = _labelled()[:60]
    first = [pack.name_values(t) for t in texts]
    assert len(pack._tokens) <= 3 and len(pack._surname_values) <= 3
    assert [pack.name_values(t) for t in texts] == first
    pack.clear_caches()
    assert pack._tokens == {}
    assert [pack.name_values(t) for t in texts] == first


def test_clearing_every_cache_keeps_the_results() -> None:
    n = Normalizer(load_pack("ru"))
    raw = {"full_name": "Савченко Сергей Иванович", "birth_date": "12.03.1990",
           "unit": "25 ОМСБр", "region": "Башкирия", "status": "б/в"}  # fmt: skip
    first = n.normalize(raw)
    n.clear_caches()
    assert n.normalize(raw) == first
    assert (first["surname"], first["unit_key"], first["region_code"], first["status"]) == (
        "Савченко", "omsbr:25", "RU-BA", "missing")  # fmt: skip


def test_batches_travel_as_arrow_ipc() -> None:
    table = pa.table({"full_name": ["Савченко Сергей", None], "n": pa.array([1, 2], pa.int32())})
    back = from_ipc(to_ipc(table))
    assert back.equals(table)
    assert back.column("full_name").to_pylist() == ["Савченко Сергей", None]
