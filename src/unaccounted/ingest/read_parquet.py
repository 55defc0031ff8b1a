"""Parquet: streamed in record batches; every column cast to text (nested values as JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from unaccounted.errors import InputError
from unaccounted.ingest.readers import Batch, Progress, ReadOptions, Table, clean_header


def _as_text(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return pc.cast(column, pa.string())
    try:
        return pc.cast(column, pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        values = column.to_pylist()
        return pa.array(
            [None if v is None else json.dumps(v, ensure_ascii=False, default=str) for v in values],
            pa.string(),
        )


def read_parquet(path: Path, opts: ReadOptions, progress: Progress) -> Iterator[Table]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from exc
    total = max(pf.metadata.num_rows, 1)
    header = clean_header(list(pf.schema_arrow.names))

    def batches() -> Iterator[Batch]:
        start = 1
        for record_batch in pf.iter_batches(batch_size=opts.batch_rows):
            n = record_batch.num_rows
            arrays = {"_line": pa.array(range(start, start + n), pa.int64())}
            for i, col in enumerate(record_batch.columns):
                arrays[f"c{i}"] = _as_text(col)
            start += n
            progress(min((start - 1) / total, 1.0))
            yield Batch(pa.table(arrays), blank=0)
        progress(1.0)

    def tables() -> Iterator[Table]:
        yield Table(None, header, batches())

    return tables()
