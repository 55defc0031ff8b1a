"""Reviewing pairs in a team: the review queue with leases, a pair side by side, decisions
and their undo, and a reviewer's split and merge on a person page.

The queue is the link stage's uncertain pairs (:func:`unaccounted.service.link.review_queue`)
without the pairs already inside one person. Two reviewers never get the same pair at the
same moment: a pair handed out is *leased* to its reviewer for :data:`LEASE_SECONDS`. The
leases live in the process that owns the store (the web server); they are not stored.
Every decision, split and merge is a judgement through the service, undone by withdrawing it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from unaccounted.errors import InputError
from unaccounted.link.judgements import judge
from unaccounted.protect import redact
from unaccounted.service.link import add_judgement, explain_pair, judgements, review_queue
from unaccounted.service.session import Session

#: How long a pair handed to a reviewer stays theirs without a decision.
LEASE_SECONDS = 300.0
#: How many queued pairs are looked at for the next free one.
WINDOW = 5000
#: The raw fields shown side by side, in this order.
FIELDS = ("full_name", "surname", "given_name", "patronymic", "sex", "birth_date", "age",
          "status", "event_date", "event_place", "unit", "rank", "category", "region",
          "hometown", "quote", "url", "published")  # fmt: skip

Clock = Callable[[], float]


def ref(source: str, record_id: str) -> str:
    """A record reference as the command line writes it: ``SOURCE:RECORD_ID``."""
    return f"{source}:{record_id}"


@dataclass
class Leases:
    """Which reviewer holds which pair, until when (thread-safe, in memory)."""

    seconds: float = LEASE_SECONDS
    clock: Clock = time.monotonic
    _held: dict[tuple[str, str], tuple[str, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: the person of every record, as of the event it was read after (the queue's filter)
    _persons: tuple[Any, dict[tuple[str, str], str]] = (None, {})
    #: one reading of it at a time (requests served side by side share it)
    _reading: threading.Lock = field(default_factory=threading.Lock)
    #: the queue's first :data:`WINDOW` pairs, as of the event and review band read with
    _queue: tuple[Any, list[dict[str, Any]]] = (None, [])

    def queue(self, s: Session) -> list[dict[str, Any]]:
        """The queue's first pairs, read again only after the store changed (a decision,
        a link run: every write logs an event) or the review band did."""
        latest = s.store.latest_event()
        cfg = s.workspace.settings.link
        stamp = (latest["event_id"] if latest else None, cfg.review_low, cfg.review_high)
        if self._queue[0] == stamp:
            return self._queue[1]
        rows = review_queue(s, WINDOW)
        self._queue = (stamp, rows)
        return rows

    def persons(self, s: Session) -> dict[tuple[str, str], str]:
        """The person of every record, read again only after the store changed."""
        latest = s.store.latest_event()
        stamp = latest["event_id"] if latest else None
        if self._persons[0] == stamp and self._persons[1]:
            return self._persons[1]
        with self._reading:
            if self._persons[0] != stamp or not self._persons[1]:
                table = s.store.current_assignment().to_pydict()
                found = dict(zip(zip(table["source_id"], table["record_id"], strict=True),
                                 table["person_id"], strict=True))  # fmt: skip
                self._persons = (stamp, found)
            return self._persons[1]

    def take(self, pair: tuple[str, str], reviewer: str) -> bool:
        """Lease ``pair`` to ``reviewer`` unless someone else holds it; renew one's own."""
        now = self.clock()
        with self._lock:
            holder = self._held.get(pair)
            if holder and holder[0] != reviewer and holder[1] > now:
                return False
            for key in [k for k, (who, _) in self._held.items() if who == reviewer]:
                del self._held[key]  # one pair per reviewer at a time
            self._held[pair] = (reviewer, now + self.seconds)
            return True

    def release(self, reviewer: str) -> None:
        with self._lock:
            for key in [k for k, (who, _) in self._held.items() if who == reviewer]:
                del self._held[key]


@dataclass(frozen=True)
class FieldRow:
    name: str
    left: str | None
    right: str | None
    #: "same", "differ" or "one" (only one source states it), as the sources wrote them
    state: str


@dataclass(frozen=True)
class ReviewPair:
    a: str
    b: str
    probability: float
    fields: list[FieldRow]
    #: the linkage's comparisons: label, weight and the matching keys on each side
    evidence: list[dict[str, Any]]
    persons: tuple[str | None, str | None]


@dataclass(frozen=True)
class Progress:
    decided: int
    remaining: int


#: Which raw fields each of the linkage's comparisons judges.
COMPARED = {"surname": ("full_name", "surname"), "given_name": ("full_name", "given_name"),
            "patronymic": ("full_name", "patronymic"), "birth_date": ("birth_date", "age"),
            "event_date": ("event_date",), "unit": ("unit",),
            "place": ("region", "hometown", "event_place")}  # fmt: skip


def _judged(evidence: list[dict[str, Any]]) -> dict[str, str]:
    """Agreement of raw fields as the linkage saw it: a field agrees when every comparison
    that reads it weighs for the match, disagrees when any weighs against."""
    states: dict[str, str] = {}
    for c in evidence:
        weight = float(c.get("weight") or 0.0)
        if weight == 0.0:
            continue
        for name in COMPARED.get(str(c.get("comparison")), ()):
            if weight < 0:
                states[name] = "differ"
            else:
                states.setdefault(name, "same")
    return states


def _state(left: str | None, right: str | None, judged: str | None) -> str:
    if not left or not right:
        return "one"
    if left.strip().casefold() == right.strip().casefold():
        return "same"
    return judged or "differ"


def _open_pairs(s: Session, leases: Leases) -> Iterator[dict[str, Any]]:
    """Queued pairs whose records are not already one person, most uncertain first."""
    s.check("review-queue")
    rows = leases.queue(s)
    persons = leases.persons(s) if rows else {}
    for row in rows:
        left = persons.get((row["source_id_l"], row["record_id_l"]))
        right = persons.get((row["source_id_r"], row["record_id_r"]))
        if left is None or left != right:
            yield row


def raw_record(s: Session, source: str, record_id: str) -> dict[str, Any]:
    """A record's values as its source wrote them (``InputError`` if there is none)."""
    raw, _ = s.read("review-queue").record_with_fields(source, record_id)
    if raw is None:
        raise InputError(f"no record '{ref(source, record_id)}' in the workspace")
    shown: dict[str, Any] = redact(raw)  # sealed values read [protected]
    return shown


def pair(s: Session, a: tuple[str, str], b: tuple[str, str]) -> ReviewPair:
    """Two records side by side: raw fields with agreement, and the match evidence."""
    left, right = raw_record(s, *a), raw_record(s, *b)
    explained = explain_pair(s, ref(*a), ref(*b))
    judged = _judged(list(explained.get("comparisons") or []))
    rows = []
    for name in FIELDS:
        lv, rv = left.get(name), right.get(name)
        if lv in (None, "") and rv in (None, ""):
            continue
        lt, rt = (None if v in (None, "") else str(v) for v in (lv, rv))
        rows.append(FieldRow(name, lt, rt, _state(lt, rt, judged.get(name))))
    store = s.store
    return ReviewPair(
        a=ref(*a), b=ref(*b),
        probability=float(explained.get("match_probability") or 0.0),
        fields=rows,
        evidence=list(explained.get("comparisons") or []),
        persons=(store.person_of(*a), store.person_of(*b)),
    )  # fmt: skip


def next_pair(
    s: Session, leases: Leases, reviewer: str, skipped: Iterable[str] = ()
) -> ReviewPair | None:
    """The most informative open pair no other reviewer holds, leased to ``reviewer``."""
    passed = set(skipped)
    for row in _open_pairs(s, leases):
        a = (row["source_id_l"], row["record_id_l"])
        b = (row["source_id_r"], row["record_id_r"])
        key = (ref(*a), ref(*b))
        if "|".join(key) in passed:
            continue
        if leases.take(key, reviewer):
            return pair(s, a, b)
    leases.release(reviewer)
    return None


def progress(s: Session, leases: Leases) -> Progress:
    """Judgements in force, and the open pairs still to decide."""
    return Progress(len(judgements(s)), sum(1 for _ in _open_pairs(s, leases)))


def decide(s: Session, leases: Leases, reviewer: str, a: str, b: str, decision: str) -> int:
    """Store a reviewer's decision about a pair (same, different, unsure); return its id."""
    jid = add_judgement(s, a, b, decision)
    leases.release(reviewer)
    return jid


def judgements_of(s: Session, refs: Iterable[str]) -> list[dict[str, Any]]:
    """The judgements in force that name any of the records ``refs``."""
    wanted = set(refs)
    return [
        j for j in judgements(s)
        if ref(j["source_id_l"], j["record_id_l"]) in wanted
        or ref(j["source_id_r"], j["record_id_r"]) in wanted
    ]  # fmt: skip


def _records_of(s: Session, person_id: str) -> list[str]:
    store = s.read("person")
    rows = store.person_records(person_id)
    if not rows:
        raise InputError(f"no person '{person_id}' in the current clustering")
    return [ref(r["source_id"], r["record_id"]) for r in rows]


def split_record(s: Session, person_id: str, record: str) -> list[int]:
    """Judge ``record`` a different person from every other record of ``person_id``."""
    others = _records_of(s, person_id)
    if record not in others:
        raise InputError(f"record '{record}' is not part of {person_id}")
    others.remove(record)
    if not others:
        raise InputError(f"{person_id} has one record only; there is nothing to split")
    with s.write("split-record", {"person": person_id, "record": record}) as work:
        return [judge(work.ws, record, o, "different", f"split out of {person_id}", s.actor)
                for o in others]  # fmt: skip


def merge_persons(s: Session, person_id: str, other_id: str) -> int:
    """Judge the first records of two persons the same person; return the judgement id."""
    if person_id == other_id:
        raise InputError("a person cannot be merged with itself")
    a, b = _records_of(s, person_id)[0], _records_of(s, other_id)[0]
    with s.write("merge-persons", {"person": person_id, "other": other_id}) as work:
        return judge(work.ws, a, b, "same", f"merge {person_id} with {other_id}", s.actor)
