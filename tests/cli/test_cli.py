"""The command line as a user meets it: outputs, JSON contracts, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from unaccounted.store import latest_schema_version
from unaccounted.workspace import Workspace

from ..conftest import run_subprocess, write_csv


def test_init_creates_settings_and_store(tmp_path: Path) -> None:
    done = run_subprocess("init", str(tmp_path / "new"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "new" / "unaccounted.toml").is_file()
    assert (tmp_path / "new" / "unaccounted.duckdb").is_file()
    again = run_subprocess("init", str(tmp_path / "new"))
    assert again.returncode == 2
    assert (
        again.stderr.strip() == f"error: {tmp_path / 'new'} is already a workspace "
        "(unaccounted.toml exists)"
    )


def test_status_json_contract(ws: Workspace, tmp_path: Path, cli: Callable[..., Any]) -> None:
    path = write_csv(tmp_path / "a.csv", ["full_name"], [["Фомин Фёдор"], [""], ["Гусев Глеб"]])
    path.write_text(path.read_text("utf-8") + ",\n", "utf-8")
    assert cli("ingest", str(path)).exit_code == 0
    result = cli("status", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {k: data[k] for k in ("sources", "records", "rejects", "persons")} == {
        "sources": 1,
        "records": 2,
        "rejects": 0,
        "persons": 0,
    }
    assert data["schema_version"] == latest_schema_version()
    assert data["workspace"] == str(ws.root)


def test_workspace_from_the_current_folder_and_the_environment(
    ws: Workspace, tmp_path: Path
) -> None:
    here = run_subprocess("status", "--json", cwd=ws.root)
    assert here.returncode == 0 and json.loads(here.stdout)["records"] == 0
    elsewhere = run_subprocess("status", cwd=tmp_path)
    assert elsewhere.returncode == 2
    assert elsewhere.stderr.strip() == (
        "error: no workspace in the current folder (unaccounted.toml not found); create one "
        "with 'unaccounted init DIR' or pass --workspace DIR"
    )


def test_ingest_prints_counts_and_how_to_see_rejects(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        ["full_name", "status"],
        [["Фомин Фёдор", "погиб"], ["", "погиб"], ["Фомин Фёдор", "погиб"]],
    )
    done = run_subprocess("-w", str(ws.root), "ingest", str(path), "--kind", "obituary")
    assert done.returncode == 0
    assert done.stderr.splitlines() == [
        "a.csv: 3 rows: 1 new, 0 new versions, 0 unchanged; 2 rejected (1 duplicate, 1 no name)",
        "accepted 1, rejected 2 (event 1)",
        "list the rejects with: unaccounted rejects [--source NAME]",
    ]
    listed = run_subprocess("-w", str(ws.root), "rejects", "--json")
    assert [(r["line"], r["reason"], r["raw"]) for r in json.loads(listed.stdout)] == [
        (3, "no name", {"full_name": "", "status": "погиб"}),
        (4, "duplicate of line 2", {"full_name": "Фомин Фёдор", "status": "погиб"}),
    ]
    sources = json.loads(run_subprocess("-w", str(ws.root), "sources", "--json").stdout)
    assert sources == [
        {
            "name": "a",
            "kind": "obituary",
            "independence_group": "a",
            "publisher": None,
            "url": None,
            "records": 1,
            "rejects": 2,
            "confidential": False,
        }
    ]


def test_ingest_json_summary(ws: Workspace, tmp_path: Path, cli: Callable[..., Any]) -> None:
    path = write_csv(tmp_path / "a.csv", ["full_name"], [["Фомин Фёдор"]])
    result = cli("ingest", str(path), "--json", "--source", "S")
    data = json.loads(result.stdout)
    assert (data["accepted"], data["rejected"], data["counts"]) == (
        1,
        0,
        {"rows": 1, "new": 1, "blank": 0},
    )


ERRORS = [
    (["ingest", "{tmp}/missing.csv"], "error: file not found: {tmp}/missing.csv"),
    (
        ["ingest", "{tmp}/win.csv", "--encoding", "utf-8"],
        "error: {tmp}/win.csv: not readable as utf-8 at line 2 (byte 10); pass --encoding "
        "(utf-8, cp1251, koi8-r, ...)",
    ),
    (["ingest", "{tmp}/win.csv", "--encoding", "klingon"], "error: unknown encoding 'klingon'"),
    (
        ["ingest", "{tmp}/win.csv", "--mapping", "{tmp}/bad_map.yaml"],
        "error: mapping names column 'Фамилия', which win.csv does not have (columns: full_name)",
    ),
    (
        ["ingest", "{tmp}/win.csv", "--mapping", "{tmp}/no_map.yaml"],
        "error: mapping file not found: {tmp}/no_map.yaml",
    ),
    (
        ["ingest", "{tmp}/win.csv", "--kind", "blog"],
        "error: unknown source kind 'blog' (kinds: official, obituary, social, grave, "
        "memorial_list, court, probate, roster, testimony, news, other)",
    ),
    (
        ["rejects", "--source", "nobody"],
        "error: no source named 'nobody' (see 'unaccounted sources')",
    ),
    (
        ["export", "records", "--format", "xml"],
        "error: unknown export format 'xml' (formats: csv, parquet, jsonl)",
    ),
    (
        ["testimony", "import", "{tmp}/win.csv"],
        "error: {tmp}/win.csv line 2: not UTF-8 (byte 10)",
    ),
    (
        ["export", "records", "--format", "parquet"],
        "error: Parquet cannot go to the terminal; pass --out FILE.parquet",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("args", "expected"), ERRORS)
def test_errors_are_one_line_with_exit_code_2(
    ws: Workspace, tmp_path: Path, args: list[str], expected: str
) -> None:
    (tmp_path / "win.csv").write_bytes("full_name\nЛьвов\n".encode("cp1251"))
    (tmp_path / "bad_map.yaml").write_text("columns: {Фамилия: surname}\n", "utf-8")
    with ws.store() as store:
        before = store.counts()
    done = run_subprocess("-w", str(ws.root), *[a.format(tmp=tmp_path) for a in args])
    assert done.returncode == 2
    assert done.stderr.strip() == expected.format(tmp=tmp_path)
    assert "Traceback" not in done.stderr
    with ws.store() as store:
        after = store.counts()
    # Nothing is lost or half-written: only the failure is logged.
    assert {k: v for k, v in after.items() if k != "events"} == {
        k: v for k, v in before.items() if k != "events"
    }


def test_usage_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    done = run_subprocess("status", "--bogus", cwd=tmp_path)
    assert done.returncode == 2
    assert "No such option: --bogus" in done.stderr and "Traceback" not in done.stderr


def test_export_csv_is_spreadsheet_safe(
    ws: Workspace, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        ["full_name", "status", "quote"],
        [
            ['=HYPERLINK("http://x")', "+1", "@home"],
            ["-Петров", "погиб", "\tтаб"],
            ["Фомин Фёдор", "погиб", "сказал: =да"],
        ],
    )
    cli("ingest", str(path))
    # quote is a protected column: --protected writes it out, made safe like every cell
    result = cli("export", "records", "--format", "csv", "--protected")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["full_name"], r["status"], r["quote"]) for r in rows] == [
        ('\'=HYPERLINK("http://x")', "'+1", "'@home"),
        ("'-Петров", "погиб", "'\tтаб"),
        ("Фомин Фёдор", "погиб", "сказал: =да"),
    ]
    raw = cli("export", "records", "--format", "csv", "--no-safe-cells")
    assert next(csv.DictReader(io.StringIO(raw.stdout)))["full_name"] == ('=HYPERLINK("http://x")')


def test_export_formats_round_trip(ws: Workspace, tmp_path: Path, cli: Callable[..., Any]) -> None:
    header = ["record_id", "full_name", "status", "Позывной"]
    cli(
        "ingest",
        str(write_csv(tmp_path / "v1.csv", header, [["7", "Ким Виктор", "пропал", "Кит"]])),
        "--source",
        "r",
    )
    cli(
        "ingest",
        str(write_csv(tmp_path / "v2.csv", header, [["7", "Ким Виктор", "погиб", "Кит"]])),
        "--source",
        "r",
    )
    out = tmp_path / "records.parquet"
    assert (
        cli("export", "records", "-f", "parquet", "-o", str(out), "--all-versions").exit_code == 0
    )
    table = pq.read_table(out).to_pylist()
    assert [(r["record_id"], r["version"], r["status"], r["file"], r["line"]) for r in table] == [
        ("7", 1, "пропал", "v1.csv", 2),
        ("7", 2, "погиб", "v2.csv", 2),
    ]
    lines = cli("export", "records", "-f", "jsonl").stdout.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert (record["version"], record["status"], record["extra"]) == (
        2,
        "погиб",
        {"Позывной": "Кит"},
    )
