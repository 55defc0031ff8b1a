"""Clustering does not chain, honours constraints, and merges best-first."""

from __future__ import annotations

import numpy as np

from unaccounted.link.cluster import (
    Constraints,
    Pairs,
    average_linkage,
    candidate_groups,
    cluster,
    conflicts_by_source,
    pairs_within,
)


def pairs(*triples: tuple[int, int, float]) -> Pairs:
    left, right, prob = zip(*triples, strict=True)
    return Pairs(np.array(left), np.array(right), np.array(prob, dtype=np.float64))


def test_namesakes_linked_through_a_middle_record_are_not_chained() -> None:
    # 0 and 3 are two different Ivanov Sergeys (p=0.01); 1 and 2 are vaguer records that
    # link to either. Connected components would make one person of all four.
    scored = pairs((0, 1, 0.99), (1, 2, 0.9), (2, 3, 0.99), (0, 3, 0.01), (0, 2, 0.1), (1, 3, 0.1))
    groups = candidate_groups(4, scored, 0.3, [])
    assert groups.tolist() == [0, 0, 0, 0]
    labels = cluster(4, groups, scored, 0.5, Constraints())
    # {0,1} average 0.99; {2,3} 0.99; joining them averages (0.9+0.01+0.1+0.1)/4 = 0.28
    assert labels.tolist() == [0, 0, 2, 2]


def test_a_cannot_link_blocks_a_merge_and_a_must_link_forces_one() -> None:
    scored = pairs((0, 1, 0.95), (1, 2, 0.2))
    groups = np.zeros(3, np.int64)
    cannot = Constraints()
    cannot.add_cannot(1, 0)
    assert cluster(3, groups, scored, 0.5, cannot).tolist() == [0, 1, 2]
    must = Constraints(must=[(1, 2)])
    # 1 and 2 are one person; 0 joins them when the average (0.95 + no score) holds:
    # only the scored pair 0–1 counts, so the average is 0.95
    assert len(set(cluster(3, groups, scored, 0.5, must).tolist())) == 1


def test_merge_order_is_best_average_first() -> None:
    chosen = average_linkage([0, 1, 2], [(0, 1, 0.6), (1, 2, 0.9), (0, 2, 0.3)], 0.5, [], set())
    # 1–2 first (0.9); then {1,2} with 0 averages (0.6 + 0.3) / 2 = 0.45 < 0.5
    assert chosen == {0: 0, 1: 1, 2: 1}


def test_one_listing_source_with_two_birth_days_is_two_people() -> None:
    groups = np.array([0, 0, 0, 1])
    # sources: 0 = a ministry list, 1 = obituaries; birth days: 0 = 1990-01-01,
    # 1 = 1985-05-05, -1 = unknown
    found = conflicts_by_source(groups, [0, 0, 1, 0], [0, 1, 1, -1], [True, True, False, True])
    assert found == {(0, 1)}


def test_a_group_too_large_to_score_is_split_at_stronger_links() -> None:
    # a chain 0-1-2-3 at 0.4 (above the 0.3 candidate threshold) with 0-1 and 2-3 strong
    scored = pairs((0, 1, 0.99), (1, 2, 0.4), (2, 3, 0.96))
    assert candidate_groups(4, scored, 0.3, []).tolist() == [0, 0, 0, 0]
    # 4 records are 6 pairs, more than 3: split at 0.5 into {0,1} and {2,3}
    split = candidate_groups(4, scored, 0.3, [], max_pairs=3).tolist()
    assert split[0] == split[1] != split[2] == split[3]


def test_pairs_within_lists_every_pair_of_the_chosen_groups_once() -> None:
    groups = np.array([2, 0, 2, 1, 2, 0])
    left, right = pairs_within(groups, np.array([True, False, True]))
    assert sorted(zip(left.tolist(), right.tolist(), strict=True)) == [
        (0, 2), (0, 4), (1, 5), (2, 4),
    ]  # fmt: skip
    empty = pairs_within(groups, np.zeros(3, bool))
    assert len(empty[0]) == len(empty[1]) == 0


def test_a_group_whose_pairs_all_reach_the_threshold_is_one_person() -> None:
    # group 0 = records 0, 2, 3 (all pairs ≥ 0.5); group 1 = records 1, 4 (one pair 0.4)
    groups = np.array([0, 1, 0, 0, 1])
    scored = pairs((0, 2, 0.9), (2, 3, 0.6), (0, 3, 0.5), (1, 4, 0.4))
    assert cluster(5, groups, scored, 0.5, Constraints()).tolist() == [0, 1, 0, 0, 4]
    # a cannot-link inside the group sends it through average linkage instead
    split = Constraints()
    split.add_cannot(3, 0)
    assert cluster(5, groups, scored, 0.5, split).tolist() == [0, 1, 0, 3, 4]


def test_clusters_are_those_of_average_linkage_on_every_group() -> None:
    rng = np.random.default_rng(7)
    n = 400
    groups = rng.integers(0, 90, n)
    left, right = pairs_within(groups, np.ones(90, bool))
    # most groups have only strong pairs (one person), some a weak pair or a conflict
    prob = np.where(rng.random(len(left)) < 0.97, 0.6 + 0.4 * rng.random(len(left)), 0.05)
    constraints = Constraints()
    for a, b in zip(left[::41].tolist(), right[::41].tolist(), strict=True):
        constraints.add_cannot(a, b)
    labels = cluster(n, groups, Pairs(left, right, prob), 0.5, constraints)
    expected: dict[int, int] = {}
    for g in np.unique(groups).tolist():
        members = np.flatnonzero(groups == g).tolist()
        inside = groups[left] == g
        triples = list(zip(left[inside].tolist(), right[inside].tolist(),
                           prob[inside].tolist(), strict=True))  # fmt: skip
        cannot = {c for c in constraints.cannot if groups[c[0]] == g}
        expected.update(average_linkage(members, triples, 0.5, [], cannot))
    assert partition(labels.tolist()) == partition([expected[i] for i in range(n)])
    whole = [g for g in np.unique(groups).tolist() if len(set(labels[groups == g])) == 1]
    assert 0 < len(whole) < 90  # both kinds of group occur


def partition(labels: list[int]) -> set[frozenset[int]]:
    members: dict[int, set[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(label, set()).add(i)
    return {frozenset(m) for m in members.values()}
