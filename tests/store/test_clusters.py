"""One clustering, one count of persons: load-clusters replaces, and every reader agrees."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import write_csv
from tests.resolve.world import CLUSTERS, build
from unaccounted.cli import app
from unaccounted.errors import InputError
from unaccounted.report.data import report_data
from unaccounted.store import migrations as migrations_module
from unaccounted.store.migrations import available_migrations
from unaccounted.workspace import Workspace

runner = CliRunner()


def cli(ws: Workspace, *args: str) -> str:
    result = runner.invoke(app, ["--workspace", str(ws.root), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def clusters_file(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    return write_csv(path, ["source", "record_id", "person_id"], [[s, r, p] for p, s, r in rows])


def test_load_clusters_twice_gives_the_person_count_of_status(tmp_path: Path) -> None:
    ws = build(tmp_path)  # loaded once already: P1..P3
    # The same five records under other ids, loaded twice: still three persons.
    renamed = [(p.replace("P", "Q"), s, r) for p, s, r in CLUSTERS]
    for _ in range(2):
        cli(ws, "load-clusters", str(clusters_file(tmp_path / "q.csv", renamed)))
    status = json.loads(cli(ws, "status", "--json"))
    report = report_data(ws, "t")
    # Before, each load appended its rows and 'persons' counted every id ever loaded (6);
    # the report counted the current clustering (3).
    assert status["persons"] == report.counts["persons"] == report.total.persons == 3
    assert [p.person_id for p in report.people] == ["Q1", "Q2", "Q3"]
    with ws.store(read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM person_records") == 5
        assert store.scalar("SELECT count(*) FROM persons") == 3


def test_a_clustering_replaces_the_whole_one_before(tmp_path: Path) -> None:
    ws = build(tmp_path)
    with ws.store() as store:
        # P3's record is not in the new clustering: it belongs to no person any more.
        store.load_clusters([c for c in CLUSTERS if c[0] != "P3"], "test")
        kept = store.rows("SELECT person_id, event_id FROM person_records ORDER BY ALL")
        assert store.counts()["persons"] == 2
    # Unchanged rows keep the event that wrote them (the first load, event 4).
    assert {r["event_id"] for r in kept} == {4}


def test_a_record_given_two_persons_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    ws = build(tmp_path)
    with ws.store() as store, pytest.raises(InputError) as err:
        store.load_clusters([*CLUSTERS, ("P9", "mod", "a1")], "test")
    assert str(err.value) == (
        "the clustering gives record 'a1' of source 'mod' two persons (P1, P9); "
        "each record belongs to one person"
    )
    with ws.store(read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM person_records") == 5


def test_record_exports_carry_the_person_id(tmp_path: Path) -> None:
    ws = build(tmp_path)
    with ws.store() as store:
        store.load_clusters([c for c in CLUSTERS if c[0] != "P3"], "test")
    rows = list(csv.DictReader(io.StringIO(cli(ws, "export", "records", "-f", "csv"))))
    # a3 is in no person now: its person id is empty.
    assert [(r["record_id"], r["person_id"]) for r in rows] == [
        ("a1", "P1"), ("a2", "P2"), ("a3", ""), ("b1", "P1"), ("b2", "P2")
    ]  # fmt: skip


def test_a_schema_4_store_keeps_only_its_current_clustering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = available_migrations()
    monkeypatch.setattr(migrations_module, "available_migrations", lambda: shipped[:4])
    ws = Workspace.init(tmp_path / "ws")
    with ws.store() as store:
        assert store.schema_version() == 4
        # Two clusterings appended, as load-clusters did: the later one (event 9) counts.
        store.execute(
            """INSERT INTO person_records VALUES ('A', 's', 'r1', 8), ('A', 's', 'r2', 8),
            ('B', 's', 'r1', 9), ('C', 's', 'r2', 9)"""
        )
        store.execute("INSERT INTO persons VALUES ('A', 8), ('B', 9), ('C', 9)")
    monkeypatch.undo()
    with ws.store() as store:
        assert store.schema_version() >= 5
        assert store.rows("SELECT * FROM person_records ORDER BY ALL") == [
            {"person_id": "B", "source_id": "s", "record_id": "r1", "event_id": 9},
            {"person_id": "C", "source_id": "s", "record_id": "r2", "event_id": 9},
        ]
        assert store.scalar("SELECT string_agg(person_id, ',' ORDER BY 1) FROM persons") == "B,C"
        assert store.counts()["persons"] == 2
