"""A small simulated world ingested and normalized once per session, copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from unaccounted.ingest.folders import ingest_folder
from unaccounted.normalize.stage import run_normalize
from unaccounted.simulate.config import load_config
from unaccounted.simulate.run import simulate
from unaccounted.workspace import Workspace

#: The first sources ingested in the growth test; the rest arrive later.
FIRST_SOURCES = ("graves", "memorial_book", "mod_notices", "regional_officials")


def ingest(
    ws: Workspace, simulated: Path, only: tuple[str, ...] | None = None, skip: tuple[str, ...] = ()
) -> None:
    ingest_folder(ws, simulated / "sources", only=only, skip=skip)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("link-world")
    simulate(load_config(None), 400, 5, root / "simulated")
    ws = Workspace.init(root / "ws")
    ingest(ws, root / "simulated")
    run_normalize(ws)
    return root


@pytest.fixture
def linked_ws(world: Path, tmp_path: Path) -> Workspace:
    """A copy of the world's workspace (ingested and normalized, not yet linked)."""
    shutil.copytree(world / "ws", tmp_path / "ws")
    return Workspace.open(tmp_path / "ws")
