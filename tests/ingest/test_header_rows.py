"""The header row: chosen by number, or found below a title row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from unaccounted.errors import InputError
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.ingest.mapping import Mapping
from unaccounted.workspace import Workspace


def _workbook(path: Path, rows: list[list[Any]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


BOOK = [
    ["Книга памяти Курской области"],
    ["ФИО", "Дата рождения", "Звание"],
    ["Орлов Олег Олегович", "1990", "рядовой"],
]


def test_a_title_row_above_an_xlsx_header_is_skipped(ws: Workspace, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "book.xlsx", BOOK)
    report = ingest_files(ws, [path], IngestOptions())
    with ws.store() as store:
        # The title's one cell is not a header; the row below it (all known names) is, and
        # the record keeps its sheet row number, 3.
        assert store.rows("SELECT line, full_name, birth_date, rank FROM records") == [
            {"line": 3, "full_name": "Орлов Олег Олегович", "birth_date": "1990", "rank": "рядовой"}
        ]
    assert report.totals["rows"] == 1


def test_a_title_row_above_a_csv_header_is_skipped(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Список погибших;;\n\nФИО;Звание;Примечание\nОрлов Олег;рядовой;-\n", "utf-8")
    ingest_files(ws, [path], IngestOptions())
    with ws.store() as store:
        # The delimiter is sniffed from the header line, not from the title.
        assert store.rows("SELECT line, full_name, rank, extra FROM records") == [
            {"line": 4, "full_name": "Орлов Олег", "rank": "рядовой", "extra": '{"Примечание":"-"}'}
        ]


def test_a_one_cell_first_row_above_unknown_headers_stays_the_header(
    ws: Workspace, tmp_path: Path
) -> None:
    # A one-column list: its single header is the header, not a title.
    path = tmp_path / "names.csv"
    path.write_text("full_name\nОрлов Олег\nПанин Павел\n", "utf-8")
    report = ingest_files(ws, [path], IngestOptions())
    assert report.accepted == 2


def test_header_row_from_the_mapping_and_the_option(ws: Workspace, tmp_path: Path) -> None:
    rows = [["Отчёт"], ["составлен 2024"], ["Боец", "Итог"], ["Орлов Олег", "погиб"]]
    path = _workbook(tmp_path / "r.xlsx", rows)
    mapping = Mapping(header_row=3, columns={"Боец": "full_name", "Итог": "status"})
    ingest_files(ws, [path], IngestOptions(mapping=mapping))
    with ws.store() as store:
        assert store.rows("SELECT line, full_name, status FROM records") == [
            {"line": 4, "full_name": "Орлов Олег", "status": "погиб"}
        ]
    # The option overrides the mapping: row 2 as header leaves «составлен 2024» a header
    # cell, so the mapped «Боец» is missing and the file is refused.
    options = IngestOptions(mapping=mapping, header_row=2)
    with pytest.raises(InputError, match="mapping names column 'Боец'"):
        ingest_files(ws, [path], options)


@pytest.mark.parametrize(
    ("header_row", "message"),
    [
        (9, r"has no row 9 \(header row\)"),
        (2, "header row 2 is empty"),
        (0, "header row 0: rows count from 1"),
    ],
)
def test_bad_header_rows_are_one_line_errors(
    ws: Workspace, tmp_path: Path, header_row: int, message: str
) -> None:
    path = tmp_path / "a.csv"
    path.write_text("full_name\n\nОрлов Олег\n", "utf-8")
    with pytest.raises(InputError, match=message):
        ingest_files(ws, [path], IngestOptions(header_row=header_row))


def test_a_header_row_for_json_is_refused(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('[{"full_name": "Орлов Олег"}]', "utf-8")
    with pytest.raises(InputError, match="a header row is chosen in CSV and XLSX files only"):
        ingest_files(ws, [path], IngestOptions(header_row=1))


def test_a_memorial_book_as_it_comes(ws: Workspace, tmp_path: Path) -> None:
    # A workbook with a title, Russian headers and no status column: a mapping that says
    # only "every row is a death" is enough.
    path = _workbook(tmp_path / "book.xlsx", [*BOOK, ["Панин Павел", "", "сержант"]])
    report = ingest_files(ws, [path], IngestOptions(mapping=Mapping(defaults={"status": "погиб"})))
    assert report.parts[0].read_as == [
        ("ФИО", "full_name"),
        ("Дата рождения", "birth_date"),
        ("Звание", "rank"),
    ]
    with ws.store() as store:
        assert store.rows("SELECT line, full_name, status FROM records ORDER BY line") == [
            {"line": 3, "full_name": "Орлов Олег Олегович", "status": "погиб"},
            {"line": 4, "full_name": "Панин Павел", "status": "погиб"},
        ]
