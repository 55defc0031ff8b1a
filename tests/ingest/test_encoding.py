"""Encoding detection: Russian lists arrive as UTF-8, UTF-8 with BOM, CP1251 or KOI8-R."""

from __future__ import annotations

from pathlib import Path

import pytest

from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.ingest.encoding import detect_encoding
from unaccounted.workspace import Workspace

from ..conftest import write_csv

NAMES = (
    "full_name,status\nСавченко Сергей Иванович,погиб\nОоржак Айдыс Романович,пропал без вести\n"
)
CAPS = "ФИО\nСАВЧЕНКО СЕРГЕЙ ИВАНОВИЧ\nКУЗНЕЦОВ ДМИТРИЙ ЮРЬЕВИЧ\nЛЕБЕДЕВ ИЛЬЯ ПАВЛОВИЧ\n"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1251", "cp1251"), ("koi8-r", "koi8-r")],
)
def test_detects_each_encoding_of_a_short_list(encoding: str, expected: str) -> None:
    assert detect_encoding(NAMES.encode(encoding)) == expected


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_detects_all_capitals(encoding: str) -> None:
    # Capitals are the hard case: KOI8-R and CP1251 swap letter case, so a wrong guess
    # yields a plausible-looking lower-case text; letter frequencies must decide.
    assert detect_encoding(CAPS.encode(encoding)) == encoding


def test_utf8_cut_inside_a_character_is_still_utf8() -> None:
    sample = NAMES.encode("utf-8")
    cut = sample[: sample.index("Сергей".encode()) + 1]  # half of 'С'
    assert detect_encoding(cut) == "utf-8"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "koi8-r"])
def test_every_encoding_ingests_to_the_same_records(
    ws: Workspace, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(
        tmp_path / "list.csv",
        ["ФИО", "Статус"],
        [["Савченко Сергей Иванович", "погиб"]],
        encoding=encoding,
    )
    (tmp_path / "map.yaml").write_text("columns: {ФИО: full_name, Статус: status}\n", "utf-8")
    from unaccounted.ingest import load_mapping

    report = ingest_files(ws, [path], IngestOptions(mapping=load_mapping(tmp_path / "map.yaml")))
    assert report.files[0]["encoding"] == encoding
    with ws.store() as store:
        assert store.rows("SELECT full_name, status FROM records") == [
            {"full_name": "Савченко Сергей Иванович", "status": "погиб"}
        ]
