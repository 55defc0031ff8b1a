"""Every claim stays in the history: a record's earlier version is kept, marked superseded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import write_csv
from tests.resolve.test_stored import computed, refresh, same
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.normalize.stage import run_normalize
from unaccounted.resolve import person_view, workspace_rules
from unaccounted.resolve.history import SUPERSEDED
from unaccounted.resolve.stored import stored_view
from unaccounted.workspace import Workspace

HEADER = ["record_id", "full_name", "status", "event_date", "published"]
FIRST = [
    ["r1", "Иванов Иван Иванович", "пропал без вести", "2023-05-01", "2023-05-20"],
    ["r2", "Петров Пётр Петрович", "погиб", "2023-06-02", "2023-06-10"],
]


def _ingest(ws: Workspace, path: Path, rows: list[list[str]]) -> None:
    ingest_files(ws, [write_csv(path, HEADER, rows)], IngestOptions(source="list", kind="official"))
    run_normalize(ws)


def _workspace(tmp_path: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "ws")
    _ingest(ws, tmp_path / "list.csv", FIRST)
    with ws.store() as store:
        store.load_clusters([("P1", "list", "r1"), ("P2", "list", "r2")], "test")
    return ws


def _history(ws: Workspace) -> list[tuple[object, ...]]:
    with ws.store(read_only=True) as store:
        view = person_view(store, "P1", workspace_rules(ws))
    return [
        (e["status"], e["date"], e["date_basis"], e["version"], e["superseded"])
        for e in view.as_dict()["history"]
    ]


def test_a_changed_status_shows_as_a_transition(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    # The list is published again: r1 is now killed, with the new edition's date.
    changed = [["r1", "Иванов Иван Иванович", "погиб", "2023-05-01", "2023-09-01"], FIRST[1]]
    _ingest(ws, tmp_path / "list-2.csv", changed)
    # Both claims, each with its own date; the first is kept, marked superseded.
    assert _history(ws) == [
        ("missing", "2023-05-20", "published", 1, SUPERSEDED),
        ("killed", "2023-09-01", "published", 2, None),
    ]
    with ws.store(read_only=True) as store:
        view = person_view(store, "P1", workspace_rules(ws))
    assert view.history.sequence == ["missing", "killed"]
    assert [(t.before, t.after, t.date) for t in view.history.transitions()] == [
        ("missing", "killed", dt.date(2023, 9, 1))
    ]
    # The current status and the claims are the current version's only.
    assert view.history.current == "killed"
    assert [(c.record_id, c.version) for c in view.claims] == [("r1", 2)]
    # Missing from 2023-05-01 (the event), shown dead on 2023-09-01.
    assert view.history.missing_to_dead() == (dt.date(2023, 5, 1), dt.date(2023, 9, 1))


def test_versions_without_a_publication_date_are_dated_when_stored(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    undated = [[*FIRST[0][:4], ""]]  # r1 again, its publication date dropped
    _ingest(ws, tmp_path / "list-2.csv", undated)
    _ingest(
        ws, tmp_path / "list-3.csv", [["r1", "Иванов Иван Иванович", "погиб", "2023-05-01", ""]]
    )
    with ws.store(read_only=True) as store:
        stored = store.rows(
            "SELECT r.version, CAST(e.logged_at AS DATE) AS day FROM records r "
            "JOIN events e USING (event_id) WHERE r.record_id = 'r1' ORDER BY r.version"
        )
    days = [str(r["day"]) for r in stored]
    # Three versions of r1: the dated first, the undated missing, the undated killed. The
    # undated ones are dated by the day each was stored; a single-version record (r2) is not.
    assert _history(ws) == [
        ("missing", "2023-05-20", "published", 1, SUPERSEDED),
        ("missing", days[1], "recorded", 2, SUPERSEDED),
        ("killed", days[2], "recorded", 3, None),
    ]
    with ws.store(read_only=True) as store:
        p2 = person_view(store, "P2", workspace_rules(ws)).as_dict()["history"]
    assert [(e["date"], e["date_basis"]) for e in p2] == [("2023-06-10", "published")]


def test_stored_views_keep_the_superseded_claims(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    rules = workspace_rules(ws)
    assert refresh(ws, rules) == 2
    changed = [["r1", "Иванов Иван Иванович", "погиб", "2023-05-01", "2023-09-01"]]
    _ingest(ws, tmp_path / "list-2.csv", changed)
    assert refresh(ws, rules) == 1  # only P1's records changed
    with ws.store(read_only=True) as store:
        # The stored view reads back equal to the computed one, superseded entry included.
        assert same(
            [stored_view(store, "P1")], [v for v in computed(store, rules) if v.person_id == "P1"]
        )
        entries = stored_view(store, "P1").history.entries
    assert [(e.status, e.claim.version, e.claim.superseded) for e in entries] == [
        ("missing", 1, True),
        ("killed", 2, False),
    ]
