"""A small literal workspace: fictional people written the ways sources write them.

Persons (assigned as a clustering, not by a link run, so the test fixes who is who):

- A: Петров Сергей Иванович, three records (Cyrillic list, initials in capitals, Latin);
- B: Петров Сергей Николаевич, a namesake of A in another unit;
- C: Семёнов Артём Андреевич, in 4 МСП like B;
- D: Кузнецов Андрей Викторович, from the Kursk region;
- E: Жукова Анна Петровна;
- F: Щукин Дмитрий Олегович, one record in an obituary's dative.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import write_csv
from unaccounted.ingest.folders import ingest_folder
from unaccounted.normalize.stage import normalizer_for, run_normalize
from unaccounted.search import SearchIndex, update_index
from unaccounted.workspace import Workspace

HEADER = ["record_id", "full_name", "birth_date", "unit", "region", "status"]
LIST_ROWS = [
    ["a1", "Петров Сергей Иванович", "1990-05-01", "25 ОМСБр", "Курская обл.", "погиб"],
    ["b1", "Петров Сергей Николаевич", "1985", "4 МСП", "Тульская обл.", "пропал без вести"],
    ["c1", "Семёнов Артём Андреевич", "1995", "4 МСП", "", "погиб"],
    ["d1", "Кузнецов Андрей Викторович", "1988", "", "Курская обл.", "погиб"],
    ["e1", "Жукова Анна Петровна", "1992", "", "Тверская обл.", "погибла"],
]
NEWS_ROWS = [
    ["a2", "ПЕТРОВ С.И.", "", "25 ОМСБр", "", "погиб"],
    ["a3", "Sergey Petrov", "1990", "", "", "killed"],
    ["f1", "Щукину Дмитрию Олеговичу", "", "", "", ""],
]
#: (person, source, record) of every record.
PERSONS = [
    ("A", "List", "a1"), ("A", "News", "a2"), ("A", "News", "a3"), ("B", "List", "b1"),
    ("C", "List", "c1"), ("D", "List", "d1"), ("E", "List", "e1"), ("F", "News", "f1"),
]  # fmt: skip


def write_source(folder: Path, stem: str, name: str, rows: list[list[str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / f"{stem}.csv", HEADER, rows)
    (folder / f"{stem}.yaml").write_text(
        f"source: {name}\nkind: memorial_list\nindependence_group: {stem}\n", "utf-8"
    )


@pytest.fixture(scope="session")
def literal_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search-world")
    write_source(root / "sources", "list", "List", LIST_ROWS)
    write_source(root / "sources", "news", "News", NEWS_ROWS)
    indexed_workspace(root, PERSONS)
    return root


def indexed_workspace(root: Path, persons: list[tuple[str, str, str]]) -> Workspace:
    """A workspace ``root/ws`` with the sources written under ``root/sources`` ingested and
    normalized, ``persons`` (person id, source, record id) as its clusters, and its search
    index built."""
    ws = Workspace.init(root / "ws")
    ingest_folder(ws, root / "sources")
    run_normalize(ws)
    with ws.store() as store:
        store.load_clusters(persons, "test")
        with store.transaction():
            update_index(store)
    return ws


def loaded_index(ws: Workspace) -> SearchIndex:
    """The workspace's search index, loaded for searching."""
    with ws.store(read_only=True) as store:
        return SearchIndex.load(store, normalizer_for(ws))


@pytest.fixture
def literal_ws(literal_root: Path, tmp_path: Path) -> Workspace:
    """A copy of the literal workspace, indexed, for tests that change it."""
    shutil.copytree(literal_root / "ws", tmp_path / "ws")
    return Workspace.open(tmp_path / "ws")


@pytest.fixture(scope="session")
def index(literal_root: Path) -> SearchIndex:
    return loaded_index(Workspace.open(literal_root / "ws"))
