"""Normalizing a batch of raw records into the ``normalized`` table's rows, in this process
or in worker processes that use the other cores.

A batch travels as Arrow both ways: the raw columns the store hands out go to a worker as
an Arrow IPC stream, and the worker sends back the finished rows (with its counts of values
it could not read) the same way, ready for the store's Arrow insert. No per-row Python
object crosses a process boundary.

The workers are *spawned* (not forked: the parent holds a DuckDB connection whose threads
must not be copied), and each builds its own normalizer from the same pack and additions.
Results are exactly those of one process: the normalizer is a pure function of the raw
values.
"""

from __future__ import annotations

import gc
import multiprocessing
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from unaccounted.normalize.pack import load_pack
from unaccounted.normalize.record import FIELDS, RAW_COLUMNS, Normalizer

#: Raw column → normalized column whose emptiness shows the raw value was not understood.
CHECKS = {"birth_date": "birth_lo", "event_date": "event_lo", "status": "status",
          "unit": "unit_class_key", "region": "region_code"}  # fmt: skip


def batch_table(
    normalizer: Normalizer,
    raw: pa.Table,
    version: str,
    event_id: int,
    orders: dict[str, str],
    hints: dict[str, str],
) -> tuple[pa.Table, dict[str, int]]:
    """The ``normalized`` rows of a batch of raw records, and its values not understood."""
    columns = {c: raw.column(c).to_pylist() for c in ("source_id", *RAW_COLUMNS)}
    arrays = normalizer.normalize_arrow(columns, orders, hints)
    missed = {}
    for column, norm in CHECKS.items():
        unread = pc.and_(pc.is_valid(raw.column(column)), pc.is_null(arrays[norm]))
        if column == "unit":  # «в/ч 12345» has a unit key and no class
            unread = pc.and_(unread, pc.is_null(arrays["unit_key"]))
        missed[column] = int(pc.sum(unread.cast(pa.int64())).as_py() or 0)
    n = raw.num_rows
    out: dict[str, Any] = {
        "source_id": raw.column("source_id"),
        "record_id": raw.column("record_id"),
        "version": raw.column("version").cast(pa.int32()),
        "norm_version": pa.array([version] * n, pa.string()),
        "event_id": pa.array([event_id] * n, pa.int64()),
    }
    for f in FIELDS:
        out[f] = arrays[f]
    return pa.table(out), missed


def to_ipc(table: pa.Table) -> pa.Buffer:
    """An Arrow table as one IPC stream buffer (cheap to send to another process)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def from_ipc(buffer: Any) -> pa.Table:
    return pa.ipc.open_stream(buffer).read_all()


#: (normalizer version, event id, date orders, name hints) of a run
Job = tuple[str, int, dict[str, str], dict[str, str]]

_worker: Normalizer | None = None


def _start(locale: str, extra_dir: str | None) -> None:
    global _worker
    gc.disable()  # the normalizer's caches hold millions of objects (see record.py)
    _worker = Normalizer(load_pack(locale, Path(extra_dir) if extra_dir else None))
    _worker.normalize({"full_name": "Иванов Иван Иванович"})  # builds the pack's lexicon


def _work(raw: pa.Buffer, job: Job) -> tuple[pa.Buffer, dict[str, int]]:
    assert _worker is not None
    table, missed = batch_table(_worker, from_ipc(raw), *job)
    return to_ipc(table), missed


class WorkerPool:
    """Batches normalized in ``workers`` processes. Use as a context manager.

    ``submit`` hands a batch to the next free worker and returns at once; ``result`` waits
    for a submitted batch's rows, so the caller can read and write the store meanwhile.
    """

    def __init__(self, locale: str, extra_dir: Path | None, workers: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.workers = workers
        self.pool = ctx.Pool(workers, initializer=_start,
                             initargs=(locale, str(extra_dir) if extra_dir else None))  # fmt: skip

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.terminate()
        self.pool.join()

    def submit(self, raw: pa.Table, job: Job) -> AsyncResult[tuple[pa.Buffer, dict[str, int]]]:
        return self.pool.apply_async(_work, (to_ipc(raw), job))

    @staticmethod
    def result(
        pending: AsyncResult[tuple[pa.Buffer, dict[str, int]]],
    ) -> tuple[pa.Table, dict[str, int]]:
        buffer, missed = pending.get()
        return from_ipc(buffer), missed
