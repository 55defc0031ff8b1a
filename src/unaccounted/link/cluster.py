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
from scipy.cluster.hierarchy import linkage
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
        labels = (np.cumsum(np.bincount(labels) > 0) - 1)[labels]  # dense again
    return labels


def pairs_within(groups: IntArray, chosen: npt.NDArray[np.bool_]) -> tuple[IntArray, IntArray]:
    """Every pair ``(a, b)``, ``a < b``, of records in one group that ``chosen`` selects."""
    rows = np.flatnonzero(chosen[groups]) if len(chosen) else np.zeros(0, np.int64)
    rows = rows[np.argsort(groups[rows], kind="stable")]
    return _pairs_in_runs(rows, groups[rows])


def _pairs_in_runs(rows: IntArray, run: IntArray) -> tuple[IntArray, IntArray]:
    """Pairs of ``rows`` in one run of equal ``run`` values (``run`` is sorted)."""
    left: list[IntArray] = [np.zeros(0, np.int64)]
    right: list[IntArray] = [np.zeros(0, np.int64)]
    step = 1
    while step < len(rows):
        same = run[:-step] == run[step:]
        if not same.any():
            break
        left.append(rows[:-step][same])
        right.append(rows[step:][same])
        step += 1
    a, b = np.concatenate(left), np.concatenate(right)
    return np.minimum(a, b), np.maximum(a, b)


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
    """A cluster label (a record index) for each of ``n`` records.

    A group whose scored pairs all reach ``threshold`` and that holds no cannot-link
    constraint becomes one cluster whatever the merge order (every average of its pairs
    reaches the threshold), so such groups are labelled at once, with NumPy; only the
    other groups run :func:`average_linkage`.
    """
    labels = np.arange(n, dtype=np.int64)
    if n == 0:
        return labels
    n_groups = int(groups.max()) + 1
    sizes = np.bincount(groups, minlength=n_groups)
    inside = groups[pairs.left] == groups[pairs.right]
    pl, pr, pp = pairs.left[inside], pairs.right[inside], pairs.probability[inside]
    pg = groups[pl]
    messy = np.zeros(n_groups, bool)
    messy[pg[pp < threshold]] = True
    cannot = np.array(sorted(constraints.cannot), np.int64).reshape(-1, 2)
    cannot = cannot[groups[cannot[:, 0]] == groups[cannot[:, 1]]]
    messy[groups[cannot[:, 0]]] = True
    # Whole groups: every member takes the group's first (smallest) record index.
    whole = ~messy & (sizes >= 2)
    order = np.argsort(groups, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    first = order[np.minimum(starts, n - 1)]
    take = whole[groups]
    labels[take] = first[groups[take]]
    # Mixed groups: constrained average linkage, one group at a time; SciPy's when every
    # pair of the group is scored and no reviewer joined two of its records.
    todo = messy & (sizes >= 2)
    if not todo.any():
        return labels
    for a, _ in constraints.must:
        todo[groups[a]] = False
    done = _average_linkage_scored(
        groups, order, starts, sizes, todo, (pl, pr, pp), cannot, threshold, labels
    )
    todo &= ~done
    must_by: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a, b in constraints.must:
        must_by[int(groups[a])].append((a, b))
        todo[groups[a]] = messy[groups[a]]
    sel = todo[pg]
    grouped: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for g, a, b, p in zip(
        pg[sel].tolist(), pl[sel].tolist(), pr[sel].tolist(), pp[sel].tolist(), strict=True
    ):
        grouped[g].append((a, b, p))
    cannot_by: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for a, b in cannot.tolist():
        cannot_by[int(groups[a])].add((a, b))
    for g in np.flatnonzero(todo).tolist():
        members = order[starts[g] : starts[g] + sizes[g]].tolist()
        chosen = average_linkage(members, grouped.get(g, []), threshold,
                                 must_by.get(g, []), cannot_by.get(g, set()))  # fmt: skip
        for m, r in chosen.items():
            labels[m] = r
    return labels


#: Distance of a cannot-link pair: any average over a group's pairs that includes it
#: stays far above every merge threshold (distances are 1 - probability, at most 1).
_APART = 1e9


def _average_linkage_scored(
    groups: IntArray,
    order: IntArray,
    starts: IntArray,
    sizes: IntArray,
    todo: npt.NDArray[np.bool_],
    scored: tuple[IntArray, IntArray, FloatArray],
    cannot: IntArray,
    threshold: float,
    labels: IntArray,
) -> npt.NDArray[np.bool_]:
    """Average linkage (UPGMA, ``scipy.cluster.hierarchy``) of the ``todo`` groups whose
    every pair is scored, cut where the best average probability falls below
    ``threshold``; a cannot-link pair is kept apart by a huge distance. Writes ``labels``
    (each cluster's smallest record) and returns which groups it clustered."""
    n_groups = len(sizes)
    left, right, prob = scored
    sel = todo[groups[left]]
    left, right, prob = left[sel], right[sel], prob[sel]
    position = np.empty(len(groups), np.int64)
    position[order] = np.arange(len(groups)) - starts[groups[order]]
    # offset of each todo group's condensed distance vector in one long vector
    length = np.where(todo, sizes * (sizes - 1) // 2, 0)
    offset = np.concatenate([[0], np.cumsum(length)])

    def index(a: IntArray, b: IntArray) -> IntArray:
        i, j = np.minimum(position[a], position[b]), np.maximum(position[a], position[b])
        k = sizes[groups[a]]
        found: IntArray = offset[groups[a]] + k * i - i * (i + 1) // 2 + (j - i - 1)
        return found

    distance = np.full(int(offset[-1]), np.nan)
    distance[index(left, right)] = 1.0 - prob
    apart = cannot[todo[groups[cannot[:, 0]]]]
    distance[index(apart[:, 0], apart[:, 1])] = _APART
    gaps: list[int] = (
        np.add.reduceat(np.isnan(distance), offset[:-1][todo]).tolist() if offset[-1] else []
    )
    done = np.zeros(n_groups, bool)
    cut = 1.0 - threshold + 1e-12
    for g, gap in zip(np.flatnonzero(todo).tolist(), gaps, strict=True):
        if gap:
            continue  # a pair was not scored: the general average linkage handles it
        done[g] = True
        members = order[starts[g] : starts[g] + sizes[g]]
        tree = linkage(distance[offset[g] : offset[g + 1]], method="average")
        labels[members] = members[_cut(tree, len(members), cut)]
    return done


def _cut(tree: FloatArray, k: int, cut: float) -> IntArray:
    """For each of ``k`` leaves, the position of the first leaf of its cluster once the
    merges of ``tree`` (a SciPy linkage, by rising distance) up to ``cut`` are made."""
    merges = int(np.searchsorted(tree[:, 2], cut, side="right"))
    up = np.arange(2 * k - 1)
    joined = tree[:merges, :2].astype(np.int64)
    up[joined[:, 0]] = up[joined[:, 1]] = k + np.arange(merges)
    for _ in range(max(merges, 1).bit_length()):
        up = up[up]  # pointer jumping: every node to its top merge
    root = up[:k]
    _, first, which = np.unique(root, return_index=True, return_inverse=True)
    found: IntArray = first[which]
    return found


def conflicts_by_source(
    groups: IntArray, source: npt.ArrayLike, birth_day: npt.ArrayLike, listing: npt.ArrayLike
) -> set[tuple[int, int]]:
    """Cannot-link pairs: in one group, one listing source, different exact birth days.

    ``source`` and ``birth_day`` are integer codes per record (equal code, equal value;
    a birth day code below 0 means the day is unknown); ``listing`` says whether the
    record's source lists each person once. Buckets of one group and one source with
    more than 200 such records are left alone (a source that repeats people).
    """
    src = np.asarray(source, np.int64)
    day = np.asarray(birth_day, np.int64)
    rows = np.flatnonzero(np.asarray(listing, bool) & (day >= 0))
    if len(rows) < 2:
        return set()
    rows = rows[np.lexsort((rows, src[rows], groups[rows]))]
    g, s = groups[rows], src[rows]
    new = np.concatenate([[True], (g[1:] != g[:-1]) | (s[1:] != s[:-1])])
    bucket = np.cumsum(new) - 1
    size = np.bincount(bucket)
    keep = (size[bucket] >= 2) & (size[bucket] <= 200)
    a, b = _pairs_in_runs(rows[keep], bucket[keep])
    differ = day[a] != day[b]
    return set(zip(a[differ].tolist(), b[differ].tolist(), strict=True))
