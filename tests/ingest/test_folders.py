"""A folder of source files with their mapping files beside them."""

from __future__ import annotations

from pathlib import Path

from unaccounted.ingest.folders import ingest_folder, source_names
from unaccounted.workspace import Workspace

from ..conftest import write_csv


def make_folder(folder: Path) -> Path:
    folder.mkdir()
    write_csv(folder / "a.csv", ["ФИО"], [["Фомин Фёдор"]])
    (folder / "a.yaml").write_text("source: Книга памяти\ncolumns: {ФИО: full_name}\n", "utf-8")
    write_csv(folder / "b.csv", ["full_name"], [["Гусев Глеб"], ["Орлов Олег"]])  # no mapping
    write_csv(folder / "c.csv", ["full_name"], [["Зуев Захар"]])
    return folder


def test_source_names_come_from_the_mappings(tmp_path: Path) -> None:
    assert source_names(make_folder(tmp_path / "src")) == {
        "a": "Книга памяти", "b": "b", "c": "c"
    }  # fmt: skip


def test_each_file_is_ingested_with_its_own_mapping(ws: Workspace, tmp_path: Path) -> None:
    reports = ingest_folder(ws, make_folder(tmp_path / "src"), skip={"c"})
    assert [r.accepted for r in reports] == [1, 2]
    with ws.store() as store:
        assert store.rows("SELECT name FROM sources ORDER BY name") == [
            {"name": "b"}, {"name": "Книга памяти"}
        ]  # fmt: skip
    assert [r.accepted for r in ingest_folder(ws, tmp_path / "src", only={"c"})] == [1]
