"""The numbers of the HTML report, taken from the resolve and analyze stages.

Every count is a count of persons of the current clustering by their **outcome** — the
outcome their grade was given for (``dead`` when any source states a death, else the class
of the latest dated status claim) — and their **grade**. A person's month is the month of
his best event date (the date of death or disappearance) when that date is known to the
month. Nothing is computed here that the analyze stage already computes: concealment,
unit alias groups and dossiers are its results, shown as they are.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from unaccounted.analyze import Analysis, analyze
from unaccounted.analyze.concealment import ConcealmentReport, UnitEvidence
from unaccounted.analyze.dossier import by_region, region_dossier, unit_dossier
from unaccounted.resolve.person import PersonView
from unaccounted.resolve.rules import GRADES
from unaccounted.workspace import Workspace

#: Outcomes in the order a reader meets them.
OUTCOMES = ("dead", "missing", "captured", "alive", "none")
_MONTH = re.compile(r"^(\d{4}-\d{2})(-\d{2})?$")


def event_month(edtf: str | None) -> str | None:
    """``YYYY-MM`` when a date is known to the month or the day, else None."""
    m = _MONTH.match(edtf or "")
    return m.group(1) if m else None


def slug(text: str, taken: set[str]) -> str:
    """A file-name-safe, unique slug of a unit key or region code."""
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"
    found, n = base, 1
    while found in taken:
        n += 1
        found = f"{base}-{n}"
    taken.add(found)
    return found


@dataclass(frozen=True)
class PersonRow:
    person_id: str
    name: str
    outcome: str
    status: str | None
    grade: str
    rule: str
    unit: str | None
    region: str | None
    category: str | None
    event_date: str | None
    sources: tuple[str, ...]


@dataclass
class Tally:
    """Persons by outcome and by grade."""

    persons: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    grades: Counter[str] = field(default_factory=Counter)

    def add(self, p: PersonRow) -> None:
        self.persons += 1
        self.outcomes[p.outcome] += 1
        self.grades[p.grade] += 1


@dataclass
class GroupPage:
    """A unit or a region: its persons, the analyze stage's dossier, its page's file name."""

    key: str
    slug: str
    name: str
    tally: Tally
    people: list[PersonRow]
    dossier: dict[str, Any]
    evidence: UnitEvidence | None = None


@dataclass(frozen=True)
class SourceRow:
    name: str
    slug: str
    kind: str
    group: str
    publisher: str | None
    url: str | None
    records: int
    rejects: int
    persons: int


@dataclass
class ReportData:
    title: str
    #: The workspace folder's name (never its absolute path).
    workspace: str
    generated: str
    data_as_of: str | None
    counts: dict[str, int]
    people: list[PersonRow]
    total: Tally
    grade_by_outcome: dict[str, Counter[str]]
    months: list[tuple[str, int, int]]
    month_unknown: dict[str, int]
    categories: list[tuple[str, int, int, int]]
    rules: list[dict[str, Any]]
    rules_file: str
    units: list[GroupPage]
    no_unit: Tally
    regions: list[GroupPage]
    no_region: Tally
    concealment: ConcealmentReport
    concealment_settings: dict[str, float]
    sources: list[SourceRow]
    _unit_pages: dict[str, GroupPage] = field(default_factory=dict, repr=False)

    @property
    def ranked(self) -> list[UnitEvidence]:
        return [e for e in self.concealment if e.rank is not None]

    @property
    def reference_counts(self) -> tuple[int, int]:
        """(shown dead, officially missing) over all ranked units together."""
        return (
            sum(len(e.shown_dead) for e in self.ranked),
            sum(len(e.officially_missing) for e in self.ranked),
        )

    @property
    def reference_share(self) -> float | None:
        dead, missing = self.reference_counts
        return dead / missing if missing else None

    def unit_name(self, key: str) -> str:
        page = self.unit_page(key)
        return page.name if page is not None else key

    def unit_page(self, key: str) -> GroupPage | None:
        if len(self._unit_pages) != len(self.units):
            self._unit_pages = {u.key: u for u in self.units}
        return self._unit_pages.get(key)


def _best(v: PersonView, name: str) -> str | None:
    b = v.best.get(name)
    return str(b.value) if b is not None else None


def person_rows(analysis: Analysis) -> list[PersonRow]:
    return [
        PersonRow(
            person_id=v.person_id,
            name=v.name,
            outcome=v.grade.fate,
            status=v.history.current,
            grade=v.grade.grade,
            rule=v.grade.rule,
            unit=analysis.units.person_unit.get(v.person_id),
            region=_best(v, "region"),
            category=_best(v, "category"),
            event_date=_best(v, "event_date"),
            sources=tuple(sorted({c.source for c in v.claims})),
        )
        for v in analysis.views
    ]


def _months(people: list[PersonRow]) -> tuple[list[tuple[str, int, int]], dict[str, int]]:
    """Dead and missing per month, every month from the first to the last (gaps as zero)."""
    by: dict[str, Counter[str]] = {"dead": Counter(), "missing": Counter()}
    unknown: Counter[str] = Counter()
    for p in people:
        if p.outcome in by:
            month = event_month(p.event_date)
            if month:
                by[p.outcome][month] += 1
            else:
                unknown[p.outcome] += 1
    seen = sorted(set(by["dead"]) | set(by["missing"]))
    months: list[str] = []
    if seen:
        y, m = int(seen[0][:4]), int(seen[0][5:])
        while f"{y:04d}-{m:02d}" <= seen[-1]:
            months.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    rows = [(k, by["dead"][k], by["missing"][k]) for k in months]
    return rows, {"dead": unknown["dead"], "missing": unknown["missing"]}


def _tally(people: list[PersonRow]) -> Tally:
    t = Tally()
    for p in people:
        t.add(p)
    return t


def unit_names(analysis: Analysis) -> dict[str, str]:
    """Each unit group's name: the commonest spelling of the key that names the group
    (``omsbr:102`` → «102 ОМСБр»), else of any of its keys."""
    spelled: dict[str, Counter[str]] = {}
    for v in analysis.views:
        for c in v.claims:
            key, raw = c.value("unit_key") or c.value("unit_class_key"), c.value("raw_unit")
            if key in analysis.units.groups and raw:
                spelled.setdefault(key, Counter())[str(raw)] += 1
    return {
        key: spelled[key].most_common(1)[0][0]
        if key in spelled
        else (g.spellings[0] if g.spellings else key)
        for key, g in analysis.units.groups.items()
    }


def _units(
    analysis: Analysis, people: list[PersonRow], report: ConcealmentReport
) -> list[GroupPage]:
    evidence = {e.unit: e for e in report}
    names = unit_names(analysis)
    members: dict[str, list[PersonRow]] = {}
    for p in people:
        if p.unit is not None:
            members.setdefault(p.unit, []).append(p)
    view_of = {v.person_id: v for v in analysis.views}
    taken: set[str] = set()
    pages = []
    for key in sorted(members):
        views = [view_of[p.person_id] for p in members[key]]
        pages.append(
            GroupPage(
                key=key,
                slug=slug(key, taken),
                name=names[key],
                tally=_tally(members[key]),
                people=members[key],
                dossier=unit_dossier(analysis, key, views),
                evidence=evidence.get(key),
            )
        )
    pages.sort(key=lambda g: (-g.tally.outcomes["dead"], -g.tally.persons, g.key))
    return pages


def _regions(analysis: Analysis, people: list[PersonRow]) -> list[GroupPage]:
    spellings: dict[str, Counter[str]] = {}
    for v in analysis.views:
        b = v.best.get("region")
        if b is not None:
            spellings.setdefault(str(b.value), Counter())[str(b.shown)] += 1
    members: dict[str, list[PersonRow]] = {}
    for p in people:
        if p.region is not None:
            members.setdefault(p.region, []).append(p)
    views = by_region(analysis.views)
    taken: set[str] = set()
    pages = [
        GroupPage(
            key=code,
            slug=slug(code, taken),
            name=spellings[code].most_common(1)[0][0],
            tally=_tally(members[code]),
            people=members[code],
            dossier=region_dossier(analysis, code, views[code.strip().upper()]),
        )
        for code in sorted(members)
    ]
    pages.sort(key=lambda g: (-g.tally.outcomes["dead"], -g.tally.persons, g.key))
    return pages


def _categories(people: list[PersonRow]) -> list[tuple[str, int, int, int]]:
    """(category as written, persons, dead, missing), most persons first."""
    rows: dict[str, list[int]] = {}
    for p in people:
        r = rows.setdefault(p.category or "", [0, 0, 0])
        r[0] += 1
        r[1] += p.outcome == "dead"
        r[2] += p.outcome == "missing"
    found = [(k, n, dead, missing) for k, (n, dead, missing) in rows.items()]
    return sorted(found, key=lambda r: (r[0] == "", -r[1], r[0]))


def report_data(
    ws: Workspace, title: str, falsified: dict[str, list[tuple[str, str]]] | None = None
) -> ReportData:
    """Everything the report shows, from one analysis of the workspace; ``falsified``: the
    falsified missing-in-action reports naming each unit (signal 6)."""
    analysis = analyze(ws)
    report = analysis.concealment(ws, falsified)
    with ws.store(read_only=True) as store:
        counts = store.counts()  # its persons are those of the views: one definition
        source_rows = store.sources()
        event = store.latest_event()
    people = person_rows(analysis)
    months, unknown = _months(people)
    by_outcome: dict[str, Counter[str]] = {o: Counter() for o in OUTCOMES}
    for p in people:
        by_outcome.setdefault(p.outcome, Counter())[p.grade] += 1
    rule_counts = Counter(p.rule for p in people)
    persons_of: Counter[str] = Counter(s for p in people for s in p.sources)
    taken: set[str] = set()
    s = ws.settings.resolve
    return ReportData(
        title=title,
        workspace=ws.root.name,  # the folder's name: no absolute path is published
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        data_as_of=(
            f"{event['logged_at']:%Y-%m-%d %H:%M} (store event {event['event_id']}, "
            f"'{event['command']}')"
            if event
            else None
        ),
        counts=counts,
        people=people,
        total=_tally(people),
        grade_by_outcome=by_outcome,
        months=months,
        month_unknown=unknown,
        categories=_categories(people),
        rules=[
            {
                "id": r.id,
                "grade": r.grade,
                "description": r.description,
                "persons": rule_counts[r.id],
            }
            for r in analysis.rules.rules
        ],
        rules_file=str(ws.settings.resolve.rules_file),  # relative to the workspace
        units=_units(analysis, people, report),
        no_unit=_tally([p for p in people if p.unit is None]),
        regions=_regions(analysis, people),
        no_region=_tally([p for p in people if p.region is None]),
        concealment=report,
        concealment_settings={"min_missing": s.concealment_min_missing, "fdr": s.concealment_fdr},
        sources=[
            SourceRow(
                name=str(r["name"]),
                slug=slug(str(r["name"]), taken),
                kind=str(r["kind"]),
                group=str(r["independence_group"]),
                publisher=r["publisher"],
                url=r["url"],
                records=int(r["records"]),
                rejects=int(r["rejects"]),
                persons=persons_of[str(r["name"])],
            )
            for r in source_rows
        ],
    )


__all__ = ["GRADES", "OUTCOMES", "ReportData", "report_data"]
