"""Workspace settings: defaults written by init, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from unaccounted.errors import WorkspaceError
from unaccounted.settings import Settings, dump_settings, load_settings
from unaccounted.workspace import Workspace


def test_init_writes_every_default_and_reads_it_back(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "w")
    assert load_settings(ws.config_path) == Settings()
    assert "# Rows read and staged at a time; bounds ingest memory." in dump_settings(Settings())


def test_a_missing_key_takes_its_default(tmp_path: Path) -> None:
    path = tmp_path / "unaccounted.toml"
    path.write_text('[store]\nmemory_limit = "2GB"\n', "utf-8")
    settings = load_settings(path)
    assert (settings.store.memory_limit, settings.store.threads) == ("2GB", 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[store]\nmemroy_limit = '1GB'\n", "setting 'store.memroy_limit': Extra inputs are not"),
        ("[ingest]\nbatch_rows = 0\n", "setting 'ingest.batch_rows': Input should be greater"),
        ("[store\n", "is not valid TOML"),
    ],
)
def test_bad_settings_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "unaccounted.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(WorkspaceError) as info:
        load_settings(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_opening_a_folder_whose_store_is_missing(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "w")
    ws.store_path.unlink()
    with pytest.raises(WorkspaceError, match="the workspace store .* is missing"):
        Workspace.open(ws.root)


def test_the_store_takes_a_quarter_of_the_machine_by_default(tmp_path: Path) -> None:
    """The default store limit is a share of the machine's memory, as DuckDB sizes it, so
    the person views of a large workspace refresh without an out-of-memory error."""
    import duckdb

    from unaccounted.store.duckdb_store import DuckDBStore

    ws = Workspace.init(tmp_path / "w")
    assert Settings().store.memory_limit == "25%"
    expected = duckdb.connect(config={"memory_limit": "25%"})
    quarter = expected.execute("SELECT current_setting('memory_limit')").fetchone()
    expected.close()
    store = ws.store()
    assert isinstance(store, DuckDBStore)
    try:
        got = store._con.execute("SELECT current_setting('memory_limit')").fetchone()
    finally:
        store.close()
    assert got == quarter
    assert got != ("488.2 MiB",)  # what "512MB" reads as
