"""The one-shot contract: ``unaccounted dedupe RECORDS.csv --out CLUSTERS.csv``.

Reads a CSV with the canonical columns (names case-insensitive; ``record_id`` and a
name column required), normalizes it with the language pack, links and clusters it with
the same model as a workspace, and writes ``record_id,person_id`` for every input row.
Other columns are extra evidence when they are filled in for at least
``EXTRA_MIN_FILL`` of the rows. No workspace is made.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from unaccounted.columns import CANONICAL_COLUMNS, NAME_COLUMNS, VALUE_COLUMNS
from unaccounted.errors import InputError
from unaccounted.files import check_output, open_output
from unaccounted.link.core import Progress, link_records
from unaccounted.normalize.pack import load_pack
from unaccounted.normalize.record import FIELDS, Normalizer
from unaccounted.settings import LinkSettings
from unaccounted.store import link_input_from

log = logging.getLogger(__name__)

EXTRA_MIN_FILL = 0.5
MAX_EXTRA = 8
_DATE_FIELDS = {"birth_lo", "birth_hi", "event_lo", "event_hi", "published_date"}
_INT_FIELDS = {"birth_year", "age", "unit_number"}
_LIST_FIELDS = {"given_candidates": pa.list_(pa.string()),
                "birth_candidates": pa.list_(pa.date32()),
                "event_candidates": pa.list_(pa.date32())}  # fmt: skip


@dataclass
class DedupeReport:
    records: int
    persons: int
    extra_columns: list[str]
    checks: list[str]
    seconds: dict[str, float]


def read_records(path: Path) -> tuple[list[dict[str, str | None]], list[str]]:
    """Rows keyed by lower-cased header, and the extra (non-canonical) columns."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                raise InputError(f"{path} is empty")
            names = [h.strip().lower() for h in header]
            rows = [{n: (v.strip() or None) for n, v in zip(names, row, strict=False)}
                    for row in reader if any(v.strip() for v in row)]  # fmt: skip
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text: {exc.reason}") from exc
    missing = []
    if "record_id" not in names:
        missing.append("record_id")
    if not any(c in names for c in NAME_COLUMNS):
        missing.append(" or ".join(NAME_COLUMNS))
    if missing:
        raise InputError(f"{path} lacks the column(s) {'; '.join(missing)} "
                         f"(has: {', '.join(names)})")  # fmt: skip
    ids = [r.get("record_id") for r in rows]
    if any(i is None for i in ids):
        line = ids.index(None) + 2
        raise InputError(f"{path} line {line}: record_id is empty")
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InputError(f"{path}: record_id '{dup}' appears more than once")
    extra = [n for n in names if n not in CANONICAL_COLUMNS and n]
    return rows, extra


def _normalized_table(rows: list[dict[str, Any]], extra: list[str]) -> pa.Table:
    normalizer = Normalizer(load_pack("ru"))
    raw = [{"source_id": r.get("source") or "input", **{c: r.get(c) for c in VALUE_COLUMNS}}
           for r in rows]  # fmt: skip
    cols = normalizer.normalize_batch(raw, {})
    arrays: dict[str, pa.Array] = {
        "source_id": pa.array([r.get("source") or "input" for r in rows], pa.string()),
        "record_id": pa.array([r["record_id"] for r in rows], pa.string()),
    }
    for f in FIELDS:
        kind = _LIST_FIELDS.get(f, pa.string())
        if f in _DATE_FIELDS:
            kind = pa.date32()
        elif f in _INT_FIELDS:
            kind = pa.int32()
        elif f == "unit_guards":
            kind = pa.bool_()
        arrays[f] = pa.array(cols[f], kind)
    for c in extra:
        arrays[c] = pa.array([(row.get(c) or None) for row in rows], pa.string())
    return pa.table(arrays)


def dedupe(
    path: Path,
    out: Path,
    cfg: LinkSettings | None = None,
    progress: Progress | None = None,
    *,
    force: bool = False,
) -> DedupeReport:
    """Cluster the records of ``path`` into persons; write ``record_id,person_id``.

    An existing ``out`` is replaced only with ``force`` (checked before any work)."""
    check_output(out, force=force)
    cfg = cfg or LinkSettings()
    rows, extra = read_records(path)
    if not rows:
        raise InputError(f"{path} has a header but no records")
    if len({r.get("record_id") for r in rows}) != len(rows):
        raise InputError(f"{path}: record ids must be unique")
    n = len(rows)
    evidence = [c for c in extra if sum(1 for r in rows if r.get(c)) >= EXTRA_MIN_FILL * n]
    evidence = evidence[:MAX_EXTRA]
    normalized = _normalized_table(rows, evidence)
    con = duckdb.connect()
    try:
        con.register("dedupe_normalized", normalized)
        table = link_input_from(con, "dedupe_normalized", evidence)
    finally:
        con.close()
    result = link_records(table, cfg, extra_columns=tuple(evidence), progress=progress)
    ids = table.column("record_id").to_pylist()
    labels = result.labels.tolist()
    numbers: dict[int, int] = {}
    for label in labels:
        numbers.setdefault(label, len(numbers) + 1)
    width = max(6, len(str(len(numbers))))
    by_id = {rid: f"P-{numbers[label]:0{width}d}" for rid, label in zip(ids, labels, strict=True)}
    try:
        with open_output(out, "w", force=force) as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["record_id", "person_id"])
            for row in rows:
                writer.writerow([row["record_id"], by_id[row["record_id"]]])
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}") from exc
    return DedupeReport(n, len(numbers), evidence, result.model.checks, result.seconds)
