"""Scoring a workspace's persons against a simulated world's truth (demo and benchmarks).

The simulator's ``truth/records.csv`` names records by source *slug* (the file stem);
the workspace names them by the source name of the mapping file next to each source.
"""

from __future__ import annotations

import csv
from collections.abc import Hashable
from pathlib import Path

from unaccounted.evaluate import ClusterScores, score_clusters
from unaccounted.ingest.folders import source_names
from unaccounted.store import linkage as sql
from unaccounted.workspace import Workspace


def truth_persons(simulated: Path) -> dict[Hashable, Hashable]:
    """(source name, record_id) → true person id."""
    names = source_names(simulated / "sources")
    with (simulated / "truth" / "records.csv").open(encoding="utf-8", newline="") as fh:
        return {(names[r["source"]], r["record_id"]): r["person_id"] for r in csv.DictReader(fh)}


def score_workspace(ws: Workspace, simulated: Path) -> ClusterScores:
    """Cluster-level scores of the workspace's current persons against the truth."""
    with ws.store(read_only=True) as store:
        rows = sql.current_assignment(store).to_pylist()
    predicted: dict[Hashable, Hashable] = {
        (r["source_id"], r["record_id"]): r["person_id"] for r in rows
    }
    return score_clusters(truth_persons(simulated), predicted)
