"""What a clustering of records must respect, and the clustering itself: the public face
of linkage for the estimates, which draw many clusterings under the link stage's rules.

* :func:`judged_in_force` — reviewers' judgements as pairs of row indices;
* :func:`link_constraints` — those judgements (same → must-link, different → cannot-link)
  and the source-conflict rule (two records of one listing source with different exact
  birth days are two people);
* the clustering primitives of ``link/cluster.py`` (:class:`Pairs`, :class:`Constraints`,
  :func:`components`, :func:`candidate_groups`, :func:`cluster`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from unaccounted.link import cluster as cl
from unaccounted.link.cluster import (
    Constraints,
    IntArray,
    Pairs,
    candidate_groups,
    cluster,
    components,
)

__all__ = [
    "Constraints", "IntArray", "Judged", "Pairs", "candidate_groups", "cluster", "components",
    "judged_in_force", "link_constraints", "value_codes",
]  # fmt: skip


@dataclass
class Judged:
    """Reviewers' decisions as pairs of row indices (0-based)."""

    same: list[tuple[int, int]] = field(default_factory=list)
    different: list[tuple[int, int]] = field(default_factory=list)


def judged_in_force(
    rows: list[dict[str, Any]], index: dict[tuple[str, str], int]
) -> tuple[Judged, list[int]]:
    """Reviewers' judgements (rows of ``link_judgements`` in force) as row-index pairs,
    through ``index`` ((source_id, record_id) → row); those naming a record that no longer
    exists, or one record twice, are left out. Also the ids of those kept."""
    judged = Judged()
    ids: list[int] = []
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
        ids.append(int(r["judgement_id"]))
    return judged, sorted(ids)


def link_constraints(
    groups: cl.IntArray,
    judged: Judged,
    source: pa.ChunkedArray | pa.Array,
    birth_day: pa.ChunkedArray | pa.Array,
    kind: pa.ChunkedArray | pa.Array,
    conflict_kinds: list[str],
) -> tuple[cl.Constraints, int]:
    """What the clustering must respect: the reviewers' decisions, and two records of one
    listing source (its kind in ``conflict_kinds``) with different birth days in one
    candidate group are different people. Also the number of such source conflicts."""
    constraints = cl.Constraints(must=list(judged.same))
    for a, b in judged.different:
        constraints.add_cannot(a, b)
    listing = pc.fill_null(pc.is_in(kind, pa.array(conflict_kinds, pa.string())), False)
    conflicts = cl.conflicts_by_source(
        groups, value_codes(source), value_codes(birth_day),
        listing.to_numpy(zero_copy_only=False),
    )  # fmt: skip
    constraints.cannot |= conflicts
    return constraints, len(conflicts)


def value_codes(column: pa.ChunkedArray | pa.Array) -> np.ndarray[Any, np.dtype[np.int64]]:
    """An integer code per value (equal values, equal codes; missing values -1)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = pc.dictionary_encode(column)
    codes: np.ndarray[Any, np.dtype[np.int64]] = (
        pc.fill_null(encoded.indices, -1).to_numpy().astype(np.int64)
    )
    return codes
