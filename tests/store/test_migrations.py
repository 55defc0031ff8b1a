"""The store's schema version: new stores are current, old ones upgrade, newer ones are refused."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from unaccounted.errors import WorkspaceError
from unaccounted.store import latest_schema_version, open_store
from unaccounted.store import migrations as migrations_module
from unaccounted.store.migrations import Migration, available_migrations
from unaccounted.workspace import Workspace

from ..conftest import write_csv


def test_a_new_store_is_at_the_latest_version(ws: Workspace) -> None:
    with ws.store() as store:
        assert store.schema_version() == latest_schema_version() == len(available_migrations())


def test_a_newer_store_is_refused_with_the_reason(ws: Workspace) -> None:
    con = duckdb.connect(str(ws.store_path))
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(WorkspaceError, match="schema version 999, newer than this unaccounted"):
        Workspace.open(ws.root).store()


def test_an_older_store_is_upgraded_and_keeps_its_data(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unaccounted.ingest import IngestOptions, ingest_files

    ingest_files(
        ws, [write_csv(tmp_path / "a.csv", ["full_name"], [["Фомин Фёдор"]])], IngestOptions()
    )
    shipped = available_migrations()
    extra = Migration(
        len(shipped) + 1, "test_column", "ALTER TABLE sources ADD COLUMN notes VARCHAR;"
    )
    monkeypatch.setattr(migrations_module, "available_migrations", lambda: [*shipped, extra])
    with ws.store() as store:
        assert store.schema_version() == extra.version
        assert store.rows("SELECT name, notes FROM sources") == [{"name": "a", "notes": None}]
        assert store.rows("SELECT command, args FROM events ORDER BY event_id")[-1] == {
            "command": "migrate",
            "args": f'{{"from": {len(shipped)}, "to": {extra.version}}}',
        }


def test_a_failing_upgrade_leaves_the_store_as_it_was(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = available_migrations()
    broken = Migration(
        len(shipped) + 1,
        "broken",
        "CREATE TABLE half_done (x INT);\nALTER TABLE no_such_table ADD COLUMN y INT;",
    )
    monkeypatch.setattr(migrations_module, "available_migrations", lambda: [*shipped, broken])
    with pytest.raises(duckdb.Error):
        ws.store()
    monkeypatch.undo()
    with ws.store() as store:
        assert store.schema_version() == len(shipped)
        assert (
            store.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'half_done'") == 0
        )


def test_read_only_open_of_an_old_store_asks_for_an_upgrade(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = available_migrations()
    extra = Migration(len(shipped) + 1, "noop", "CREATE TABLE later (x INT);")
    monkeypatch.setattr(migrations_module, "available_migrations", lambda: [*shipped, extra])
    with pytest.raises(WorkspaceError, match="needs upgrading"):
        ws.store(read_only=True)


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(WorkspaceError, match="is not an unaccounted store"):
        open_store(path, Workspace.init(tmp_path / "w").settings.store)


def test_migration_files_split_into_statements() -> None:
    sql = "-- comment\nCREATE TABLE a (x INT);\n\nCREATE TABLE b (y INT); -- trailing\n"
    assert migrations_module.statements(sql) == ["CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"]
