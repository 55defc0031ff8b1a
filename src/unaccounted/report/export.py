"""Export records as CSV, Parquet or JSON Lines.

CSV is what journalists open in a spreadsheet, so it is made safe there (CSV injection,
OWASP). Excel, LibreOffice and Google Sheets run a cell as a formula when it begins with
``=``, ``+``, ``-`` or ``@`` — also after leading spaces, line breaks or a byte-order
mark, and in the full-width (``＝＋－＠``) and small (``﹦﹢﹣﹫``) forms some of them
fold to the ASCII ones — and a cell that begins with a tab, carriage return or line feed
is read unpredictably. Such a cell is written with a leading apostrophe, which
spreadsheets show as text. In the same safe mode two kinds of character that a
spreadsheet would hide are made visible, as ``unaccounted`` shows them on a terminal:
NUL (which cuts a cell short in many programs) becomes ``\x00`` and the bidirectional
controls (U+202E and its kin, which make a cell read backwards) become ``\u202e``.
These are the only changes; ``--no-safe-cells`` writes every value exactly as stored,
for programs that read the CSV. JSON Lines and Parquet always keep values exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from unaccounted.errors import InputError
from unaccounted.files import check_output
from unaccounted.present import BIDI_CONTROLS, terminal_safe

#: Characters that start a formula, with their full-width and small forms.
FORMULA_CHARS = "=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b"
#: A cell beginning with one of these is risky whatever follows.
RISKY_FIRST = "\t\r\n"
#: Skipped before a formula character: spaces, line breaks, byte-order mark, zero widths.
LEADING = " \t\r\n\f\v\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
#: The rule as a regular expression (RE2 and Python read it alike), for whole Arrow columns.
FORMULA_PATTERN = f"^(?:[{RISKY_FIRST}]|[{LEADING}]*[{re.escape(FORMULA_CHARS)}])"
_FORMULA = re.compile(FORMULA_PATTERN)
#: Characters a spreadsheet would hide, shown as visible escapes in safe mode.
HIDDEN = ("\x00", *sorted(BIDI_CONTROLS))
_HIDDEN = re.compile("[" + "".join(HIDDEN) + "]")

#: ``progress(rows_written)``.
Progress = Callable[[int], None]
EXPORT_FORMATS = ("csv", "parquet", "jsonl")


def safe_cell(value: Any) -> str:
    """A value as a CSV cell that no spreadsheet will evaluate."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else _text(value)
    text = _HIDDEN.sub(lambda m: terminal_safe(m.group(0)), text)
    return "'" + text if _FORMULA.match(text) else text


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
                    column = _safe_column(column)
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


def _safe_column(column: Any) -> Any:
    """An Arrow string column made spreadsheet-safe, as :func:`safe_cell` does a value."""
    import pyarrow.compute as pc

    if pc.any(pc.match_substring_regex(column, _HIDDEN.pattern)).as_py():
        for char in HIDDEN:
            column = pc.replace_substring(column, char, terminal_safe(char))
    risky = pc.match_substring_regex(column, FORMULA_PATTERN)
    return pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)


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


def export_path_check(path: Path | None, fmt: str, *, force: bool = False) -> None:
    """Refuse an unknown format, Parquet to the terminal, a missing output folder, a
    folder as the output file, or an existing file without ``force``."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format '{fmt}' (formats: {', '.join(EXPORT_FORMATS)})")
    if fmt == "parquet" and path is None:
        raise InputError("Parquet cannot go to the terminal; pass --out FILE.parquet")
    if path is not None:
        check_output(path, force=force)
