"""Incremental linking: reuse a saved model and the pairs it scored; score only the new.

The input is the whole link input (every current record, so that Splink's term
frequencies are those of all records, as in a full run), a mask of the records that are
new or changed since the last run, the previous run's pairs between unchanged records,
and the saved model. Then:

1. pass 1 scores only candidate pairs that involve a new record (the prediction
   blocking rules, each with ``l.link_new OR r.link_new`` added): new × existing and
   new × new;
2. candidate groups are formed exactly as a full run forms them: from the pass-1 pairs
   (new, and kept ones that a prediction rule finds) and "same person" judgements;
3. pass 2 scores, inside each group (of three or more, up to ``link.max_group_pairs``
   pairs) that has a pair not yet scored — the groups new records (or new judgements)
   touched — exactly the pairs not yet scored (``core._score_groups``); all other pairs
   keep their score;
4. every record is clustered over the kept and new pairs with the constraints.

With every record marked new and no kept pairs this is a full scoring with the saved
model (``unaccounted link --full``).
"""

from __future__ import annotations

import copy
import time
from typing import Any

import numpy as np
import pyarrow as pa

from unaccounted.link import cluster as cl
from unaccounted.link.comparisons import standard_comparisons
from unaccounted.link.constraints import Judged
from unaccounted.link.core import (
    LinkResult,
    Progress,
    _empty_pairs,
    _pairs,
    _predict,
    _quiet_splink,
    _score_groups,
    _union,
    cluster_scored,
)
from unaccounted.link.engines import Engine, open_engine
from unaccounted.link.model import INPUT_TABLE, TrainedModel, input_columns, load_input
from unaccounted.settings import LinkSettings

#: Column of the link input that marks new or changed records inside Splink's database.
NEW_COLUMN = "link_new"


def only_new_rules(settings: dict[str, Any]) -> dict[str, Any]:
    """The model's settings with every prediction rule limited to pairs with a new record."""
    out = copy.deepcopy(settings)
    out["blocking_rules_to_generate_predictions"] = [
        {**r, "blocking_rule": f"({r['blocking_rule']}) AND (l.{NEW_COLUMN} OR r.{NEW_COLUMN})"}
        for r in settings["blocking_rules_to_generate_predictions"]
    ]
    return out


def first_pass_mask(con: Engine, pairs: pa.Table, settings: dict[str, Any]) -> pa.Array:
    """Which of ``pairs`` a prediction blocking rule of ``settings`` finds (pass 1), over
    the link input loaded in ``con``."""
    rules = " OR ".join(
        f"({r['blocking_rule']})" for r in settings["blocking_rules_to_generate_predictions"]
    )
    con.load(pa.table({
        "i": pa.array(np.arange(pairs.num_rows, dtype=np.int64)),
        "unique_id_l": pairs.column("unique_id_l"), "unique_id_r": pairs.column("unique_id_r"),
    }), "link_pairs_ids")  # fmt: skip
    try:
        hit = con.query(
            f"""SELECT coalesce({rules}, false) AS hit FROM link_pairs_ids k
            JOIN {INPUT_TABLE} l ON l.unique_id = k.unique_id_l
            JOIN {INPUT_TABLE} r ON r.unique_id = k.unique_id_r
            ORDER BY k.i"""
        )
    finally:
        con.drop("link_pairs_ids")
    mask: pa.Array = hit.column("hit").combine_chunks()
    return mask


def touched_groups(
    groups: cl.IntArray, pairs: cl.Pairs, max_group_pairs: int
) -> tuple[cl.IntArray, int]:
    """Group labels with every group whose pairs are all scored already made singletons.

    A group of three or more records (and at most ``max_group_pairs`` pairs) is touched
    when fewer of its pairs are known than it has: pass 2 scores those groups only.
    Returns the labels (untouched records get labels of their own, ≥ n) and the count
    of touched groups.
    """
    n = len(groups)
    if n == 0:
        return groups, 0
    sizes = np.bincount(groups)
    wanted = sizes * (sizes - 1) // 2
    inside = groups[pairs.left] == groups[pairs.right]
    known = np.bincount(groups[pairs.left][inside], minlength=len(sizes))
    touched = (sizes >= 3) & (wanted <= max_group_pairs) & (known < wanted)
    labels = np.where(touched[groups], groups, n + np.arange(n, dtype=np.int64))
    return labels.astype(np.int64), int(touched.sum())


def link_incremental(
    table: pa.Table,
    new: np.ndarray[Any, np.dtype[np.bool_]],
    kept: pa.Table,
    model: TrainedModel,
    cfg: LinkSettings,
    judged: Judged | None = None,
    *,
    progress: Progress | None = None,
) -> LinkResult:
    """Score what ``new`` marks against everything, keep ``kept``, cluster all; see the
    module doc. ``kept`` holds scored pairs in the link-result shape between records not
    marked new."""
    tick = progress or (lambda done, total: None)
    judged = judged or Judged()
    n = table.num_rows
    seconds: dict[str, float] = {}
    _quiet_splink()
    con = open_engine(cfg)
    loaded = False
    wanted = set(input_columns(standard_comparisons(())))

    def ensure_loaded() -> None:
        nonlocal loaded
        if not loaded:
            columns = [c for c in table.column_names if c in wanted]
            marked = table.select(columns).append_column(NEW_COLUMN, pa.array(new, pa.bool_()))
            load_input(con, marked)
            loaded = True

    try:
        tick(0, 3)
        t = time.perf_counter()
        first = _empty_pairs()
        if bool(new.any()) and model.settings and n >= 2:
            ensure_loaded()
            threshold = min(cfg.candidate_threshold, cfg.review_low)
            first = _predict(con, only_new_rules(model.settings), threshold)
        seconds["predict"] = time.perf_counter() - t
        tick(1, 3)
        t = time.perf_counter()
        known = _union(first, kept.cast(first.schema))
        pairs = _pairs(known)
        # candidate groups come from pass-1 pairs only, as in a full run: a kept pass-2
        # pair (scored only because its records shared a group then) is no edge
        edges = pairs
        if kept.num_rows and model.settings:
            ensure_loaded()
            edges = _pairs(_union(first, kept.filter(first_pass_mask(con, kept, model.settings))
                                  .cast(first.schema)))  # fmt: skip
        groups = cl.candidate_groups(
            n, edges, cfg.candidate_threshold, judged.same, cfg.max_group_pairs
        )
        touched, n_touched = touched_groups(groups, pairs, cfg.max_group_pairs)
        second = None
        if n_touched and model.settings:
            ensure_loaded()
            second = _score_groups(con, model.settings, touched, cfg.max_group_pairs, scored=pairs)
        seconds["predict_groups"] = time.perf_counter() - t
        tick(2, 3)
        t = time.perf_counter()
        scored = _union(known, second)
        labels, conflicts = cluster_scored(table, groups, _pairs(scored), judged, cfg)
        seconds["cluster"] = time.perf_counter() - t
        tick(3, 3)
    finally:
        con.close()
    facts = {
        "records": n,
        "records_new_or_changed": int(new.sum()),
        "pairs_kept": kept.num_rows,
        "pairs_first_pass": first.num_rows,
        "groups_rescored": n_touched,
        "pairs_in_groups": second.num_rows if second is not None else 0,
        "candidate_groups": len(np.unique(groups)) if n else 0,
        "source_conflicts": conflicts,
        "clusters": len(np.unique(labels)) if n else 0,
    }
    comparisons = standard_comparisons(())
    return LinkResult(labels, scored, model, comparisons, seconds, facts)
