"""The stored index follows ingest, normalize and link, rewriting only what changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.search.conftest import NEWS_ROWS, PERSONS, write_source
from unaccounted.ingest.folders import ingest_folder
from unaccounted.normalize.stage import normalizer_for, run_normalize
from unaccounted.search import SearchIndex, index_for, rebuild_index, search, update_index
from unaccounted.workspace import Workspace


def update(ws: Workspace) -> tuple[int, int, int]:
    with ws.store() as store, store.transaction():
        done = update_index(store)
    return done.written, done.removed, done.rows


def test_an_update_with_nothing_changed_writes_nothing(literal_ws: Workspace) -> None:
    # the fixture indexed all 8 records already
    assert update(literal_ws) == (0, 0, 8)


def test_a_new_file_writes_only_its_records(literal_ws: Workspace, tmp_path: Path) -> None:
    write_source(tmp_path / "late", "late", "Late",
                 [["g1", "Петрова Мария Ивановна", "1999", "", "", "погибла"]])  # fmt: skip
    ingest_folder(literal_ws, tmp_path / "late")
    # not normalized yet: the index has no row for it
    assert update(literal_ws) == (0, 0, 8)
    run_normalize(literal_ws)
    assert update(literal_ws) == (1, 0, 9)
    with literal_ws.store(read_only=True) as store:
        hit = search(store, "Мария Петрова").hits[0]
    # not linked yet: found as a record of its own, with no person id
    assert (hit.person_id, hit.record, hit.records) == (None, ("Late", "g1"), 1)


#: The literal clustering with B's one record moved to A (a clustering replaces the last).
B_JOINS_A = [("A", s, r) if p == "B" else (p, s, r) for p, s, r in PERSONS]


def test_a_new_clustering_rewrites_the_records_that_moved(literal_ws: Workspace) -> None:
    with literal_ws.store() as store:
        store.load_clusters(B_JOINS_A, "test")  # B's record joins A
    assert update(literal_ws) == (1, 1, 8)
    with literal_ws.store(read_only=True) as store:
        hit = search(store, "Петров Сергей Николаевич").hits[0]
    assert (hit.person_id, hit.records) == ("A", 4)


def test_a_new_version_of_a_record_replaces_its_row(literal_ws: Workspace, tmp_path: Path) -> None:
    rows = [r if r[0] != "a3" else ["a3", "Sergei Petrov", "1990", "", "", "killed"]
            for r in NEWS_ROWS]  # fmt: skip
    write_source(tmp_path / "again", "news", "News", rows)
    ingest_folder(literal_ws, tmp_path / "again")
    run_normalize(literal_ws)
    assert update(literal_ws) == (1, 1, 8)


def test_a_rebuild_rewrites_every_row(literal_ws: Workspace) -> None:
    with literal_ws.store() as store, store.transaction():
        done = rebuild_index(store)
    assert (done.written, done.removed, done.rows, done.kind) == (8, 8, 8, "rebuild")


def test_an_update_is_part_of_the_callers_transaction(literal_ws: Workspace) -> None:
    with literal_ws.store() as store:
        store.load_clusters(B_JOINS_A, "test")
        with pytest.raises(RuntimeError), store.transaction():
            update_index(store)
            raise RuntimeError("the stage failed after the update")
        # rolled back with the caller's unit of work: b1's row still names B
        assert store.scalar("SELECT person_id FROM search_index WHERE record_id = 'b1'") == "B"


def test_the_loaded_index_knows_when_it_is_stale(literal_ws: Workspace) -> None:
    with literal_ws.store() as store:
        loaded = SearchIndex.load(store, normalizer_for(literal_ws))
        assert loaded.is_current(store)
        store.load_clusters(B_JOINS_A, "test")
        # a clustering alone does not change the index until it is updated
        assert loaded.is_current(store)
        with store.transaction():
            update_index(store)
        assert not loaded.is_current(store)
        # index_for loads the new one once and keeps it while it is current
        fresh = index_for(store)
        assert fresh is not loaded and index_for(store) is fresh
