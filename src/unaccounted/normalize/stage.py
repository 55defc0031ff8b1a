"""The normalize stage over a workspace: incremental, in batches, all or nothing.

Input: the current version of every record (``current_records``). Output: one row per
record version in ``normalized`` (see ``store/migrations/0002_normalized.sql``), tagged
with the normalizer version (core rules + the language pack's rules and data digest).
A record is normalized again only when its version or the normalizer version changes —
adding a unit alias to the pack changes the digest, so every record is redone.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from unaccounted.errors import InputError
from unaccounted.normalize.pack import load_pack
from unaccounted.normalize.record import FIELDS, Normalizer
from unaccounted.normalize.workers import WorkerPool
from unaccounted.store import normalized as sql
from unaccounted.workspace import Workspace

log = logging.getLogger(__name__)

#: Called with (records done, records to do).
Progress = Callable[[float, float], None]

_LIST_OF_STR = pa.list_(pa.string())
_LIST_OF_DATE = pa.list_(pa.date32())
_TYPES: dict[str, pa.DataType] = {
    "given_candidates": _LIST_OF_STR, "birth_candidates": _LIST_OF_DATE,
    "event_candidates": _LIST_OF_DATE, "birth_year": pa.int32(), "age": pa.int32(),
    "unit_number": pa.int32(), "unit_guards": pa.bool_(),
    **{f: pa.date32() for f in ("birth_lo", "birth_hi", "event_lo", "event_hi",
                                "published_date")},
}  # fmt: skip
#: Runs with fewer records to do than this never start worker processes.
_PARALLEL_FROM = 100_000
#: Raw column → normalized column whose emptiness shows the raw value was not understood.
_CHECKS = {"birth_date": "birth_lo", "event_date": "event_lo", "status": "status",
           "unit": "unit_class_key", "region": "region_code"}  # fmt: skip


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
                total = sql.prepare_pending(store, version, rebuild=rebuild)
                orders = _date_orders(ws, sql.slash_date_orders(store) if total else {})
                missed = dict.fromkeys(_CHECKS, 0)
                tick(0, total)
                engine: Normalizer | WorkerPool = normalizer
                workers = _workers(ws, total)
                if workers > 1:
                    cfg = ws.settings.normalize
                    extra = ws.root / cfg.pack_dir if cfg.pack_dir else None
                    engine = stack.enter_context(WorkerPool(cfg.locale, extra, workers))
                for first in range(1, total + 1, batch):
                    columns = sql.pending_columns(store, first, first + batch - 1)
                    table = _to_table(engine, columns, version, event_id, orders, missed)
                    sql.write_batch(store, table)
                    tick(min(first + batch - 1, total), total)
                sql.drop_pending(store)
                seconds = time.perf_counter() - t0
                counts: dict[str, Any] = {"normalized": total, "not_understood": missed,
                                          "seconds": round(seconds, 2)}  # fmt: skip
                store.log_event(event_id, "normalize",
                                {"rebuild": rebuild, "norm_version": version}, counts)  # fmt: skip
                records = sql.counts(store, version)["records"]
        except Exception as exc:
            store.log_failure("normalize", {"rebuild": rebuild}, str(exc))
            raise
    log.info("normalized %d of %d records in %.1f s", total, records, seconds)
    return NormalizeReport(event_id, version, records, total, seconds, missed, orders)


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


def _to_table(
    normalizer: Normalizer | WorkerPool,
    raw: dict[str, list[Any]],
    version: str,
    event_id: int,
    orders: dict[str, str],
    missed: dict[str, int],
) -> pa.Table:
    cols = normalizer.normalize_columns(raw, orders)
    for column, norm in _CHECKS.items():
        values = cols[norm]
        if column == "unit":
            keys = cols["unit_key"]
            missed[column] += sum(1 for a, b, k in zip(raw[column], values, keys, strict=True)
                                  if a and b is None and k is None)  # fmt: skip
        else:
            missed[column] += sum(
                1 for a, b in zip(raw[column], values, strict=True) if a and b is None
            )
    n = len(raw["source_id"])
    arrays: dict[str, pa.Array] = {
        "source_id": pa.array(raw["source_id"], pa.string()),
        "record_id": pa.array(raw["record_id"], pa.string()),
        "version": pa.array(raw["version"], pa.int32()),
        "norm_version": pa.array([version] * n, pa.string()),
        "event_id": pa.array([event_id] * n, pa.int64()),
    }
    for f in FIELDS:
        arrays[f] = pa.array(cols[f], _TYPES.get(f, pa.string()))
    return pa.table(arrays)


def explain_record(ws: Workspace, source: str, record_id: str) -> dict[str, Any]:
    """Raw → normalized for one record, field by field, with the deciding rule."""
    normalizer = normalizer_for(ws)
    with ws.store(read_only=True) as store:
        raw, stored = sql.record_with_fields(store, source, record_id)
        orders = _date_orders(ws, sql.slash_date_orders(store)) if raw else {}
    if raw is None:
        raise InputError(f"no record '{record_id}' in source '{source}'")
    order = orders.get(source, orders.get("*"))
    fields = [
        {"field": e.field, "raw": e.raw, "value": _plain(e.value), "rule": e.rule}
        for e in normalizer.explain(raw, order)
    ]
    return {
        "source": source,
        "record_id": record_id,
        "version": raw["version"],
        "norm_version": normalizer.version,
        "stored": stored is not None and stored["norm_version"] == normalizer.version,
        "date_order": order,
        "fields": fields,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
