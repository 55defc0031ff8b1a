"""Shared fixtures: the published reference tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from unaccounted.estimate import CaptureHistories, read_histories

REFERENCE = Path("/work/shared/reference/mse")


@pytest.fixture(scope="session")
def ref() -> object:
    """Load a reference table by name (``ref("Korea")``)."""

    def load(name: str) -> CaptureHistories:
        path = REFERENCE / f"{name}.csv"
        if not path.exists():
            pytest.skip(f"reference table {path} not available")
        return read_histories(path)

    return load
