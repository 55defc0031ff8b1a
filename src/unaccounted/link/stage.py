"""The link stage over a workspace: score, cluster, keep ids stable, record everything.

Input: the normalized fields of every current record and the reviewers' judgements in
force. Output, in one transaction: a ``link_runs`` row with the trained model and its
checks, the run's scored pairs, the current persons and their records, and a history
row for every merge and split of a person id. A failed run leaves the store as it was.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from unaccounted.errors import InputError
from unaccounted.link.core import Judged, LinkResult, link_records
from unaccounted.link.stable_ids import IdAssignment, assign_ids, format_person_id
from unaccounted.store import judgements as jsql
from unaccounted.store import linkage as sql
from unaccounted.workspace import Workspace

log = logging.getLogger(__name__)

Progress = Callable[[float, float], None]


@dataclass
class LinkReport:
    event_id: int
    records: int
    pairs: int
    persons: int
    kept_ids: int
    new_ids: int
    merges: int
    splits: int
    judgements: int
    seconds: float
    checks: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)


def run_link(ws: Workspace, progress: Progress | None = None) -> LinkReport:
    """Link every current record; see the module doc."""
    cfg = ws.settings.link
    t0 = time.perf_counter()
    with ws.store() as store:
        try:
            with store.transaction():
                counts = sql.counts(store)
                if counts["records"] == 0:
                    raise InputError(
                        "nothing to link: the workspace has no records; "
                        "run 'unaccounted ingest' first"
                    )
                if counts["normalized"] < counts["records"]:
                    raise InputError(
                        f"{counts['records'] - counts['normalized']} of {counts['records']} "
                        "records have no normalized fields; run 'unaccounted normalize' first"
                    )
                event_id = store.next_event_id()
                table = sql.link_input(store)
                keys = list(zip(table.column("source_id").to_pylist(),
                                table.column("record_id").to_pylist(), strict=True))  # fmt: skip
                judged, active = _judged(jsql.active(store), keys)
                result = link_records(table, cfg, judged, progress=progress)
                previous: dict[Hashable, str] = {
                    (r["source_id"], r["record_id"]): r["person_id"]
                    for r in sql.current_assignment(store).to_pylist()
                }
                ids = assign_ids(
                    keys, result.labels.tolist(), previous, sql.person_created(store),
                    lambda n: [format_person_id(x) for x in sql.next_person_numbers(store, n)],
                    event_id,
                )  # fmt: skip
                _write(store, event_id, table, result, ids)
                seconds = time.perf_counter() - t0
                sql.write_run(store, _run_row(event_id, cfg.model_dump(), result, ids, seconds))
                report = LinkReport(
                    event_id, table.num_rows, result.pairs.num_rows, len(ids.created),
                    ids.kept, ids.new, sum(h["kind"] == "merge" for h in ids.history),
                    sum(h["kind"] == "split" for h in ids.history), active, seconds,
                    result.model.checks, {**result.facts, "seconds": result.seconds},
                )  # fmt: skip
                store.log_event(event_id, "link", {"engine": cfg.engine}, {
                    "records": report.records, "pairs": report.pairs,
                    "persons": report.persons, "merges": report.merges,
                    "splits": report.splits, "judgements": active,
                    "checks": len(report.checks), "seconds": round(seconds, 2),
                })  # fmt: skip
        except Exception as exc:
            store.log_failure("link", {"engine": cfg.engine}, str(exc))
            raise
    log.info("linked %d records into %d persons in %.1f s", report.records, report.persons,
             report.seconds)  # fmt: skip
    return report


def _judged(rows: list[dict[str, Any]], keys: list[tuple[str, str]]) -> tuple[Judged, int]:
    """Judgements in force as row-index pairs (those naming records that still exist)."""
    index = {k: i for i, k in enumerate(keys)}
    judged = Judged()
    used = 0
    for r in rows:
        a = index.get((r["source_id_l"], r["record_id_l"]))
        b = index.get((r["source_id_r"], r["record_id_r"]))
        if a is None or b is None or a == b:
            continue
        if r["decision"] == "same":
            judged.same.append((a, b))
        elif r["decision"] == "different":
            judged.different.append((a, b))
        else:
            continue
        used += 1
    return judged, used


def _write(
    store: Any, event_id: int, table: pa.Table, result: LinkResult, ids: IdAssignment
) -> None:
    source = table.column("source_id")
    record = table.column("record_id")
    left = [i - 1 for i in result.pairs.column("unique_id_l").to_pylist()]
    right = [i - 1 for i in result.pairs.column("unique_id_r").to_pylist()]
    pairs = pa.table({
        "source_id_l": source.take(left), "record_id_l": record.take(left),
        "source_id_r": source.take(right), "record_id_r": record.take(right),
        "match_weight": result.pairs.column("match_weight"),
        "match_probability": result.pairs.column("match_probability"),
        "levels": result.pairs.column("levels"),
    })  # fmt: skip
    sql.write_pairs(store, event_id, pairs)
    assignment = pa.table({
        "source_id": source, "record_id": record,
        "person_id": pa.array(ids.person_ids, pa.string()),
        "created_event": pa.array([ids.created[p] for p in ids.person_ids], pa.int64()),
    })  # fmt: skip
    sql.replace_persons(store, assignment, event_id)
    sql.write_id_history(store, event_id, ids.history)


def _run_row(
    event_id: int, settings: dict[str, Any], result: LinkResult, ids: IdAssignment,
    seconds: float,
) -> dict[str, Any]:  # fmt: skip
    return {
        "run_id": event_id,
        "engine": settings["engine"],
        "records": len(result.labels),
        "pairs": result.pairs.num_rows,
        "persons": len(ids.created),
        "link_settings": json.dumps(settings),
        "model": json.dumps(result.model.settings, default=str),
        "training": json.dumps(result.model.training, default=str),
        "checks": json.dumps(result.model.checks, ensure_ascii=False),
        "seconds": seconds,
    }
