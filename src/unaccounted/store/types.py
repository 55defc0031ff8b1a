"""Plain values that cross the store's interface: record keys, ingest parts, deaths, and
the hash that chains the audit log.

Nothing here knows SQL; every backend and every stage may import this module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
    ("testimonies", "original_sealed"),
    ("testimonies", "witness_sealed"),
    ("testimonies", "witness_contact_sealed"),
    ("incident_involvements", "actor_name"),
    ("suggestions", "quote"),
    ("suggestions", "value"),
    ("suggestions", "decided_value"),
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


#: The fields of an event that its audit hash seals, besides the previous entry's hash:
#: every column of the ``events`` table but the two hashes themselves.
AUDIT_FIELDS: tuple[str, ...] = (
    "event_id", "logged_at", "actor", "command", "args", "counts", "outcome", "message",
    "version",
)  # fmt: skip

#: The "previous hash" of the first entry of an audit chain.
AUDIT_GENESIS = "0" * 64


def audit_time(value: dt.datetime) -> str:
    """An event's time in the canonical form the hash seals: UTC, to the microsecond
    (a time without a zone is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def audit_hash(entry: Mapping[str, Any], prev_hash: str) -> str:
    """The SHA-256 (hex) that seals one event: a canonical JSON text (sorted keys, no
    spaces, UTF-8) of its :data:`AUDIT_FIELDS` as stored — ``args`` and ``counts`` are the
    stored JSON texts, the time is :func:`audit_time` — and of ``prev_hash``, the hash of
    the entry before it (:data:`AUDIT_GENESIS` for the first)."""
    fields: dict[str, Any] = {name: entry.get(name) for name in AUDIT_FIELDS}
    fields["event_id"] = int(fields["event_id"])
    when = fields["logged_at"]
    fields["logged_at"] = audit_time(when) if isinstance(when, dt.datetime) else when
    fields["prev_hash"] = prev_hash
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
