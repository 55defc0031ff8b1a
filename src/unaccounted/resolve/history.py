"""Status histories: a person's dated status claims in order, never one overwritten field.

Each entry is one source's status claim dated by its publication (else, for a record with
several versions, the day the version was stored; else its event date). Every version of a
record is an entry: an earlier one stays, marked superseded by the same source, so a list
that changed a row from missing to killed shows missing, then killed.
The sequence collapses repeats (missing, missing, killed → missing → killed); its
transitions are what the analyze stage counts per unit, region and period. The
missing-to-dead delay runs from the earliest missing claim's event date to the first
publication of a death.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from unaccounted.resolve.claims import Claim
from unaccounted.resolve.rules import GradingRules

#: How a history entry of an earlier version of a record is marked.
SUPERSEDED = "superseded by the same source"


@dataclass(frozen=True)
class HistoryEntry:
    date: dt.date | None
    date_basis: str | None
    status: str
    status_class: str | None
    event_date: str | None
    claim: Claim

    def as_dict(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat() if self.date else None,
            "date_basis": self.date_basis,
            "status": self.status,
            "status_class": self.status_class,
            "event_date": self.event_date,
            "status_raw": self.claim.status_raw,
            **self.claim.provenance(),
            "version": self.claim.version,
            "superseded": SUPERSEDED if self.claim.superseded else None,
        }


@dataclass(frozen=True)
class Transition:
    before: str
    after: str
    date: dt.date


@dataclass(frozen=True)
class History:
    entries: tuple[HistoryEntry, ...]

    @property
    def sequence(self) -> list[str]:
        seq: list[str] = []
        for e in self.entries:
            if e.date is not None and (not seq or seq[-1] != e.status):
                seq.append(e.status)
        return seq

    def transitions(self) -> list[Transition]:
        found: list[Transition] = []
        last: HistoryEntry | None = None
        for e in self.entries:
            if e.date is None:
                continue
            if last is not None and e.status != last.status:
                found.append(Transition(last.status, e.status, e.date))
            last = e
        return found

    @property
    def current(self) -> str | None:
        """The latest dated status of a current claim (the last undated one when none is
        dated); a superseded version is never the current status."""
        now = [e for e in self.entries if not e.claim.superseded]
        dated = [e for e in now if e.date is not None] or now
        return dated[-1].status if dated else None

    def missing_to_dead(self) -> tuple[dt.date, dt.date | None] | None:
        """(went missing, first shown dead or None) when the person was ever missing."""
        missing = [e for e in self.entries if e.status_class == "missing" and e.date]
        if not missing:
            return None
        start = min((e.claim.event_lo or e.date) for e in missing if e.date)
        assert start is not None
        dead = [
            e.claim.published or e.date
            for e in self.entries
            if e.status_class == "dead" and (e.claim.published or e.date)
        ]
        shown = min((d for d in dead if d is not None and d >= start), default=None)
        return start, shown


def build_history(claims: list[Claim], rules: GradingRules) -> History:
    entries = [
        HistoryEntry(c.date, c.date_basis, c.status, rules.status_class(c.status), c.event_edtf, c)
        for c in claims
        if c.status
    ]
    entries.sort(
        key=lambda e: (e.date is None, e.date or dt.date.min, e.claim.label, e.claim.version)
    )
    return History(tuple(entries))
