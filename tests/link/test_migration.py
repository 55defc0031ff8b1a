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
