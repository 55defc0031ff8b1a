"""Signals 2–4 of concealment, per unit, shown beside the ranking (they do not enter it).

- **Signal 2** — among the unit's officially missing: how many are shown dead by two or more
  independent sources, and the delay in days from the official missing notice to the first
  independent death report (its median with a distribution-free 95 % interval from order
  statistics; negative when the death was published first).
- **Signal 3** — deaths independent sources published (killed, died of wounds, died) for
  persons of the unit whom no official source names at all, and those published before
  the official notice of a person the official sources do name; each as a share of the
  unit's independently reported dead, with a Wilson interval and the other units' pooled
  share beside it.
- **Signal 4** — evidence the other way, among the officially missing: a court's
  declaration of death (a claim of source kind ``court`` with status ``declared_dead``:
  the disappearance is legally confirmed, no death is hidden behind a notice), and returns
  from captivity (a claim of status ``captured`` or ``returned`` from any source: the
  "missing" was alive). Both are shares of the officially missing with Wilson intervals.

Every count lists its persons and, as ``source/record_id``, the claims behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scipy.stats import binom

from unaccounted.analyze.missing_share import wilson
from unaccounted.resolve.claims import Claim
from unaccounted.resolve.person import PersonView

OFFICIAL = "official"
EVIDENCE_OF_DEATH = frozenset({"killed", "died_of_wounds", "died"})
CAPTIVITY = frozenset({"captured", "returned"})


def _ref(c: Claim) -> str:
    return f"{c.source}/{c.record_id}"


@dataclass
class Tally:
    """The persons and claims behind one count."""

    persons: list[str] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)

    def add(self, person: str, claims: list[Claim]) -> None:
        self.persons.append(person)
        self.claims.extend(sorted({_ref(c) for c in claims}))


@dataclass
class MoreSignals:
    """Signals 2–4 of one unit."""

    officially_missing: int = 0
    #: signal 2
    shown_by_two: Tally = field(default_factory=Tally)
    delays: list[tuple[str, int]] = field(default_factory=list)  # (person, days)
    #: signal 3
    independent_dead: int = 0
    no_notice: Tally = field(default_factory=Tally)
    before_notice: Tally = field(default_factory=Tally)
    #: signal 4
    court_declared: Tally = field(default_factory=Tally)
    returned: Tally = field(default_factory=Tally)

    def add(self, v: PersonView, status_class: Mapping[str, str]) -> None:
        official = [c for c in v.claims if c.kind == OFFICIAL]
        groups = {c.group for c in official}
        dead = [
            c
            for c in v.claims
            if c.status in EVIDENCE_OF_DEATH and c.kind != OFFICIAL and c.group not in groups
        ]
        if dead:
            self.independent_dead += 1
            if not official:
                self.no_notice.add(v.person_id, dead)
            else:
                notice = min((c.published for c in official if c.published), default=None)
                early = [c for c in dead if c.published and notice and c.published < notice]
                if early:
                    self.before_notice.add(v.person_id, early)
        missing = [c for c in official if status_class.get(c.status or "") == "missing"]
        if not missing:
            return
        self.officially_missing += 1
        if len({c.source for c in dead}) >= 2:
            self.shown_by_two.add(v.person_id, dead)
        notice = min((c.published for c in missing if c.published), default=None)
        first = min((c.published for c in dead if c.published), default=None)
        if notice is not None and first is not None:
            self.delays.append((v.person_id, (first - notice).days))
        court = [c for c in v.claims if c.kind == "court" and c.status == "declared_dead"]
        if court:
            self.court_declared.add(v.person_id, court)
        back = [c for c in v.claims if c.status in CAPTIVITY]
        if back:
            self.returned.add(v.person_id, back)

    def as_dict(self, peers: MoreSignals | None = None) -> dict[str, Any]:
        m, d = self.officially_missing, self.independent_dead
        days = sorted(x for _, x in self.delays)
        lo, hi = median_interval(days)
        return {
            "signal_2": {
                "shown_dead_by_two_or_more_sources": _count(self.shown_by_two, m, peers, "two"),
                "days_notice_to_first_death_report": {
                    "persons": len(days),
                    "median": _median(days),
                    "interval_95": None if lo is None else [lo, hi],
                    "peers_median": None
                    if peers is None
                    else _median(sorted(x for _, x in peers.delays)),
                    "people": [p for p, _ in sorted(self.delays)],
                },
            },
            "signal_3": {
                "independently_reported_dead": d,
                "no_official_notice": _count(self.no_notice, d, peers, "none"),
                "published_before_official_notice": _count(self.before_notice, d, peers, "before"),
            },
            "signal_4": {
                "court_declared_dead": _count(self.court_declared, m, peers, "court"),
                "returned_from_captivity": _count(self.returned, m, peers, "back"),
            },
        }


def _tally_of(s: MoreSignals, name: str) -> tuple[Tally, int]:
    return {
        "two": (s.shown_by_two, s.officially_missing),
        "none": (s.no_notice, s.independent_dead),
        "before": (s.before_notice, s.independent_dead),
        "court": (s.court_declared, s.officially_missing),
        "back": (s.returned, s.officially_missing),
    }[name]


def _count(t: Tally, n: int, peers: MoreSignals | None, name: str) -> dict[str, Any]:
    k = len(t.persons)
    interval = wilson(k, n) if n else None
    peer_share = None
    if peers is not None:
        pt, pn = _tally_of(peers, name)
        peer_share = round(len(pt.persons) / pn, 4) if pn else None
    return {
        "count": k,
        "of": n,
        "share": round(k / n, 4) if n else None,
        "interval_95": None if interval is None else [round(interval[0], 4), round(interval[1], 4)],
        "peers_share": peer_share,
        "people": t.persons,
        "claims": t.claims,
    }


def _median(xs: list[int]) -> float | None:
    if not xs:
        return None
    n = len(xs)
    return float(xs[n // 2]) if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def median_interval(xs: list[int], level: float = 0.95) -> tuple[int | None, int | None]:
    """The distribution-free interval of a median from order statistics of sorted ``xs``:
    the widest symmetric pair (j-th smallest, j-th largest) with coverage ≥ ``level``;
    (None, None) when the sample is too small for that coverage (fewer than 6 at 95 %)."""
    n = len(xs)
    best = None
    for j in range(1, n // 2 + 1):
        coverage = float(binom.cdf(n - j, n, 0.5) - binom.cdf(j - 1, n, 0.5))
        if coverage >= level:
            best = j
        else:
            break
    if best is None:
        return None, None
    return xs[best - 1], xs[n - best]


def more_signals(
    views: list[PersonView], person_unit: dict[str, str], status_class: Mapping[str, str]
) -> dict[str, MoreSignals]:
    """Signals 2–4 of every unit with a person in ``views``."""
    out: dict[str, MoreSignals] = {}
    for v in views:
        unit = person_unit.get(v.person_id)
        if unit is not None:
            out.setdefault(unit, MoreSignals()).add(v, status_class)
    return out


def pooled(signals: dict[str, MoreSignals], leave_out: str) -> MoreSignals:
    """Every other unit's signals summed: the peers a unit's shares are shown beside."""
    total = MoreSignals()
    for unit, s in signals.items():
        if unit == leave_out:
            continue
        total.officially_missing += s.officially_missing
        total.independent_dead += s.independent_dead
        total.delays.extend(s.delays)
        for name in ("shown_by_two", "no_notice", "before_notice", "court_declared", "returned"):
            getattr(total, name).persons.extend(getattr(s, name).persons)
    return total
