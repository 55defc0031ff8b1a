"""Pick the reader for a file by its extension."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from unaccounted.ingest.readers import Progress, ReadOptions, Table, file_format


def open_tables(
    path: Path, opts: ReadOptions, progress: Progress
) -> tuple[str, str | None, Iterator[Table]]:
    """Return ``(format, encoding or None, tables)`` for ``path``."""
    fmt = file_format(path)
    if fmt == "csv":
        from unaccounted.ingest.read_csv import read_csv

        encoding, tables = read_csv(path, opts, progress)
        return fmt, encoding, tables
    if fmt in ("json", "jsonl"):
        from unaccounted.ingest.read_json import read_json

        encoding, tables = read_json(path, fmt, opts, progress)
        return fmt, encoding, tables
    if fmt == "xlsx":
        from unaccounted.ingest.read_xlsx import read_xlsx

        return fmt, None, read_xlsx(path, opts, progress)
    from unaccounted.ingest.read_parquet import read_parquet

    return fmt, None, read_parquet(path, opts, progress)
