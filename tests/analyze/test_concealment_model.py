"""The combined concealment model on counts written by hand: the coverage factors, the
expected count they give, and the spread fitted on a trimmed reference.

Nothing here is a real unit: units are ``vch:<n>`` with made-up counts.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import gamma, nbinom

import unaccounted.analyze.concealment_model as cm
from unaccounted.analyze.concealment_model import (
    TRIM,
    UnitCounts,
    coverage_factors,
    expected,
    fit_alpha,
    fit_model,
    trim_cut,
)


def _unit(notices: int, missing: int, shown: int, dead: int = 0, dead_shown: int = 0) -> UnitCounts:
    """One period ("unknown"): ``notices`` casualty notices, ``missing`` of them only missing,
    ``shown`` of those shown dead; ``dead`` officially dead, ``dead_shown`` of them shown."""
    c = UnitCounts(dead=dead, dead_shown=dead_shown)
    c.notices["unknown"] = notices
    c.missing["unknown"] = missing
    c.score["unknown"] = missing + shown
    return c


def test_coverage_factors_shrink_each_units_share_towards_the_pooled_one() -> None:
    counts = {
        "vch:1": _unit(20, 8, 4, dead=10, dead_shown=9),
        "vch:2": _unit(20, 8, 4, dead=10, dead_shown=5),
        "vch:3": _unit(20, 8, 4, dead=10, dead_shown=1),
        "vch:4": _unit(20, 8, 4),  # no officially dead: nothing to measure its coverage by
    }
    f = coverage_factors(counts)
    # Pooled share 15/30 = 0.5; Pearson (16 + 0 + 16) / 2.5 = 12.8 over 2 df: dispersion 6.4;
    # mean 10 dead a unit: intra-unit correlation (6.4 - 1) / 9 = 0.6, so the pooled share
    # weighs as 0.4 / 0.6 = 2/3 of a person. vch:1: (9 + 1/3) / (10 + 2/3) = 0.875, over 0.5.
    assert f == pytest.approx({"vch:1": 1.75, "vch:2": 1.0, "vch:3": 0.25, "vch:4": 1.0})


def test_coverage_that_varies_no_more_than_chance_leaves_every_factor_1() -> None:
    counts = {
        "vch:1": _unit(20, 8, 4, dead=10, dead_shown=5),
        "vch:2": _unit(20, 8, 4, dead=10, dead_shown=6),
        "vch:3": _unit(20, 8, 4, dead=10, dead_shown=4),
    }
    # Pearson (0 + 1 + 1) / 2.5 = 0.8 over 2 df: dispersion 0.4, below binomial.
    assert coverage_factors(counts) == {"vch:1": 1.0, "vch:2": 1.0, "vch:3": 1.0}
    # No officially dead anywhere (or none shown): no measure, every factor 1.
    assert coverage_factors({"vch:1": _unit(20, 8, 4), "vch:2": _unit(20, 8, 4)}) == {
        "vch:1": 1.0,
        "vch:2": 1.0,
    }


def test_expected_count_scales_the_peers_shown_dead_by_coverage() -> None:
    counts = {
        "vch:1": _unit(20, 10, 6),
        "vch:2": _unit(20, 10, 2),
        "vch:3": _unit(10, 5, 5),
    }
    reference = set(counts)
    # vch:3 against the two others (too few of its type: all units): 20 missing and 8 shown
    # dead of 40 notices. Without coverage: (20 + 8) / 40 × 10 = 7.
    assert expected("vch:3", counts, reference) == (7.0, "all units")
    # vch:1 covered 1.5 times as well as all units, vch:2 half as well: their 8 shown dead
    # are 8 per 20 × 1.5 + 20 × 0.5 = 40 coverage-weighted notices, and vch:3 (factor 1.2)
    # expects 1.2 × 8 / 40 per notice: (20 / 40 + 9.6 / 40) × 10 = 7.4.
    factors = {"vch:1": 1.5, "vch:2": 0.5, "vch:3": 1.2}
    e, label = expected("vch:3", counts, reference, factors)
    assert (e, label) == (pytest.approx(7.4), "all units")


def test_a_well_covered_honest_unit_is_not_taken_for_concealment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Five units of 100 notices, 40 missing each. vch:5 has 30 of its missing shown dead
    # against 10 in the others, but its officially dead are shown 54 of 60 times against 30
    # of 60: independent sources cover its dead better, not that more of its missing are dead.
    counts = {f"vch:{n}": _unit(100, 40, 10, dead=60, dead_shown=30) for n in range(1, 5)}
    counts["vch:5"] = _unit(100, 40, 30, dead=60, dead_shown=54)
    fits = fit_model(counts)
    top = fits["vch:5"]
    # Pooled coverage 174/300 = 0.58, dispersion 7.88, pseudo-count 7.576: vch:5's factor
    # (54 + 4.394) / 67.576 / 0.58 = 1.490, the others' 0.8775; its expected count is 40
    # missing + 1.490 × 40 / (400 × 0.8775) × 100 shown = 56.98 against its 70.
    assert top.coverage == pytest.approx(1.490, abs=1e-3)
    assert fits["vch:1"].coverage == pytest.approx(0.8775, abs=1e-4)
    assert top.expected == pytest.approx(56.98, abs=0.01)
    assert top.observed == 70
    assert not any(f.flagged for f in fits.values())
    # Without the coverage factors it would be 70 against 50 (p ≈ 0.004, q ≈ 0.02): flagged.
    monkeypatch.setattr(cm, "coverage_factors", lambda c: dict.fromkeys(c, 1.0))
    plain = fit_model(counts)["vch:5"]
    assert plain.expected == 50.0
    # The four others are alike (no spread beyond Poisson): α at its bound, 10^4.
    assert plain.alpha == pytest.approx(1e4, rel=1e-3)
    assert plain.p_value == pytest.approx(float(nbinom.sf(69, 1e4, 1e4 / (1e4 + 50))), rel=1e-3)
    assert plain.flagged


def test_trim_cut_is_the_largest_count_the_trimming_keeps() -> None:
    # At α = 10^4 (nearly Poisson) and E = 10: P(K ≥ 15) ≈ 0.083 is kept, P(K ≥ 16) ≈ 0.049
    # is below TRIM = 0.05 and trimmed.
    assert trim_cut(10.0, 1e4) == 15
    for k, kept in ((15, True), (16, False)):
        assert (cm._tail(k, 10.0, 1e4) >= TRIM) is kept


def _truncated_mle(k: list[int], e: float, cut: int) -> float:
    """The truncated negative binomial's α by a plain grid over log α (the reference)."""
    grid = np.exp(np.linspace(math.log(0.5), math.log(1e4), 20001))[:, None]
    p = grid / (grid + e)
    ll = (nbinom.logpmf(np.array(k)[None, :], grid, p) - nbinom.logcdf(cut, grid, p)).sum(axis=1)
    return float(grid[int(np.argmax(ll)), 0])


def test_the_spread_of_a_trimmed_reference_accounts_for_the_trimmed_tail() -> None:
    # Six units expecting 10 each; 4 to 16 vary more than Poisson. Kept below 16 (the units
    # above it trimmed), the same counts say the spread is wider than they show untruncated:
    # a smaller α.
    k, e = [4, 6, 8, 12, 14, 16], [10.0] * 6
    plain = fit_alpha(k, e)
    trimmed = fit_alpha(k, e, [16] * 6)
    assert plain == pytest.approx(_truncated_mle(k, 10.0, 10**6), rel=2e-3)
    assert trimmed == pytest.approx(_truncated_mle(k, 10.0, 16), rel=2e-3)
    assert trimmed < plain
    # A cut far above every count is no truncation at all.
    assert fit_alpha(k, e, [10**6] * 6) == pytest.approx(plain, rel=1e-6)


def test_a_fit_of_no_spread_still_gives_each_unit_an_honest_interval() -> None:
    # Four units alike to the count: the fitted spread is none at all (α at its bound), yet
    # four units of 8 cannot rule out a real spread; the interval takes the smallest shape
    # the profile likelihood allows.
    counts = {f"vch:{i}": _unit(20, 8, 0) for i in range(1, 5)}
    fits = fit_model(counts)
    one = fits["vch:1"]
    assert (one.observed, one.expected) == (8, 8.0)
    assert one.spread == pytest.approx(cm.ALPHA_MAX, rel=1e-4)
    assert one.ratio == pytest.approx(1.0)

    def loglik(a: float) -> float:  # four counts of 8 at mean 8, NB(α) written out anew
        return 4 * float(nbinom.logpmf(8, a, a / (a + 8)))

    top = loglik(one.spread)
    assert loglik(cm.ALPHA_MIN) < top - 1.920729  # so the lower end is inside the range
    low = cm.alpha_lower([8] * 4, [8.0] * 4, one.spread)
    assert loglik(low) == pytest.approx(top - 1.920729, abs=1e-6)
    lo, hi = gamma.ppf([0.025, 0.975], low + 8, scale=1 / (low + 8))
    assert one.interval == pytest.approx((lo, hi))
    assert one.interval[0] < 0.6 and one.interval[1] > 1.6  # not [0.98, 1.02]
