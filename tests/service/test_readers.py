"""Reading sessions for other threads: each on a cursor of its own, side by side with
each other and with a write in progress, seeing what is committed, refusing writes, and
held back while the store file is closed and copied."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from unaccounted.ingest import IngestOptions
from unaccounted.service import PermissionDenied, Session
from unaccounted.service import ingest as ingest_service
from unaccounted.service import workspace as workspace_service
from unaccounted.workspace import Workspace

OBITS = (
    "record_id,full_name,birth_date,status\n"
    "r1,Петров Сергей Иванович,1990-03-12,погиб\n"
    "r2,Иванов Андрей Петрович,1985,пропал без вести\n"
)


@pytest.fixture
def obits(tmp_path: Path) -> Path:
    path = tmp_path / "obits.csv"
    path.write_text(OBITS, "utf-8")
    return path


def records(s: Session) -> int:
    return int(workspace_service.status(s)["records"])


def test_two_readers_at_once_have_a_cursor_each_and_reuse_them(ws: Workspace, obits: Path) -> None:
    with Session.open(ws.root, "owner") as s:
        ingest_service.ingest(s, [obits], IngestOptions(kind="obituary"))
        with s.readers.session("ann") as a, s.readers.session("bob") as b:
            assert (a.actor, b.actor, a.read_only) == ("ann", "bob", True)
            assert a.store is not b.store and a.store is not s.store
            assert (records(a), records(b)) == (2, 2)
        with s.readers.session("cat") as c:
            assert records(c) == 2
        # two callers at one moment: two cursors, the third caller reused one
        assert s.readers.made == 2
        assert s.actor == "owner"  # the session itself acts as before


def test_a_reader_refuses_to_write_and_the_store_is_unchanged(ws: Workspace, obits: Path) -> None:
    with Session.open(ws.root, "owner") as s:
        with s.readers.session("ann") as r, pytest.raises(PermissionDenied) as refused:
            ingest_service.ingest(r, [obits], IngestOptions(kind="obituary"))
        assert str(refused.value) == "this session only reads the workspace; cannot ingest"
        assert records(s) == 0


def test_a_reader_runs_while_a_write_is_open_and_sees_what_is_committed(
    ws: Workspace, obits: Path
) -> None:
    with Session.open(ws.root, "owner") as s:
        seen: list[int] = []
        inside, read = threading.Event(), threading.Event()

        def reader() -> None:
            inside.wait(10)
            with s.readers.session("ann") as r:
                seen.append(records(r))
            read.set()

        thread = threading.Thread(target=reader)
        thread.start()
        with s.write("ingest", {"file": "obits.csv"}, own_transaction=True):
            inside.set()
            # the reader does not wait for this write to end
            assert read.wait(10)
        thread.join(10)
        ingest_service.ingest(s, [obits], IngestOptions(kind="obituary"))
        with s.readers.session("ann") as r:
            seen.append(records(r))
        assert seen == [0, 2]


def test_paused_waits_for_reads_closes_the_cursors_and_holds_new_reads_back(
    ws: Workspace, obits: Path
) -> None:
    with Session.open(ws.root, "owner") as s:
        ingest_service.ingest(s, [obits], IngestOptions(kind="obituary"))
        with s.readers.session("ann") as r:
            records(r)
        assert s.readers.made == 1
        order: list[str] = []
        started = threading.Event()

        def late_reader() -> None:
            started.set()
            with s.readers.session("bob") as r:
                order.append(f"read {records(r)}")

        with s.readers.paused():
            assert s.readers.made == 0  # the cursors are closed
            s.close()
            thread = threading.Thread(target=late_reader)
            thread.start()
            started.wait(10)
            thread.join(0.3)
            order.append("copied")  # the reader was held back meanwhile
            s.store.schema_version()
        thread.join(10)
        assert order == ["copied", "read 2"]


def test_closing_the_session_closes_its_readers(ws: Workspace) -> None:
    s = Session.open(ws.root, "owner")
    with s.readers.session("ann") as r:
        records(r)
    s.close()
    assert s.readers.made == 0
    with Session.open(ws.root, "again") as again:  # the store file is free again
        assert records(again) == 0
