"""Honest units whose independent evidence differs by ordinary chance are not flagged.

Eleven units of one type, each with 40 casualty notices of which 16 say missing (so the
missing share says nothing). Among the ten honest units' missing, the share an obituary
shows dead varies from 3 to 14 of 16 — obituaries cover some units better than others —
more than binomial sampling explains. The eleventh unit conceals: 30 of its 40 notices
say missing and 28 of those 30 are shown dead.
"""

from __future__ import annotations

import pytest

from unaccounted.analyze.concealment import UnitEvidence, rank_units

HONEST_SHOWN = {1: 3, 2: 5, 3: 6, 4: 8, 5: 9, 6: 10, 7: 11, 8: 12, 9: 13, 10: 14}


def _unit(number: int, missing: int, shown: int) -> UnitEvidence:
    e = UnitEvidence(f"vch:{number}", [f"в/ч {number}"])
    ids = [f"P{number}-{i:02d}" for i in range(40)]
    e.persons = e.official_persons = 40
    e.official_casualties = ids
    e.officially_missing = ids[:missing]
    e.shown_dead = ids[:shown]
    e.known_dead = 40 - missing + shown
    return e


def _units() -> list[UnitEvidence]:
    units = [_unit(n, 16, shown) for n, shown in HONEST_SHOWN.items()]
    return [*units, _unit(99, 30, 28)]


def test_only_the_concealing_unit_is_flagged() -> None:
    ranked = rank_units(_units(), 0.05)
    assert [e.unit for e in ranked if e.flagged] == ["vch:99"]
    assert ranked[0].unit == "vch:99"
    # The honest unit with 14 of 16 shown dead: its peers' shares vary far more than chance
    # (dispersion above 1), so the test is the beta-binomial, and it is not flagged.
    top_honest = next(e for e in ranked if e.unit == "vch:10")
    shown = top_honest.evidence_tests["shown"]
    assert shown is not None and shown.dispersion == pytest.approx(2.8331, abs=1e-4)
    assert (shown.peer_units, shown.peer_share) == (9, pytest.approx(77 / 144))
    assert shown.p_value == pytest.approx(0.0710, abs=1e-4)
    assert not top_honest.flagged and top_honest.q_value is not None
    assert top_honest.q_value > 0.05


def test_the_binomial_against_the_pooled_units_would_flag_an_honest_one() -> None:
    """Why the dispersion matters: the same honest unit against the others pooled with the
    plain binomial (the peers' spread ignored) looks like concealment."""
    from scipy.stats import binom

    units = _units()
    others = [e for e in units if e.unit not in ("vch:10", "vch:99")]
    share = sum(len(e.shown_dead) for e in others) / sum(len(e.officially_missing) for e in others)
    assert share == pytest.approx(77 / 144)
    assert float(binom.sf(13, 16, share)) < 0.01
