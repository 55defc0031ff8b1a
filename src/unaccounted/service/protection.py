"""Protected values in the service: who sees them, confidential sources, the key's status
and its rotation (docs/protection.md).

Every value that leaves the service — a person, a dossier, an export, a review pair — is
*redacted* (each sealed value reads ``[protected]``) unless the caller asks to see the
values and the actor may (``view-protected``, or ``export-protected`` for an export). Each
such request is an audited event naming what was seen, never the values.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from unaccounted.errors import InputError
from unaccounted.protect import (
    KEY_ID_META,
    LINKING_COLUMNS,
    REDACTED,
    TOKEN_RE,
    Keyring,
    ProtectionError,
    has_token,
    is_token,
    new_key,
    redact,
    reveal_all,
    store_key_facts,
    workspace_keyring,
    write_key_file,
)
from unaccounted.service.derived import refresh_derived
from unaccounted.service.session import Session, Work
from unaccounted.store.types import TOKEN_COLUMNS

__all__ = ["REDACTED", "TOKEN_COLUMNS", "ProtectionError", "redact"]


def keyring(s: Session, *, create: bool = False) -> Keyring:
    """The workspace's key, checked against the values it seals (a one-line error when it
    is missing, unsafe or another key)."""
    settings = s.workspace.settings.protection
    return workspace_keyring(s.store, settings.key_file, s.workspace.root, create=create)


def reveal(s: Session, value: Any, what: str = "a protected value") -> Any:
    """``value`` with its sealed values opened when the actor may see protected fields —
    then one ``view-protected`` event names ``what`` was seen (never the values) — else
    with each sealed value read as ``[protected]``."""
    if not has_token(value):
        return value
    if not s.may("view-protected"):
        return redact(value)
    opened = reveal_all(value, keyring(s))
    with s.write("view-protected", {"what": what}) as work:
        work.counts["values"] = count_tokens(value)
    return opened


def shown(s: Session, value: Any, what: str, *, protected: bool = False) -> Any:
    """What a reader is shown: redacted, or (``protected``) revealed by :func:`reveal`.
    Asking to see protected values without the right is refused, not silently redacted."""
    if not protected:
        return redact(value)
    if not s.may("view-protected"):
        s.check("view-protected")  # raises PermissionDenied naming the action
    return reveal(s, value, what)


def as_shown(value: Any, ring: Keyring | None) -> Any:
    """``value`` redacted (``ring`` None) or opened with ``ring`` (an audited export)."""
    return redact(value) if ring is None else reveal_all(value, ring)


def count_tokens(value: Any) -> int:
    if isinstance(value, str):
        return len(TOKEN_RE.findall(value))
    if isinstance(value, list | tuple):
        return sum(count_tokens(v) for v in value)
    if isinstance(value, dict):
        return sum(count_tokens(v) for v in value.values())
    return 0


def export_keyring(s: Session, what: str, args: dict[str, Any]) -> Keyring:
    """An editor's explicit request to export protected values: checked, the key loaded,
    and one ``export-protected`` event logged before anything is written."""
    s.check("export-protected")
    ring = keyring(s)
    with s.write("export-protected", {"what": what, **args}):
        pass
    return ring


# -- confidential sources ------------------------------------------------------------------


def set_source_confidential(s: Session, source: str, confidential: bool = True) -> dict[str, Any]:
    """Mark ``source`` confidential (its values linkage does not need are sealed now, every
    version and reject, in one transaction) or not (later ingests seal only protected
    columns; values sealed stay sealed). Returns what changed."""
    s.check("set-source-confidential")  # before a key may be made
    if not s.store.has_source(source):
        raise InputError(f"no source named '{source}' (see 'unaccounted sources')")
    ring = keyring(s, create=confidential) if confidential else None
    args = {"source": source, "confidential": confidential}
    with s.write("set-source-confidential", args) as work:
        store = work.store
        before = store.set_confidential(source, confidential)
        sealed = 0
        if confidential and ring is not None:
            sealed = _seal_source(work, ring, source)
            if store.meta_value(KEY_ID_META) is None and sealed:
                store_key_facts(store, ring)
        work.counts.update({"was_confidential": before, "values_sealed": sealed})
        return {"source": source, "confidential": confidential, "was": before, "sealed": sealed}


def _seal_source(work: Work, ring: Keyring, source: str) -> int:
    """Seal every plain value of ``source`` that linkage does not need; the person views
    that copied them are made again. Returns the values sealed."""
    store = work.store
    sealed = 0

    def seal(value: Any) -> Any:
        nonlocal sealed
        if value is None or value == "" or is_token(value):
            return value
        sealed += 1
        return ring.seal(str(value))

    changed = []
    for row in store.source_record_cells(source):
        new = dict(row)
        for column in row:
            if column not in ("rid", "extra") and column not in LINKING_COLUMNS:
                new[column] = seal(row[column])
        if row["extra"]:
            extra = json.loads(row["extra"])
            new["extra"] = json.dumps({k: seal(v) for k, v in extra.items()}, ensure_ascii=False)
        if new != row:
            changed.append(new)
    store.update_records(changed)
    rejects: list[tuple[int, str | None]] = []
    for rid, text in store.source_reject_cells(source):
        raw = json.loads(text)
        if isinstance(raw, dict):  # header -> cell: each cell sealed (never a token twice)
            sealed_raw: Any = {k: seal(v) if isinstance(v, str) else v for k, v in raw.items()}
        elif is_token(raw):
            continue
        else:  # an unreadable row's cells, none sealed yet: sealed whole
            sealed_raw = seal(json.dumps(raw, ensure_ascii=False))
        if sealed_raw != raw:
            rejects.append((rid, json.dumps(sealed_raw, ensure_ascii=False)))
    store.update_cells("rejects", "raw", rejects)
    store.forget_sealed_derivations(source)
    persons = store.persons_of_source(source)
    if persons:
        store.delete_views(persons)  # made again below, from the sealed records
    refresh_derived(work)
    return sealed


def confidential_only_persons(s: Session) -> list[str]:
    """Persons every one of whose records comes from a confidential source (publication
    leaves them out)."""
    return s.read("see-unpublished").confidential_only_persons()


# -- the key -------------------------------------------------------------------------------


def key_status(s: Session) -> dict[str, Any]:
    """Where the key is, its id, the id the workspace's values are sealed with, how many
    values are sealed and which sources are confidential — never the key itself."""
    store = s.read("status")
    settings = s.workspace.settings.protection
    where, path = Keyring.locate(store.workspace_id(), settings.key_file, s.workspace.root)
    status: dict[str, Any] = {
        "workspace_id": store.workspace_id(),
        "key_location": where,
        "key_found": path is None or path.exists(),
        "key_id": None,
        "sealed_with": store.meta_value(KEY_ID_META),
        "sealed_values": store.count_tokens(),
        "confidential_sources": store.confidential_sources(),
        "problem": None,
    }
    try:
        if status["key_found"]:
            status["key_id"] = keyring(s).kid
    except ProtectionError as exc:
        status["problem"] = str(exc)
    return status


def rotate_key(s: Session, new_key_file: Path | None = None) -> dict[str, Any]:
    """Seal every protected value again under a new key, in one transaction.

    With a key file, the new key is written beside it first (``<file>.new``), the values
    are sealed again, and then the old key is kept as ``<file>.old-<old key id>`` and the
    new one takes its place. With ``$UNACCOUNTED_KEY`` the new key is written to
    ``new_key_file`` (required), to be put where the old one was kept. A failure changes
    nothing (the new key file is removed)."""
    s.check("rotate-key")
    old = keyring(s)
    fresh = new_key()
    if old.path is None:
        if new_key_file is None:
            raise InputError(
                "the key comes from $UNACCOUNTED_KEY: name a file for the new key with "
                "--new-key-file (outside the workspace), then put it where you keep the key"
            )
        target = new_key_file.expanduser().absolute()
        if target.resolve().is_relative_to(s.workspace.root.resolve()):
            raise InputError(f"{target} is inside the workspace; keep the key apart from it")
        staged = target
    else:
        if new_key_file is not None:
            raise InputError("--new-key-file is for a key from $UNACCOUNTED_KEY only")
        staged = old.path.with_name(old.path.name + ".new")
        if staged.exists():
            raise InputError(
                f"{staged} exists: an earlier rotation was interrupted; if the workspace's "
                "values are sealed with it ('unaccounted key status'), move it in place of the "
                "key file, else remove it"
            )
    write_key_file(staged, fresh)
    new = old.with_key(fresh, str(staged), staged)
    try:
        with s.write("rotate-key", {"from": old.kid, "to": new.kid}) as work:
            counts = _reseal_all(s, old, new)
            store_key_facts(work.store, new)
            work.counts.update(counts)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    result: dict[str, Any] = {"from": old.kid, "to": new.kid, **counts}
    if old.path is not None:
        kept = old.path.with_name(f"{old.path.name}.old-{old.kid}")
        os.replace(old.path, kept)
        os.replace(staged, old.path)
        result.update({"key_file": str(old.path), "old_key_file": str(kept)})
    else:
        result.update({"key_file": str(staged), "old_key_file": None})
    return result


def _reseal_all(s: Session, old: Keyring, new: Keyring) -> dict[str, int]:
    """Every token in the store opened with ``old`` and sealed with ``new``."""
    store = s.store
    values = cells = 0
    for table, column in TOKEN_COLUMNS:
        updates = []
        for rid, text in store.token_cells(table, column):

            def again(match: Any) -> str:
                nonlocal values
                values += 1
                return new.seal(old.open(match.group(0)))

            updates.append((rid, TOKEN_RE.sub(again, text)))
        cells += store.update_cells(table, column, updates)
    return {"values_resealed": values, "cells": cells}


# -- tables ----------------------------------------------------------------------------------


def batch_shown(batch: Any, ring: Keyring | None) -> Any:
    """An Arrow record batch with its sealed values read as ``[protected]`` (``ring``
    None) or opened with ``ring`` (an editor's audited export)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = []
    for column in batch.columns:
        kind = column.type
        storage = column.storage if isinstance(kind, pa.ExtensionType) else column
        if not (pa.types.is_string(storage.type) or pa.types.is_large_string(storage.type)):
            arrays.append(column)
            continue
        if ring is None:
            shown = pc.replace_substring_regex(storage, TOKEN_RE.pattern, REDACTED)
        else:
            shown = pa.array(
                [None if v is None else ring.open_text(v) for v in storage.to_pylist()],
                storage.type,
            )
        arrays.append(
            pa.ExtensionArray.from_storage(kind, shown)
            if isinstance(kind, pa.ExtensionType)
            else shown
        )
    return pa.RecordBatch.from_arrays(arrays, schema=batch.schema)


class ShownBatches:
    """A record batch reader's batches, each through :func:`batch_shown`."""

    def __init__(self, reader: Any, ring: Keyring | None) -> None:
        self.reader, self.ring = reader, ring
        self.schema = reader.schema

    def __iter__(self) -> Any:
        for batch in self.reader:
            yield batch_shown(batch, self.ring)
