"""Plain values that cross the store's interface: record keys, ingest parts, deaths.

Nothing here knows SQL; every backend and every stage may import this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from unaccounted.columns import VALUE_COLUMNS

#: Text columns of the store that may hold sealed values (``enc:v1:…`` tokens, see
#: ``unaccounted/protect.py``): (table, column). The event log never holds a record's value.
TOKEN_COLUMNS: tuple[tuple[str, str], ...] = (
    *(("records", c) for c in VALUE_COLUMNS),
    ("records", "extra"),
    ("rejects", "raw"),
    ("person_views", "claims"),
    ("person_views", "best"),
    ("person_views", "grading"),
    ("person_views", "detail"),
)

#: A record's key: ``(source name, record id)``.
Key = tuple[str, str]

#: Normalized statuses that state a death (the nowcast counts these).
DEATH_STATUSES: tuple[str, ...] = ("killed", "died_of_wounds", "died", "declared_dead")


def ordered(a: Key, b: Key) -> tuple[Key, Key]:
    """A pair of records in canonical order: the smaller key on the left."""
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class StageColumn:
    """One input column: its stage column name, its header as found, its canonical name.

    ``default`` fills the column's empty cells (a mapping's ``defaults``); a column with
    ``in_file`` false is not in the file at all and holds its default on every row.
    """

    name: str
    header: str
    canonical: str | None
    default: str | None = None
    in_file: bool = True


@dataclass(frozen=True)
class SourceMeta:
    """Source attributes given on the command line or in a mapping (None = not given)."""

    kind: str | None = None
    publisher: str | None = None
    url: str | None = None
    independence_group: str | None = None
    #: True marks the source confidential (an ingest never unmarks one).
    confidential: bool = False


@dataclass(frozen=True)
class Part:
    """One table of one file (a CSV, or one sheet of a workbook), staged as ``stage_<n>``."""

    number: int
    file_sha256: str
    path: str
    sheet: str | None
    columns: tuple[StageColumn, ...]
    default_source: str

    def by_canonical(self) -> dict[str, StageColumn]:
        return {c.canonical: c for c in self.columns if c.canonical}

    def extras(self) -> list[StageColumn]:
        return [c for c in self.columns if c.canonical is None]


@dataclass(frozen=True)
class Deaths:
    """One row per death: ``(event day or None, day it became known)``."""

    unit: str  # "person" or "record"
    rows: list[tuple[dt.date | None, dt.date]]
    #: How many of the deaths' records had no publication date (their ingest day was used).
    ingest_dated: int
    #: The latest publication date of any death's record (None: no record has one).
    latest_published: dt.date | None = None


#: The parts of a stored person view kept as texts of their own (resolve/serial.py).
TEXTS = ("claims", "best", "grading", "detail")


@dataclass(frozen=True)
class Inputs:
    """What a person's view was (or must be) made from."""

    fingerprint: str
    cluster_event: int


@dataclass(frozen=True)
class Staleness:
    """Persons whose views must be (re)made, with their inputs, and views to delete."""

    stale: dict[str, Inputs]
    gone: list[str]

    @property
    def empty(self) -> bool:
        return not self.stale and not self.gone
