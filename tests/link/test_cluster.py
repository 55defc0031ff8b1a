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
