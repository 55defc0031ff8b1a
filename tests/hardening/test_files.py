"""Writing outputs: no overwrite without --force, no link followed, a folder as --out is
one line, and path settings stay inside the workspace."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_subprocess, write_csv
from unaccounted.errors import InputError, WorkspaceError
from unaccounted.files import Folder, open_output, output_path, workspace_file
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.workspace import Workspace


@pytest.fixture
def filled(ws: Workspace, tmp_path: Path) -> Workspace:
    path = write_csv(tmp_path / "list.csv", ["record_id", "full_name"], [["r1", "Иванов Иван"]])
    ingest_files(ws, [path], IngestOptions(source="list"))
    return ws


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_export_records_refuses_an_existing_file_unless_forced(
    filled: Workspace, tmp_path: Path, cli: Callable[..., Any], fmt: str
) -> None:
    target = tmp_path / f"mine.{fmt}"
    target.write_text("a user's own file", "utf-8")
    # Before: the user's file was overwritten without a word.
    with pytest.raises(InputError, match="already exists; pass --force to replace it"):
        cli("export", "records", "--format", fmt, "--out", str(target))
    assert target.read_text("utf-8") == "a user's own file"
    assert cli("export", "records", "--format", fmt, "--out", str(target), "--force").exit_code == 0
    assert target.read_bytes() != b"a user's own file"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp


def test_a_folder_as_out_is_one_line(filled: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    # Before: an IsADirectoryError traceback.
    done = run_subprocess("-w", str(filled.root), "export", "records", "--out", str(folder))
    assert done.returncode == 2
    assert done.stderr == f"error: {folder} is a folder; give a file name\n"


def test_export_persons_and_dedupe_refuse_an_existing_file(
    filled: Workspace, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    target = tmp_path / "persons.csv"
    target.write_text("mine", "utf-8")
    with pytest.raises(InputError, match="already exists"):
        cli("export", "persons", "--out", str(target))
    # dedupe checks its --out before reading or linking anything.
    with pytest.raises(InputError, match="already exists"):
        cli("dedupe", str(tmp_path / "list.csv"), "--out", str(target))
    assert target.read_text("utf-8") == "mine"


def test_a_link_in_place_of_the_file_is_replaced_never_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", "utf-8")
    link = tmp_path / "out.csv"
    link.symlink_to(victim)
    with pytest.raises(InputError, match="already exists"), open_output(link, "w") as fh:
        fh.write("x")
    with open_output(link, "w", force=True) as fh:
        fh.write("new")
    assert victim.read_text("utf-8") == "precious"
    assert not link.is_symlink() and link.read_text("utf-8") == "new"


def test_a_failed_write_leaves_no_file_and_no_temporary(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), open_output(tmp_path / "a.csv", "wb") as fh:
        fh.write(b"half")
        raise RuntimeError("disk trouble")
    with pytest.raises(RuntimeError), output_path(tmp_path / "b.parquet") as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk trouble")
    assert list(tmp_path.iterdir()) == []


def test_a_linked_subfolder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "data").symlink_to(elsewhere)
    folder = Folder.at(tmp_path / "out")
    with pytest.raises(InputError, match="is a symbolic link or not a folder"):
        folder.folder("data")
    folder.close()
    assert list(elsewhere.iterdir()) == []


def test_simulate_refuses_to_overwrite_an_earlier_world_unless_forced(tmp_path: Path) -> None:
    from unaccounted.simulate.config import load_config
    from unaccounted.simulate.run import simulate

    simulate(load_config(), 30, 1, tmp_path)
    before = (tmp_path / "truth" / "persons.csv").read_bytes()
    with pytest.raises(InputError, match="already holds files; pass --force"):
        simulate(load_config(), 30, 2, tmp_path)
    assert (tmp_path / "truth" / "persons.csv").read_bytes() == before
    simulate(load_config(), 30, 2, tmp_path, force=True)
    assert (tmp_path / "truth" / "persons.csv").read_bytes() != before


def test_simulate_never_writes_through_a_linked_sources_folder(tmp_path: Path) -> None:
    from unaccounted.simulate.config import load_config
    from unaccounted.simulate.run import simulate

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "sources").symlink_to(elsewhere)
    with pytest.raises(InputError, match="symbolic link"):
        simulate(load_config(), 30, 1, tmp_path / "out", force=True)
    assert list(elsewhere.iterdir()) == []


def test_archive_never_follows_a_planted_part_file_or_a_linked_folder(
    ws: Workspace, tmp_path: Path
) -> None:
    from unaccounted.ingest.pipeline import file_digest

    path = write_csv(tmp_path / "list.csv", ["full_name"], [["Иванов Иван"]])
    sha, _ = file_digest(path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", "utf-8")
    (ws.root / "archive").mkdir()
    # Before: the copy went to archive/<sha>.csv.part, through this link, into victim.txt.
    (ws.root / "archive" / f"{sha}.csv.part").symlink_to(victim)
    ingest_files(ws, [path], IngestOptions(archive=True))
    assert victim.read_text("utf-8") == "precious"
    copy = ws.root / "archive" / f"{sha}.csv"
    assert not copy.is_symlink() and copy.read_bytes() == path.read_bytes()


def test_a_linked_archive_folder_is_refused_and_the_store_unchanged(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "list.csv", ["full_name"], [["Иванов Иван"]])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (ws.root / "archive").symlink_to(elsewhere)
    with pytest.raises(InputError, match="archive is a symbolic link or not a folder"):
        ingest_files(ws, [path], IngestOptions(archive=True))
    assert list(elsewhere.iterdir()) == []
    with ws.store(read_only=True) as store:
        assert store.counts()["records"] == 0


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("resolve", "rules_file", "../outside/rules.yaml", "leads outside the workspace"),
        ("store", "path", "/tmp/elsewhere.duckdb", "is absolute"),
        ("normalize", "pack_dir", "pack/../../x", "leads outside the workspace"),
    ],
)
def test_path_settings_must_stay_inside_the_workspace(
    ws: Workspace, tmp_path: Path, section: str, key: str, value: str, message: str
) -> None:
    text = ws.config_path.read_text("utf-8")
    default = {"rules_file": '"grading_rules.yaml"', "path": '"unaccounted.duckdb"',
               "pack_dir": '""'}[key]  # fmt: skip
    ws.config_path.write_text(text.replace(f"{key} = {default}", f'{key} = "{value}"'), "utf-8")
    # Before: 'grades' wrote the default rules to ../outside/rules.yaml.
    with pytest.raises(WorkspaceError, match=f"setting '{section}.{key}': .*{message}"):
        Workspace.open(ws.root)
    assert not (tmp_path / "outside").exists()


def test_workspace_file_refuses_a_link_that_leads_out(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    os.symlink(tmp_path / "outside", root / "rules")
    assert workspace_file(root, "grading_rules.yaml", "resolve.rules_file") == (
        root / "grading_rules.yaml"
    )
    with pytest.raises(WorkspaceError, match="through a symbolic link"):
        workspace_file(root, "rules/grading.yaml", "resolve.rules_file")
    with pytest.raises(WorkspaceError, match="leads outside the workspace"):
        workspace_file(root, "../x.yaml", "resolve.rules_file")


def test_a_full_disk_while_writing_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    import errno

    target = tmp_path / "out.csv"
    with pytest.raises(InputError) as info, open_output(target, "wb") as fh:
        fh.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")
    # Before: an OSError traceback and, for some writers, half a file under the final name.
    assert (
        str(info.value) == f"cannot write {target}: No space left on device; it was left as it was"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_planted_fifo_manifest_does_not_hang_the_report_folder(tmp_path: Path) -> None:
    from unaccounted.report.output import MANIFEST, ReportFolder

    out = tmp_path / "report"
    out.mkdir()
    os.mkfifo(out / MANIFEST)
    # Opening the FIFO for reading would block forever; it is read as "no manifest".
    with pytest.raises(InputError, match="holds no earlier report"), ReportFolder(out):
        pass
