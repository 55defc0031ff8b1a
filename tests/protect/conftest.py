"""A workspace with protected values: an open source with url, quote and a witness's
contact, a confidential source, and a clustering joining their records (invented names)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_csv
from unaccounted.service import Session
from unaccounted.service import persons as persons_service
from unaccounted.workspace import Workspace

#: Values that must never be in the store file in the clear.
SECRETS = {
    "url": "https://vk.example/id-relative-3141",
    "quote": "Погиб под Спасским, сообщил брат Тимофей",
    "contact": "+7 912 000 4567",
    "witness": "Тимофей Кравцов-Заречный",
    "note": "приметный шрам на левой руке",  # a mapping protects this column
    "place": "Овражный хутор у Горелой балки",  # event_place of a confidential source
    "story": "confidential story of Ulyana Zimina",  # an extra of a confidential source
}
#: Values that stay in the clear (linkage reads them): they must be found by the scan.
PLAIN = ("Белоярцев Ефим Глебович", "Snowfield Quentin Abernathy")

OPEN_HEADER = ["record_id", "full_name", "birth_date", "status", "url", "quote", "contact",
               "witness", "Примечание"]  # fmt: skip
OPEN_ROWS = [
    ["o1", PLAIN[0], "1991-04-05", "погиб", SECRETS["url"], SECRETS["quote"],
     SECRETS["contact"], SECRETS["witness"], SECRETS["note"]],
    ["o2", PLAIN[1], "1979", "missing", "", "quiet words", "", "", ""],
    # no name: rejected, and its contact must not reach the rejects table in the clear
    ["o3", "", "1980", "killed", "", "", "+7 999 555 0001", "", ""],
]  # fmt: skip
CONF_HEADER = ["record_id", "full_name", "birth_date", "status", "event_place", "story"]
CONF_ROWS = [["c1", PLAIN[0], "1991-04-05", "killed", SECRETS["place"], SECRETS["story"]]]


def ingest_world(cli: Callable[..., Any], tmp: Path) -> None:
    mapping = tmp / "open.yaml"
    mapping.write_text("columns:\n  Примечание: {protected: true}\n", "utf-8")
    open_csv = write_csv(tmp / "open_list.csv", OPEN_HEADER, OPEN_ROWS)
    conf_csv = write_csv(tmp / "witness_notes.csv", CONF_HEADER, CONF_ROWS)
    r = cli("ingest", str(open_csv), "--mapping", str(mapping))
    assert r.exit_code == 0, r.output
    r = cli("ingest", str(conf_csv), "--confidential")
    assert r.exit_code == 0, r.output


def cluster(ws: Workspace) -> None:
    """One person of both sources' records about Белоярцев, one of Snowfield."""
    with Session.open(ws.root, "editor") as s:
        persons_service.load_clusters(
            s,
            [("P1", "open_list", "o1"), ("P1", "witness_notes", "c1"),
             ("P2", "open_list", "o2")],
            "clusters.csv",
        )  # fmt: skip


@pytest.fixture
def world(ws: Workspace, cli: Callable[..., Any], tmp_path: Path) -> Workspace:
    ingest_world(cli, tmp_path)
    cluster(ws)
    return ws


def store_bytes(ws: Workspace) -> bytes:
    """The store file's raw bytes (and its write-ahead log's, if one is left)."""
    data = ws.store_path.read_bytes()
    wal = ws.store_path.with_name(ws.store_path.name + ".wal")
    return data + (wal.read_bytes() if wal.exists() else b"")
