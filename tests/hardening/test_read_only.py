"""A read-only workspace: the commands that only read open the store read-only and work on
a folder and store nobody may write — root included (a read-only mount)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import write_csv
from tests.hardening.mounts import make_read_only, small_filesystem
from unaccounted.cli import app
from unaccounted.errors import WorkspaceError
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.workspace import Workspace


def _run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--workspace", str(root), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def test_reading_commands_work_on_a_read_only_workspace(tmp_path: Path) -> None:
    rows = [["r1", "Иванов Иван"], ["r2", "Петров Пётр"]]
    source = write_csv(tmp_path / "list.csv", ["record_id", "full_name"], rows)
    with small_filesystem(tmp_path / "mnt", "16m") as mnt:
        ws = Workspace.init(mnt / "ws")
        ingest_files(ws, [source], IngestOptions(source="list"))
        make_read_only(mnt)
        # Before: status, sources, rejects and export records opened the store for writing,
        # which a read-only file system refuses ("cannot open the store").
        status = json.loads(_run(ws.root, "status", "--json"))
        assert (status["sources"], status["records"], status["rejects"]) == (1, 2, 0)
        listed = json.loads(_run(ws.root, "sources", "--json"))
        assert [(s["name"], s["records"]) for s in listed] == [("list", 2)]
        assert json.loads(_run(ws.root, "rejects", "--json")) == []
        exported = _run(ws.root, "export", "records", "--format", "jsonl")
        assert [json.loads(line)["record_id"] for line in exported.splitlines()] == ["r1", "r2"]
        assert [e["command"] for e in json.loads(_run(ws.root, "events", "--json"))] == ["ingest"]
        checks = json.loads(_run(ws.root, "doctor", "--json"))  # the full check reads only
        assert checks and all(c["ok"] for c in checks)
        out = tmp_path / "records.parquet"  # an output outside the read-only workspace
        _run(ws.root, "export", "records", "--format", "parquet", "--out", str(out))
        assert out.stat().st_size > 0
        # a command that writes still refuses in one line, naming the store
        with pytest.raises(WorkspaceError, match="cannot open the store"):
            CliRunner().invoke(
                app, ["--workspace", str(ws.root), "sources", "--group", "list=a"],
                catch_exceptions=False,
            )  # fmt: skip
