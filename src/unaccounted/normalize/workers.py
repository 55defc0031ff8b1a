"""Normalizing batches in worker processes, to use more than one core.

The workers are *spawned* (not forked: the parent holds a DuckDB connection whose threads
must not be copied), each builds its own normalizer from the same pack and additions, and
each batch is split between them. Results are exactly those of one process: the
normalizer is a pure function of the raw values.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from unaccounted.normalize.pack import load_pack
from unaccounted.normalize.record import FIELDS, RAW_COLUMNS, Normalizer

_worker: Normalizer | None = None


def _start(locale: str, extra_dir: str | None) -> None:
    global _worker
    _worker = Normalizer(load_pack(locale, Path(extra_dir) if extra_dir else None))


def _work(
    columns: dict[str, list[Any]], orders: dict[str, str], hints: dict[str, str]
) -> dict[str, list[Any]]:
    assert _worker is not None
    return _worker.normalize_columns(columns, orders, hints)


class WorkerPool:
    """``normalize_batch`` spread over ``workers`` processes. Use as a context manager."""

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

    def normalize_columns(
        self,
        cols: Mapping[str, Sequence[Any]],
        orders: Mapping[str, str],
        hints: Mapping[str, str] | None = None,
    ) -> dict[str, list[Any]]:
        """As :meth:`Normalizer.normalize_columns`, the rows split between the workers."""
        names = ("source_id", *RAW_COLUMNS)
        n = len(cols["source_id"])
        size = max(1, -(-n // self.workers))
        chunks = [{c: list(cols[c][i : i + size]) for c in names} for i in range(0, n, size)]
        jobs = [(chunk, dict(orders), dict(hints or {})) for chunk in chunks]
        parts = self.pool.starmap(_work, jobs)
        return {f: [v for part in parts for v in part[f]] for f in FIELDS}
