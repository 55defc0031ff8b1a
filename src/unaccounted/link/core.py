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
from unaccounted.link.engines import Engine, open_engine
from unaccounted.link.model import TrainedModel, load_input, new_linker, train
from unaccounted.settings import LinkSettings

log = logging.getLogger(__name__)

#: Called with (step done, steps).
Progress = Callable[[float, float], None]

GROUP_COLUMN = "link_group"
GROUPED_TABLE = "link_input_grouped"


@dataclass
class Judged:
    """Reviewers' decisions as pairs of row indices (0-based)."""

    same: list[tuple[int, int]] = field(default_factory=list)
    different: list[tuple[int, int]] = field(default_factory=list)


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
    _quiet_splink()
    con = open_engine(cfg)
    try:
        t = time.perf_counter()
        load_input(con, table)
        tick(0, 4)
        model = train(con, n, comparisons, cfg) if n >= 2 else TrainedModel({}, {}, [])
        seconds["train"] = time.perf_counter() - t
        tick(1, 4)
        t = time.perf_counter()
        first = _predict(con, model.settings, min(cfg.candidate_threshold, cfg.review_low))
        seconds["predict"] = time.perf_counter() - t
        tick(2, 4)
        t = time.perf_counter()
        pairs1 = _pairs(first)
        groups = cl.candidate_groups(
            n, pairs1, cfg.candidate_threshold, judged.same, cfg.max_group_pairs
        )
        second = _score_groups(con, table, model.settings, groups, cfg.max_group_pairs)
        seconds["predict_groups"] = time.perf_counter() - t
        tick(3, 4)
        t = time.perf_counter()
        scored = _union(first, second)
        pairs = _pairs(scored)
        constraints = cl.Constraints(must=list(judged.same))
        for a, b in judged.different:
            constraints.add_cannot(a, b)
        kinds_ok = [k in cfg.conflict_kinds for k in table.column("src_kind").to_pylist()]
        conflicts = cl.conflicts_by_source(
            groups, table.column("source_id").to_pylist(),
            table.column("birth_day").to_pylist(), kinds_ok,
        )  # fmt: skip
        constraints.cannot |= conflicts
        labels = cl.cluster(n, groups, pairs, cfg.match_threshold, constraints)
        seconds["cluster"] = time.perf_counter() - t
        tick(4, 4)
    finally:
        con.close()
    facts = {
        "records": n,
        "pairs_first_pass": first.num_rows,
        "pairs_in_groups": second.num_rows if second is not None else 0,
        "candidate_groups": len(np.unique(groups)) if n else 0,
        "source_conflicts": len(conflicts) if n >= 2 else 0,
        "clusters": len(np.unique(labels)) if n else 0,
    }
    return LinkResult(labels, scored, model, comparisons, seconds, facts)


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
    sdf.drop_table_from_database_and_remove_from_cache()
    return out


def _score_groups(
    con: Engine,
    table: pa.Table,
    settings: dict[str, Any],
    groups: np.ndarray[Any, np.dtype[np.int64]],
    max_group_pairs: int,
) -> pa.Table | None:
    """Every pair inside candidate groups of ≥ 3 records (and ≤ ``max_group_pairs`` pairs)."""
    if not settings or len(groups) == 0:
        return None
    sizes = np.bincount(groups)
    pair_counts = sizes * (sizes - 1) // 2
    eligible = (sizes >= 3) & (pair_counts <= max_group_pairs)
    member = eligible[groups]
    if not member.any():
        return None
    # The group column is attached in Arrow (row i is record i), so no engine SQL is needed.
    labels = pa.array(groups, pa.int64(), mask=~member)
    con.load(table.append_column(GROUP_COLUMN, labels), GROUPED_TABLE)
    settings = copy.deepcopy(settings)
    settings["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": f"l.{GROUP_COLUMN} = r.{GROUP_COLUMN}", "sql_dialect": "duckdb"}
    ]
    settings["retain_matching_columns"] = True
    linker = new_linker(con, settings, table=GROUPED_TABLE)
    sdf = linker.inference.predict(warning_mode="never")
    out = _select(con, sdf, settings)
    sdf.drop_table_from_database_and_remove_from_cache()
    return out


def _empty_pairs() -> pa.Table:
    return pa.table({
        "unique_id_l": pa.array([], pa.int64()), "unique_id_r": pa.array([], pa.int64()),
        "match_weight": pa.array([], pa.float64()),
        "match_probability": pa.array([], pa.float64()),
        "levels": pa.array([], pa.list_(pa.int8())),
    })  # fmt: skip


def _union(first: pa.Table, second: pa.Table | None) -> pa.Table:
    """Both passes' pairs, each pair once."""
    if second is None or second.num_rows == 0:
        return first
    con = duckdb.connect()
    try:
        con.register("a", first)
        con.register("b", second.cast(first.schema))
        result: pa.Table = con.sql(
            """SELECT * FROM a UNION ALL
            SELECT b.* FROM b ANTI JOIN a USING (unique_id_l, unique_id_r)
            ORDER BY unique_id_l, unique_id_r"""
        ).to_arrow_table()
        return result
    finally:
        con.close()


def _pairs(table: pa.Table) -> cl.Pairs:
    """Scored pairs as row indices (unique_id is 1-based and dense)."""
    left = pc.subtract(table.column("unique_id_l"), 1).to_numpy().astype(np.int64)
    right = pc.subtract(table.column("unique_id_r"), 1).to_numpy().astype(np.int64)
    prob = table.column("match_probability").to_numpy().astype(np.float64)
    return cl.Pairs(left, right, prob)
