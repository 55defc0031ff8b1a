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
data and not ranked. The others are ranked and flagged by the combined model
(:mod:`unaccounted.analyze.concealment_model`): one count per unit — its official notices
that only say missing, plus those of them independent sources show dead — against what its
peers of the same type and half-year would give it, with its independent sources' coverage
of its own officially dead taken into account; an empirical-Bayes Gamma-Poisson ratio with
its interval, a negative-binomial p-value against the other reference units, and
Benjamini–Hochberg over units. Units are ranked by that p-value.

The signal tests that ranked units before the model are computed and shown beside it
(``test`` in the JSON); they no longer rank or flag. Each ranked unit's shown-dead count
among its officially missing is tested against all other ranked units, one-sided: the
exact binomial test at their pooled share, or, when their shares vary more than chance
explains, a beta-binomial with their dispersion (as for signal 1), so that ordinary
differences between honest units (one unit's dead better covered by obituaries than
another's) are not taken for concealment.
All units, not the unit's type, because a type has few units and a dispersion from two or
three is too unsure. Its dead-before-notice count is tested against the other units pooled
by Fisher's exact test: honest units have almost none, so there is no ordinary spread to
allow for. The p-values are corrected for testing many units at once (Benjamini–Hochberg).

Signal 1 (:mod:`unaccounted.analyze.missing_share`): of the persons the unit's official
notices name as casualties (missing or dead), the share said to be missing, tested against
the unit's peers. A ranked unit's signal-test p-value combines that test with the
independent-evidence test above by Fisher's method, so a unit that reports most of its
casualties as missing scores high even when its missing are no more often shown dead than
other units'.

Signals 2-4 (:mod:`unaccounted.analyze.more_signals`) are shown beside the ranking with
their intervals and the persons and claims behind them; they do not enter it.

Signal 5: ``hidden deaths`` are the shown-dead officially missing, given per known death
of the unit (persons of the unit with a claim of the dead class from any source).

Signal 6: ``falsified_mia_reports``: incidents of type ``falsified_mia_report`` (accounts
of abuse, docs/testimonies.md) that name the unit, with their grades. It is not a count of
claims and does not enter the tests; a unit with a *confirmed* one (a court document, or
accounts from two independent groups) is flagged whatever its q-value, and among units of
equal model p-value the one with more confirmed reports ranks first.

With no source of kind ``official``, or no unit with ``min_missing`` officially missing
persons, the report carries a one-line ``message`` saying what is missing and how to fix it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, overload

from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests

from unaccounted.analyze.concealment_message import shortfall
from unaccounted.analyze.concealment_model import ModelFit, UnitCounts, fit_model, unit_counts
from unaccounted.analyze.missing_share import ShareTest, combine, share_test, wilson
from unaccounted.analyze.more_signals import more_signals, pooled
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
    #: persons with an official claim of the missing or the dead class
    official_casualties: list[str] = field(default_factory=list)
    #: persons with a claim of the dead class from any source
    known_dead: int = 0
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
    #: signal 1 against the unit's peers; today's independent-evidence p-value
    share_test: ShareTest | None = None
    evidence_p: float | None = None
    #: "shown" / "before" → the independent-evidence test against peers
    evidence_tests: dict[str, ShareTest | None] = field(default_factory=dict)
    #: signals 2-4 (shown beside the ranking, not in it), against all other units pooled
    more: dict[str, Any] = field(default_factory=dict)
    #: signal 6: falsified missing-in-action reports naming the unit, (incident, grade)
    falsified_mia_reports: list[tuple[str, str]] = field(default_factory=list)
    #: the combined model's measure (it ranks and flags the unit)
    model: ModelFit | None = None

    @property
    def confirmed_falsified_reports(self) -> int:
        return sum(1 for _, grade in self.falsified_mia_reports if grade == "confirmed")

    @property
    def share(self) -> float | None:
        return (
            len(self.shown_dead) / len(self.officially_missing) if self.officially_missing else None
        )

    @property
    def missing_share(self) -> float | None:
        """Of the official casualty notices' persons, the share said to be missing."""
        n = len(self.official_casualties)
        return len(self.officially_missing) / n if n else None

    @property
    def missing_share_interval(self) -> tuple[float, float] | None:
        n = len(self.official_casualties)
        return wilson(len(self.officially_missing), n) if n else None

    @property
    def hidden_per_known_death(self) -> float | None:
        return len(self.shown_dead) / self.known_dead if self.known_dead else None

    def signals(self) -> dict[str, Any]:
        """Signal 1 (missing share against peers) and signal 5 (hidden deaths)."""
        interval = self.missing_share_interval
        return {
            "official_casualty_notices": len(self.official_casualties),
            "missing_share": _round(self.missing_share),
            "missing_share_interval_95": None
            if interval is None
            else [round(interval[0], 4), round(interval[1], 4)],
            "missing_share_test": None if self.share_test is None else self.share_test.as_dict(),
            "hidden_deaths": len(self.shown_dead),
            "known_deaths": self.known_dead,
            "hidden_per_known_death": _round(self.hidden_per_known_death),
            **self.more,
            "signal_6": {
                "falsified_mia_reports": len(self.falsified_mia_reports),
                "confirmed": self.confirmed_falsified_reports,
                "incidents": [{"id": i, "grade": g} for i, g in self.falsified_mia_reports],
            },
        }

    def _evidence_dict(self, name: str) -> dict[str, Any]:
        test = self.evidence_tests.get(name)
        return {
            "odds_ratio": self.tests[name][0],
            "p_value": self.tests[name][1],
            "against": None if test is None else test.as_dict(),
        }

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
            "share": _round(self.share),
            "signals": self.signals(),
            "test": None
            if self.p_value is None
            else {
                "name": "one-sided, unit vs all other ranked units, among the officially "
                "missing: shown_dead by binomial, or beta-binomial when the units are "
                "overdispersed; dead_before_official_notice by Fisher exact; evidence p = 2 x "
                "the smaller (Bonferroni); combined by Fisher's method with the missing-share test "
                "against peers (binomial, or beta-binomial when peers are overdispersed); "
                "then Benjamini-Hochberg over units",
                "shown_dead": self._evidence_dict("shown"),
                "dead_before_official_notice": self._evidence_dict("before"),
                "independent_evidence_p_value": self.evidence_p,
                "missing_share_p_value": None
                if self.share_test is None
                else self.share_test.p_value,
                "p_value": self.p_value,
                "q_value_bh": self.q_value,
                "flagged": self.flagged,
            },
            "model": None if self.model is None else self.model.as_dict(),
            "flagged": self.flagged,
            "sources_of_death_claims": self.sources,
        }
        if people:
            d["people"] = {
                "officially_missing": self.officially_missing,
                "shown_dead": self.shown_dead,
                "dead_before_official_notice": self.dead_before_notice,
            }
        return d


class Evidence(NamedTuple):
    """What one person's claims say for the concealment report."""

    official: bool  # a claim of an official source
    casualty: bool  # an official claim of the missing or the dead class
    missing: bool  # an official claim of the missing class
    dead: list[Claim]  # independent claims of death (when officially missing)
    before: bool  # an independent death published before the official notice
    known_dead: bool  # a claim of the dead class from any source


@dataclass
class ConcealmentReport(Sequence[UnitEvidence]):
    """The units, ranked first; ``message``: what is missing for a ranking, else None."""

    units: list[UnitEvidence]
    message: str | None = None

    @overload
    def __getitem__(self, i: int) -> UnitEvidence: ...
    @overload
    def __getitem__(self, i: slice) -> list[UnitEvidence]: ...
    def __getitem__(self, i: int | slice) -> UnitEvidence | list[UnitEvidence]:
        return self.units[i]

    def __len__(self) -> int:
        return len(self.units)

    def __iter__(self) -> Iterator[UnitEvidence]:
        return iter(self.units)


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _finite(x: float) -> float:
    """JSON has no infinity: an odds ratio with nothing in the reference is capped."""
    return x if math.isfinite(x) else 1e9


def _odds(d: int, m: int, rest_d: int, rest_m: int) -> float:
    """The sample odds ratio of d of m against rest_d of rest_m (capped for JSON)."""
    num, den = d * (rest_m - rest_d), (m - d) * rest_d
    if den == 0:
        return 1.0 if num == 0 else _finite(math.inf)
    return num / den


def _model(e: UnitEvidence) -> ModelFit:
    assert e.model is not None
    return e.model


def _counts(e: UnitEvidence) -> UnitCounts:
    """The model's counts from the unit's lists alone (no periods): for units built
    without person views."""
    c = UnitCounts()
    c.notices["unknown"] = len(e.official_casualties)
    c.score["unknown"] = len(e.officially_missing) + len(e.shown_dead)
    c.missing["unknown"] = len(e.officially_missing)
    return c


def _shown(e: UnitEvidence) -> int:
    return len(e.shown_dead)


def _before(e: UnitEvidence) -> int:
    return len(e.dead_before_notice)


def _evidence(v: PersonView, rules: GradingRules) -> Evidence:
    official = [c for c in v.claims if c.kind in OFFICIAL_KINDS]
    classes = [rules.status_class(c.status) for c in official]
    casualty = any(k in ("missing", "dead") for k in classes)
    known_dead = any(rules.status_class(c.status) == "dead" for c in v.claims)
    missing = [c for c, k in zip(official, classes, strict=True) if k == "missing"]
    if not missing:
        return Evidence(bool(official), casualty, False, [], False, known_dead)
    groups = {c.group for c in official}
    dead = [
        c
        for c in v.claims
        if c.status in EVIDENCE_OF_DEATH and c.kind not in OFFICIAL_KINDS and c.group not in groups
    ]
    notice = max((c.published for c in missing if c.published), default=None)
    before = notice is not None and any(c.published and c.published < notice for c in dead)
    return Evidence(True, True, True, dead, before, known_dead)


def _test(ranked: list[UnitEvidence], reference: list[UnitEvidence]) -> None:
    """Each unit's independent evidence against its peers among the reference units (itself
    excluded): binomial, or beta-binomial with the peers' dispersion when they vary more
    than chance; the odds ratio is against the peers pooled."""
    for count in (_shown, _before):
        counts = {e.unit: (count(e), len(e.officially_missing)) for e in reference}
        total_m = sum(len(e.officially_missing) for e in reference)
        total_d = sum(count(e) for e in reference)
        for e in ranked:
            inside = e in reference
            m, d = len(e.officially_missing), count(e)
            rest_m = total_m - (m if inside else 0)
            rest_d = total_d - (d if inside else 0)
            name = count.__name__.strip("_")
            if count is _before:
                # Honest units have almost no deaths published before their notice, so
                # there is no ordinary spread to allow for: Fisher's exact test.
                odds, p = fisher_exact(
                    [[d, m - d], [rest_d, rest_m - rest_d]], alternative="greater"
                )
                e.tests[name] = (_finite(float(odds)), float(p))
                continue
            test = share_test(e.unit, d, m, counts, by_type=False)
            p_shown = 1.0 if test is None else test.p_value
            e.tests[name] = (_odds(d, m, rest_d, rest_m), p_shown)
            e.evidence_tests[name] = test
    notices = {e.unit: (len(e.officially_missing), len(e.official_casualties)) for e in reference}
    for e in ranked:
        # The independent evidence is its stronger test, Bonferroni-corrected for the min.
        e.evidence_p = min(1.0, 2 * min(p for _, p in e.tests.values()))
        e.odds_ratio = e.tests["shown"][0]
        m, n = len(e.officially_missing), len(e.official_casualties)
        e.share_test = share_test(e.unit, m, n, notices)  # the unit itself is left out
        e.p_value = (
            e.evidence_p if e.share_test is None else combine(e.evidence_p, e.share_test.p_value)
        )


def _correct(ranked: list[UnitEvidence], fdr: float) -> None:
    if not ranked:
        return
    reject, q, _, _ = multipletests([e.p_value for e in ranked], alpha=fdr, method="fdr_bh")
    for e, r, qv in zip(ranked, reject, q, strict=True):
        e.q_value, e.flagged = float(qv), bool(r)


def _tally(
    views: list[PersonView], units: UnitIndex, rules: GradingRules
) -> tuple[dict[str, UnitEvidence], dict[str, str]]:
    """Each unit's counts and persons; and every source seen with its kind."""
    table = {key: UnitEvidence(key, g.spellings or g.keys) for key, g in units.groups.items()}
    kinds: dict[str, str] = {}
    sources: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for v in views:
        kinds.update((c.source, c.kind) for c in v.claims)
        unit = units.person_unit.get(v.person_id)
        if unit is None:
            continue
        e = table[unit]
        e.persons += 1
        x = _evidence(v, rules)
        e.official_persons += x.official
        e.known_dead += x.known_dead
        if x.casualty:
            e.official_casualties.append(v.person_id)
        if x.missing:
            e.officially_missing.append(v.person_id)
            if x.dead:
                e.shown_dead.append(v.person_id)
                for c in x.dead:
                    sources[unit][c.source] += 1
            if x.before:
                e.dead_before_notice.append(v.person_id)
    for unit, counts in sources.items():
        table[unit].sources = dict(sorted(counts.items()))
    return table, kinds


def signal_tests(ranked: list[UnitEvidence], fdr: float) -> None:
    """The signal tests (shown beside the model; the earlier ranking): sets each unit's
    tests, p, q and their flag."""
    _test(ranked, ranked)
    _correct(ranked, fdr)
    # Second pass: against the units the first pass did not flag, so that concealing
    # units do not inflate the reference rate they are compared with.
    reference = [e for e in ranked if not e.flagged] or ranked
    _test(ranked, reference)
    _correct(ranked, fdr)


def rank_units(
    ranked: list[UnitEvidence], fdr: float, counts: dict[str, UnitCounts] | None = None
) -> list[UnitEvidence]:
    """Test, flag and rank units that have enough officially missing persons (most
    suspicious first): the signal tests, then the combined model over ``counts`` (unit →
    its notices and score), which ranks and flags."""
    signal_tests(ranked, fdr)
    given = counts or {}
    fits = fit_model({e.unit: given.get(e.unit) or _counts(e) for e in ranked}, fdr)
    for e in ranked:
        e.model = fits[e.unit]
        e.flagged = e.model.flagged
    ranked.sort(key=lambda e: (_model(e).p_value, -e.confirmed_falsified_reports,
                               -_model(e).ratio, e.unit))  # fmt: skip
    for i, e in enumerate(ranked, start=1):
        e.rank = i
    return ranked


def concealment(
    views: list[PersonView],
    units: UnitIndex,
    rules: GradingRules,
    *,
    min_missing: int = 5,
    fdr: float = 0.05,
    falsified: dict[str, list[tuple[str, str]]] | None = None,
) -> ConcealmentReport:
    """Every unit, ranked ones first (most suspicious first), then the too-little-data ones;
    with a message instead when no unit can be ranked. ``falsified``: unit key → the
    falsified missing-in-action reports naming it, as (incident id, grade) (signal 6)."""
    table, kinds = _tally(views, units, rules)
    for key, reports in sorted((falsified or {}).items()):
        group = units.group_of_key.get(key, key)
        if group in table:
            table[group].falsified_mia_reports.extend(reports)
    classes = {s: c for c, statuses in rules.status_classes.items() for s in statuses}
    more = more_signals(views, units.person_unit, classes)
    for unit, signals in more.items():
        table[unit].more = signals.as_dict(pooled(more, unit))
    ranked = rank_units(
        [e for e in table.values() if len(e.officially_missing) >= min_missing],
        fdr,
        unit_counts(views, units.person_unit, rules),
    )
    for e in table.values():
        e.flagged = e.flagged or e.confirmed_falsified_reports > 0
    rest = sorted(
        (e for e in table.values() if e.rank is None and e.persons),
        key=lambda e: (-len(e.officially_missing), e.unit),
    )
    missing = {e.unit: len(e.officially_missing) for e in rest}
    message = shortfall(kinds, missing, min_missing) if not ranked else None
    return ConcealmentReport(ranked + rest, message)


def naive_ranking(views: list[PersonView], units: UnitIndex, rules: GradingRules) -> list[str]:
    """The baseline: units by the raw share of their official-source persons listed missing,
    with no independent evidence and no test."""
    official: dict[str, int] = defaultdict(int)
    missing: dict[str, int] = defaultdict(int)
    for v in views:
        unit = units.person_unit.get(v.person_id)
        if unit is None:
            continue
        x = _evidence(v, rules)
        official[unit] += x.official
        missing[unit] += x.missing
    return sorted(
        (u for u in official if official[u]), key=lambda u: (-missing[u] / official[u], u)
    )
