"""Linkage error: drawn clusterings obey the scores and constraints; Rubin's rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from unaccounted.estimate.linkage_error import (
    LinkageScores,
    combine,
    draw_clusterings,
    rubin,
)
from unaccounted.link.cluster import Constraints, Pairs


def test_rubin_hand_checked() -> None:
    # estimates 10, 12, 14 with within-draw variance 4 each:
    # mean 12; within 4; between = ((10-12)² + 0 + (14-12)²) / 2 = 4;
    # total = 4 + (1 + 1/3) * 4 = 28/3; df = 2 * (1 + 4 / (16/3))² = 2 * 1.75² = 6.125
    r = rubin([10.0, 12.0, 14.0], [4.0, 4.0, 4.0])
    assert (r.m, r.mean, r.within, r.between) == (3, 12.0, 4.0, 4.0)
    assert r.total == pytest.approx(28 / 3, rel=1e-15)
    assert r.df == pytest.approx(6.125, rel=1e-15)
    assert r.linkage_variance_share == pytest.approx(4 / 7, rel=1e-15)  # (16/3) / (28/3)
    assert r.linkage_width_share == pytest.approx(1 - math.sqrt(4 / (28 / 3)), rel=1e-15)
    # t(0.975, 6.125) = 2.43486 (tables: between 2.4469 at 6 and 2.3646 at 7 df);
    # 12 ± 2.43486 * 3.05505 = 12 ± 7.43861
    lo, hi = r.interval()
    assert (round(lo, 4), round(hi, 4)) == (4.5614, 19.4386)


def test_rubin_when_draws_agree_is_the_within_interval() -> None:
    r = rubin([5.0, 5.0], [1.0, 1.0])
    assert (r.between, r.df, r.linkage_width_share) == (0.0, math.inf, 0.0)
    assert r.interval() == pytest.approx((5 - 1.959963984540054, 5 + 1.959963984540054))


def test_rubin_one_draw_and_bad_input() -> None:
    assert rubin([3.0], [2.0]).total == 2.0
    with pytest.raises(ValueError, match="as many variances"):
        rubin([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="as many variances"):
        rubin([], [])


def test_combine_keeps_each_side() -> None:
    c = combine([0.0, 0.0], [0.25, 0.25], [1.0, 1.0])
    z = 1.959963984540054
    assert c.interval() == pytest.approx((-z * 0.5, z * 1.0))
    assert c.mean == 0.0 and c.linkage_width_share == 0.0


def _scores(p: list[float], constraints: Constraints | None = None) -> LinkageScores:
    # records 0-1, 1-2 and 3-4 are scored pairs
    pairs = Pairs(np.array([0, 1, 3]), np.array([1, 2, 4]), np.array(p, dtype=np.float64))
    return LinkageScores(5, pairs, constraints or Constraints())


def _same(labels: np.ndarray, a: int, b: int) -> bool:
    return bool(labels[a] == labels[b])


def test_certain_pairs_always_and_never_link() -> None:
    for labels in draw_clusterings(_scores([1.0, 0.0, 1.0]), 20, seed=1):
        assert _same(labels, 0, 1) and not _same(labels, 1, 2) and _same(labels, 3, 4)


def test_reviewers_decisions_hold_in_every_draw() -> None:
    constraints = Constraints(must=[(1, 2)])
    constraints.add_cannot(3, 4)
    for labels in draw_clusterings(_scores([0.0, 0.0, 1.0], constraints), 20, seed=2):
        assert _same(labels, 1, 2)  # "same person" though scored 0
        assert not _same(labels, 3, 4)  # "different" though scored 1
        assert not _same(labels, 0, 1)


def test_uncertain_pair_links_about_as_often_as_its_probability() -> None:
    draws = draw_clusterings(_scores([0.3, 0.0, 0.0]), 2000, seed=3)
    linked = sum(_same(labels, 0, 1) for labels in draws)
    # Binomial(2000, 0.3): mean 600, sd 20.5; five sd either side
    assert 497 < linked < 703
    again = draw_clusterings(_scores([0.3, 0.0, 0.0]), 2000, seed=3)
    assert linked == sum(_same(labels, 0, 1) for labels in again)  # seeded
