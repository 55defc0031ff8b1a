"""Each reader: CSV/TSV dialects, XLSX sheets, JSON and JSON Lines, Parquet."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from unaccounted.errors import InputError
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.workspace import Workspace

from ..conftest import write_csv


def records(ws: Workspace, cols: str = "full_name, status") -> list[tuple[object, ...]]:
    with ws.store() as store:
        return [
            tuple(r.values())
            for r in store.rows(
                f"SELECT sheet, line, {cols} FROM records ORDER BY sheet NULLS FIRST, line"
            )
        ]


@pytest.mark.parametrize(
    ("delimiter", "suffix"), [(",", ".csv"), (";", ".csv"), ("\t", ".tsv"), ("|", ".txt")]
)
def test_csv_delimiters_are_sniffed(
    ws: Workspace, tmp_path: Path, delimiter: str, suffix: str
) -> None:
    path = write_csv(
        tmp_path / f"list{suffix}",
        ["full_name", "status"],
        [["Петров Пётр", "погиб"], ["Сидоров Иван, мл.", "пропал"]],
        delimiter=delimiter,
    )
    ingest_files(ws, [path], IngestOptions())
    assert records(ws) == [
        (None, 2, "Петров Пётр", "погиб"),
        (None, 3, "Сидоров Иван, мл.", "пропал"),
    ]


def test_csv_line_numbers_count_multiline_cells_and_blank_lines(
    ws: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "quotes.csv"
    path.write_text(
        '\nfull_name,event_place\n"Орлов Олег","погиб\nпод Бахмутом"\n\nЕгоров Егор,\n', "utf-8"
    )
    report = ingest_files(ws, [path], IngestOptions())
    # The header is on line 2; the first record spans lines 3-4; line 5 is blank.
    assert records(ws, "full_name, event_place") == [
        (None, 3, "Орлов Олег", "погиб\nпод Бахмутом"),
        (None, 6, "Егоров Егор", None),
    ]
    assert report.totals["blank"] == 1


def test_short_rows_are_padded_and_long_rows_rejected(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("full_name,status,unit\nА Б,погиб\nВ Г,погиб,1 мсп,лишнее\nД Е,,,\n", "utf-8")
    report = ingest_files(ws, [path], IngestOptions())
    assert records(ws) == [(None, 2, "А Б", "погиб"), (None, 4, "Д Е", None)]
    with ws.store() as store:
        assert store.rows("SELECT line, reason_code, reason, raw FROM rejects") == [
            {
                "line": 3,
                "reason_code": "ragged",
                "reason": "row has 4 cells, the header has 3",
                "raw": json.dumps(["В Г", "погиб", "1 мсп", "лишнее"], ensure_ascii=False),
            }
        ]
    assert (report.accepted, report.rejected) == (2, 1)


def make_workbook(path: Path) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "dd.mm.yyyy"})
    first = book.add_worksheet("Погибшие")
    first.write_row(0, 0, ["ФИО", "Дата рождения", "Возраст"])
    first.write_row(1, 0, ["Ильин Илья Ильич"])
    first.write_datetime(1, 1, dt.datetime(1990, 3, 12), date_format)
    first.write_number(1, 2, 33.0)
    second = book.add_worksheet("Пропавшие")
    second.write_row(2, 0, ["ФИО", "Статус"])  # header after two empty rows
    second.write_row(3, 0, ["Львов Лев Львович", "пропал"])
    book.add_worksheet("Пустой")
    book.close()
    return path


def test_xlsx_reads_every_sheet_with_cells_as_text(ws: Workspace, tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "book.xlsx")
    from unaccounted.ingest.mapping import Mapping

    mapping = Mapping(
        columns={
            "ФИО": "full_name",
            "Дата рождения": "birth_date",
            "Возраст": "age",
            "Статус": "status",
        }
    )
    # The mapping names columns of both sheets; each sheet has only some of them.
    with pytest.raises(InputError, match="which book.xlsx sheet 'Погибшие' does not have"):
        ingest_files(ws, [path], IngestOptions(mapping=mapping))
    sheet1 = Mapping(columns={"ФИО": "full_name", "Дата рождения": "birth_date", "Возраст": "age"})
    ingest_files(ws, [path], IngestOptions(mapping=sheet1, sheet="Погибшие"))
    ingest_files(
        ws,
        [path],
        IngestOptions(
            sheet="Пропавшие", mapping=Mapping(columns={"ФИО": "full_name", "статус": "status"})
        ),
    )  # headers match case-insensitively
    assert records(ws, "full_name, birth_date, age, status") == [
        ("Погибшие", 2, "Ильин Илья Ильич", "1990-03-12", "33", None),
        ("Пропавшие", 4, "Львов Лев Львович", None, None, "пропал"),
    ]


def test_xlsx_unknown_sheet_names_the_sheets(ws: Workspace, tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "book.xlsx")
    with pytest.raises(
        InputError, match="no sheet named 'Лист1' \\(sheets: Погибшие, Пропавшие, Пустой\\)"
    ):
        ingest_files(ws, [path], IngestOptions(sheet="Лист1"))


def test_json_array_keeps_nested_values_as_json(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(
        json.dumps(
            [
                {"full_name": "Зайцев Захар", "age": 41, "sources": ["a", "b"]},
                {"full_name": "Котов Кирилл", "status": "погиб", "alive": False},
            ],
            ensure_ascii=False,
        ),
        "utf-8",
    )
    ingest_files(ws, [path], IngestOptions())
    with ws.store() as store:
        assert store.rows(
            "SELECT line, full_name, age, status, extra FROM records ORDER BY line"
        ) == [
            {
                "line": 1,
                "full_name": "Зайцев Захар",
                "age": "41",
                "status": None,
                "extra": '{"sources":"[\\"a\\", \\"b\\"]"}',
            },
            {
                "line": 2,
                "full_name": "Котов Кирилл",
                "age": None,
                "status": "погиб",
                "extra": '{"alive":"false"}',
            },
        ]


def test_json_lines_rejects_bad_lines_with_the_reason(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "list.jsonl"
    path.write_text(
        '{"full_name": "Волков Виктор"}\n{"full_name": \n\n[1, 2]\n'
        '{"full_name": "Белов Борис", "age": 20.50}\n',
        "utf-8",
    )
    report = ingest_files(ws, [path], IngestOptions())
    assert records(ws, "full_name, age") == [
        (None, 1, "Волков Виктор", None),
        (None, 5, "Белов Борис", "20.50"),
    ]
    with ws.store() as store:
        assert store.rows("SELECT line, reason_code, reason FROM rejects ORDER BY line") == [
            {"line": 2, "reason_code": "invalid_json", "reason": "not valid JSON: Expecting value"},
            {"line": 4, "reason_code": "not_an_object", "reason": "not a JSON object"},
        ]
    assert (report.accepted, report.rejected) == (2, 2)


def test_invalid_json_array_is_an_error(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"full_name": "А"}, {"full_name": ', "utf-8")
    with pytest.raises(InputError, match="broken.json: not valid JSON"):
        ingest_files(ws, [path], IngestOptions())
    with ws.store() as store:
        assert store.counts()["records"] == 0


def test_parquet_columns_become_text(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "list.parquet"
    pq.write_table(
        pa.table(
            {
                "Full_Name": ["Соколов Семён", None, "Новиков Никита"],
                "birth_date": pa.array([dt.date(1985, 1, 2), None, None], pa.date32()),
                "age": pa.array([None, 30, 25], pa.int64()),
            }
        ),
        path,
    )
    report = ingest_files(ws, [path], IngestOptions())
    assert records(ws, "full_name, birth_date, age") == [
        (None, 1, "Соколов Семён", "1985-01-02", None),
        (None, 3, "Новиков Никита", None, "25"),
    ]
    assert report.totals["no_name"] == 1


def test_unknown_extension_is_an_error(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "list.doc"
    path.write_text("x", "utf-8")
    with pytest.raises(InputError, match="unknown file type '.doc'"):
        ingest_files(ws, [path], IngestOptions())


def test_jsonl_in_cp1251_is_detected(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "list.jsonl"
    path.write_bytes('{"full_name": "Щукин Щеслав"}\n'.encode("cp1251"))
    ingest_files(ws, [path], IngestOptions())
    assert records(ws, "full_name") == [(None, 1, "Щукин Щеслав")]
