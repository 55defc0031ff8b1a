"""A full disk: ingest, ingest --archive and link end in one line saying the disk is full
and that nothing was changed, on a small file system the test mounts."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.hardening.mounts import small_filesystem
from unaccounted.cli import app
from unaccounted.store import DiskFull
from unaccounted.workspace import Workspace

pytestmark = pytest.mark.slow


def _cli(root: Path, *args: str) -> None:
    CliRunner().invoke(app, ["--workspace", str(root), *args], catch_exceptions=False)


def _status(root: Path) -> tuple[int, int, int]:
    result = CliRunner().invoke(app, ["--workspace", str(root), "status", "--json"])
    counts = json.loads(result.stdout)
    return counts["records"], counts["files"], counts["persons"]


def _people(path: Path, n: int) -> Path:
    """``n`` made-up rows whose notes do not compress (a digest each); the same ids and
    names in every file, so two files name the same people for link."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["record_id", "full_name", "birth_date", "unit", "note"])
        for i in range(n):
            note = hashlib.sha256(str(i).encode()).hexdigest()
            born = f"19{i % 90:02d}-0{i % 9 + 1}-1{i % 9}"
            name = f"Иванов{i % 97} Иван{i % 13} Петрович"
            out.writerow([f"r{i}", name, born, f"в/ч {i % 300}", note])
    return path


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Workspace]:
    with small_filesystem(tmp_path / "mnt", "8m") as mnt:
        yield Workspace.init(mnt / "ws")


def _fill(root: Path, leave: int) -> None:
    """Fill the file system holding ``root`` up to ``leave`` free bytes."""
    vfs = os.statvfs(root)
    free = vfs.f_bavail * vfs.f_frsize
    with (root.parent / "filler").open("wb") as fh:
        fh.write(b"\0" * max(free - leave, 0))


@pytest.mark.parametrize("archive", [False, True])
def test_ingest_on_a_full_disk_is_one_line_and_changes_nothing(
    small: Workspace, tmp_path: Path, archive: bool
) -> None:
    big = _people(tmp_path / "big.csv", 150_000)  # about 10 MB: more than the disk holds
    before = _status(small.root)
    flags = ["--archive"] if archive else []
    # Before: "No space left on device" ended in a DuckDB or OSError traceback.
    with pytest.raises(DiskFull, match="is full; nothing was changed") as caught:
        _cli(small.root, "ingest", *flags, "--source", "big", str(big))
    assert "\n" not in str(caught.value)
    assert _status(small.root) == before  # (0 records, 0 files, 0 persons)
    assert not any((small.root / "archive").glob("*"))  # no copy left behind


def test_link_on_a_full_disk_is_one_line_and_changes_nothing(
    small: Workspace, tmp_path: Path
) -> None:
    _cli(small.root, "ingest", "--source", "a", str(_people(tmp_path / "a.csv", 1_000)))
    _cli(small.root, "ingest", "--source", "b", str(_people(tmp_path / "b.csv", 1_000)))
    _cli(small.root, "normalize")
    before = _status(small.root)
    _fill(small.root, leave=64 * 1024)
    with pytest.raises(DiskFull, match="is full; nothing was changed"):
        _cli(small.root, "link")
    (small.root.parent / "filler").unlink()
    # 1,000 records from each source, one file (both lists have the same bytes), and still
    # no persons: the link run left nothing
    assert _status(small.root) == before == (2_000, 1, 0)
