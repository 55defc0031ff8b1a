"""Export records as CSV, Parquet or JSON Lines.

CSV is what journalists open in a spreadsheet, so it is made safe there: a cell that
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a
formula by Excel, LibreOffice or Google Sheets (CSV injection, OWASP), so such a cell is
written with a leading apostrophe, which spreadsheets show as text. The apostrophe is
the only change; ``--no-safe-cells`` turns it off for programs that read the CSV.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from unaccounted.errors import InputError

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: The same rule as a regular expression, for whole Arrow columns at once.
FORMULA_PATTERN = "^[" + re.escape("".join(FORMULA_PREFIXES)) + "]"

#: ``progress(rows_written)``.
Progress = Callable[[int], None]
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


def write_csv(
    batches: Any, out: IO[bytes], safe: bool = True, progress: Progress | None = None
) -> int:
    """Write an Arrow RecordBatchReader as UTF-8 CSV; return the number of rows written.

    Cells are made safe column by column with Arrow compute, not cell by cell in Python.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    writer: Any = None
    n = 0
    try:
        for batch in batches:
            table = pa.Table.from_batches([batch])
            for i, field in enumerate(table.schema):
                column = table.column(i)
                if not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)):
                    continue  # numbers and booleans cannot start a formula
                if safe:
                    risky = pc.match_substring_regex(column, FORMULA_PATTERN)
                    column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
                table = table.set_column(i, field.name, column)
            if writer is None:
                writer = pcsv.CSVWriter(out, table.schema)
            writer.write_table(table)
            n += table.num_rows
            if progress:
                progress(n)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:  # no rows: still write the header
        names = batches.schema.names
        out.write((",".join(f'"{name}"' for name in names) + "\n").encode("utf-8"))
    return n


def write_jsonl(batches: Any, out: IO[str], progress: Progress | None = None) -> int:
    names = batches.schema.names
    n = 0
    for batch in batches:
        for row in _rows(batch):
            record = dict(zip(names, row, strict=True))
            if isinstance(record.get("extra"), str):
                record["extra"] = json.loads(record["extra"])
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
        if progress:
            progress(n)
    return n


def _rows(batch: Any) -> Iterator[tuple[Any, ...]]:
    columns = [col.to_pylist() for col in batch.columns]
    return zip(*columns, strict=True)


def export_path_check(path: Path | None, fmt: str) -> None:
    """Refuse an unknown format, Parquet to the terminal, or a missing output folder."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format '{fmt}' (formats: {', '.join(EXPORT_FORMATS)})")
    if fmt == "parquet" and path is None:
        raise InputError("Parquet cannot go to the terminal; pass --out FILE.parquet")
    if path is not None and not path.parent.exists():
        raise InputError(f"folder not found for --out: {path.parent}")
