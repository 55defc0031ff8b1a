"""One small simulated world shared by the end-to-end tests (seed 7, 2,000 persons)."""

from pathlib import Path

import pytest

from unaccounted.simulate.config import load_config
from unaccounted.simulate.run import Summary, simulate

SEED = 7
PERSONS = 2000


@pytest.fixture(scope="session")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("world")


@pytest.fixture(scope="session")
def summary(world_dir: Path) -> Summary:
    return simulate(load_config(), PERSONS, SEED, world_dir)
