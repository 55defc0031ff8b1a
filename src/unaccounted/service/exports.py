"""Bulk exports as streams of bytes: every person and every record, with no page limit.

CSV cells that a spreadsheet would run as a formula are written as text (as in ``export``
on the command line). Parquet is written to a temporary file first (its footer comes
last) and then streamed.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from unaccounted.errors import InputError
from unaccounted.report.export import safe_cell, write_csv, write_jsonl
from unaccounted.service import protection
from unaccounted.service.persons import PERSON_CSV, _person_row, views
from unaccounted.service.session import Session

#: Formats of the streamed exports, with their media types.
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
           "parquet": "application/vnd.apache.parquet"}  # fmt: skip
CHUNK = 1 << 16


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"unknown export format '{fmt}'; use one of: {', '.join(FORMATS)}")
    return fmt


def _csv_line(values: list[str]) -> bytes:
    buf = io.StringIO()
    import csv

    csv.writer(buf).writerow(values)
    return buf.getvalue().encode("utf-8")


def persons_stream(s: Session, fmt: str, *, protected: bool = False) -> Iterator[bytes]:
    """Every person view: JSON Lines (whole views), CSV or Parquet (best values). Sealed
    values read ``[protected]`` unless an editor asks for them (``protected``, an audited
    ``export-protected`` event)."""
    check_format(fmt)
    people = views(s)
    ring = protection.export_keyring(s, "persons", {"format": fmt}) if protected else None
    if fmt == "parquet":
        import pyarrow as pa

        rows = [protection.as_shown(_person_row(v), ring) for v in people]
        table = pa.Table.from_pylist(rows) if rows else pa.table({k: [] for k in PERSON_CSV})
        yield from _parquet(lambda path: _write_table(table, path))
        return
    if fmt == "csv":
        yield _csv_line(list(PERSON_CSV))
        for v in people:
            row = protection.as_shown(_person_row(v), ring)
            yield _csv_line([safe_cell(x) for x in row.values()])
        return
    for v in people:
        data = protection.as_shown(v.as_dict(), ring)
        yield (json.dumps(data, ensure_ascii=False, default=str) + "\n").encode("utf-8")


def _write_batches(batches: protection.ShownBatches, path: Path) -> None:
    import pyarrow.parquet as pq

    with pq.ParquetWriter(path, batches.schema) as writer:
        for batch in batches:
            writer.write_batch(batch)


def _write_table(table: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(table, path)


def _parquet(write: Any) -> Iterator[bytes]:
    with tempfile.TemporaryDirectory(prefix="unaccounted-export-") as tmp:
        path = Path(tmp) / "export.parquet"
        write(path)
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk


def records_stream(
    s: Session, fmt: str, source: str | None = None, *, protected: bool = False
) -> Iterator[bytes]:
    """Every current record with its provenance, batch by batch. Sealed values read
    ``[protected]`` unless an editor asks for them (``protected``, an audited
    ``export-protected`` event)."""
    check_format(fmt)
    store = s.read("export-records")
    if source is not None and not store.has_source(source):
        raise InputError(f"no source named '{source}'")
    ring = (
        protection.export_keyring(s, "records", {"format": fmt, "source": source})
        if protected
        else None
    )
    batches = protection.ShownBatches(store.record_batches(source, False), ring)
    if fmt == "parquet":
        yield from _parquet(lambda path: _write_batches(batches, path))
        return
    first = True
    for batch in batches:
        if fmt == "csv":
            buf = io.BytesIO()
            write_csv([batch], buf, True)
            data = buf.getvalue()
            yield data if first else data.split(b"\n", 1)[1]
        else:
            text = io.StringIO()
            write_jsonl(_Batches(batches.schema, batch), text)
            yield text.getvalue().encode("utf-8")
        first = False
    if first and fmt == "csv":
        yield _csv_line(list(batches.schema.names))


class _Batches:
    """One batch with the schema ``write_jsonl`` reads its column names from."""

    def __init__(self, schema: Any, batch: Any) -> None:
        self.schema, self.batch = schema, batch

    def __iter__(self) -> Iterator[Any]:
        yield self.batch
