"""A simulated workspace and its HTML report, shared by the report tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from unaccounted.evaluate.truth import read_clusters
from unaccounted.ingest.folders import ingest_folder
from unaccounted.normalize.stage import run_normalize
from unaccounted.report.html import write_report
from unaccounted.simulate.config import SimulationConfig, load_config
from unaccounted.simulate.run import simulate
from unaccounted.workspace import Workspace

#: 3,000 persons, seed 1: 4 units of each type, 10 % of them conceal 60 % of their dead as
#: missing (as bench/concealment.py); this seed gives ~30 ranked units and one flagged.
PERSONS, SEED = 3000, 1


@dataclass
class Rendered:
    ws: Workspace
    sim: Path
    out: Path

    def html(self, page: str) -> str:
        return (self.out / page).read_text("utf-8")


def concealing_config() -> SimulationConfig:
    config = load_config(None)
    units = config.units.model_copy(
        update={
            "default_per_type": 4,
            "per_type": {},
            "conceal": config.units.conceal.model_copy(
                update={"unit_share": 0.1, "missing_share": 0.6}
            ),
        }
    )
    return config.model_copy(update={"units": units})


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """simulate → ingest → normalize → the simulator's true clusters → the report."""
    folder = tmp_path_factory.mktemp("report-world")
    sim = folder / "sim"
    simulate(concealing_config(), PERSONS, SEED, sim)
    ws = Workspace.init(folder / "ws")
    ingest_folder(ws, sim / "sources")
    run_normalize(ws)
    with ws.store() as store:
        store.load_clusters(read_clusters(sim / "truth" / "records.csv", sim / "sources"), "test")
    out = folder / "report"
    write_report(ws, out)
    return Rendered(ws, sim, out)
