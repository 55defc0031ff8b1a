"""Shared factories: workspaces, source files in every format, and CLI runners."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from unaccounted.cli import app
from unaccounted.workspace import Workspace


@pytest.fixture(scope="session", autouse=True)
def protection_key_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One protection key per test run, in a temporary folder: no test ever writes a key
    into the real home folder (and no test reads one from there). Subprocesses inherit it."""
    from unaccounted.protect import KEY_ENV, KEY_FILE_ENV

    path = tmp_path_factory.mktemp("keys") / "test.key"
    before = {name: os.environ.pop(name, None) for name in (KEY_ENV, KEY_FILE_ENV)}
    os.environ[KEY_FILE_ENV] = str(path)
    yield path
    os.environ.pop(KEY_FILE_ENV, None)
    for name, value in before.items():
        if value is not None:
            os.environ[name] = value


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """A fresh, empty workspace."""
    return Workspace.init(tmp_path / "ws")


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_jsonl(path: Path, objects: Sequence[Any]) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), "utf-8")
    return path


@pytest.fixture
def cli(ws: Workspace) -> Callable[..., Any]:
    """Run the CLI in-process against the workspace; returns the click Result."""
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(app, ["--workspace", str(ws.root), *args], catch_exceptions=False)

    return run


def run_subprocess(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m unaccounted ARGS`` as a user would, capturing both streams."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("UNACCOUNTED_WORKSPACE", None)
    return subprocess.run(
        [sys.executable, "-m", "unaccounted", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
        timeout=300,
    )
