"""The report rewrites only what it wrote before and never follows a link in its folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.conftest import write_csv
from unaccounted.errors import InputError
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.normalize.stage import run_normalize
from unaccounted.report.html import write_report
from unaccounted.report.output import MANIFEST
from unaccounted.workspace import Workspace


@pytest.fixture
def small(tmp_path: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "ws")
    header = ["record_id", "full_name", "status", "unit", "event_date"]
    path = write_csv(
        tmp_path / "l.csv", header, [["r1", "Иванов Иван", "погиб", "102 ОМСБр", "2023"]]
    )
    ingest_files(ws, [path], IngestOptions(source="list", kind="obituary"))
    run_normalize(ws)
    with ws.store() as store:
        store.load_clusters([("P1", "list", "r1")], "test")
    return ws


def test_a_rerun_keeps_a_users_files_and_removes_only_its_own(
    small: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    write_report(small, out)
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))["files"]
    assert {"index.html", "sources.html", "data/persons.csv"} <= set(manifest)
    (out / "units" / "notes.txt").write_text("mine", "utf-8")
    (out / "data" / "extra.csv").write_text("mine too", "utf-8")
    # A page an earlier report wrote that this one no longer has (its unit is gone) ...
    stale = b"<p>old unit</p>"
    (out / "units" / "old.html").write_bytes(stale)
    # ... and one it wrote that the user has edited since.
    (out / "units" / "edited.html").write_text("edited by hand", "utf-8")
    manifest["units/old.html"] = hashlib.sha256(stale).hexdigest()
    manifest["units/edited.html"] = hashlib.sha256(b"what the report wrote").hexdigest()
    (out / MANIFEST).write_text(json.dumps({"files": manifest}), "utf-8")
    write_report(small, out)
    # Before: units/ and data/ were deleted whole on every run, the user's files with them.
    assert (out / "units" / "notes.txt").read_text("utf-8") == "mine"
    assert (out / "data" / "extra.csv").read_text("utf-8") == "mine too"
    assert (out / "units" / "edited.html").read_text("utf-8") == "edited by hand"
    assert not (out / "units" / "old.html").exists()


def test_a_user_file_in_the_way_is_refused_unless_forced(small: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "report"
    write_report(small, out)
    (out / "method.html").write_text("my own notes", "utf-8")
    with pytest.raises(InputError, match="method.html was not written by an earlier report"):
        write_report(small, out)
    assert (out / "method.html").read_text("utf-8") == "my own notes"
    write_report(small, out, force=True)
    assert "<html" in (out / "method.html").read_text("utf-8")


def test_a_linked_page_or_data_folder_is_never_written_through(
    small: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    write_report(small, out)
    victim = tmp_path / "victim.html"
    victim.write_text("precious", "utf-8")
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(victim)
    with pytest.raises(InputError, match="index.html was not written by an earlier report"):
        write_report(small, out)
    # Before: the page was written into victim.html through the link.
    write_report(small, out, force=True)
    assert victim.read_text("utf-8") == "precious"
    assert not (out / "index.html").is_symlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("persons.csv",):
        (out / "data" / name).unlink()
    (out / "data").rmdir()
    (out / "data").symlink_to(elsewhere)
    with pytest.raises(InputError, match="data is a symbolic link or not a folder"):
        write_report(small, out, force=True)
    assert list(elsewhere.iterdir()) == []


def test_a_foreign_folder_is_refused_and_force_removes_nothing(
    small: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    (out / "keep.txt").write_text("mine", "utf-8")
    with pytest.raises(InputError, match="holds no earlier report"):
        write_report(small, out)
    write_report(small, out, force=True)
    assert (out / "keep.txt").read_text("utf-8") == "mine"
    assert (out / "index.html").is_file()
