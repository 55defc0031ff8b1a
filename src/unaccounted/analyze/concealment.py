"""The concealment report: units whose officially "missing" are, by independent sources, dead.

For each unit (an alias group, see :mod:`unaccounted.analyze.units`):

- ``officially_missing``: persons of the unit with a claim of an official source whose
  status is of the missing class;
- ``shown_dead``: of those, persons with a claim of death (killed, died of wounds, died —
  not a court's declaration, which rests on the disappearance itself) from a non-official
  source in an independence group other than the official claims';
- ``dead_before_notice``: of those, persons whose independent death claim was published
  before the official missing notice — the unit kept saying "missing" after the death was
  public.

A unit with fewer than ``min_missing`` officially missing persons is listed as too little
data and not ranked. Each ranked unit's share is tested against all other ranked units
pooled (Fisher's exact test, one-sided: more shown dead than elsewhere), the p-values are
corrected for testing many units at once (Benjamini–Hochberg), and units are ranked by
p-value (ties: the larger share first).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests

from unaccounted.analyze.units import UnitIndex
from unaccounted.resolve.claims import Claim
from unaccounted.resolve.person import PersonView
from unaccounted.resolve.rules import GradingRules

OFFICIAL_KINDS = frozenset({"official"})
#: Death statuses that are evidence of a death rather than a legal declaration.
EVIDENCE_OF_DEATH = frozenset({"killed", "died_of_wounds", "died"})


@dataclass
class UnitEvidence:
    unit: str
    aliases: list[str]
    persons: int = 0
    official_persons: int = 0
    officially_missing: list[str] = field(default_factory=list)
    shown_dead: list[str] = field(default_factory=list)
    dead_before_notice: list[str] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)
    p_value: float | None = None
    q_value: float | None = None
    odds_ratio: float | None = None
    rank: int | None = None
    #: test name → (odds ratio, one-sided p-value)
    tests: dict[str, tuple[float, float]] = field(default_factory=dict)
    flagged: bool = False

    @property
    def share(self) -> float | None:
        return (
            len(self.shown_dead) / len(self.officially_missing) if self.officially_missing else None
        )

    def as_dict(self, *, people: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "rank": self.rank,
            "unit": self.unit,
            "aliases": self.aliases,
            "status": "ranked" if self.rank is not None else "too little data",
            "persons": self.persons,
            "persons_in_official_sources": self.official_persons,
            "officially_missing": len(self.officially_missing),
            "shown_dead_by_independent_sources": len(self.shown_dead),
            "dead_before_official_notice": len(self.dead_before_notice),
            "share": None if self.share is None else round(self.share, 4),
            "test": None
            if self.p_value is None
            else {
                "name": "Fisher exact, one-sided, unit vs all other ranked units pooled, on "
                "shown_dead and on dead_before_official_notice; p = 2 x the smaller "
                "(Bonferroni), then Benjamini-Hochberg over units",
                "shown_dead": {
                    "odds_ratio": self.tests["shown"][0],
                    "p_value": self.tests["shown"][1],
                },
                "dead_before_official_notice": {
                    "odds_ratio": self.tests["before"][0],
                    "p_value": self.tests["before"][1],
                },
                "p_value": self.p_value,
                "q_value_bh": self.q_value,
                "flagged": self.flagged,
            },
            "sources_of_death_claims": self.sources,
        }
        if people:
            d["people"] = {
                "officially_missing": self.officially_missing,
                "shown_dead": self.shown_dead,
                "dead_before_official_notice": self.dead_before_notice,
            }
        return d


def _finite(x: float) -> float:
    """JSON has no infinity: an odds ratio with nothing in the reference is capped."""
    return x if math.isfinite(x) else 1e9


def _shown(e: UnitEvidence) -> int:
    return len(e.shown_dead)


def _before(e: UnitEvidence) -> int:
    return len(e.dead_before_notice)


def _evidence(v: PersonView, rules: GradingRules) -> tuple[bool, bool, list[Claim], bool]:
    """(official claim?, officially missing?, independent death claims, dead before notice?)"""
    official = [c for c in v.claims if c.kind in OFFICIAL_KINDS]
    missing = [c for c in official if rules.status_class(c.status) == "missing"]
    if not missing:
        return bool(official), False, [], False
    groups = {c.group for c in official}
    dead = [
        c
        for c in v.claims
        if c.status in EVIDENCE_OF_DEATH and c.kind not in OFFICIAL_KINDS and c.group not in groups
    ]
    notice = max((c.published for c in missing if c.published), default=None)
    before = notice is not None and any(c.published and c.published < notice for c in dead)
    return True, True, dead, before


def _test(ranked: list[UnitEvidence], reference: list[UnitEvidence]) -> None:
    """Fisher's exact test of each unit against the reference units pooled (itself excluded)."""
    for count in (_shown, _before):
        total_m = sum(len(e.officially_missing) for e in reference)
        total_d = sum(count(e) for e in reference)
        for e in ranked:
            inside = e in reference
            m, d = len(e.officially_missing), count(e)
            rest_m = total_m - (m if inside else 0)
            rest_d = total_d - (d if inside else 0)
            odds, p = fisher_exact([[d, m - d], [rest_d, rest_m - rest_d]], alternative="greater")
            e.tests[count.__name__.strip("_")] = (_finite(float(odds)), float(p))
    for e in ranked:
        # The unit's evidence is its stronger test, Bonferroni-corrected for taking the min.
        e.p_value = min(1.0, 2 * min(p for _, p in e.tests.values()))
        e.odds_ratio = e.tests["shown"][0]


def _correct(ranked: list[UnitEvidence], fdr: float) -> None:
    if not ranked:
        return
    reject, q, _, _ = multipletests([e.p_value for e in ranked], alpha=fdr, method="fdr_bh")
    for e, r, qv in zip(ranked, reject, q, strict=True):
        e.q_value, e.flagged = float(qv), bool(r)


def concealment(
    views: list[PersonView],
    units: UnitIndex,
    rules: GradingRules,
    *,
    min_missing: int = 5,
    fdr: float = 0.05,
) -> list[UnitEvidence]:
    """Every unit, ranked ones first (most suspicious first), then the too-little-data ones."""
    table = {key: UnitEvidence(key, g.spellings or g.keys) for key, g in units.groups.items()}
    sources: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for v in views:
        unit = units.person_unit.get(v.person_id)
        if unit is None:
            continue
        e = table[unit]
        e.persons += 1
        has_official, missing, dead, before = _evidence(v, rules)
        e.official_persons += has_official
        if missing:
            e.officially_missing.append(v.person_id)
            if dead:
                e.shown_dead.append(v.person_id)
                for c in dead:
                    sources[unit][c.source] += 1
            if before:
                e.dead_before_notice.append(v.person_id)
    for unit, counts in sources.items():
        table[unit].sources = dict(sorted(counts.items()))
    ranked = [e for e in table.values() if len(e.officially_missing) >= min_missing]
    _test(ranked, ranked)
    _correct(ranked, fdr)
    # Second pass: against the units the first pass did not flag, so that concealing
    # units do not inflate the reference rate they are compared with.
    reference = [e for e in ranked if not e.flagged] or ranked
    _test(ranked, reference)
    _correct(ranked, fdr)
    ranked.sort(key=lambda e: (e.p_value, -(e.share or 0.0), e.unit))
    for i, e in enumerate(ranked, start=1):
        e.rank = i
    rest = sorted(
        (e for e in table.values() if e.rank is None and e.persons),
        key=lambda e: (-len(e.officially_missing), e.unit),
    )
    return ranked + rest


def naive_ranking(views: list[PersonView], units: UnitIndex, rules: GradingRules) -> list[str]:
    """The baseline: units by the raw share of their official-source persons listed missing,
    with no independent evidence and no test."""
    official: dict[str, int] = defaultdict(int)
    missing: dict[str, int] = defaultdict(int)
    for v in views:
        unit = units.person_unit.get(v.person_id)
        if unit is None:
            continue
        has_official, is_missing, _, _ = _evidence(v, rules)
        official[unit] += has_official
        missing[unit] += is_missing
    return sorted(
        (u for u in official if official[u]), key=lambda u: (-missing[u] / official[u], u)
    )
