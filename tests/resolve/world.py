"""A small literal workspace for the stored-view tests: two sources, five records."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_csv
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.normalize.stage import run_normalize
from unaccounted.workspace import Workspace

HEADER = ["record_id", "full_name", "status", "unit", "region", "event_date", "published"]
OFFICIAL = [
    ["a1", "Иванов Иван Иванович", "пропал без вести", "102 ОМСБр", "Курская обл.",
     "2023-05-01", "2023-05-20"],
    ["a2", "Петров Пётр Петрович", "погиб", "в/ч 52548", "Курская обл.", "2023-06-02",
     "2023-06-10"],
    ["a3", "Сидоров Семён", "ранен", "102 ОМСБр", "Брянская обл.", "2023-07-03", "2023-07-09"],
]  # fmt: skip
OBITUARIES = [
    ["b1", "Иванов Иван", "погиб", "102-я бригада", "Курская обл.", "2023-05-01", "2023-05-05"],
    ["b2", "Петров Пётр", "погиб", "102 ОМСБр", "Курская обл.", "2023-06", "2023-06-08"],
]
#: The true clustering: (person, source, record).
CLUSTERS = [
    ("P1", "mod", "a1"), ("P1", "obits", "b1"),
    ("P2", "mod", "a2"), ("P2", "obits", "b2"),
    ("P3", "mod", "a3"),
]  # fmt: skip


def build(folder: Path) -> Workspace:
    """Ingested ('mod': official, 'obits': obituary), normalized, clusters loaded; no views."""
    ws = Workspace.init(folder / "ws")
    for name, kind, rows in (("mod", "official", OFFICIAL), ("obits", "obituary", OBITUARIES)):
        path = write_csv(folder / f"{name}.csv", HEADER, rows)
        ingest_files(ws, [path], IngestOptions(source=name, kind=kind))
    run_normalize(ws)
    with ws.store() as store:
        store.load_clusters(CLUSTERS, "test")
    return ws


def ingest_again(ws: Workspace, folder: Path, name: str, kind: str, rows: list[list[str]]) -> None:
    """A new version of a source file, normalized (changed rows become new versions)."""
    path = write_csv(folder / f"{name}-2.csv", HEADER, rows)
    ingest_files(ws, [path], IngestOptions(source=name, kind=kind))
    run_normalize(ws)
