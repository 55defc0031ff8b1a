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

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any


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
    labels: Sequence[int],
    previous: dict[Hashable, str],
    previous_created: dict[str, int],
    new_ids: Callable[[int], list[str]],
    event_id: int,
    cause: str = "",
) -> IdAssignment:
    """Person ids for records ``keys`` clustered as ``labels``; see the module doc.
    ``cause`` (what made the run, in a few words) ends every reason, in brackets."""
    after = f" ({cause})" if cause else ""
    members: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        members[int(label)].append(i)
    # old id → Counter(new cluster → records)
    spread: dict[str, Counter[int]] = defaultdict(Counter)
    for i, key in enumerate(keys):
        old = previous.get(key)
        if old is not None:
            spread[old][int(labels[i])] += 1

    def age(pid: str) -> tuple[int, str]:
        return (previous_created.get(pid, event_id), pid)

    home: dict[str, int] = {}
    for old, counts in spread.items():
        home[old] = min(counts, key=lambda c: (-counts[c], c))
    homed: dict[int, list[str]] = defaultdict(list)
    for old, cluster in home.items():
        homed[cluster].append(old)
    chosen: dict[int, str] = {}
    history: list[dict[str, Any]] = []
    for cluster, olds in homed.items():
        olds.sort(key=lambda pid: (-spread[pid][cluster], age(pid)))
        keeper = olds[0]
        chosen[cluster] = keeper
        for other in olds[1:]:
            history.append({
                "kind": "merge", "old": other, "new": keeper,
                "records": spread[other][cluster],
                "reason": f"its records were clustered with {keeper}'s in link run {event_id}"
                + after,
            })  # fmt: skip
    unnamed = sorted(c for c in members if c not in chosen)
    fresh = new_ids(len(unnamed))
    for cluster, pid in zip(unnamed, fresh, strict=True):
        chosen[cluster] = pid
    for old, counts in sorted(spread.items()):
        for cluster, n in sorted(counts.items()):
            if cluster != home[old]:
                history.append({
                    "kind": "split", "old": old, "new": chosen[cluster], "records": n,
                    "reason": f"{n} of its records were clustered apart from the rest "
                              f"in link run {event_id}{after}",
                })  # fmt: skip
    person_ids = [chosen[int(label)] for label in labels]
    created = {pid: previous_created.get(pid, event_id) for pid in set(chosen.values())}
    kept = sum(1 for c in homed)
    return IdAssignment(person_ids, created, history, kept=kept, new=len(unnamed))
