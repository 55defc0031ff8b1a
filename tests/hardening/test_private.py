"""Private by default: what a workspace's files reveal. The store, archive copies, exports
and the report are owner-only (or the umask the settings give); events keep paths relative
to the workspace; no absolute path is published; a refused file leaves nothing behind."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import write_csv
from unaccounted.errors import InputError, WorkspaceError
from unaccounted.ingest import IngestOptions
from unaccounted.report.html import write_report
from unaccounted.service import Session
from unaccounted.service import ingest as ingest_service
from unaccounted.service import persons as persons_service
from unaccounted.service import workspace as workspace_service
from unaccounted.settings import Settings, StoreSettings
from unaccounted.workspace import Workspace


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _keep_umask() -> Iterator[None]:
    """Opening a workspace sets the process umask; give the other tests theirs back."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


@pytest.fixture
def lists(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "list.csv", ["record_id", "full_name"], [["r1", "Иванов Иван"]])


def test_every_file_a_command_creates_is_owner_only(tmp_path: Path, lists: Path) -> None:
    os.umask(0o022)  # a usual login umask: before, everything came out 0644 in 0755 folders
    ws = Workspace.init(tmp_path / "ws")
    with Session.open(ws.root, "tester") as s:
        ingest_service.ingest(s, [lists], IngestOptions(source="list", archive=True))
        csv_out, parquet_out = tmp_path / "out.csv", tmp_path / "out.parquet"
        workspace_service.export_records(s, "csv", csv_out)
        workspace_service.export_records(s, "parquet", parquet_out)
        persons_service.load_clusters(s, [("p1", "list", "r1")], "one.csv")
        write_report(s.ws, tmp_path / "report")
    (copy,) = (ws.root / "archive").iterdir()
    files = [ws.store_path, ws.config_path, copy, csv_out, parquet_out]
    assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
    folders = [ws.root, ws.root / "archive", tmp_path / "report"]
    assert {p.name: _mode(p) for p in folders} == {p.name: 0o700 for p in folders}
    report = [p for p in (tmp_path / "report").rglob("*")]
    assert report and {_mode(p) for p in report} <= {0o600, 0o700}


def test_the_umask_setting_gives_the_group_read_access(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws", Settings(store=StoreSettings(umask="027")))
    # 0666 & ~027 = 0640 for files, 0777 & ~027 = 0750 for folders
    assert (_mode(ws.store_path), _mode(ws.root)) == (0o640, 0o750)


def test_a_umask_that_is_not_octal_is_refused(tmp_path: Path) -> None:
    config = Workspace.init(tmp_path / "ws").config_path
    config.write_text(config.read_text("utf-8").replace('umask = "077"', 'umask = "rw-"'))
    with pytest.raises(WorkspaceError, match="is not a umask; give octal digits"):
        Workspace.open(tmp_path / "ws")


def test_events_keep_paths_relative_to_the_workspace(ws: Workspace, lists: Path) -> None:
    with Session.open(ws.root, "tester") as s:
        ingest_service.ingest(s, [lists], IngestOptions(source="list", archive=True))
        event = workspace_service.events(s, 1)[0]
    args = json.loads(event["args"])
    # the list sits beside the workspace folder: before, the event held its absolute path
    assert args["files"] == ["../list.csv"]
    with Session.open(ws.root, "tester") as s:
        archived = s.store.scalar("SELECT archived_as FROM files")
    assert archived.startswith("archive/") and not os.path.isabs(archived)


def test_the_report_publishes_no_absolute_path(ws: Workspace, lists: Path, tmp_path: Path) -> None:
    with Session.open(ws.root, "tester") as s:
        ingest_service.ingest(s, [lists], IngestOptions(source="list"))
        persons_service.load_clusters(s, [("p1", "list", "r1")], "one.csv")
        write_report(s.ws, tmp_path / "report")
    written = [p for p in (tmp_path / "report").rglob("*") if p.is_file()]
    # before: the footer named the workspace as /tmp/.../ws (and the method page the
    # rules file by its absolute path); no page, data file or manifest names it now
    assert written and not [p.name for p in written if str(tmp_path).encode() in p.read_bytes()]
    pages = [p.read_text("utf-8") for p in written if p.suffix == ".html"]
    assert all("from the workspace <code>ws</code>" in page for page in pages)


def test_a_refused_ingest_leaves_nothing_in_the_archive(ws: Workspace, tmp_path: Path) -> None:
    # a made-up list of phone numbers whose second row has one cell over the cell limit:
    # the file is refused while its rows are read, after the archive copy was made
    phones = write_csv(
        tmp_path / "phones.csv",
        ["record_id", "full_name", "phone"],
        [["r1", "Иванов Иван", "+7 900 000-00-00"], ["r2", "x" * 1_000_001, "+7 900 000-00-01"]],
    )
    with Session.open(ws.root, "tester") as s:
        with pytest.raises(InputError, match="max_cell_chars"):
            ingest_service.ingest(s, [phones], IngestOptions(source="phones", archive=True))
        assert s.store.counts()["files"] == 0
    assert sorted(p.name for p in (ws.root / "archive").iterdir()) == []
