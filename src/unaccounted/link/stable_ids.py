"""Stable person ids: a person keeps its id while its cluster only grows.

Every link run clusters all records afresh; this module maps the new clusters onto the
ids of the previous run:

- each old id's *home* is the new cluster holding most of its records;
- a new cluster that is the home of one or more old ids keeps the one with most records
  in it (ties: the oldest id); the others are **merged** into it;
- records of an old id that landed outside its home are a **split**: they go to the id
  of the cluster they landed in (a new id when that cluster is home to no old id);
- a cluster of records that had no id gets a new id.

Merges and splits are returned as history rows with their reason, so an id quoted in a
spreadsheet or a URL can always be followed to its person now.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass
class IdAssignment:
    #: person id of each record, in input order
    person_ids: list[str]
    #: person id → event that created it (kept ids keep their creation event)
    created: dict[str, int]
    history: list[dict[str, Any]] = field(default_factory=list)
    kept: int = 0
    new: int = 0


def format_person_id(number: int) -> str:
    return f"P-{number:06d}"


def assign_ids(
    keys: Sequence[Hashable],
    labels: Sequence[int] | npt.NDArray[np.int64],
    previous: dict[Hashable, str],
    previous_created: dict[str, int],
    new_ids: Callable[[int], list[str]],
    event_id: int,
    cause: str = "",
) -> IdAssignment:
    """Person ids for records ``keys`` clustered as ``labels``; see the module doc.
    ``cause`` (what made the run, in a few words) ends every reason, in brackets.

    Vectorised over records (a million records take about a second); only merges and
    splits, which are few, are handled one by one. Merges are listed by cluster, splits
    by old id then cluster.
    """
    after = f" ({cause})" if cause else ""
    label = np.asarray(labels, dtype=np.int64)
    olds = [previous.get(k) for k in keys]
    old_names = sorted({o for o in olds if o is not None})
    code_of = {pid: i for i, pid in enumerate(old_names)}
    old = np.fromiter(
        (-1 if o is None else code_of[o] for o in olds), dtype=np.int64, count=len(olds)
    )
    clusters = np.unique(label)
    # (old id, new cluster) → records, for records that had an id
    had = old >= 0
    pair_old, pair_cluster, pair_n = _count_pairs(old[had], label[had])
    # each old id's home: the cluster with most of its records (ties: the lowest label)
    order = np.lexsort((pair_cluster, -pair_n, pair_old))
    first = np.ones(len(order), dtype=bool)
    first[1:] = pair_old[order][1:] != pair_old[order][:-1]
    home_rows = order[first]
    home_old, home_cluster, home_n = pair_old[home_rows], pair_cluster[home_rows], pair_n[home_rows]
    # the keeper of each home cluster: most records there, then the oldest id
    age = np.array([previous_created.get(pid, event_id) for pid in old_names], dtype=np.int64)
    keep_order = np.lexsort((home_old, age[home_old], -home_n, home_cluster))
    is_keeper = np.ones(len(keep_order), dtype=bool)
    is_keeper[1:] = home_cluster[keep_order][1:] != home_cluster[keep_order][:-1]
    chosen: dict[int, str] = {}
    history: list[dict[str, Any]] = []
    for row, keeper_row in zip(keep_order, is_keeper, strict=True):
        cluster = int(home_cluster[row])
        pid = old_names[home_old[row]]
        if keeper_row:
            chosen[cluster] = pid
            continue
        history.append({
            "kind": "merge", "old": pid, "new": chosen[cluster], "records": int(home_n[row]),
            "reason": f"its records were clustered with {chosen[cluster]}'s in link run "
            f"{event_id}" + after,
        })  # fmt: skip
    unnamed = [int(c) for c in clusters if int(c) not in chosen]
    fresh = new_ids(len(unnamed))
    for cluster, pid in zip(unnamed, fresh, strict=True):
        chosen[cluster] = pid
    home_of = dict(zip(home_old.tolist(), home_cluster.tolist(), strict=True))
    for o, cluster, n in zip(pair_old.tolist(), pair_cluster.tolist(), pair_n.tolist(),
                             strict=True):  # fmt: skip
        if cluster != home_of[o]:
            history.append({
                "kind": "split", "old": old_names[o], "new": chosen[cluster], "records": n,
                "reason": f"{n} of its records were clustered apart from the rest "
                          f"in link run {event_id}{after}",
            })  # fmt: skip
    by_label = np.empty(int(label.max()) + 1 if len(label) else 0, dtype=object)
    for cluster, pid in chosen.items():
        by_label[cluster] = pid
    person_ids: list[str] = by_label[label].tolist()
    created = {pid: previous_created.get(pid, event_id) for pid in chosen.values()}
    return IdAssignment(person_ids, created, history, kept=len(clusters) - len(unnamed),
                        new=len(unnamed))  # fmt: skip


def _count_pairs(
    old: npt.NDArray[np.int64], label: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Distinct (old id code, cluster label) pairs, ordered, with their record counts."""
    if len(old) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    span = int(label.max()) + 1
    keys, counts = np.unique(old * span + label, return_counts=True)
    return keys // span, keys % span, counts.astype(np.int64)
