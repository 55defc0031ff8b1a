"""Clusterings made elsewhere: read ``source,record_id,person_id`` rows from a CSV file.

Real runs cluster with ``unaccounted link``. Any other clustering — a simulator's
``truth/records.csv``, a reviewer's spreadsheet, another tool's output — can be loaded
with :func:`read_clusters` and ``store.resolve.load_clusters``. A simulator names sources by
file slug; given its ``sources/`` folder, each slug is mapped to the source name that
ingest gave it (the ``source:`` key of the slug's mapping YAML).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from unaccounted.errors import InputError
from unaccounted.ingest.folders import source_names

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
