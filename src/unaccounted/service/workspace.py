"""The workspace as a whole: create it, count it, its sources, rejects, events, exports."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from unaccounted.errors import InputError, UnaccountedError
from unaccounted.files import open_output, output_path
from unaccounted.ingest.mapping import check_kind
from unaccounted.report.export import EXPORT_FORMATS, export_path_check, write_csv, write_jsonl
from unaccounted.service import protection
from unaccounted.service.audit import check_store
from unaccounted.service.derived import refresh_derived
from unaccounted.service.session import Session
from unaccounted.store import Store, StoreDamaged, latest_schema_version
from unaccounted.workspace import Workspace

__all__ = ["EXPORT_FORMATS", "latest_schema_version"]


def init_workspace(directory: Path) -> Workspace:
    """Create a workspace: ``DIR/unaccounted.toml`` and an empty store."""
    return Workspace.init(directory)


def status(s: Session) -> dict[str, Any]:
    """The ``status --json`` contract (sources, records, rejects, persons first) and detail."""
    store = s.read("status")
    counts: dict[str, Any] = dict(store.counts())
    counts["schema_version"] = store.schema_version()
    counts["workspace"] = str(s.workspace.root)
    return counts


def doctor(s: Session) -> list[dict[str, Any]]:
    """The full check of the store: every table read whole, the tables agreeing, the schema
    version matching the migrations, the audit chain intact; one ``{check, ok, detail}``
    per check. A store whose catalogue cannot be read is one failed check; nothing is
    changed."""
    # the accounts of a store that does not open cannot be read; the check below then
    # reports where it is damaged, and nothing else of it
    with suppress(StoreDamaged):
        s.check("doctor")
    try:
        store = s.workspace.store(read_only=True, checked=False)
    except StoreDamaged as exc:
        return [{"check": "the store opens", "ok": False, "detail": str(exc)}]
    with store:
        return [
            {"check": "the store opens", "ok": True, "detail": "yes"},
            *store.check(),
            _audit_finding(store),
        ]


def _audit_finding(store: Store) -> dict[str, Any]:
    name = "the audit log is intact"
    try:
        found = check_store(store)
    except UnaccountedError as exc:
        return {"check": name, "ok": False, "detail": str(exc)}
    if found.ok:
        return {"check": name, "ok": True, "detail": f"{found.entries} entries"}
    return {"check": name, "ok": False, "detail": found.summary}


def sources(s: Session) -> list[dict[str, Any]]:
    """Every source with its kind, independence group and counts."""
    return s.read("sources").sources()


def files(s: Session) -> list[dict[str, Any]]:
    """Every ingested file with its SHA-256, size, format, first ingest and sources."""
    return s.read("sources").files()


def set_source_group(s: Session, source: str, group: str) -> str:
    """Put ``source`` in independence ``group``; return the group it was in."""
    with s.write("set-source-group", {"source": source, "group": group}) as work:
        old = work.store.set_group(source, group)
        refresh_derived(work)  # a view's grade counts independence groups
        return old


def set_source_kind(s: Session, source: str, kind: str) -> tuple[str, str]:
    """Give ``source`` the kind ``kind`` (one of ``SOURCE_KINDS``, spelled loosely);
    return the kind it had and the kind it has."""
    try:
        checked = check_kind(kind)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    assert checked is not None
    with s.write("set-source-kind", {"source": source, "kind": checked}) as work:
        old = work.store.set_kind(source, checked)
        refresh_derived(work)  # a view's grade and corroboration read the kind
        return old, checked


def require_source(s: Session, source: str | None) -> None:
    if source is not None and not s.store.has_source(source):
        raise InputError(f"no source named '{source}' (see 'unaccounted sources')")


def rejects(
    s: Session, source: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Rejected rows with their source, file, line and reason, oldest first."""
    store = s.read("rejects")
    require_source(s, source)
    rows: list[dict[str, Any]] = protection.redact(store.rejects(source, limit))
    return rows


def events(s: Session, limit: int | None = None) -> list[dict[str, Any]]:
    """The event log, newest first: who did what, when, with what outcome."""
    return s.read("events").events(limit)


def export_records(
    s: Session, fmt: str, out_path: Path | None, *, source: str | None = None,
    all_versions: bool = False, safe_cells: bool = True,
    progress: Callable[[int, int], None] | None = None, force: bool = False,
    protected: bool = False,
) -> int:  # fmt: skip
    """Write records (CSV, JSON Lines, Parquet) to ``out_path`` or stdout; return the count.

    Sealed values read ``[protected]``; with ``protected`` (an editor's explicit request,
    logged as an ``export-protected`` event before anything is written) they are opened.
    An existing ``out_path`` is replaced only with ``force``; nothing is written through a
    symbolic link (see files.py)."""
    export_path_check(out_path, fmt, force=force)
    store = s.read("export-records")
    require_source(s, source)
    ring = None
    if protected:
        args = {"format": fmt, "source": source, "all_versions": all_versions,
                "out": str(out_path) if out_path else "stdout"}  # fmt: skip
        ring = protection.export_keyring(s, "records", args)
    total = store.count_records(source, all_versions)
    batches = protection.ShownBatches(store.record_batches(source, all_versions), ring)
    if fmt == "parquet":
        assert out_path is not None
        with output_path(out_path, force=force) as tmp:
            return _write_parquet(batches, tmp)
    tick = progress or (lambda done, total: None)

    def on_rows(done: int) -> None:
        tick(done, total)

    return _write(batches, fmt, out_path, safe_cells, on_rows, force)


def _write_parquet(batches: protection.ShownBatches, path: Path) -> int:
    import pyarrow.parquet as pq

    n = 0
    with pq.ParquetWriter(path, batches.schema) as writer:
        for batch in batches:
            writer.write_batch(batch)
            n += batch.num_rows
    return n


def _write(
    batches: Any, fmt: str, out_path: Path | None, safe: bool, progress: Callable[[int], None],
    force: bool,
) -> int:  # fmt: skip
    if fmt == "csv":
        if out_path is None:
            n = write_csv(batches, sys.stdout.buffer, safe, progress)
            sys.stdout.buffer.flush()
            return n
        with open_output(out_path, "wb", force=force) as fh:
            return write_csv(batches, fh, safe, progress)
    if out_path is None:
        n = write_jsonl(batches, sys.stdout, progress)
        sys.stdout.flush()
        return n
    with open_output(out_path, "w", force=force) as fh:
        return write_jsonl(batches, fh, progress)
