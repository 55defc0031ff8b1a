"""Export records as CSV, Parquet or JSON Lines.

CSV is what journalists open in a spreadsheet, so it is made safe there: a cell that
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a
formula by Excel, LibreOffice or Google Sheets (CSV injection, OWASP), so such a cell is
written with a leading apostrophe, which spreadsheets show as text. The apostrophe is
the only change; ``--no-safe-cells`` turns it off for programs that read the CSV.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = ("csv", "parquet", "jsonl")


def safe_cell(value: Any) -> str:
    """A value as a CSV cell that no spreadsheet will evaluate."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else _text(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_csv(batches: Any, out: IO[str], safe: bool = True) -> int:
    """Write an Arrow RecordBatchReader as CSV; return the number of rows written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(batches.schema.names)
    cell = safe_cell if safe else (lambda v: "" if v is None else _text(v))
    n = 0
    for batch in batches:
        for row in _rows(batch):
            writer.writerow([cell(v) for v in row])
            n += 1
    return n


def write_jsonl(batches: Any, out: IO[str]) -> int:
    names = batches.schema.names
    n = 0
    for batch in batches:
        for row in _rows(batch):
            record = dict(zip(names, row, strict=True))
            if isinstance(record.get("extra"), str):
                record["extra"] = json.loads(record["extra"])
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def _rows(batch: Any) -> Iterator[tuple[Any, ...]]:
    columns = [col.to_pylist() for col in batch.columns]
    return zip(*columns, strict=True)


def export_path_check(path: Path | None, fmt: str) -> None:
    from unaccounted.errors import InputError

    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format '{fmt}' (formats: {', '.join(EXPORT_FORMATS)})")
    if fmt == "parquet" and path is None:
        raise InputError("Parquet cannot go to the terminal; pass --out FILE.parquet")
    if path is not None and not path.parent.exists():
        raise InputError(f"folder not found for --out: {path.parent}")
