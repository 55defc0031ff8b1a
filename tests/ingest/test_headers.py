"""Header names read without a mapping: the language pack's aliases, and their overrides."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from unaccounted.errors import InputError
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.ingest.headers import header_key, load_aliases
from unaccounted.ingest.mapping import Mapping
from unaccounted.workspace import Workspace

from ..conftest import write_csv

RU_HEADERS = ["№", "ФИО", "Дата рождения", "Воинская часть", "Звание", "Место рождения", "Прим."]


def test_russian_headers_are_read_without_a_mapping(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "book.csv",
        RU_HEADERS,
        [["1", "Орлов Олег Олегович", "01.02.1990", "в/ч 00001", "рядовой", "Курск", "-"]],
    )
    report = ingest_files(ws, [path], IngestOptions())
    # Every listed header is read as its column, in file order; «Прим.» is not listed.
    assert report.parts[0].read_as == [
        ("№", "record_id"),
        ("ФИО", "full_name"),
        ("Дата рождения", "birth_date"),
        ("Воинская часть", "unit"),
        ("Звание", "rank"),
        ("Место рождения", "hometown"),
    ]
    with ws.store() as store:
        assert store.rows(
            "SELECT record_id, full_name, birth_date, unit, rank, hometown, extra FROM records"
        ) == [
            {
                "record_id": "1",
                "full_name": "Орлов Олег Олегович",
                "birth_date": "01.02.1990",
                "unit": "в/ч 00001",
                "rank": "рядовой",
                "hometown": "Курск",
                "extra": '{"Прим.":"-"}',
            }
        ]


def test_english_headers_and_a_canonical_name_is_not_reported(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "tracker.csv",
        ["Name", "Date of birth", "Unit", "Rank", "status"],
        [["Oleg Orlov", "1990", "1st brigade", "private", "KIA"]],
    )
    report = ingest_files(ws, [path], IngestOptions())
    # "Unit", "Rank" and "status" are canonical names themselves: nothing to report.
    assert report.parts[0].read_as == [("Name", "full_name"), ("Date of birth", "birth_date")]


def test_a_mapping_overrides_an_alias(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "list.csv",
        ["ФИО", "Место рождения"],
        [["Орлов Олег", "Курская обл."]],
    )
    mapping = Mapping(columns={"Место рождения": "region"})
    report = ingest_files(ws, [path], IngestOptions(mapping=mapping))
    # The mapped header is the mapping's choice, so only «ФИО» is reported as an alias.
    assert report.parts[0].read_as == [("ФИО", "full_name")]
    with ws.store() as store:
        assert store.rows("SELECT region, hometown FROM records") == [
            {"region": "Курская обл.", "hometown": None}
        ]
        header = json.loads(store.scalar("SELECT header FROM file_ingests"))
    assert header[1] == {"header": "Место рождения", "column": "region"}


def test_a_workspace_adds_its_own_header_names(ws: Workspace, tmp_path: Path) -> None:
    extra = ws.root / "pack"
    extra.mkdir()
    write_csv(extra / "headers.csv", ["header", "column"], [["Боец", "full_name"]])
    text = ws.config_path.read_text("utf-8").replace('pack_dir = ""', 'pack_dir = "pack"')
    ws.config_path.write_text(text, "utf-8")
    path = write_csv(tmp_path / "a.csv", ["Боец"], [["Орлов Олег"]])
    report = ingest_files(Workspace.open(ws.root), [path], IngestOptions())
    assert report.parts[0].read_as == [("Боец", "full_name")]


def test_header_key_ignores_case_yo_spacing_and_colon() -> None:
    # «Населённый  пункт:» as typed in a spreadsheet is the listed «Населенный пункт».
    assert header_key(" Населённый  пункт: ") == "населенный пункт"
    assert load_aliases("ru").column("Населённый  пункт:") == "hometown"


def test_an_added_header_naming_no_column_is_refused(tmp_path: Path) -> None:
    write_csv(tmp_path / "headers.csv", ["header", "column"], [["Боец", "fighter"]])
    with pytest.raises(InputError, match="'Боец' names 'fighter', which is not a canonical"):
        load_aliases("ru", tmp_path)


def test_the_summary_says_how_headers_were_read(
    ws: Workspace, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    path = write_csv(tmp_path / "l.csv", ["ФИО", "Звание"], [["Орлов Олег", "рядовой"]])
    result = cli("ingest", str(path))
    assert result.exit_code == 0
    assert "  read «ФИО» as full_name, «Звание» as rank\n" in result.output
    data = json.loads(cli("ingest", str(path), "--json").stdout)
    assert data["parts"][0]["read_as"] == {"ФИО": "full_name", "Звание": "rank"}
