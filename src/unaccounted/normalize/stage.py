"""The normalize stage over a workspace: incremental, in batches, all or nothing.

Input: the current version of every record (``current_records``). Output: one row per
record version in ``normalized`` (see ``store/migrations/0002_normalized.sql``), tagged
with the normalizer version (core rules + the language pack's rules and data digest).
A record is normalized again only when its version or the normalizer version changes —
adding a unit alias to the pack changes the digest, so every record is redone.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import time
from collections import deque
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from unaccounted.errors import InputError
from unaccounted.normalize.pack import load_pack
from unaccounted.normalize.record import Normalizer
from unaccounted.normalize.workers import CHECKS, WorkerPool, batch_table
from unaccounted.store import Store
from unaccounted.workspace import Workspace

log = logging.getLogger(__name__)

#: Called with (records done, records to do).
Progress = Callable[[float, float], None]

#: Full names sampled per source to learn how it writes names (``detect_name_hints``).
_NAME_SAMPLE = 500
#: Rows written to the store at a time (one Arrow insert).
_WRITE_ROWS = 200_000
#: Runs with fewer records to do than this never start worker processes.
_PARALLEL_FROM = 100_000


#: Distinct values not understood listed per field in the report.
UNREAD_LISTED = 100


@dataclass
class NormalizeReport:
    event_id: int
    norm_version: str
    records: int
    normalized: int
    seconds: float
    #: raw values present but not understood, by raw column
    not_understood: dict[str, int] = field(default_factory=dict)
    date_orders: dict[str, str] = field(default_factory=dict)
    #: sources whose names are mostly declined («oblique»): ambiguous forms read so
    name_hints: dict[str, str] = field(default_factory=dict)
    #: the values not understood, by raw column, most frequent first (at most
    #: ``UNREAD_LISTED`` each): ``{"value", "count", "example": {"source", "record_id"}}``
    not_understood_values: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def normalizer_for(ws: Workspace) -> Normalizer:
    """The workspace's normalizer (its language pack and additions); one-line errors."""
    cfg = ws.settings.normalize
    extra = (ws.root / cfg.pack_dir) if cfg.pack_dir else None
    return Normalizer(load_pack(cfg.locale, Path(extra) if extra else None))


def run_normalize(
    ws: Workspace, progress: Progress | None = None, *, rebuild: bool = False
) -> NormalizeReport:
    """Normalize every record lacking fields for the current normalizer version."""
    tick = progress or (lambda done, total: None)
    t0 = time.perf_counter()
    normalizer = normalizer_for(ws)
    version = normalizer.version
    batch = ws.settings.normalize.batch_rows
    with ExitStack() as stack:
        store = stack.enter_context(ws.store())
        try:
            with store.transaction():
                event_id = store.next_event_id()
                total = store.prepare_pending(version, rebuild=rebuild)
                workers = _workers(ws, total)
                pool = None
                if workers > 1:  # started first: the workers load the pack meanwhile
                    cfg = ws.settings.normalize
                    extra = ws.root / cfg.pack_dir if cfg.pack_dir else None
                    pool = stack.enter_context(WorkerPool(cfg.locale, extra, workers))
                orders = _date_orders(ws, store.slash_date_orders() if total else {})
                hints = normalizer.detect_name_hints(
                    store.name_samples(_NAME_SAMPLE) if total else {}
                )
                missed = dict.fromkeys(CHECKS, 0)
                tick(0, total)
                # the normalizer's caches hold millions of objects: a garbage collection
                # between batches would walk them all, again and again
                stack.callback(gc.enable if gc.isenabled() else lambda: None)
                gc.disable()
                ranges = [(first, min(first + batch - 1, total))
                          for first in range(1, total + 1, batch)]  # fmt: skip
                write = _Writer(store, max(batch, _WRITE_ROWS), missed)
                if pool is not None:
                    job = (version, event_id, orders, hints)
                    # one batch more than workers in flight: the store is read and written
                    # while the workers normalize
                    flight: deque[tuple[int, pa.Table, Any]] = deque()
                    for first, last in ranges:
                        raw = store.pending_table(first, last)
                        flight.append((last, raw, pool.submit(raw, job)))
                        if len(flight) > workers:
                            done, sent, pending = flight.popleft()
                            write(sent, *pool.result(pending))
                            tick(done, total)
                    while flight:
                        done, sent, pending = flight.popleft()
                        write(sent, *pool.result(pending))
                        tick(done, total)
                else:
                    for first, last in ranges:
                        raw = store.pending_table(first, last)
                        found = batch_table(normalizer, raw, version, event_id, orders, hints)
                        write(raw, *found)
                        tick(last, total)
                write.flush()
                store.drop_pending()
                seconds = time.perf_counter() - t0
                counts: dict[str, Any] = {"normalized": total, "not_understood": missed,
                                          "seconds": round(seconds, 2)}  # fmt: skip
                store.log_event(event_id, "normalize",
                                {"rebuild": rebuild, "norm_version": version}, counts)  # fmt: skip
                records = store.record_count()
        except Exception as exc:
            store.log_failure("normalize", {"rebuild": rebuild}, str(exc))
            raise
    log.info("normalized %d of %d records in %.1f s", total, records, seconds)
    return NormalizeReport(
        event_id, version, records, total, seconds, missed, orders, hints, write.unread.listed()
    )


def _workers(ws: Workspace, pending: int) -> int:
    """Worker processes for this run (setting ``normalize.workers``; 0: one per core)."""
    setting = ws.settings.normalize.workers or min(os.cpu_count() or 1, 4)
    return setting if pending >= _PARALLEL_FROM else 1


def _date_orders(ws: Workspace, detected: dict[str, str]) -> dict[str, str]:
    setting = ws.settings.normalize.date_order
    if setting == "auto":
        return detected
    if setting == "keep":
        return {}
    return {"*": setting}


class _Writer:
    """Finished batches into the store, several at a time (fewer, larger Arrow inserts)."""

    def __init__(self, store: Store, rows: int, missed: dict[str, int]) -> None:
        self.store, self.rows, self.missed = store, rows, missed
        self.held: list[pa.Table] = []
        self.unread = UnreadValues()

    def __call__(self, raw: pa.Table, table: pa.Table, unread: dict[str, int]) -> None:
        for column, count in unread.items():
            self.missed[column] += count
        if any(unread.values()):
            self.unread.add(raw, table)
        self.held.append(table)
        if sum(t.num_rows for t in self.held) >= self.rows:
            self.flush()

    def flush(self) -> None:
        if self.held:
            self.store.write_batch(pa.concat_tables(self.held))
            self.held = []


class UnreadValues:
    """The raw values the normalizer left unread, counted, with the first record of each."""

    def __init__(self) -> None:
        #: raw column → value → [count, source, record_id]
        self.values: dict[str, dict[str, list[Any]]] = {c: {} for c in CHECKS}

    def add(self, raw: pa.Table, normalized: pa.Table) -> None:
        """Count a batch's unread values (``normalized`` has ``raw``'s rows in order)."""
        for column, norm in CHECKS.items():
            mask = pc.and_(pc.is_valid(raw.column(column)), pc.is_null(normalized.column(norm)))
            if column == "unit":  # «в/ч 12345» has a unit key and no class
                mask = pc.and_(mask, pc.is_null(normalized.column("unit_key")))
            picked = raw.filter(mask).select([column, "source_id", "record_id"])
            seen = self.values[column]
            for value, source, record_id in zip(*picked.to_pydict().values(), strict=True):
                if value in seen:
                    seen[value][0] += 1
                else:
                    seen[value] = [1, source, record_id]

    def listed(self, limit: int = UNREAD_LISTED) -> dict[str, list[dict[str, Any]]]:
        """Per raw column, the most frequent unread values (ties by value) with an example."""
        out: dict[str, list[dict[str, Any]]] = {}
        for column, seen in self.values.items():
            ranked = sorted(seen.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
            if ranked:
                out[column] = [
                    {"value": v, "count": c, "example": {"source": src, "record_id": rid}}
                    for v, (c, src, rid) in ranked
                ]
        return out


def explain_record(ws: Workspace, source: str, record_id: str) -> dict[str, Any]:
    """Raw → normalized for one record, field by field, with the deciding rule."""
    normalizer = normalizer_for(ws)
    with ws.store(read_only=True) as store:
        raw, stored = store.record_with_fields(source, record_id)
        orders = _date_orders(ws, store.slash_date_orders()) if raw else {}
        samples = store.name_samples(_NAME_SAMPLE, source) if raw else {}
    hint = normalizer.detect_name_hints(samples).get(source)
    if raw is None:
        raise InputError(f"no record '{record_id}' in source '{source}'")
    order = orders.get(source, orders.get("*"))
    fields = [
        {"field": e.field, "raw": e.raw, "value": _plain(e.value), "rule": e.rule}
        for e in normalizer.explain(raw, order, hint)
    ]
    return {
        "source": source,
        "record_id": record_id,
        "version": raw["version"],
        "norm_version": normalizer.version,
        "stored": stored is not None and stored["norm_version"] == normalizer.version,
        "date_order": order,
        "name_hint": hint,
        "fields": fields,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
