"""Scoring a workspace's persons against a simulated world's truth (demo and benchmarks).

The simulator's ``truth/records.csv`` names records by source *slug* (the file stem);
the workspace names them by the source name of the mapping file next to each source.
"""

from __future__ import annotations

import csv
from collections.abc import Hashable
from pathlib import Path

from unaccounted.evaluate import ClusterScores, score_clusters
from unaccounted.ingest import load_mapping
from unaccounted.store import linkage as sql
from unaccounted.workspace import Workspace


def source_names(simulated: Path) -> dict[str, str]:
    """Source slug → the source name it is ingested under."""
    names = {}
    for path in sorted((simulated / "sources").glob("*.csv")):
        mapping_path = path.with_suffix(".yaml")
        mapping = load_mapping(mapping_path) if mapping_path.exists() else None
        names[path.stem] = (mapping.source if mapping and mapping.source else None) or path.stem
    return names


def truth_persons(simulated: Path) -> dict[Hashable, Hashable]:
    """(source name, record_id) → true person id."""
    names = source_names(simulated)
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
