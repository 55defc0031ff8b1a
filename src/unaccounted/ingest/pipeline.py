"""Ingest: read source files into the store as records, rejecting with a reason, losing nothing.

One call is one transaction over every file given: either all of them are stored or, on
any error (or a killed process), none is. Re-ingesting the same rows adds nothing; a changed
row with a known ``record_id`` becomes a new version of that record.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import shutil
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from unaccounted.columns import NAME_COLUMNS, canonical_name
from unaccounted.errors import InputError
from unaccounted.ingest.formats import open_tables
from unaccounted.ingest.mapping import Mapping, check_kind
from unaccounted.ingest.readers import Batch, ReadOptions, Table, file_format
from unaccounted.store.staging import Part, SourceMeta, StageColumn, Stager
from unaccounted.workspace import Workspace

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


@dataclass
class PartReport:
    path: str
    sheet: str | None
    counts: Counter[str] = field(default_factory=Counter)


@dataclass
class IngestReport:
    event_id: int
    files: list[dict[str, object]] = field(default_factory=list)
    parts: list[PartReport] = field(default_factory=list)

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


def stage_columns(header: list[str], mapping: Mapping | None, where: str) -> list[StageColumn]:
    """Match headers to canonical columns (mapping first); every header keeps a column."""
    if mapping is not None:
        known = {h.strip().casefold() for h in header}
        missing = [name for name in mapping.columns if name.casefold() not in known]
        if missing:
            raise InputError(
                f"mapping names column '{missing[0]}', which {where} does not have "
                f"(columns: {', '.join(header)})"
            )
    columns: list[StageColumn] = []
    taken: set[str] = set()
    seen_headers: Counter[str] = Counter()
    for i, head in enumerate(header):
        canonical = (mapping.target(head) if mapping else None) or canonical_name(head)
        if canonical in taken:
            canonical = None  # a second column for the same field is kept as an extra
        seen_headers[head] += 1
        label = head if seen_headers[head] == 1 else f"{head} ({seen_headers[head]})"
        if canonical:
            taken.add(canonical)
        columns.append(StageColumn(name=f"c{i}", header=label, canonical=canonical))
    if not taken.intersection(NAME_COLUMNS):
        raise InputError(
            f"{where} has no name column ({', '.join(NAME_COLUMNS)}); map one of its columns "
            f"({', '.join(header)}) with --mapping, e.g. 'columns: {{{header[0]}: full_name}}'"
        )
    return columns


def ingest_files(
    ws: Workspace,
    paths: Sequence[Path],
    options: IngestOptions,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Ingest ``paths`` into the workspace store in one transaction."""
    check_inputs(paths)
    mapping = options.mapping
    try:
        kind = check_kind(options.kind or (mapping.kind if mapping else None))
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    meta = SourceMeta(
        kind=kind,
        publisher=mapping.publisher if mapping else None,
        url=mapping.url if mapping else None,
        independence_group=mapping.independence_group if mapping else None,
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
        "files": [str(p) for p in paths],
        "source": options.source,
        "kind": kind,
        "archive": options.archive,
        "sheet": options.sheet,
        "encoding": options.encoding,
        "mapping": mapping.model_dump(exclude_defaults=True) if mapping else None,
    }
    with ws.store() as store:
        event_id = store.next_event_id()
        report = IngestReport(event_id=event_id)
        stager = Stager(store, event_id)
        done = 0.0
        try:
            with store.transaction():
                for path, (sha, size) in zip(paths, digests, strict=True):

                    def on_file(fraction: float, base: float = done, size: int = size) -> None:
                        if progress:
                            progress(base + fraction * size, total_bytes)

                    _ingest_one(ws, stager, path, sha, size, options, meta, report, on_file)
                    done += size
                store.log_event(event_id, "ingest", args, _summary(report))
        except BaseException as exc:
            if isinstance(exc, Exception):
                store.log_failure("ingest", args, str(exc))
            raise
    return report


def _ingest_one(
    ws: Workspace,
    stager: Stager,
    path: Path,
    sha: str,
    size: int,
    options: IngestOptions,
    meta: SourceMeta,
    report: IngestReport,
    progress: Callable[[float], None],
) -> None:
    mapping = options.mapping
    settings = ws.settings.ingest
    opts = ReadOptions(
        batch_rows=settings.batch_rows,
        encoding=options.encoding or (mapping.encoding if mapping else None),
        delimiter=mapping.delimiter if mapping else None,
        sheet=options.sheet or (mapping.sheet if mapping else None),
        sample_bytes=settings.encoding_sample_bytes,
    )
    fmt, encoding, tables = open_tables(path, opts, progress)
    archived = _archive(ws, path, sha) if (options.archive or settings.archive) else None
    con = stager.con
    con.execute(
        "INSERT INTO files SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS "
        "(SELECT 1 FROM files WHERE sha256 = ?)",
        [sha, size, path.name, fmt, encoding, archived, stager.event_id, sha],
    )
    if archived:
        con.execute("UPDATE files SET archived_as = ? WHERE sha256 = ?", [archived, sha])
    default_source = options.source or (mapping.source if mapping else None) or path.stem
    report.files.append(
        {
            "path": str(path),
            "sha256": sha,
            "size": size,
            "format": fmt,
            "encoding": encoding,
            "archived_as": archived,
        }
    )
    for table in tables:
        report.parts.append(_ingest_table(stager, path, sha, table, mapping, default_source, meta))


def _ingest_table(
    stager: Stager,
    path: Path,
    sha: str,
    table: Table,
    mapping: Mapping | None,
    default_source: str,
    meta: SourceMeta,
) -> PartReport:
    where = f"{path.name}" + (f" sheet '{table.sheet}'" if table.sheet else "")
    columns = stage_columns(table.header, mapping, where)
    part = Part(sha, str(path), table.sheet, tuple(columns), default_source)
    result = PartReport(str(path), table.sheet)
    stager.open(part)

    def stage(batch: Batch) -> None:
        stager.append(part, batch.table)
        for bad in batch.bad:
            stager.reject_raw(part, bad.line, bad.code, bad.reason, bad.raw)

    # Parsing (Python, holds the GIL) overlaps with staging (the store, releases it): one
    # batch is staged on a worker thread while the next is parsed. Only the worker touches
    # the connection until the loop ends.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-stage") as pool:
        pending: Future[None] | None = None
        for n, batch in enumerate(table.batches, start=1):
            if pending is not None:
                pending.result()
            pending = pool.submit(stage, batch)
            for bad in batch.bad:
                result.counts[bad.code] += 1
            result.counts["blank"] += batch.blank
            result.counts["rows"] += batch.table.num_rows + len(batch.bad)
            log.info("%s: batch %d read (%d rows)", where, n, batch.table.num_rows)
        if pending is not None:
            pending.result()
    result.counts.update(stager.merge(part, meta))
    header = [{"header": c.header, "column": c.canonical} for c in columns]
    stager.con.execute(
        "INSERT INTO file_ingests VALUES (?, ?, ?, ?, ?, ?)",
        [
            stager.event_id,
            sha,
            str(path),
            table.sheet,
            json.dumps(header, ensure_ascii=False),
            json.dumps(dict(result.counts)),
        ],
    )
    log.info("%s: %s", where, dict(result.counts))
    return result


def _archive(ws: Workspace, path: Path, sha: str) -> str:
    """Copy the file into the workspace archive under its content hash; return the name."""
    name = f"{sha}{path.suffix.lower()}"
    target = ws.archive_dir / name
    if not target.exists():
        ws.archive_dir.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(path, tmp)
        tmp.replace(target)
    return f"archive/{name}"


def _summary(report: IngestReport) -> dict[str, object]:
    totals: dict[str, object] = dict(report.totals)
    totals["accepted"] = report.accepted
    totals["rejected"] = report.rejected
    return totals
