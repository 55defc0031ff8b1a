"""Ingest: read source files into the store as records, rejecting with a reason, losing nothing.

One call is one transaction over every file given: either all of them are stored or, on
any error (or a killed process), none is. Re-ingesting the same rows adds nothing; a changed
row with a known ``record_id`` becomes a new version of that record. Protected values are
sealed as each batch is read, before it reaches the store (``ingest/sealing.py``,
docs/protection.md).
"""

from __future__ import annotations

import codecs
import gc
import hashlib
import logging
import shutil
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from unaccounted.errors import InputError
from unaccounted.files import Folder
from unaccounted.ingest.formats import open_tables
from unaccounted.ingest.headers import aliases_for, read_as, stage_columns
from unaccounted.ingest.limits import Limits
from unaccounted.ingest.mapping import Mapping, check_kind
from unaccounted.ingest.readers import Batch, ReadOptions, Table, file_format
from unaccounted.ingest.sealing import Sealer
from unaccounted.protect import (
    KEY_ID_META,
    NONCE_META,
    REDACTED,
    checked_keyring,
    store_key_facts,
)
from unaccounted.store.base import Stager, Store
from unaccounted.store.types import Part, SourceMeta
from unaccounted.workspace import ARCHIVE_DIR, Workspace

log = logging.getLogger(__name__)

#: ``progress(done_bytes, total_bytes)`` over all files of one ingest.
ProgressCallback = Callable[[float, float], None]

OUTCOMES = ("new", "version", "unchanged")


@dataclass(frozen=True)
class IngestOptions:
    source: str | None = None
    kind: str | None = None
    mapping: Mapping | None = None
    archive: bool = False
    sheet: str | None = None
    encoding: str | None = None
    header_row: int | None = None
    #: Mark the sources of these files confidential: every value linkage does not need is
    #: sealed at rest (docs/protection.md); no archive copy is allowed.
    confidential: bool = False


@dataclass
class PartReport:
    path: str
    sheet: str | None
    counts: Counter[str] = field(default_factory=Counter)
    #: (header, column) read through the language pack's header names
    read_as: list[tuple[str, str]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return Path(self.path).name + (f" sheet '{self.sheet}'" if self.sheet else "")


@dataclass
class IngestReport:
    event_id: int
    files: list[dict[str, object]] = field(default_factory=list)
    parts: list[PartReport] = field(default_factory=list)
    #: (source, kind before, kind now) of the sources this ingest gave another kind
    kind_changes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for part in self.parts:
            total.update(part.counts)
        return total

    @property
    def accepted(self) -> int:
        return sum(self.totals[k] for k in ("new", "version"))

    @property
    def rejected(self) -> int:
        t = self.totals
        return sum(v for k, v in t.items() if k not in (*OUTCOMES, "blank", "rows"))


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def check_inputs(paths: Sequence[Path]) -> None:
    """Fail before touching the store if any file is missing or of an unknown type."""
    if not paths:
        raise InputError("no input files given")
    for path in paths:
        if not path.exists():
            raise InputError(f"file not found: {path}")
        if not path.is_file():
            raise InputError(f"not a file: {path}")
        file_format(path)


def check_header_row(paths: Sequence[Path], header_row: int | None) -> None:
    """A header row is chosen in CSV and XLSX files only, and counts from 1."""
    if header_row is None:
        return
    if header_row < 1:
        raise InputError(f"header row {header_row}: rows count from 1")
    for path in paths:
        if file_format(path) not in ("csv", "xlsx"):
            raise InputError(f"{path}: a header row is chosen in CSV and XLSX files only")


def ingest_files(
    ws: Workspace,
    paths: Sequence[Path],
    options: IngestOptions,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Ingest ``paths`` into the workspace store in one transaction."""
    check_inputs(paths)
    mapping = options.mapping
    check_header_row(paths, _header_row(options))
    try:
        kind = check_kind(options.kind or (mapping.kind if mapping else None))
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    meta = SourceMeta(
        kind=kind,
        publisher=mapping.publisher if mapping else None,
        url=mapping.url if mapping else None,
        independence_group=mapping.independence_group if mapping else None,
        confidential=options.confidential,
    )
    if options.confidential and (options.archive or ws.settings.ingest.archive):
        raise InputError(
            "a confidential source is never archived: the archive copy would keep its "
            "protected values in the clear (drop --archive, or set ingest.archive = false)"
        )
    for encoding in (options.encoding, mapping.encoding if mapping else None):
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError as exc:
                raise InputError(f"unknown encoding '{encoding}'") from exc
    digests = [file_digest(p) for p in paths]
    total_bytes = float(sum(size for _, size in digests)) or 1.0
    args = {
        "files": [ws.relative(p) for p in paths],
        "source": options.source,
        "kind": kind,
        "archive": options.archive,
        "sheet": options.sheet,
        "encoding": options.encoding,
        "header_row": options.header_row,
        "confidential": options.confidential,
        "mapping": (
            _mapping_args(mapping, ws.settings.protection.columns, options.confidential)
            if mapping
            else None
        ),
    }
    with ws.store() as store:
        event_id = store.next_event_id()
        report = IngestReport(event_id=event_id)
        copies: list[str] = []  # archive copies this ingest made: removed if it fails
        sealed_with = store.meta_value(KEY_ID_META)
        sealed_secret = store.meta_value(NONCE_META)
        workspace_id = store.workspace_id()
        protection = ws.settings.protection
        sealer = Sealer.of(
            protection.columns,
            mapping.protected if mapping else (),
            store.confidential_sources(),
            lambda: checked_keyring(
                workspace_id,
                sealed_with,
                sealed_secret,
                protection.key_file,
                ws.root,
                create=True,
            ),
        )
        sealer.everything = options.confidential
        try:
            with store.stager(event_id) as stager:
                # Phase 1: read and stage every file (the store itself is not touched).
                staged: list[tuple[Part, PartReport]] = []
                done = 0.0
                for path, (sha, size) in zip(paths, digests, strict=True):

                    def on_file(fraction: float, base: float = done, size: int = size) -> None:
                        if progress:
                            progress(base + fraction * size, total_bytes)

                    staged += _stage_file(
                        ws,
                        stager,
                        path,
                        sha,
                        size,
                        options,
                        report,
                        on_file,
                        first_part=len(staged),
                        copies=copies,
                        sealer=sealer,
                    )
                    done += size
                # Phase 2: one transaction decides every row and writes the outcome.
                kinds = _kinds(store) if kind is not None else {}
                with store.transaction():
                    for info in report.files:
                        stager.record_file(info)
                    for part, part_report in staged:
                        log.info("%s: merging", part_report.where)
                        part_report.counts.update(stager.merge(part, meta))
                        stager.record_part(part, dict(part_report.counts))
                        log.info("%s: %s", part_report.where, dict(part_report.counts))
                    if sealer.sealed and sealed_with is None:
                        store_key_facts(store, sealer.keyring)
                    report.kind_changes = _kind_changes(kinds, _kinds(store) if kinds else {})
                    for source, before, now in report.kind_changes:
                        log.info("source %s: kind changed from %s to %s", source, before, now)
                    store.log_event(event_id, "ingest", args, _summary(report))
        except BaseException as exc:
            _remove_copies(ws, copies)  # a refused file leaves nothing behind
            if isinstance(exc, Exception):
                store.log_failure("ingest", args, str(exc))
            raise
    return report


def _mapping_args(
    mapping: Mapping, protected: Sequence[str], confidential: bool
) -> dict[str, object]:
    """The mapping as the event log keeps it: the default of a protected column (of any
    column, for a confidential ingest) is never logged, only named."""
    data = mapping.model_dump(exclude_defaults=True)
    hidden = {c.casefold() for c in (*protected, *mapping.protected)}
    if "defaults" in data:
        data["defaults"] = {
            name: REDACTED if confidential or name.casefold() in hidden else value
            for name, value in data["defaults"].items()
        }
    return data


def _kinds(store: Store) -> dict[str, str]:
    return {str(r["name"]): str(r["kind"]) for r in store.sources()}


def _kind_changes(before: dict[str, str], after: dict[str, str]) -> list[tuple[str, str, str]]:
    """Sources that existed before with another kind (a new source has no change)."""
    return [
        (name, before[name], kind)
        for name, kind in sorted(after.items())
        if name in before and before[name] != kind
    ]


def _stage_file(
    ws: Workspace,
    stager: Stager,
    path: Path,
    sha: str,
    size: int,
    options: IngestOptions,
    report: IngestReport,
    progress: Callable[[float], None],
    first_part: int,
    copies: list[str],
    sealer: Sealer,
) -> list[tuple[Part, PartReport]]:
    mapping = options.mapping
    settings = ws.settings.ingest
    aliases = aliases_for(ws)

    def known_headers(cells: list[str]) -> float:
        mapped = sum(1 for c in cells if mapping is not None and mapping.target(c) is not None)
        return max(aliases.known_share(cells), mapped / len(cells) if cells else 0.0)

    opts = ReadOptions(
        batch_rows=settings.batch_rows,
        encoding=options.encoding or (mapping.encoding if mapping else None),
        delimiter=mapping.delimiter if mapping else None,
        sheet=options.sheet or (mapping.sheet if mapping else None),
        sample_bytes=settings.encoding_sample_bytes,
        limits=Limits.from_settings(settings),
        header_row=_header_row(options),
        known_headers=known_headers,
    )
    fmt, encoding, tables = open_tables(path, opts, progress)
    default_source = options.source or (mapping.source if mapping else None) or path.stem
    if default_source in sealer.confidential and (options.archive or settings.archive):
        raise InputError(
            f"source '{default_source}' is confidential and is never archived: the archive "
            "copy would keep its protected values in the clear (drop --archive)"
        )
    archived = _archive(ws, path, sha, copies) if (options.archive or settings.archive) else None
    report.files.append(
        {
            "path": str(path),
            "sha256": sha,
            "size": size,
            "name": path.name,
            "format": fmt,
            "encoding": encoding,
            "archived_as": archived,
        }
    )
    staged = []
    for number, table in enumerate(tables, start=first_part):
        where = f"{path.name}" + (f" sheet '{table.sheet}'" if table.sheet else "")
        columns = stage_columns(table.header, mapping, where, aliases)
        part = Part(number, sha, str(path), table.sheet, tuple(columns), default_source)
        part = sealer.with_sealed_defaults(part)
        part_report = PartReport(str(path), table.sheet, read_as=read_as(columns, mapping))
        for header, column in part_report.read_as:
            log.info("%s: read '%s' as %s", where, header, column)
        _stage_table(stager, part, table, part_report, sealer, where)
        report.parts.append(part_report)
        staged.append((part, part_report))
    return staged


def _stage_table(
    stager: Stager, part: Part, table: Table, result: PartReport, sealer: Sealer, where: str
) -> None:
    stager.open(part)
    seal_bad = sealer.part_protects(part)

    def stage(batch: Batch) -> None:
        stager.append(part, sealer.seal_batch(part, batch.table, where))
        stager.append_bad(
            part,
            [
                (b.line, b.code, b.reason, sealer.seal_raw(b.raw) if seal_bad else b.raw)
                for b in batch.bad
            ],
        )

    # Parsing (Python, holds the GIL) overlaps with staging (the store, releases it): one
    # batch is staged on a worker thread while the next is parsed. Only the worker touches
    # the connection until the loop ends.
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-stage") as pool,
        _gc_paused(),
    ):
        pending: Future[None] | None = None
        for n, batch in enumerate(table.batches, start=1):
            if pending is not None:
                pending.result()
            pending = pool.submit(stage, batch)
            for bad in batch.bad:
                result.counts[bad.code] += 1
            result.counts["blank"] += batch.blank
            result.counts["rows"] += batch.table.num_rows + len(batch.bad)
            log.info("%s: batch %d read (%d rows)", result.where, n, batch.table.num_rows)
        if pending is not None:
            pending.result()


def _header_row(options: IngestOptions) -> int | None:
    """The header row: the command line's, else the mapping's, else None (found)."""
    if options.header_row is not None:
        return options.header_row
    return options.mapping.header_row if options.mapping else None


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cycle collector while parsing: rows are lists of strings (no cycles), and
    with a batch of them alive each collection walks them all for nothing (~15% of parsing).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _archive(ws: Workspace, path: Path, sha: str, copies: list[str]) -> str:
    """Copy the file into the workspace archive under its content hash; return its path
    relative to the workspace. A copy made here is noted in ``copies``.

    The copy never follows a link: a linked ``archive/`` is refused, and the copy is
    written under a fresh random name and renamed into place (:mod:`unaccounted.files`).
    """
    name = f"{sha}{path.suffix.lower()}"
    with Folder.at(ws.root) as root, root.folder(ARCHIVE_DIR) as archive:
        if archive.kind(name) != "file":
            with archive.open(name, "wb", force=True) as out, path.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
            copies.append(name)
    return f"{ARCHIVE_DIR}/{name}"


def _remove_copies(ws: Workspace, copies: list[str]) -> None:
    """Remove the archive copies of an ingest that failed (an earlier ingest's stay)."""
    if not copies:
        return
    try:
        with Folder.at(ws.root) as root, root.folder(ARCHIVE_DIR, create=False) as archive:
            for name in copies:
                archive.remove(name)
    except (OSError, InputError):
        log.warning("could not remove the archive copies %s", copies, exc_info=True)


def _summary(report: IngestReport) -> dict[str, object]:
    totals: dict[str, object] = dict(report.totals)
    totals["accepted"] = report.accepted
    totals["rejected"] = report.rejected
    if report.kind_changes:
        totals["kind_changes"] = [list(change) for change in report.kind_changes]
    return totals
