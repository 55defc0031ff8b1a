"""Reviewers' judgements: "same person", "different persons", "unsure" about a pair.

A judgement is stored with who made it, when, and the match probability the pair had
then; it never edits a record. Every later link run honours the judgements in force
(same → must-link, different → cannot-link); a judgement can be withdrawn, which keeps
it on file but stops it being honoured. Judgements can be imported from a CSV with the
columns ``source_l, record_id_l, source_r, record_id_r, decision`` (and ``note``).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from unaccounted.errors import InputError
from unaccounted.store import Store
from unaccounted.workspace import Workspace

DECISIONS = ("same", "different", "unsure")
#: Words a reviewer may type or a CSV may hold, for each decision.
_ALIASES = {
    **dict.fromkeys(("same", "yes", "y", "match"), "same"),
    **dict.fromkeys(("different", "no", "n", "nonmatch"), "different"),
    **dict.fromkeys(("unsure", "maybe", "?"), "unsure"),
}
CSV_COLUMNS = ("source_l", "record_id_l", "source_r", "record_id_r", "decision")

Key = tuple[str, str]


def decision_of(word: str) -> str:
    d = _ALIASES.get(word.strip().lower())
    if d is None:
        raise InputError(f"unknown decision '{word}'; use one of: {', '.join(DECISIONS)}")
    return d


def parse_ref(store: Store, ref: str) -> Key:
    """``SOURCE:RECORD_ID`` → a record key; the source name may itself hold colons."""
    for i, ch in enumerate(ref):
        if ch == ":" and store.record_exists(ref[:i], ref[i + 1 :]):
            return ref[:i], ref[i + 1 :]
    if ":" not in ref:
        raise InputError(f"'{ref}' is not a record reference; write it as SOURCE:RECORD_ID")
    raise InputError(f"no record '{ref}' (SOURCE:RECORD_ID) in the workspace")


def judge(
    ws: Workspace, a: str, b: str, decision: str, note: str | None = None,
    actor: str | None = None,
) -> int:  # fmt: skip
    """Store one judgement about records ``a`` and ``b`` (``SOURCE:RECORD_ID``)."""
    with ws.store() as store, store.transaction():
        ka, kb = parse_ref(store, a), parse_ref(store, b)
        return _add(store, ka, kb, decision_of(decision), note, actor)


def _add(store: Store, a: Key, b: Key, decision: str, note: str | None,
         actor: str | None = None) -> int:  # fmt: skip
    if a == b:
        raise InputError("a record cannot be judged against itself")
    scored = store.pair_score(a, b)
    event_id = store.next_event_id()
    jid = store.add_judgement(a, b, decision, scored["match_probability"] if scored else None,
                   note, event_id, actor)  # fmt: skip
    store.log_event(event_id, "judge", {"a": list(a), "b": list(b), "decision": decision},
                    {"judgement": jid})  # fmt: skip
    return jid


def withdraw(ws: Workspace, judgement_id: int) -> None:
    with ws.store() as store, store.transaction():
        event_id = store.next_event_id()
        if not store.withdraw_judgement(judgement_id, event_id):
            raise InputError(f"no judgement {judgement_id} in force")
        store.log_event(event_id, "withdraw-judgement", {"judgement": judgement_id}, {})


def import_csv(ws: Workspace, path: Path) -> int:
    """Import judgements from a CSV (all or nothing); return how many were stored."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
            header = [h.strip().lower() for h in (rows[0].keys() if rows else [])]
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    missing = [c for c in CSV_COLUMNS if c not in header]
    if rows and missing:
        raise InputError(f"{path} lacks the column(s) {', '.join(missing)}")
    with ws.store() as store, store.transaction():
        for line, raw in enumerate(rows, start=2):
            row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
            a, b = (row["source_l"], row["record_id_l"]), (row["source_r"], row["record_id_r"])
            for key in (a, b):
                if not store.record_exists(*key):
                    raise InputError(f"{path} line {line}: no record '{key[1]}' in source "
                                     f"'{key[0]}'")  # fmt: skip
            try:
                decision = decision_of(row["decision"])
            except InputError as exc:
                raise InputError(f"{path} line {line}: {exc}") from exc
            _add(store, a, b, decision, row.get("note") or None)
    return len(rows)


def listing(ws: Workspace, include_withdrawn: bool = False) -> list[dict[str, Any]]:
    with ws.store(read_only=True) as store:
        rows = store.all_judgements()
    return [r for r in rows if include_withdrawn or r["withdrawn_at"] is None]
