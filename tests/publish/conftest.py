"""The publication world, built once per session and copied for each test that writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.publish.world import build


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("publish-world")).root


@pytest.fixture
def workspace(built: Path, tmp_path: Path) -> Path:
    """A copy of the world's workspace that a test may change."""
    return Path(shutil.copytree(built, tmp_path / "ws"))
