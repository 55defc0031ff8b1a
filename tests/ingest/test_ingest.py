"""Ingest behaviour: mapping, sources, rejects, idempotence, versions, provenance."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from unaccounted.errors import InputError
from unaccounted.ingest import IngestOptions, ingest_files, load_mapping
from unaccounted.ingest.mapping import Mapping
from unaccounted.workspace import Workspace

from ..conftest import write_csv


def test_mapping_renames_headers_and_keeps_unknown_columns(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "obits.csv",
        ["ФИО", "Дата гибели", "Позывной", "STATUS"],
        [["Сергея Ивановича Савченко", "весной 2023", "Сава", "погиб"]],
    )
    mapping = tmp_path / "obits.yaml"
    mapping.write_text(
        "source: Некрологи\nkind: obituary\npublisher: Газета\nurl: https://example.org\n"
        "independence_group: press\ncolumns:\n  фио: full_name\n  Дата гибели: event_date\n",
        "utf-8",
    )
    ingest_files(ws, [path], IngestOptions(mapping=load_mapping(mapping)))
    with ws.store() as store:
        # Raw values are kept exactly as found (declined name, vague date): normalizing
        # them is a later stage's job. STATUS is canonical regardless of letter case.
        assert store.rows(
            "SELECT source_id, full_name, event_date, status, extra FROM records"
        ) == [
            {
                "source_id": "Некрологи",
                "full_name": "Сергея Ивановича Савченко",
                "event_date": "весной 2023",
                "status": "погиб",
                "extra": '{"Позывной":"Сава"}',
            }
        ]
        assert store.rows("SELECT name, kind, publisher, url, independence_group FROM sources") == [
            {
                "name": "Некрологи",
                "kind": "obituary",
                "publisher": "Газета",
                "url": "https://example.org",
                "independence_group": "press",
            }
        ]
        header = json.loads(store.scalar("SELECT header FROM file_ingests"))
    assert header == [
        {"header": "ФИО", "column": "full_name"},
        {"header": "Дата гибели", "column": "event_date"},
        {"header": "Позывной", "column": None},
        {"header": "STATUS", "column": "status"},
    ]


def test_source_column_splits_a_file_into_sources(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "mixed.csv",
        ["source", "full_name"],
        [["vk", "Антонов Антон"], ["", "Борисов Борис"], ["telegram", "Васин Вася"]],
    )
    ingest_files(ws, [path], IngestOptions(source="mixed-default", kind="social"))
    with ws.store() as store:
        assert store.rows("SELECT source_id, full_name FROM records ORDER BY line") == [
            {"source_id": "vk", "full_name": "Антонов Антон"},
            {"source_id": "mixed-default", "full_name": "Борисов Борис"},
            {"source_id": "telegram", "full_name": "Васин Вася"},
        ]
        assert [r["name"] for r in store.sources()] == ["mixed-default", "telegram", "vk"]


def test_default_source_is_the_file_name(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "kursk_2024.csv", ["surname"], [["Орлов"]])
    ingest_files(ws, [path], IngestOptions())
    with ws.store() as store:
        assert store.rows("SELECT name, kind, independence_group FROM sources") == [
            {"name": "kursk_2024", "kind": "other", "independence_group": "kursk_2024"}
        ]


def test_rows_without_a_name_are_rejected_and_blank_rows_counted(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "l.csv",
        ["surname", "given_name", "status"],
        [["", "Иван", "погиб"], ["", " ", "погиб"], ["", "", ""], ["Жуков", "", ""]],
    )
    report = ingest_files(ws, [path], IngestOptions())
    # A given name alone is a name; whitespace is not; an all-empty row is blank, not a row.
    assert dict(report.totals) == {"rows": 3, "new": 2, "no_name": 1, "blank": 1}
    with ws.store() as store:
        assert store.rows("SELECT line, reason, raw FROM rejects") == [
            {
                "line": 3,
                "reason": "no name",
                "raw": '{"surname":"","given_name":" ","status":"погиб"}',
            }
        ]


def test_a_file_with_no_name_column_is_refused(ws: Workspace, tmp_path: Path) -> None:
    # «Боец» is neither a canonical name nor a header the language pack lists.
    path = write_csv(tmp_path / "l.csv", ["Боец", "статус"], [["Жуков", "погиб"]])
    with pytest.raises(InputError, match=r"l.csv has no name column .* \(Боец, статус\)"):
        ingest_files(ws, [path], IngestOptions())


def test_reingesting_adds_nothing(ws: Workspace, tmp_path: Path) -> None:
    rows = [["Иванов Иван", "погиб", "1 мсп"], ["Петров Пётр", "пропал", ""]]
    path = write_csv(tmp_path / "a.csv", ["full_name", "status", "unit"], rows)
    first = ingest_files(ws, [path], IngestOptions(source="s"))
    second = ingest_files(ws, [path], IngestOptions(source="s"))
    # The same rows in another file, other column order, other header case: same content.
    other = write_csv(
        tmp_path / "b.csv", ["Unit", "Full_Name", "Status"], [[r[2], r[0], r[1]] for r in rows]
    )
    third = ingest_files(ws, [other], IngestOptions(source="s"))
    assert (first.totals["new"], second.totals["unchanged"], third.totals["unchanged"]) == (2, 2, 2)
    assert second.accepted == third.accepted == 0
    with ws.store() as store:
        assert store.counts()["records"] == 2
        assert store.counts()["record_versions"] == 2


def test_reingesting_rejected_rows_adds_no_new_rejects(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ["full_name", "status"], [["", "погиб"]])
    ingest_files(ws, [path], IngestOptions())
    ingest_files(ws, [path], IngestOptions())
    with ws.store() as store:
        assert store.counts()["rejects"] == 1


def test_changed_row_is_a_new_version_and_the_old_is_kept(ws: Workspace, tmp_path: Path) -> None:
    header = ["record_id", "full_name", "status"]
    v1 = write_csv(
        tmp_path / "v1.csv",
        header,
        [["17", "Ким Виктор", "пропал без вести"], ["18", "Пак Денис", "погиб"]],
    )
    v2 = write_csv(
        tmp_path / "v2.csv", header, [["17", "Ким Виктор", "погиб"], ["18", "Пак Денис", "погиб"]]
    )
    ingest_files(ws, [v1], IngestOptions(source="roster"))
    report = ingest_files(ws, [v2], IngestOptions(source="roster"))
    assert dict(report.totals) == {"rows": 2, "version": 1, "unchanged": 1, "blank": 0}
    with ws.store() as store:
        assert store.rows(
            "SELECT record_id, version, status, id_generated FROM records ORDER BY 1, 2"
        ) == [
            {"record_id": "17", "version": 1, "status": "пропал без вести", "id_generated": False},
            {"record_id": "17", "version": 2, "status": "погиб", "id_generated": False},
            {"record_id": "18", "version": 1, "status": "погиб", "id_generated": False},
        ]
        assert store.rows("SELECT record_id, version FROM current_records ORDER BY 1") == [
            {"record_id": "17", "version": 2},
            {"record_id": "18", "version": 1},
        ]


def test_duplicates_and_reused_ids_within_a_file_are_rejected(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "d.csv",
        ["record_id", "full_name"],
        [
            ["1", "Осипов Олег"],
            ["2", "Рябов Роман"],
            ["1", "Осипов Олег"],
            ["2", "Рябов Руслан"],
            ["", "Титов Тимур"],
            ["", "Титов Тимур"],
        ],
    )
    report = ingest_files(ws, [path], IngestOptions())
    assert (report.accepted, report.rejected) == (3, 3)
    with ws.store() as store:
        assert store.rows("SELECT line, reason_code, reason FROM rejects ORDER BY line") == [
            {"line": 4, "reason_code": "duplicate", "reason": "duplicate of line 2"},
            {
                "line": 5,
                "reason_code": "conflicting_id",
                "reason": "record_id 2 repeated with different content (first at line 3)",
            },
            {"line": 7, "reason_code": "duplicate", "reason": "duplicate of line 6"},
        ]


def test_same_row_in_two_files_of_one_ingest(ws: Workspace, tmp_path: Path) -> None:
    a = write_csv(tmp_path / "a.csv", ["full_name"], [["Фомин Фёдор"]])
    b = write_csv(tmp_path / "b.csv", ["full_name"], [["Фомин Фёдор"]])
    report = ingest_files(ws, [a, b], IngestOptions(source="one"))
    assert (report.accepted, report.rejected) == (1, 1)
    with ws.store() as store:
        assert store.scalar("SELECT reason FROM rejects") == (
            "duplicate of a row stored earlier in this ingest (line 2)"
        )


def test_file_digest_and_archive(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ["full_name"], [["Фомин Фёдор"]])
    data = path.read_bytes()
    ingest_files(ws, [path], IngestOptions(archive=True))
    digest = hashlib.sha256(data).hexdigest()
    with ws.store() as store:
        assert store.rows(
            "SELECT sha256, size, name, format, encoding, archived_as FROM files"
        ) == [
            {
                "sha256": digest,
                "size": len(data),
                "name": "a.csv",
                "format": "csv",
                "encoding": "utf-8",
                "archived_as": f"archive/{digest}.csv",
            }
        ]
    assert (ws.root / "archive" / f"{digest}.csv").read_bytes() == data


def test_one_ingest_is_one_transaction_over_all_files(ws: Workspace, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "good.csv", ["full_name"], [["Фомин Фёдор"]])
    bad = tmp_path / "bad.csv"
    bad.write_bytes("full_name\nЛьвов\n".encode("cp1251"))  # CP1251 read as UTF-8
    with pytest.raises(InputError, match="bad.csv: not readable as utf-8 at line 2 \\(byte 10\\)"):
        ingest_files(ws, [good, bad], IngestOptions(encoding="utf-8"))
    with ws.store() as store:
        counts = store.counts()
        assert (counts["records"], counts["sources"], counts["files"]) == (0, 0, 0)
        # The failure itself is in the log, with its reason.
        assert store.rows("SELECT command, outcome, message FROM events") == [
            {
                "command": "ingest",
                "outcome": "failed",
                "message": f"{bad}: not readable as utf-8 at line 2 (byte 10); pass --encoding "
                "(utf-8, cp1251, koi8-r, ...)",
            }
        ]


def test_events_log_each_ingest_with_counts(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ["full_name"], [["Фомин Фёдор"], [""]])
    ingest_files(ws, [path], IngestOptions(kind="grave"))
    with ws.store() as store:
        (event,) = store.rows("SELECT command, args, counts, outcome FROM events")
    assert event["command"] == "ingest" and event["outcome"] == "ok"
    assert json.loads(event["counts"]) == {
        "rows": 1,
        "new": 1,
        "blank": 1,
        "accepted": 1,
        "rejected": 0,
    }
    assert json.loads(event["args"])["kind"] == "grave"


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("colums: {a: full_name}\n", "'colums': unknown key"),
        (
            "columns: {ФИО: fio}\n",
            "'columns': column 'ФИО' maps to 'fio', which is not a canonical",
        ),
        ("kind: blog\n", "'kind': unknown source kind 'blog'"),
        ("- a\n- b\n", "the top level must be a mapping of keys to values"),
        ("columns: [\n", "is not valid YAML"),
    ],
)
def test_bad_mappings_are_one_line_errors(tmp_path: Path, yaml_text: str, message: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(yaml_text, "utf-8")
    with pytest.raises(InputError) as info:
        load_mapping(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_mapping_naming_a_missing_column(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ["full_name"], [["Фомин Фёдор"]])
    with pytest.raises(
        InputError,
        match=r"mapping names column 'ФИО', which a.csv does not "
        r"have \(columns: full_name\)",
    ):
        ingest_files(ws, [path], IngestOptions(mapping=Mapping(columns={"ФИО": "full_name"})))


def test_unknown_kind_is_refused(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ["full_name"], [["Фомин Фёдор"]])
    with pytest.raises(InputError, match="unknown source kind 'blog'"):
        ingest_files(ws, [path], IngestOptions(kind="blog"))


def test_missing_file_is_refused_before_anything_is_written(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found: .*nope.csv"):
        ingest_files(ws, [tmp_path / "nope.csv"], IngestOptions())
    with ws.store() as store:
        assert store.counts()["events"] == 0


def test_mapping_defaults_fill_rows_without_a_value(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "book.csv",
        ["ФИО", "status"],
        [["Орлов Олег", ""], ["Панин Павел", "пропал без вести"]],
    )
    mapping = Mapping(
        columns={"ФИО": "full_name"}, defaults={"status": "killed", "category": "military"}
    )
    ingest_files(ws, [path], IngestOptions(mapping=mapping))
    with ws.store() as store:
        # The empty status takes the default; a row's own status wins over it; category is
        # not in the file at all, so every row gets the mapping's value as its raw value.
        assert store.rows("SELECT full_name, status, category FROM records ORDER BY line") == [
            {"full_name": "Орлов Олег", "status": "killed", "category": "military"},
            {"full_name": "Панин Павел", "status": "пропал без вести", "category": "military"},
        ]
        header = json.loads(store.scalar("SELECT header FROM file_ingests"))
    # The file's header says where the value came from.
    assert header[-1] == {"header": "category (mapping default)", "column": "category"}


@pytest.mark.parametrize(
    ("defaults", "message"),
    [
        ("{stauts: killed}", "'defaults': 'stauts' is not a canonical column"),
        ("{record_id: x}", "'record_id' cannot have a default"),
        ("{status: ''}", "the default for 'status' is empty"),
    ],
)
def test_bad_defaults_are_one_line_errors(tmp_path: Path, defaults: str, message: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(f"defaults: {defaults}\n", "utf-8")
    with pytest.raises(InputError) as info:
        load_mapping(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
