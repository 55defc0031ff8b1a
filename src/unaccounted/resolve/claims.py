"""Claims: one source's statement about one person, with its provenance and its date.

A claim is one version of a record of a person's cluster seen through its normalized
fields. The current version is the record's claim; an earlier version stays a claim marked
``superseded`` (by the same source), which only the status history reads, so that a record
that changed from missing to killed shows the transition. Nothing here edits a record; the
raw values stay next to the normalized ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any


@dataclass(frozen=True)
class Claim:
    person_id: str
    source: str
    record_id: str
    kind: str
    group: str
    status: str | None = None
    status_raw: str | None = None
    published: dt.date | None = None
    event_lo: dt.date | None = None
    event_hi: dt.date | None = None
    event_edtf: str | None = None
    birth_lo: dt.date | None = None
    birth_hi: dt.date | None = None
    birth_edtf: str | None = None
    url: str | None = None
    quote: str | None = None
    #: the day this version was stored, set only for a record with several versions
    recorded: dt.date | None = None
    version: int = 1
    #: a newer version of the same record replaced this one
    superseded: bool = False
    #: every other value: normalized (``surname``, ``unit_key``, …) and raw (``raw_unit``, …)
    values: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def date(self) -> dt.date | None:
        """When the claim was made: its publication date, else (for a record with several
        versions) the day the version was stored, else the start of its event."""
        return self.published or self.recorded or self.event_lo

    @property
    def date_basis(self) -> str | None:
        if self.published:
            return "published"
        return "recorded" if self.recorded else "event" if self.event_lo else None

    @property
    def label(self) -> str:
        return f"{self.source} / {self.record_id}"

    def value(self, name: str) -> Any:
        return self.values.get(name)

    def provenance(self) -> dict[str, Any]:
        """The source facts a reader needs to check the claim."""
        return {
            "source": self.source,
            "record_id": self.record_id,
            "kind": self.kind,
            "independence_group": self.group,
            "url": self.url or self.values.get("source_url"),
            "quote": self.quote,
            "published": self.published.isoformat() if self.published else None,
        }


_TYPED = {
    "person_id",
    "source_id",
    "record_id",
    "kind",
    "independence_group",
    "status",
    "raw_status",
    "published_date",
    "event_lo",
    "event_hi",
    "event_edtf",
    "birth_lo",
    "birth_hi",
    "birth_edtf",
    "url",
    "quote",
    "recorded_date",
    "version",
    "superseded",
}


def claim_from_row(row: dict[str, Any]) -> Claim:
    """A claim from one row of ``store.resolve`` (its column names)."""
    return Claim(
        person_id=str(row["person_id"]),
        source=str(row["source_id"]),
        record_id=str(row["record_id"]),
        kind=str(row["kind"]),
        group=str(row["independence_group"]),
        status=row.get("status"),
        status_raw=row.get("raw_status"),
        published=row.get("published_date"),
        event_lo=row.get("event_lo"),
        event_hi=row.get("event_hi"),
        event_edtf=row.get("event_edtf"),
        birth_lo=row.get("birth_lo"),
        birth_hi=row.get("birth_hi"),
        birth_edtf=row.get("birth_edtf"),
        url=row.get("url"),
        quote=row.get("quote"),
        recorded=row.get("recorded_date"),
        version=int(row.get("version") or 1),
        superseded=bool(row.get("superseded")),
        values={k: v for k, v in row.items() if k not in _TYPED and v is not None},
    )


def claims_by_person(rows: Iterable[dict[str, Any]]) -> Iterator[tuple[str, list[Claim]]]:
    """Group rows ordered by person into ``(person_id, claims)``."""
    for person, group in groupby(rows, key=lambda r: str(r["person_id"])):
        yield person, [claim_from_row(r) for r in group]
