"""A killed ingest (kill -9, mid-transaction) leaves the store exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from unaccounted.workspace import Workspace

from ..conftest import run_subprocess, write_csv


@pytest.mark.slow
@pytest.mark.parametrize(
    ("phase", "marker", "times"),
    [("while staging", "read (", 5), ("inside the merge transaction", ": merging", 1)],
)
def test_kill_9_mid_ingest_leaves_the_store_as_it_was(
    ws: Workspace, tmp_path: Path, phase: str, marker: str, times: int
) -> None:
    small = write_csv(tmp_path / "small.csv", ["full_name"], [["Фомин Фёдор"], ["Гусев Глеб"]])
    assert run_subprocess("-w", str(ws.root), "ingest", str(small)).returncode == 0
    with ws.store() as store:
        before = store.counts()
        before_rows = store.rows("SELECT source_id, record_id, version FROM records ORDER BY 2")

    # Small batches so the child logs "batch N read" early and often; many rows so that it
    # is still staging, or still inside its merge transaction, when killed.
    config = ws.config_path.read_text("utf-8").replace("batch_rows = 50000", "batch_rows = 2000")
    ws.config_path.write_text(config, "utf-8")
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("full_name,status,unit\n")
        for i in range(300_000):
            fh.write(f"Человек {i},погиб,{i % 97} мсп\n")
    child = subprocess.Popen(
        [sys.executable, "-m", "unaccounted", "-v", "-w", str(ws.root), "ingest", str(big)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert child.stderr is not None
    deadline = time.monotonic() + 120
    seen = 0
    for line in child.stderr:
        if marker in line:
            seen += 1
        if seen >= times or time.monotonic() > deadline:
            break
    assert child.poll() is None, f"the ingest finished before it could be killed {phase}"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    assert seen >= times

    with ws.store() as store:
        assert store.counts() == before
        assert store.rows("SELECT source_id, record_id, version FROM records ORDER BY 2") == (
            before_rows
        )
        assert (
            store.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_ingest%'")
            == 0
        )
    # The store still works: the same file ingests in full afterwards.
    done = run_subprocess("-w", str(ws.root), "ingest", str(big))
    assert done.returncode == 0, done.stderr
    with ws.store() as store:
        assert store.counts()["records"] == before["records"] + 300_000
    assert [p.name for p in ws.root.iterdir()] == ["unaccounted.toml", "unaccounted.duckdb"]
