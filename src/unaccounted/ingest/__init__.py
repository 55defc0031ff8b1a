"""Ingest stage: source files → records and rejects, with provenance. Nothing is lost."""

from unaccounted.ingest.mapping import Mapping, load_mapping
from unaccounted.ingest.pipeline import IngestOptions, IngestReport, ingest_files

__all__ = ["IngestOptions", "IngestReport", "Mapping", "ingest_files", "load_mapping"]
