"""Schema 2 (normalized fields) upgrades a schema-1 workspace and keeps its records."""

from __future__ import annotations

from pathlib import Path

import pytest

from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.normalize.stage import run_normalize
from unaccounted.store import latest_schema_version
from unaccounted.store import migrations as migrations_module
from unaccounted.store.migrations import available_migrations
from unaccounted.workspace import Workspace

from ..conftest import write_csv


def test_a_v1_workspace_upgrades_and_normalizes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = available_migrations()
    monkeypatch.setattr(migrations_module, "available_migrations", lambda: shipped[:1])
    ws = Workspace.init(tmp_path / "w")
    ingest_files(ws, [write_csv(tmp_path / "a.csv", ["full_name"], [["Фомин Фёдор"]])],
                 IngestOptions())  # fmt: skip
    with ws.store() as store:
        assert store.schema_version() == 1
    monkeypatch.undo()
    with ws.store() as store:  # upgraded on open
        assert store.schema_version() == latest_schema_version() >= 2
        tables = {r["table_name"] for r in store.rows("SELECT table_name FROM duckdb_tables()")}
        assert "normalized" in tables and "record_norm" not in tables
        assert store.scalar("SELECT count(*) FROM current_records") == 1
    report = run_normalize(ws)
    assert report.normalized == 1
    with ws.store() as store:
        assert store.rows("SELECT surname, given_name FROM normalized") == [
            {"surname": "Фомин", "given_name": "Фёдор"}
        ]
