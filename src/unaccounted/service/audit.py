"""The audit log: every change to the workspace, by whom and when, chained so that an
edited, deleted, reordered or inserted entry shows.

Every event the store logs carries the hash of the entry before it and its own hash, a
SHA-256 over its contents and that previous hash (:func:`unaccounted.store.types.audit_hash`);
the store keeps the chain's head — the newest entry's hash, the number of entries and the
newest entry's id — apart from the log. :func:`verify` walks the chain oldest first and
names the first entry that breaks it:

* ``edited``: an entry's contents no longer match its hash (or it was sealed again, and
  the entry after it no longer follows it);
* ``deleted``: an entry follows a hash no entry has (the one before it is gone), or the
  log ends before the head the store recorded (the newest entries are gone);
* ``reordered``: an entry follows an entry that now stands after it;
* ``inserted``: an entry without a seal, one the chain skips, or one after the head;
* ``head mismatch``: the log is whole but the head the store keeps is not its end;
* ``rewritten``: a head kept elsewhere (``audit verify --head``) is not in the log.

What it cannot see: someone who rewrites every hash from the first changed entry on *and*
the head the store keeps leaves a chain that verifies. Keep the head hash
(``audit verify --json`` prints it) somewhere the store's owner cannot change, and verify
against it (``--head``): a rewritten log no longer contains it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from unaccounted.errors import InputError
from unaccounted.service.session import Session
from unaccounted.store import Store
from unaccounted.store.types import AUDIT_GENESIS, audit_hash

_HEX64 = re.compile("[0-9a-f]{64}")


@dataclass(frozen=True)
class AuditCheck:
    """What :func:`verify` found."""

    ok: bool
    #: Entries in the log.
    entries: int
    #: The newest entry's hash as found (the head to keep elsewhere); the genesis hash of
    #: an empty log.
    head: str
    #: The first bad entry's id (for deleted newest entries: the newest id the store
    #: recorded), or None.
    entry: int | None = None
    #: ``edited``, ``deleted``, ``reordered``, ``inserted``, ``head mismatch``, ``rewritten``.
    reason: str | None = None
    detail: str = ""

    @property
    def summary(self) -> str:
        """One line for a person."""
        if self.ok:
            return f"audit log intact: {self.entries} entries"
        where = f" at entry {self.entry}" if self.entry is not None else ""
        return f"audit log broken{where} ({self.reason}): {self.detail}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the audit log."""

    event_id: int
    logged_at: dt.datetime
    actor: str
    action: str
    args: Any
    counts: Any
    outcome: str
    message: str | None
    entry_hash: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def verify(s: Session, head: str | None = None) -> AuditCheck:
    """Walk the audit chain and name the first entry that breaks it; with ``head`` (a hash
    kept elsewhere), also check that the log still holds that entry."""
    if head is not None and not _HEX64.fullmatch(head.strip().lower()):
        raise InputError(
            f"--head {head!r}: expected the 64 hexadecimal characters of a head that "
            "'audit verify --json' printed"
        )
    return check_store(s.read("audit-verify"), head)


def check_store(store: Store, kept: str | None = None) -> AuditCheck:
    """:func:`check_chain` over a store's log and recorded head (``doctor`` uses it too)."""
    return check_chain(store.audit_entries(), store.audit_head(), kept)


def check_chain(
    entries: Sequence[Mapping[str, Any]], recorded: Mapping[str, Any], kept: str | None = None
) -> AuditCheck:
    """Check a log (oldest first) against the head the store recorded (``head``,
    ``count``, ``last``) and, when given, a head ``kept`` elsewhere; see the module doc."""
    found = _walk(entries, recorded)
    if found.ok and kept is not None and kept.strip().lower() not in _hashes(entries):
        return _bad(
            found,
            None,
            "rewritten",
            f"the head you kept ({kept.strip()[:16]}…) is not "
            "in the log: the log was rewritten or is not this workspace's",
        )
    return found


def _hashes(entries: Sequence[Mapping[str, Any]]) -> set[str]:
    return {str(e["entry_hash"]) for e in entries if e["entry_hash"]}


def _walk(entries: Sequence[Mapping[str, Any]], recorded: Mapping[str, Any]) -> AuditCheck:
    # where each hash stands in the log (the genesis "stands" before the first entry)
    position: dict[str, int] = {AUDIT_GENESIS: -1}
    for i, e in enumerate(entries):
        if e["entry_hash"]:
            position.setdefault(str(e["entry_hash"]), i)
    head_at = position.get(str(recorded.get("head")))
    ids = [int(e["event_id"]) for e in entries]
    last_hash = str(entries[-1]["entry_hash"]) if entries else AUDIT_GENESIS
    ok = AuditCheck(True, len(entries), last_hash)
    prev = AUDIT_GENESIS
    for i, e in enumerate(entries):
        eid = ids[i]
        if head_at is not None and i == head_at + 1:
            return _bad(
                ok,
                eid,
                "inserted",
                f"entry {eid} comes after the newest entry the store "
                f"wrote ({_entry_or_start(ids, head_at)}): it was added to the log since",
            )
        if not e["entry_hash"] or not e["prev_hash"]:
            return _bad(
                ok, eid, "inserted", f"entry {eid} carries no seal: unaccounted did not write it"
            )
        if e["prev_hash"] != prev:
            follows = position.get(str(e["prev_hash"]))
            if follows is not None and follows > i:
                return _bad(
                    ok,
                    eid,
                    "reordered",
                    f"entry {eid} was written after entry "
                    f"{ids[follows]}, which now stands after it",
                )
            if follows is not None and follows < i - 1:
                return _bad(
                    ok,
                    ids[follows + 1],
                    "inserted",
                    f"entry {ids[follows + 1]} is not "
                    f"in the chain: entry {eid} was written right after "
                    f"{_entry_or_start(ids, follows)}",
                )
            if recorded.get("count") == len(ids) and i:  # nothing missing: replaced
                return _bad(
                    ok,
                    ids[i - 1],
                    "edited",
                    f"entry {ids[i - 1]} was changed and "
                    f"sealed again: entry {eid} was written after another entry",
                )
            before = f"entry {ids[i - 1]}" if i else "the start"
            return _bad(
                ok,
                eid,
                "deleted",
                f"the entry written before entry {eid} is missing "
                f"(the log goes from {before} to entry {eid})",
            )
        if audit_hash(e, str(e["prev_hash"])) != e["entry_hash"]:
            return _bad(
                ok,
                eid,
                "edited",
                f"entry {eid} was changed after it was written (its "
                "contents no longer match its hash)",
            )
        prev = str(e["entry_hash"])
    return _check_head(ok, ids, prev, recorded)


def _entry_or_start(ids: Sequence[int], at: int) -> str:
    return f"entry {ids[at]}" if at >= 0 else "the start"


def _check_head(
    ok: AuditCheck, ids: Sequence[int], end: str, recorded: Mapping[str, Any]
) -> AuditCheck:
    head, count, last = recorded.get("head"), recorded.get("count"), recorded.get("last")
    newest = ids[-1] if ids else 0
    if head == end and count == len(ids) and last == newest:
        return ok
    if isinstance(last, int) and last > newest and head != end:
        missing = f"{count - len(ids)} of {count}" if isinstance(count, int) else "some"
        return _bad(
            ok,
            last,
            "deleted",
            f"the newest entries are missing ({missing}): the log "
            f"ends at {_entry_or_start(ids, len(ids) - 1)}, the store last wrote entry "
            f"{last}",
        )
    return _bad(
        ok,
        None,
        "head mismatch",
        f"the head the store keeps (entry {last}, {count} "
        f"entries, hash {str(head)[:16]}…) is not the end of the log (entry {newest}, "
        f"{len(ids)} entries, hash {end[:16]}…)",
    )


def _bad(ok: AuditCheck, entry: int | None, reason: str, detail: str) -> AuditCheck:
    return AuditCheck(False, ok.entries, ok.head, entry, reason, detail)


def log(
    s: Session,
    actor: str | None = None,
    since: dt.date | dt.datetime | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """The audit log, newest first: entries by ``actor``, logged on or after ``since`` (a
    day is taken from its local midnight), of ``action``; at most ``limit``."""
    if limit is not None and limit < 1:
        raise InputError(f"--limit {limit}: expected 1 or more")
    store = s.read("audit-log")
    rows = store.audit_log(actor=actor, since=_moment(since), action=action, limit=limit)
    return [
        AuditEntry(
            int(r["event_id"]),
            r["logged_at"],
            r["actor"],
            r["command"],
            _json(r["args"]),
            _json(r["counts"]),
            r["outcome"],
            r["message"],
            r["entry_hash"],
        )
        for r in rows
    ]


def parse_since(text: str) -> dt.date | dt.datetime:
    """``--since``: a day (``2026-03-01``) or a moment (``2026-03-01T14:00``, local time
    unless it names its zone)."""
    try:
        if len(text.strip()) == 10:
            return dt.date.fromisoformat(text.strip())
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"--since {text!r}: expected a day (2026-03-01) or a moment (2026-03-01T14:00)"
        ) from None


def _moment(since: dt.date | dt.datetime | None) -> dt.datetime | None:
    if since is None:
        return None
    if not isinstance(since, dt.datetime):
        since = dt.datetime.combine(since, dt.time())
    return since if since.tzinfo is not None else since.astimezone()


def _json(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text
