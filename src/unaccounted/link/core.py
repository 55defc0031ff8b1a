"""Link one table of records: train (or reuse) the model, score pairs, cluster.

The input is the link input as an Arrow table (``store/linkage.py``), rows numbered by a
dense ``unique_id`` 1..n. Splink runs on the engine ``cfg.engine`` names (``engines.py``):
its own in-memory DuckDB, so its scratch tables never touch the workspace store, or
pyspark in local mode. Two scoring passes:

1. the prediction blocking rules score candidate pairs; pairs at or above
   ``candidate_threshold`` (and reviewers' "same person" pairs) gather records into
   candidate groups;
2. every pair inside each group of three or more is scored, so the clustering sees the
   evidence against chaining (A–C born ten years apart), not only the strong links.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from unaccounted.link import cluster as cl
from unaccounted.link.comparisons import Comparison, standard_comparisons
from unaccounted.link.constraints import Judged, link_constraints
from unaccounted.link.engines import Engine, open_engine
from unaccounted.link.model import (
    TrainedModel,
    input_columns,
    load_input,
    new_linker,
    release,
    train,
)
from unaccounted.settings import LinkSettings

log = logging.getLogger(__name__)

#: Called with (step done, steps).
Progress = Callable[[float, float], None]

#: The second pass's pairs, handed to Splink as its blocked pairs.
GROUP_PAIRS_TABLE = "link_group_pairs"


@dataclass
class LinkResult:
    #: Cluster label (a row index) of each input row, in input order.
    labels: np.ndarray[Any, np.dtype[np.int64]]
    #: Scored pairs: unique_id_l, unique_id_r, match_weight, match_probability, levels.
    pairs: pa.Table
    model: TrainedModel
    comparisons: list[Comparison]
    seconds: dict[str, float] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


def link_records(
    table: pa.Table,
    cfg: LinkSettings,
    judged: Judged | None = None,
    *,
    extra_columns: tuple[str, ...] = (),
    progress: Progress | None = None,
) -> LinkResult:
    """Train, score and cluster ``table`` (the link input); see the module doc."""
    tick = progress or (lambda done, total: None)
    judged = judged or Judged()
    comparisons = standard_comparisons(extra_columns)
    n = table.num_rows
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}
    _quiet_splink()
    con = open_engine(cfg)
    try:
        clock = _Clock(seconds, cpu)
        wanted = set(input_columns(comparisons))
        load_input(con, table.select([c for c in table.column_names if c in wanted]))
        tick(0, 4)
        model = train(con, n, comparisons, cfg) if n >= 2 else TrainedModel({}, {}, [])
        clock.lap("train")
        tick(1, 4)
        # Scored pairs need no row order (they are sorted when the passes are merged), and
        # without it DuckDB writes large results with less memory. Training keeps the
        # order: Splink's seeded sampling depends on it.
        con.unordered()
        first = _predict(con, model.settings, min(cfg.candidate_threshold, cfg.review_low))
        clock.lap("predict")
        tick(2, 4)
        pairs1 = _pairs(first)
        groups = cl.candidate_groups(
            n, pairs1, cfg.candidate_threshold, judged.same, cfg.max_group_pairs
        )
        second = _score_groups(con, model.settings, groups, cfg.max_group_pairs, scored=pairs1)
        clock.lap("predict_groups")
        tick(3, 4)
        scored = _union(first, second)
        labels, conflicts = cluster_scored(table, groups, _pairs(scored), judged, cfg)
        clock.lap("cluster")
        tick(4, 4)
    finally:
        con.close()
    facts = {
        "records": n,
        "pairs_first_pass": first.num_rows,
        "pairs_in_groups": second.num_rows if second is not None else 0,
        "candidate_groups": int(np.count_nonzero(np.bincount(groups))) if n else 0,
        "source_conflicts": conflicts,
        "clusters": int(np.count_nonzero(labels == np.arange(n))),
        "cpu_seconds": cpu,
    }
    return LinkResult(labels, scored, model, comparisons, seconds, facts)


def cluster_scored(
    table: pa.Table, groups: cl.IntArray, pairs: cl.Pairs, judged: Judged, cfg: LinkSettings
) -> tuple[cl.IntArray, int]:
    """Cluster labels of the link input ``table`` over the scored ``pairs`` under
    :func:`link_constraints`, and the number of source conflicts found."""
    constraints, conflicts = link_constraints(
        groups, judged, table.column("source_id"), table.column("birth_day"),
        table.column("src_kind"), cfg.conflict_kinds,
    )  # fmt: skip
    labels = cl.cluster(table.num_rows, groups, pairs, cfg.match_threshold, constraints)
    return labels, conflicts


class _Clock:
    """Wall-clock and CPU seconds (all threads of the process) of consecutive phases."""

    def __init__(self, wall: dict[str, float], cpu: dict[str, float]) -> None:
        self.wall, self.cpu = wall, cpu
        self.t, self.c = time.perf_counter(), time.process_time()

    def lap(self, phase: str) -> None:
        t, c = time.perf_counter(), time.process_time()
        self.wall[phase], self.cpu[phase] = t - self.t, c - self.c
        self.t, self.c = t, c


def _quiet_splink() -> None:
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _select(con: Engine, sdf: Any, settings: dict[str, Any]) -> pa.Table:
    """The pairs of a Splink prediction with their comparison levels as one list."""
    comparisons = settings.get("comparisons", [])
    names = [f"gamma_{c['output_column_name']}" for c in comparisons]
    fetched = con.pairs(
        sdf, ["unique_id_l", "unique_id_r", "match_weight", "match_probability", *names]
    )
    # Splink numbers levels -1 (null), then 0 (else) upwards to the top level; the store
    # keeps them in the comparison's own order: 0 = missing, 1 = top, ..., last = else.
    gammas = ", ".join(
        f"CASE WHEN gamma_{c['output_column_name']} = -1 THEN 0"
        f" ELSE {len(c['comparison_levels']) - 1} - gamma_{c['output_column_name']} END"
        for c in comparisons
    )
    sql = (
        "SELECT unique_id_l::BIGINT AS unique_id_l, unique_id_r::BIGINT AS unique_id_r,"
        " match_weight::DOUBLE AS match_weight, match_probability::DOUBLE AS"
        f" match_probability, [{gammas}]::TINYINT[] AS levels FROM fetched"
    )
    local = duckdb.connect()
    try:
        local.register("fetched", fetched)
        result: pa.Table = local.sql(sql).to_arrow_table()
    finally:
        local.close()
    return result


def _predict(con: Engine, settings: dict[str, Any], threshold: float) -> pa.Table:
    if not settings:
        return _empty_pairs()
    settings = copy.deepcopy(settings)
    settings["retain_matching_columns"] = True
    linker = new_linker(con, settings)
    sdf = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    out = _select(con, sdf, settings)
    release(linker)
    return out


def _score_groups(
    con: Engine,
    settings: dict[str, Any],
    groups: np.ndarray[Any, np.dtype[np.int64]],
    max_group_pairs: int,
    *,
    scored: cl.Pairs | None = None,
) -> pa.Table | None:
    """Every pair inside candidate groups of ≥ 3 records (and ≤ ``max_group_pairs`` pairs)
    that is not among the ``scored`` pairs already.

    The pairs are handed to Splink as its blocked pairs, so it compares just these and
    reads only their records (term frequencies still come from the whole input).
    """
    if not settings or len(groups) == 0:
        return None
    sizes = np.bincount(groups)
    pair_counts = sizes * (sizes - 1) // 2
    eligible = (sizes >= 3) & (pair_counts <= max_group_pairs)
    left, right = cl.pairs_within(groups, eligible)
    if scored is not None and len(scored) and len(left):
        known = np.sort(_row_key(scored.left, scored.right))
        key = _row_key(left, right)
        at = np.minimum(np.searchsorted(known, key), len(known) - 1)
        new = known[at] != key
        left, right = left[new], right[new]
    if len(left) == 0:
        return None
    blocked = pa.table({
        "match_key": pa.array(np.zeros(len(left), dtype=np.int64)).cast(pa.string()),
        "join_key_l": pa.array(left + 1), "join_key_r": pa.array(right + 1),
    })  # fmt: skip
    settings = copy.deepcopy(settings)
    settings["retain_matching_columns"] = True
    linker = new_linker(con, settings)
    con.blocked_pairs(linker, blocked, GROUP_PAIRS_TABLE)
    sdf = linker.inference.predict(warning_mode="never")
    out = _select(con, sdf, settings)
    release(linker)
    con.drop(GROUP_PAIRS_TABLE)
    return out


def _row_key(
    left: np.ndarray[Any, np.dtype[np.int64]], right: np.ndarray[Any, np.dtype[np.int64]]
) -> np.ndarray[Any, np.dtype[np.int64]]:
    """One int64 per unordered pair of row indices (below 2³¹)."""
    key: np.ndarray[Any, np.dtype[np.int64]] = (np.minimum(left, right) << 32) | np.maximum(
        left, right
    )
    return key


def _empty_pairs() -> pa.Table:
    return pa.table({
        "unique_id_l": pa.array([], pa.int64()), "unique_id_r": pa.array([], pa.int64()),
        "match_weight": pa.array([], pa.float64()),
        "match_probability": pa.array([], pa.float64()),
        "levels": pa.array([], pa.list_(pa.int8())),
    })  # fmt: skip


def _union(first: pa.Table, second: pa.Table | None) -> pa.Table:
    """Both passes' pairs, each pair once (the first pass's score), ordered by pair."""
    if second is None or second.num_rows == 0:
        return first
    second = second.cast(first.schema)
    key1, key2 = _pair_key(first), _pair_key(second)
    known = np.sort(key1)
    if len(known):
        at = np.minimum(np.searchsorted(known, key2), len(known) - 1)
        new = known[at] != key2
    else:
        new = np.ones(len(key2), dtype=bool)
    both = pa.concat_tables([first, second.filter(pa.array(new))])
    keys = np.concatenate([key1, key2[new]])
    return both.take(pa.array(np.argsort(keys, kind="stable")))


def _pair_key(table: pa.Table) -> np.ndarray[Any, np.dtype[np.int64]]:
    left = table.column("unique_id_l").to_numpy().astype(np.int64)
    return _row_key(left, table.column("unique_id_r").to_numpy().astype(np.int64))


def _pairs(table: pa.Table) -> cl.Pairs:
    """Scored pairs as row indices (unique_id is 1-based and dense)."""
    left = pc.subtract(table.column("unique_id_l"), 1).to_numpy().astype(np.int64)
    right = pc.subtract(table.column("unique_id_r"), 1).to_numpy().astype(np.int64)
    prob = table.column("match_probability").to_numpy().astype(np.float64)
    return cl.Pairs(left, right, prob)
