"""Clusters that are people: constrained average-linkage inside candidate groups.

Connected components over pairs above a threshold chain namesakes: A–B and B–C link A
to C even when A and C were born ten years apart. Here components only form *candidate
groups*; inside each group every pair is scored, and groups of records are merged one
step at a time, best first, only while the **average** match probability over all their
scored pairs reaches the threshold and no constraint forbids it. A constraint is a pair
of records that cannot be one person: a reviewer said so, or one source that lists each
person once gives them different birth days. A reviewer's "same person" is applied
before anything else.

Pure Python and NumPy over integer record indices: no SQL and no Splink here.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass
class Pairs:
    """Scored pairs over records ``0..n-1`` (``left < right`` not required)."""

    left: IntArray
    right: IntArray
    probability: FloatArray

    def __len__(self) -> int:
        return len(self.left)


@dataclass
class Constraints:
    must: list[tuple[int, int]] = field(default_factory=list)
    cannot: set[tuple[int, int]] = field(default_factory=set)

    def add_cannot(self, a: int, b: int) -> None:
        self.cannot.add((min(a, b), max(a, b)))


def components(n: int, left: IntArray, right: IntArray) -> IntArray:
    """Connected-component label of each of ``n`` records over the given edges."""
    if n == 0:
        return np.zeros(0, np.int64)
    data = np.ones(len(left), np.int8)
    graph = coo_matrix((data, (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    result: IntArray = np.asarray(labels, dtype=np.int64)
    return result


#: Thresholds at which a candidate group too large to score every pair is split again.
SPLIT_THRESHOLDS = (0.5, 0.8, 0.95, 0.99, 0.999)


def candidate_groups(
    n: int,
    pairs: Pairs,
    threshold: float,
    must: Iterable[tuple[int, int]],
    max_pairs: int | None = None,
) -> IntArray:
    """Components over pairs at or above ``threshold`` and must-link judgements.

    A component with more than ``max_pairs`` record pairs (a chain through namesakes) is
    split into the components of its stronger pairs, threshold by threshold
    (``SPLIT_THRESHOLDS``), until every group is small enough to score all its pairs.
    """
    extra = np.array(list(must), np.int64).reshape(-1, 2)
    left = np.concatenate([pairs.left, extra[:, 0]])
    right = np.concatenate([pairs.right, extra[:, 1]])
    prob = np.concatenate([pairs.probability, np.ones(len(extra))])
    keep = prob >= threshold
    labels = components(n, left[keep], right[keep])
    if max_pairs is None or n == 0:
        return labels
    for t in SPLIT_THRESHOLDS:
        sizes = np.bincount(labels)
        big = sizes * (sizes - 1) // 2 > max_pairs
        if not big.any():
            break
        in_big = big[labels]
        edge = in_big[left] & (labels[left] == labels[right]) & (prob >= t)
        sub = components(n, left[edge], right[edge])
        labels = np.where(in_big, labels.max() + 1 + sub, labels)
        labels = np.unique(labels, return_inverse=True)[1].astype(np.int64)
    return labels


def average_linkage(
    members: list[int],
    pairs: list[tuple[int, int, float]],
    threshold: float,
    must: list[tuple[int, int]],
    cannot: set[tuple[int, int]],
) -> dict[int, int]:
    """Cluster ``members``: record → representative record of its cluster.

    ``pairs`` are the scored pairs among ``members``; pairs not scored count neither for
    nor against. Clusters merge best average first while the average ≥ ``threshold``.
    """
    rep = {m: m for m in members}

    def find(x: int) -> int:
        while rep[x] != x:
            rep[x] = rep[rep[x]]
            x = rep[x]
        return x

    for a, b in must:
        ra, rb = find(a), find(b)
        if ra != rb:
            rep[max(ra, rb)] = min(ra, rb)
    roots = {find(m) for m in members}
    size = {r: 0 for r in roots}
    for m in members:
        size[find(m)] += 1
    link: dict[int, dict[int, list[float]]] = defaultdict(dict)
    for a, b, p in pairs:
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        cell = link[ra].setdefault(rb, [0.0, 0.0])
        cell[0] += p
        cell[1] += 1
        link[rb][ra] = cell
    blocked: dict[int, set[int]] = defaultdict(set)
    for a, b in cannot:
        ra, rb = find(a), find(b)
        if ra != rb:
            blocked[ra].add(rb)
            blocked[rb].add(ra)
    heap: list[tuple[float, int, int]] = []
    for ra, row in link.items():
        for rb, (s, c) in row.items():
            if ra < rb and s / c >= threshold and rb not in blocked[ra]:
                heap.append((-s / c, ra, rb))
    heapq.heapify(heap)
    alive = set(roots)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in alive or b not in alive or b in blocked[a]:
            continue
        s, c = link[a].get(b, (0.0, 0.0))
        if not c or abs(-neg - s / c) > 1e-12:
            continue  # stale entry: this pair's average changed since it was pushed
        keep, gone = (a, b) if size[a] >= size[b] else (b, a)
        rep[gone] = keep
        alive.discard(gone)
        size[keep] += size.pop(gone)
        for other in blocked.pop(gone, set()):
            blocked[other].discard(gone)
            blocked[other].add(keep)
            blocked[keep].add(other)
        row_gone = link.pop(gone, {})
        row_keep = link[keep]
        row_keep.pop(gone, None)
        for other, (s2, c2) in row_gone.items():
            if other == keep:
                continue
            del link[other][gone]
            cell = row_keep.setdefault(other, [0.0, 0.0])
            cell[0] += s2
            cell[1] += c2
            link[other][keep] = cell
        for other, (s2, c2) in row_keep.items():
            if s2 / c2 >= threshold and other not in blocked[keep]:
                heapq.heappush(heap, (-s2 / c2, min(keep, other), max(keep, other)))
    return {m: find(m) for m in members}


def cluster(
    n: int,
    groups: IntArray,
    pairs: Pairs,
    threshold: float,
    constraints: Constraints,
) -> IntArray:
    """A cluster label (a record index) for each of ``n`` records."""
    labels = np.arange(n, dtype=np.int64)
    if n == 0:
        return labels
    order = np.argsort(groups, kind="stable")
    bounds = np.flatnonzero(np.diff(groups[order])) + 1
    by_group = {int(groups[g[0]]): g.tolist() for g in np.split(order, bounds)}
    pair_group = groups[pairs.left]
    same = pair_group == groups[pairs.right]
    grouped: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for g, a, b, p in zip(
        pair_group[same].tolist(),
        pairs.left[same].tolist(),
        pairs.right[same].tolist(),
        pairs.probability[same].tolist(),
        strict=True,
    ):
        grouped[g].append((a, b, p))
    must_by: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a, b in constraints.must:
        must_by[int(groups[a])].append((a, b))
    cannot_by: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for a, b in constraints.cannot:
        if groups[a] == groups[b]:
            cannot_by[int(groups[a])].add((a, b))
    for g, members in by_group.items():
        if len(members) < 2:
            continue
        chosen = average_linkage(members, grouped.get(g, []), threshold,
                                 must_by.get(g, []), cannot_by.get(g, set()))  # fmt: skip
        for m, r in chosen.items():
            labels[m] = r
    return labels


def conflicts_by_source(
    groups: IntArray, source: list[str], birth_day: list[object], kinds_ok: list[bool]
) -> set[tuple[int, int]]:
    """Cannot-link pairs: in one group, one listing source, different exact birth days."""
    by: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, (g, s, ok) in enumerate(zip(groups.tolist(), source, kinds_ok, strict=True)):
        if ok and birth_day[i] is not None:
            by[(g, s)].append(i)
    out: set[tuple[int, int]] = set()
    for idx in by.values():
        if len(idx) < 2 or len(idx) > 200:
            continue
        for x in range(len(idx)):
            for y in range(x + 1, len(idx)):
                a, b = idx[x], idx[y]
                if birth_day[a] != birth_day[b]:
                    out.add((min(a, b), max(a, b)))
    return out
