"""A folder of source files, each with its mapping file beside it (``list.csv`` + ``list.yaml``).

This is the layout ``unaccounted simulate`` writes (``DIR/sources/``) and a convenient one
for a project's own lists: each file is ingested on its own, with its own mapping.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from unaccounted.ingest.mapping import Mapping, load_mapping
from unaccounted.ingest.pipeline import IngestOptions, IngestReport, ingest_files
from unaccounted.workspace import Workspace


def mapping_beside(path: Path) -> Mapping | None:
    """The mapping file next to ``path`` (same name, ``.yaml``), if there is one."""
    candidate = path.with_suffix(".yaml")
    return load_mapping(candidate) if candidate.exists() else None


def source_files(folder: Path) -> list[Path]:
    """The CSV files of a sources folder, in name order."""
    return sorted(folder.glob("*.csv"))


def source_names(folder: Path) -> dict[str, str]:
    """File stem → the source name its records are stored under (mapping's ``source``)."""
    names = {}
    for path in source_files(folder):
        mapping = mapping_beside(path)
        names[path.stem] = (mapping.source if mapping else None) or path.stem
    return names


def ingest_folder(
    ws: Workspace,
    folder: Path,
    *,
    only: Collection[str] | None = None,
    skip: Collection[str] = (),
) -> list[IngestReport]:
    """Ingest every CSV file of ``folder`` with its mapping, one ingest per file.

    ``only`` / ``skip`` choose files by stem.
    """
    reports = []
    for path in source_files(folder):
        if (only is not None and path.stem not in only) or path.stem in skip:
            continue
        reports.append(ingest_files(ws, [path], IngestOptions(mapping=mapping_beside(path))))
    return reports
