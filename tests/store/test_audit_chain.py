"""The audit chain: every event sealed with the hash of the one before it, the head kept in
``meta``, and :func:`unaccounted.service.audit.verify` naming the first entry that an edit,
a deletion, a swap or a forgery broke.

Each tamper test closes the store, changes the file directly with DuckDB (as someone with
the file and no unaccounted would), and verifies it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from unaccounted.errors import WorkspaceError
from unaccounted.service import Session
from unaccounted.service.audit import AuditCheck, verify
from unaccounted.store import migrations as migrations_module
from unaccounted.store.migrations import available_migrations
from unaccounted.store.types import AUDIT_GENESIS, audit_hash
from unaccounted.workspace import Workspace

from ..conftest import write_csv

#: Who does each of the six writes of :func:`six_events`.
ACTORS = ("ann", "ann", "bob", "bob", "cid", "ann")


def six_events(ws: Workspace, burn_after: int | None = None) -> None:
    """Six writes (event ids 1..6) by three actors; ``burn_after`` skips the id after that
    write, as a rolled-back command does (sequences are not transactional)."""
    for n, actor in enumerate(ACTORS, start=1):
        with Session.open(ws.root, actor) as s:
            with s.write("set-source-kind", {"source": "obits", "kind": f"k{n}"}) as work:
                work.counts["n"] = n
            if n == burn_after:
                s.store.next_event_id()


def checked(ws: Workspace, head: str | None = None) -> AuditCheck:
    with Session.open(ws.root, "auditor", read_only=True) as s:
        return verify(s, head)


@pytest.fixture
def raw(ws: Workspace) -> Iterator[Any]:
    """Change the closed store file directly, as a tamperer would."""
    cons: list[duckdb.DuckDBPyConnection] = []

    def run(sql: str, params: list[Any] | None = None) -> list[Any]:
        if not cons:
            cons.append(duckdb.connect(str(ws.store_path)))
        return cons[0].execute(sql, params or []).fetchall()

    def close() -> None:
        if cons:
            cons.pop().close()

    run.close = close  # type: ignore[attr-defined]
    yield run
    close()


def entries(ws: Workspace) -> list[dict[str, Any]]:
    with Session.open(ws.root, "auditor", read_only=True) as s:
        return s.store.audit_entries()


def test_a_new_workspace_verifies_with_an_empty_chain(ws: Workspace) -> None:
    assert checked(ws) == AuditCheck(True, 0, AUDIT_GENESIS)


def test_every_event_is_sealed_and_chained_and_the_head_kept(ws: Workspace) -> None:
    six_events(ws)
    found = entries(ws)
    assert [e["event_id"] for e in found] == [1, 2, 3, 4, 5, 6]
    assert [e["actor"] for e in found] == list(ACTORS)
    # each entry follows the one before it; the first follows the genesis hash
    assert [e["prev_hash"] for e in found] == [AUDIT_GENESIS] + [e["entry_hash"] for e in found[:5]]
    # the hash is SHA-256 over sorted-key JSON of every column and the previous hash
    first = found[0]
    text = json.dumps(
        {
            "event_id": 1, "logged_at": first["logged_at"].astimezone(dt.UTC).isoformat(
                timespec="microseconds"), "actor": "ann", "command": "set-source-kind",
            "args": '{"source": "obits", "kind": "k1"}', "counts": '{"n": 1}', "outcome": "ok",
            "message": None, "version": first["version"], "prev_hash": AUDIT_GENESIS,
        },
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )  # fmt: skip
    assert first["entry_hash"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    with Session.open(ws.root, "auditor", read_only=True) as s:
        assert s.store.audit_head() == {"head": found[-1]["entry_hash"], "count": 6, "last": 6}
    assert checked(ws) == AuditCheck(True, 6, found[-1]["entry_hash"])


def test_an_edited_entry_is_named(ws: Workspace, raw: Any) -> None:
    six_events(ws)
    raw("""UPDATE events SET args = '{"source": "obits", "kind": "forged"}' WHERE event_id = 3""")
    raw.close()
    found = checked(ws)
    assert (found.ok, found.entry, found.reason) == (False, 3, "edited")
    assert found.summary == (
        "audit log broken at entry 3 (edited): entry 3 was changed after it was written "
        "(its contents no longer match its hash)"
    )


def test_an_edited_actor_or_time_is_named_too(ws: Workspace, raw: Any) -> None:
    six_events(ws)
    raw("UPDATE events SET actor = 'bob' WHERE event_id = 2")
    raw("UPDATE events SET logged_at = logged_at - INTERVAL 1 DAY WHERE event_id = 5")
    raw.close()
    assert (checked(ws).entry, checked(ws).reason) == (2, "edited")  # the first of the two


def test_an_edited_and_resealed_entry_is_named(ws: Workspace, raw: Any) -> None:
    six_events(ws)
    prev = raw("SELECT prev_hash FROM events WHERE event_id = 3")[0][0]
    raw("UPDATE events SET actor = 'mallory' WHERE event_id = 3")
    resealed = audit_hash(entries_raw(raw, 3), prev)
    raw("UPDATE events SET entry_hash = ? WHERE event_id = 3", [resealed])
    raw.close()
    found = checked(ws)
    # entry 3 matches its new hash, but entry 4 was written after the old one
    assert (found.entry, found.reason) == (3, "edited")
    assert found.detail == (
        "entry 3 was changed and sealed again: entry 4 was written after another entry"
    )


def entries_raw(raw: Any, event_id: int) -> dict[str, Any]:
    names = ["event_id", "logged_at", "actor", "command", "args", "counts", "outcome",
             "message", "version"]  # fmt: skip
    row = raw(f"SELECT {', '.join(names)} FROM events WHERE event_id = ?", [event_id])[0]
    return dict(zip(names, row, strict=True))


def test_a_deleted_middle_entry_is_named_by_the_entry_after_it(ws: Workspace, raw: Any) -> None:
    six_events(ws)
    raw("DELETE FROM events WHERE event_id = 4")
    raw.close()
    found = checked(ws)
    assert (found.ok, found.entry, found.reason, found.entries) == (False, 5, "deleted", 5)
    assert found.detail == (
        "the entry written before entry 5 is missing (the log goes from entry 3 to entry 5)"
    )


def test_a_deleted_first_entry_is_named(ws: Workspace, raw: Any) -> None:
    six_events(ws)
    raw("DELETE FROM events WHERE event_id = 1")
    raw.close()
    found = checked(ws)
    assert (found.entry, found.reason) == (2, "deleted")
    assert found.detail.endswith("(the log goes from the start to entry 2)")


def test_a_deleted_last_entry_is_named_from_the_head(ws: Workspace, raw: Any) -> None:
    six_events(ws)
    raw("DELETE FROM events WHERE event_id = 6")
    raw.close()
    found = checked(ws)
    assert (found.ok, found.entry, found.reason) == (False, 6, "deleted")
    assert found.detail == (
        "the newest entries are missing (1 of 6): the log ends at entry 5, the store last "
        "wrote entry 6"
    )


def test_two_swapped_entries_are_named(ws: Workspace, raw: Any) -> None:
    six_events(ws)
    raw("UPDATE events SET event_id = 1000 WHERE event_id = 3")
    raw("UPDATE events SET event_id = 3 WHERE event_id = 4")
    raw("UPDATE events SET event_id = 4 WHERE event_id = 1000")
    raw.close()
    found = checked(ws)
    assert (found.ok, found.entry, found.reason) == (False, 3, "reordered")
    assert found.detail == "entry 3 was written after entry 4, which now stands after it"


def test_a_forged_entry_without_a_seal_is_named(ws: Workspace, raw: Any) -> None:
    six_events(ws, burn_after=3)  # ids 1, 2, 3, 5, 6, 7: a gap at 4
    raw("""INSERT INTO events (event_id, actor, command, args, counts, outcome, version)
        VALUES (4, 'ann', 'judge', '{}', '{}', 'ok', '0.1.0')""")
    raw.close()
    found = checked(ws)
    assert (found.entry, found.reason) == (4, "inserted")
    assert found.detail == "entry 4 carries no seal: unaccounted did not write it"


def test_a_forged_entry_sealed_into_a_gap_is_named(ws: Workspace, raw: Any) -> None:
    six_events(ws, burn_after=3)
    prev = raw("SELECT entry_hash FROM events WHERE event_id = 3")[0][0]
    forged = {"event_id": 4, "logged_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
              "actor": "ann", "command": "judge", "args": "{}", "counts": "{}",
              "outcome": "ok", "message": None, "version": "0.1.0"}  # fmt: skip
    raw("INSERT INTO events VALUES (4, ?, 'ann', 'judge', '{}', '{}', 'ok', NULL, '0.1.0', ?, ?)",
        [forged["logged_at"], prev, audit_hash(forged, prev)])  # fmt: skip
    raw.close()
    found = checked(ws)
    # the forgery links to entry 3 and matches its own hash; entry 5 was written after 3
    assert (found.entry, found.reason) == (4, "inserted")
    assert found.detail == "entry 4 is not in the chain: entry 5 was written right after entry 3"


def test_a_forged_entry_appended_after_the_head_is_named(ws: Workspace, raw: Any) -> None:
    six_events(ws)
    prev = raw("SELECT entry_hash FROM events WHERE event_id = 6")[0][0]
    forged = {"event_id": 7, "logged_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
              "actor": "ann", "command": "judge", "args": "{}", "counts": "{}",
              "outcome": "ok", "message": None, "version": "0.1.0"}  # fmt: skip
    raw("INSERT INTO events VALUES (7, ?, 'ann', 'judge', '{}', '{}', 'ok', NULL, '0.1.0', ?, ?)",
        [forged["logged_at"], prev, audit_hash(forged, prev)])  # fmt: skip
    raw.close()
    found = checked(ws)
    assert (found.entry, found.reason) == (7, "inserted")
    assert found.detail == (
        "entry 7 comes after the newest entry the store wrote (entry 6): it was added to the "
        "log since"
    )


def test_a_changed_head_is_a_head_mismatch(ws: Workspace, raw: Any) -> None:
    six_events(ws)
    raw("UPDATE meta SET value = '5' WHERE key = 'audit_count'")
    raw.close()
    found = checked(ws)
    assert (found.ok, found.entry, found.reason) == (False, None, "head mismatch")


def test_a_rewritten_chain_passes_alone_and_fails_against_a_kept_head(
    ws: Workspace, raw: Any
) -> None:
    six_events(ws)
    kept = checked(ws).head  # what 'audit verify --json' prints, kept elsewhere
    # the one thing the chain cannot see: every hash from entry 2 on, and the head, redone
    raw("UPDATE events SET actor = 'mallory' WHERE event_id = 2")
    prev = raw("SELECT entry_hash FROM events WHERE event_id = 1")[0][0]
    for event_id in range(2, 7):
        entry_hash = audit_hash(entries_raw(raw, event_id), prev)
        raw("UPDATE events SET prev_hash = ?, entry_hash = ? WHERE event_id = ?",
            [prev, entry_hash, event_id])  # fmt: skip
        prev = entry_hash
    raw("UPDATE meta SET value = ? WHERE key = 'audit_head'", [prev])
    raw.close()
    assert checked(ws).ok  # undetectable from the store alone
    found = checked(ws, head=kept)
    assert (found.ok, found.reason) == (False, "rewritten")
    assert found.detail == (
        f"the head you kept ({kept[:16]}…) is not in the log: the log was rewritten or is "
        "not this workspace's"
    )
    assert checked(ws, head=checked(ws).head).ok


def test_an_entry_kept_from_earlier_still_verifies_after_more_writes(ws: Workspace) -> None:
    six_events(ws)
    kept = checked(ws).head
    with Session.open(ws.root, "ann") as s, s.write("refresh"):
        pass
    assert checked(ws, head=kept) == AuditCheck(True, 7, checked(ws).head)


def test_a_failed_write_is_chained_and_a_rolled_back_one_leaves_no_trace(
    ws: Workspace,
) -> None:
    six_events(ws)
    with Session.open(ws.root, "ann") as s, pytest.raises(RuntimeError), s.write("refresh"):
        s.store.log_event(s.store.next_event_id(), "inner", {}, {})  # rolled back
        raise RuntimeError("boom")
    found = entries(ws)
    # the rolled-back event took id 7 from the sequence; the failure is 8, after 6
    assert [(e["event_id"], e["command"], e["outcome"]) for e in found[-2:]] == [
        (6, "set-source-kind", "ok"), (8, "refresh", "failed"),
    ]  # fmt: skip
    assert found[-1]["prev_hash"] == found[-2]["entry_hash"]
    assert checked(ws).ok and checked(ws).entries == 7


def test_events_are_logged_in_the_order_of_their_ids(ws: Workspace) -> None:
    six_events(ws)
    with Session.open(ws.root, "ann") as s:
        with pytest.raises(WorkspaceError, match="event 5 cannot follow event 6"):
            s.store.log_event(5, "late", {}, {})
        early = s.store.next_event_id()
        s.store.log_event(s.store.next_event_id(), "later", {}, {})
        with pytest.raises(WorkspaceError, match=f"event {early} cannot follow event {early + 1}"):
            s.store.log_event(early, "earlier", {}, {})
    assert checked(ws) == AuditCheck(True, 7, entries(ws)[-1]["entry_hash"])


def test_an_upgraded_store_seals_its_events_and_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unaccounted.ingest import IngestOptions, ingest_files

    shipped = available_migrations()
    monkeypatch.setattr(migrations_module, "available_migrations", lambda: shipped[:8])
    ws = Workspace.init(tmp_path / "ws")
    csv = write_csv(tmp_path / "obits.csv", ["record_id", "full_name"], [["r1", "Фомин Фёдор"]])
    ingest_files(ws, [csv], IngestOptions())
    with Session.open(ws.root, "bob") as s:
        s.store.set_group("obits", "g1")
        assert s.store.schema_version() == 8
        old = s.store.rows("SELECT event_id, actor, command FROM events ORDER BY event_id")
    assert [(e["event_id"], e["command"]) for e in old] == [(1, "ingest"), (2, "sources")]
    monkeypatch.undo()
    with Session.open(ws.root, "ann") as s:  # opening for writing upgrades and seals
        assert s.store.schema_version() == len(shipped)
    found = entries(ws)
    # the events of schema 8 are sealed oldest first; the upgrade's own event follows them
    assert [(e["event_id"], e["command"]) for e in found] == [
        (1, "ingest"), (2, "sources"), (3, "migrate"),
    ]  # fmt: skip
    assert [e["prev_hash"] for e in found] == [AUDIT_GENESIS, found[0]["entry_hash"],
                                               found[1]["entry_hash"]]  # fmt: skip
    assert checked(ws) == AuditCheck(True, 3, found[-1]["entry_hash"])
    # and an event sealed by the upgrade is as protected as any other
    con = duckdb.connect(str(ws.store_path))
    con.execute("UPDATE events SET actor = 'mallory' WHERE event_id = 2")
    con.close()
    assert (checked(ws).entry, checked(ws).reason) == (2, "edited")


def test_a_store_before_the_chain_is_not_verified_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = available_migrations()
    monkeypatch.setattr(migrations_module, "available_migrations", lambda: shipped[:8])
    ws = Workspace.init(tmp_path / "ws")
    with ws.store() as store:
        store.log_event(store.next_event_id(), "ingest", {}, {})
        with pytest.raises(WorkspaceError, match="schema version 8: its event log is sealed"):
            store.audit_entries()


def test_many_events_in_one_transaction_move_the_head_once_and_verify(ws: Workspace) -> None:
    with Session.open(ws.root, "ann") as s, s.write("import-judgements", {"file": "j.csv"}):
        for n in range(3):  # as an import logs one event per judgement
            s.store.log_event(s.store.next_event_id(), "judge", {"n": n}, {})
    with Session.open(ws.root, "auditor", read_only=True) as s:
        found = s.store.audit_entries()
        assert s.store.audit_head() == {"head": found[-1]["entry_hash"], "count": 3, "last": 3}
    assert [e["command"] for e in found] == ["judge", "judge", "judge"]
    assert len({e["logged_at"] for e in found}) == 1  # the transaction's one time
    assert checked(ws).ok


def test_a_deleted_head_is_reported_and_the_next_write_does_not_hide_it(
    ws: Workspace, raw: Any
) -> None:
    six_events(ws)
    raw("DELETE FROM meta WHERE key LIKE 'audit_%'")
    raw.close()
    assert (checked(ws).reason, checked(ws).entry) == ("head mismatch", None)
    with Session.open(ws.root, "ann") as s, s.write("refresh"):
        pass  # logged after the genesis hash, since the head is gone
    assert (checked(ws).reason, checked(ws).entry) == ("inserted", 1)
