"""Schema 3 (linkage) upgrades a store made at schema 2 and keeps its records."""

from __future__ import annotations

from pathlib import Path

import pytest

from unaccounted.store import migrations as migrations_module
from unaccounted.store.migrations import available_migrations
from unaccounted.workspace import Workspace

from ..conftest import write_csv


def test_a_schema_2_store_gains_the_link_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unaccounted.ingest import IngestOptions, ingest_files

    shipped = available_migrations()
    monkeypatch.setattr(migrations_module, "available_migrations", lambda: shipped[:2])
    ws = Workspace.init(tmp_path / "ws")
    ingest_files(
        ws, [write_csv(tmp_path / "a.csv", ["full_name"], [["Фомин Фёдор"]])], IngestOptions()
    )
    with ws.store() as store:
        assert store.schema_version() == 2
    monkeypatch.undo()
    with ws.store() as store:
        assert store.schema_version() >= 3
        tables = {r["table_name"] for r in store.rows("SELECT table_name FROM duckdb_tables()")}
        assert {"link_runs", "link_pairs", "link_judgements", "link_id_history"} <= tables
        assert store.scalar("SELECT count(*) FROM current_records") == 1


def test_a_schema_3_store_gains_the_incremental_link_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = available_migrations()
    monkeypatch.setattr(migrations_module, "available_migrations", lambda: shipped[:3])
    ws = Workspace.init(tmp_path / "ws")
    with ws.store() as store:
        assert store.schema_version() == 3
        store.execute(
            """INSERT INTO link_runs VALUES (7, 'duckdb', 1, 0, 1, '{}', '{}', '{}', '[]', 0.5)"""
        )
    monkeypatch.undo()
    with ws.store() as store:
        assert store.schema_version() >= 4
        assert store.scalar("SELECT count(*) FROM link_state") == 0
        # a run made before schema 4 reads as a full run that trained its own model
        row = store.rows("SELECT mode, model_run, changed_since_training FROM link_runs")
        assert row == [{"mode": "full", "model_run": None, "changed_since_training": 0}]
