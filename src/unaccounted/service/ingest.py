"""Reading source files into the workspace (the ingest stage), as one unit of work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from unaccounted.columns import SOURCE_KINDS
from unaccounted.ingest import IngestOptions, IngestReport, ingest_files, load_mapping
from unaccounted.ingest.folders import ingest_folder
from unaccounted.ingest.pipeline import check_inputs
from unaccounted.service.derived import refresh_derived
from unaccounted.service.session import Session

__all__ = ["SOURCE_KINDS", "IngestOptions", "IngestReport", "check_inputs", "load_mapping"]

Progress = Callable[[float, float], None]


def ingest(
    s: Session, files: Sequence[Path], options: IngestOptions, progress: Progress | None = None
) -> IngestReport:
    """Ingest ``files``: every row becomes a record or a reject, in one transaction."""
    check_inputs(files)
    # ingest stages the files in a scratch database before its one transaction on the store
    with s.write(
        "ingest", {"files": [s.workspace.relative(p) for p in files]}, own_transaction=False
    ) as work:
        report = ingest_files(work.ws, files, options, progress)
        refresh_derived(work)  # a new version of a record changes its person's claims
        return report


def ingest_simulated_folder(s: Session, folder: Path) -> list[IngestReport]:
    """Ingest every CSV file of a simulated ``sources/`` folder with its mapping."""
    with s.write("ingest", {"folder": s.workspace.relative(folder)}, own_transaction=False) as work:
        reports = ingest_folder(work.ws, folder)
        refresh_derived(work)
        return reports
