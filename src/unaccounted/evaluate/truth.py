"""A workspace and a simulated world's truth: load true clusters, score the persons.

The simulator's ``truth/records.csv`` names records by source *slug* (the file stem);
the workspace names them by the source name of the mapping file next to each source.
:func:`read_clusters` reads any ``source,record_id,person_id`` file — a simulator's truth
(given its ``sources/`` folder, each slug is mapped to its source name), a reviewer's
spreadsheet, another tool's output — for ``unaccounted load-clusters``; real runs
cluster with ``unaccounted link``.
"""

from __future__ import annotations

import csv
from collections.abc import Hashable, Iterator
from pathlib import Path

from unaccounted.errors import InputError
from unaccounted.evaluate.clusters import ClusterScores, score_clusters
from unaccounted.ingest.folders import source_names
from unaccounted.workspace import Workspace

REQUIRED = ("source", "record_id", "person_id")


def read_clusters(path: Path, sources_dir: Path | None = None) -> Iterator[tuple[str, str, str]]:
    """Yield ``(person_id, source name, record_id)`` from a clusters CSV file."""
    slugs = source_names(sources_dir) if sources_dir is not None else {}
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"{path}: clusters file lacks the column(s) {missing}")
            for row in reader:
                source = row["source"]
                yield row["person_id"], slugs.get(source, source), row["record_id"]
    except FileNotFoundError as exc:
        raise InputError(f"clusters file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read clusters file {path}: {exc}") from exc


def truth_persons(simulated: Path) -> dict[Hashable, Hashable]:
    """(source name, record_id) → true person id."""
    names = source_names(simulated / "sources")
    with (simulated / "truth" / "records.csv").open(encoding="utf-8", newline="") as fh:
        return {(names[r["source"]], r["record_id"]): r["person_id"] for r in csv.DictReader(fh)}


def score_workspace(ws: Workspace, simulated: Path) -> ClusterScores:
    """Cluster-level scores of the workspace's current persons against the truth."""
    with ws.store(read_only=True) as store:
        rows = store.current_assignment().to_pylist()
    predicted: dict[Hashable, Hashable] = {
        (r["source_id"], r["record_id"]): r["person_id"] for r in rows
    }
    return score_clusters(truth_persons(simulated), predicted)
