"""The link stage over a workspace: score, cluster, keep ids stable, record everything.

Input: the normalized fields of every current record, what the last run saw of each
(``link_state``), its saved model and pairs, and the reviewers' judgements in force.
``link/plan.py`` decides what the run does: train and score everything (full), score
only the new and changed records against all (incremental, ``link/incremental.py``),
re-cluster the stored pairs (only judgements changed), or nothing. Output, in one
transaction: a ``link_runs`` row with the model and how the run was made, the run's
scored pairs (kept and new), the current persons and their records, the record state,
and a history row for every merge and split of a person id. A failed run leaves the
store as it was.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from unaccounted.errors import InputError
from unaccounted.link.constraints import Judged, judged_in_force
from unaccounted.link.core import LinkResult, _empty_pairs, link_records
from unaccounted.link.incremental import link_incremental
from unaccounted.link.model import TrainedModel
from unaccounted.link.plan import Changes, Plan, cause, plan_run
from unaccounted.link.stable_ids import IdAssignment, assign_ids, format_person_id
from unaccounted.settings import LinkSettings
from unaccounted.store import Store
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
    #: full | incremental | recluster | nothing (see link/plan.py)
    mode: str = "full"
    #: whether this run trained a new model (else it reused the saved one)
    retrained: bool = True
    why: str = ""
    changes: Changes = field(default_factory=Changes)


def run_link(
    ws: Workspace, progress: Progress | None = None, *, full: bool = False, retrain: bool = False
) -> LinkReport:
    """Link the current records: what is new against what exists, or everything when
    ``full``/``retrain`` or the rule of ``link/plan.py`` says so; see the module doc."""
    cfg = ws.settings.link
    t0 = time.perf_counter()
    with ws.store() as store:
        try:
            with store.transaction():
                report = _run(store, cfg, progress, t0, full=full, retrain=retrain)
        except Exception as exc:
            store.log_failure("link", {"engine": cfg.engine}, str(exc))
            raise
    log.info("link run (%s): %d records, %d persons in %.1f s", report.mode, report.records,
             report.persons, report.seconds)  # fmt: skip
    return report


def _run(
    store: Store, cfg: LinkSettings, progress: Progress | None, t0: float, *, full: bool,
    retrain: bool,
) -> LinkReport:  # fmt: skip
    records = store.record_count()
    if records == 0:
        raise InputError(
            "nothing to link: the workspace has no records; run 'unaccounted ingest' first"
        )
    full_table = store.link_input_with_state()  # the records with normalized fields
    if full_table.num_rows < records:
        raise InputError(
            f"{records - full_table.num_rows} of {records} "
            "records have no normalized fields; run 'unaccounted normalize' first"
        )
    new = full_table.column("link_new").to_numpy(zero_copy_only=False).astype(bool)
    seen = full_table.column("link_seen").to_numpy(zero_copy_only=False).astype(bool)
    state_records = store.state_records()
    changes = Changes(int((~seen).sum()), int((seen & new).sum()),
                      state_records - int(seen.sum()))  # fmt: skip
    table = full_table.drop_columns(["fingerprint", "link_seen", "link_new"])
    keys = list(zip(table.column("source_id").to_pylist(),
                    table.column("record_id").to_pylist(), strict=True))  # fmt: skip
    rows = store.judgements_in_force()  # the record index only when there are judgements to place
    index = {k: i for i, k in enumerate(keys)} if rows else {}
    judged, judgement_ids = judged_in_force(rows, index)
    active = len(judgement_ids)
    last = store.last_run()
    plan = plan_run(last, state_records, cfg, changes, judgement_ids, full=full, retrain=retrain)
    if plan.mode == "nothing":
        assert last is not None
        return LinkReport(
            int(last["run_id"]), table.num_rows, 0, store.person_count(), 0, 0, 0, 0, active,
            time.perf_counter() - t0, [], {}, plan.mode, False, plan.why, changes,
        )  # fmt: skip
    event_id = store.next_event_id()
    if plan.retrain:
        result = link_records(table, cfg, judged, progress=progress)
        model_run = event_id
    else:
        assert last is not None
        result = _with_saved_model(store, last, plan, table, new, cfg, judged, progress)
        model_run = int(last["model_run"] or last["run_id"])
    current = store.current_assignment()
    old_keys = zip(current.column("source_id").to_pylist(),
                   current.column("record_id").to_pylist(), strict=True)  # fmt: skip
    previous: dict[Hashable, str] = dict(
        zip(old_keys, current.column("person_id").to_pylist(), strict=True)
    )
    before = json.loads(last["judgement_ids"] or "[]") if last else []
    ids = assign_ids(
        keys, result.labels, previous, store.person_created(),
        lambda n: [format_person_id(x) for x in store.next_person_numbers(n)],
        event_id, cause(plan, changes, judgement_ids, before),
    )  # fmt: skip
    _write(store, event_id, table, result, ids)
    store.write_state(event_id, full_table.select(["source_id", "record_id", "fingerprint"]))
    seconds = time.perf_counter() - t0
    row = _run_row(event_id, cfg.model_dump(), result, ids, seconds)
    row.update({"mode": plan.mode, "model_run": model_run, "why": plan.why,
                "changed_since_training": plan.changed_since_training,
                "judgement_ids": json.dumps(judgement_ids)})  # fmt: skip
    store.write_run(row)
    report = LinkReport(
        event_id, table.num_rows, result.pairs.num_rows, len(ids.created),
        ids.kept, ids.new, sum(h["kind"] == "merge" for h in ids.history),
        sum(h["kind"] == "split" for h in ids.history), active, seconds,
        result.model.checks, {**result.facts, "seconds": result.seconds},
        plan.mode, plan.retrain, plan.why, changes,
    )  # fmt: skip
    store.log_event(event_id, "link", {"engine": cfg.engine, "full": full, "retrain": retrain}, {
        "mode": plan.mode, "retrained": plan.retrain, "records": report.records,
        "new": changes.new, "changed": changes.changed, "gone": changes.gone,
        "pairs": report.pairs, "persons": report.persons, "merges": report.merges,
        "splits": report.splits, "judgements": active,
        "checks": len(report.checks), "seconds": round(seconds, 2),
    })  # fmt: skip
    return report


def _with_saved_model(
    store: Store, last: dict[str, Any], plan: Plan, table: pa.Table,
    new: np.ndarray[Any, np.dtype[np.bool_]], cfg: LinkSettings, judged: Judged,
    progress: Progress | None,
) -> LinkResult:  # fmt: skip
    """Score with the last run's model: every pair (full), or only pairs with a ``new``
    record, keeping the last run's pairs between the other records."""
    model = TrainedModel(json.loads(last["model"]), json.loads(last["training"]),
                         json.loads(last["checks"]))  # fmt: skip
    if plan.mode == "full":
        new = np.ones(table.num_rows, dtype=bool)
        kept = _empty_pairs()
    else:
        kept = store.kept_pairs(int(last["run_id"]), pa.table({
            "source_id": table.column("source_id"), "record_id": table.column("record_id"),
            "unique_id": table.column("unique_id"), "link_new": pa.array(new, pa.bool_()),
        }))  # fmt: skip
    return link_incremental(table, new, kept, model, cfg, judged, progress=progress)


def _write(
    store: Store, event_id: int, table: pa.Table, result: LinkResult, ids: IdAssignment
) -> None:
    source = table.column("source_id")
    record = table.column("record_id")
    left = pc.subtract(result.pairs.column("unique_id_l"), 1)
    right = pc.subtract(result.pairs.column("unique_id_r"), 1)
    pairs = pa.table({
        "source_id_l": source.take(left), "record_id_l": record.take(left),
        "source_id_r": source.take(right), "record_id_r": record.take(right),
        "match_weight": result.pairs.column("match_weight"),
        "match_probability": result.pairs.column("match_probability"),
        "levels": result.pairs.column("levels"),
    })  # fmt: skip
    store.write_pairs(event_id, pairs)
    person = pc.dictionary_encode(pa.array(ids.person_ids, pa.string()))
    created = [ids.created[p] for p in person.dictionary.to_pylist()]  # once per person
    assignment = pa.table({
        "source_id": source, "record_id": record, "person_id": person.cast(pa.string()),
        "created_event": pa.array(created, pa.int64()).take(person.indices),
    })  # fmt: skip
    store.replace_persons(assignment, event_id)
    store.write_id_history(event_id, ids.history)


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
