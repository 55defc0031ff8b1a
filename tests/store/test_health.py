"""The store's durability and health: a checkpoint after every write, a damaged store
refused at open in one line, and the full check that ``doctor`` runs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import write_csv
from unaccounted.cli import app
from unaccounted.ingest import IngestOptions
from unaccounted.service import Session
from unaccounted.service import ingest as ingest_service
from unaccounted.service import workspace as workspace_service
from unaccounted.store import StoreDamaged, open_store
from unaccounted.workspace import Workspace

#: DuckDB's file layout: three 4 KiB headers, then 256 KiB blocks, each starting with its
#: 8-byte checksum.
HEADERS, BLOCK = 3 * 4096, 262_144


def _wal(ws: Workspace) -> int:
    wal = ws.store_path.with_name(ws.store_path.name + ".wal")
    return wal.stat().st_size if wal.exists() else 0


def _ingest(s: Session, tmp_path: Path, n: int = 3) -> None:
    rows = [[f"r{i}", f"Иванов Иван {i}"] for i in range(n)]
    path = write_csv(tmp_path / f"list{n}.csv", ["record_id", "full_name"], rows)
    ingest_service.ingest(s, [path], IngestOptions(source="list"))


def test_a_write_leaves_nothing_only_in_the_write_ahead_log(ws: Workspace, tmp_path: Path) -> None:
    with Session.open(ws.root, "tester") as s:
        _ingest(s, tmp_path)
        # Before: the committed ingest sat in the .wal until the connection closed; a
        # kill -9 now and a lost .wal file would lose it. The session checkpoints once.
        assert _wal(ws) == 0
        workspace_service.set_source_group(s, "list", "ministry")
        assert _wal(ws) == 0  # a write in the session's own transaction too
        assert s.store.counts()["records"] == 3


def _damage_records(ws: Workspace, tmp_path: Path) -> Path:
    """A copy of the workspace whose store has the block holding the records' names
    overwritten in part (found with DuckDB's own storage map)."""
    with open_store(ws.store_path, ws.settings.store, read_only=True) as store:
        block = store.scalar(
            "SELECT min(block_id) FROM pragma_storage_info('records') "
            "WHERE column_name = 'full_name' AND block_id >= 0"
        )
    copy = tmp_path / "damaged"
    shutil.copytree(ws.root, copy)
    with (copy / ws.store_path.name).open("r+b") as fh:
        fh.seek(HEADERS + int(block) * BLOCK + 8)
        fh.write(b"\xff" * 1024)
    return copy


@pytest.fixture
def damaged(ws: Workspace, tmp_path: Path) -> Path:
    with Session.open(ws.root, "tester") as s:
        _ingest(s, tmp_path, 2_000)
    return _damage_records(ws, tmp_path)


def _cli(root: Path, *args: str) -> None:
    CliRunner().invoke(app, ["--workspace", str(root), *args], catch_exceptions=False)


@pytest.mark.parametrize(
    "command",
    [("status",), ("sources",), ("export", "records", "--format", "jsonl"), ("grades",),
     ("normalize",), ("ingest", "--source", "more", "INPUT")],
)  # fmt: skip
def test_a_damaged_store_is_refused_in_one_line(
    damaged: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    more = write_csv(tmp_path / "more.csv", ["record_id", "full_name"], [["m1", "Сидоров"]])
    args = [str(more) if a == "INPUT" else a for a in command]
    before = (damaged / "unaccounted.duckdb").read_bytes()
    # Before: a DuckDB traceback ("Corrupt database file"), and ingest reported success on
    # a store that export could not read back.
    with pytest.raises(StoreDamaged, match=r"is damaged \(.*\); nothing was changed") as caught:
        _cli(damaged, *args)
    assert "\n" not in str(caught.value)  # one line
    assert "unaccounted doctor" in str(caught.value)
    assert (damaged / "unaccounted.duckdb").read_bytes() == before  # nothing was changed


def test_a_write_refuses_a_store_with_any_damaged_table(damaged: Path) -> None:
    settings = Workspace.open(damaged).settings.store
    # an open for writing reads every block of every table before anything is added
    with pytest.raises(StoreDamaged, match="is damaged"):
        open_store(damaged / "unaccounted.duckdb", settings)


def test_the_full_check_finds_a_sound_store_sound(ws: Workspace, tmp_path: Path) -> None:
    with Session.open(ws.root, "tester") as s:
        _ingest(s, tmp_path)
        findings = s.store.check()
    assert all(f["ok"] for f in findings), findings
    by_check = {f["check"]: f["detail"] for f in findings}
    # three records of one source, two events (init's migration is not one: ingest, and
    # the schema version equals the number of migrations shipped)
    assert by_check["table records reads"] == "3 rows"
    assert by_check["table sources reads"] == "1 rows"
    assert by_check["every record's source exists"] == "yes"
    assert by_check["schema version matches the migrations"].startswith("store ")


def test_the_full_check_finds_a_record_without_its_source(ws: Workspace, tmp_path: Path) -> None:
    with Session.open(ws.root, "tester") as s:
        _ingest(s, tmp_path)
    with open_store(ws.store_path, ws.settings.store) as store:
        store.execute("DELETE FROM sources")  # what a broken tool could leave behind
        findings = {f["check"]: f for f in store.check()}
    # three records now name a source the store does not hold
    assert findings["every record's source exists"]["ok"] is False
    assert findings["every record's source exists"]["detail"] == "3 rows break it"


def test_doctor_reports_a_sound_store_and_a_damaged_one(
    ws: Workspace, damaged: Path, cli: Callable[..., Any]
) -> None:
    result = cli("doctor", "--json")
    findings = json.loads(result.stdout)
    assert result.exit_code == 0  # the original store is sound
    assert all(f["ok"] for f in findings)
    # the store opens, every table reads, three consistency checks, the schema version,
    # the audit chain
    tables = [f for f in findings if f["check"].startswith("table ")]
    assert len(findings) == 1 + len(tables) + 3 + 1 + 1
    damaged_run = CliRunner().invoke(app, ["--workspace", str(damaged), "doctor"])
    # the damaged copy: doctor opens it unchecked and names the table it cannot read
    assert damaged_run.exit_code == 1
    failed = [line for line in damaged_run.stdout.splitlines() if line.startswith("FAILED")]
    assert failed[0].startswith("FAILED table records reads: Corrupt database file")
    assert "checks failed" in damaged_run.stderr
