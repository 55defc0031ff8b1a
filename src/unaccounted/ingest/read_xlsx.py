"""XLSX workbooks: every sheet (or a chosen one), streamed row by row with openpyxl.

Cells are turned back into the text a person sees: whole numbers without ``.0``, dates
as ISO ``YYYY-MM-DD`` (with the time only when it is not midnight), booleans as
``true``/``false``. The sheet row number is the record's line. The workbook is checked
against the limits of :mod:`unaccounted.ingest.limits` before it is opened and while
its rows are read; a cell that cannot be read is a one-line error, like a workbook that
cannot be opened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from unaccounted.errors import InputError
from unaccounted.ingest.limits import (
    Limits,
    check_cells,
    check_columns,
    check_sheet_cells,
    check_sheets,
    check_xlsx_archive,
)
from unaccounted.ingest.readers import (
    Progress,
    ReadOptions,
    Table,
    clean_header,
    find_header,
    rows_to_batches,
)


def cell_text(value: Any) -> str | None:
    """The text of one cell value as openpyxl returns it."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path, opts: ReadOptions, progress: Progress) -> Iterator[Table]:
    import openpyxl  # imported here: only workbooks need it

    limits = opts.limits
    check_xlsx_archive(path, limits)  # sizes from the zip directory, before unpacking
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(f"{path}: not a readable XLSX workbook ({exc})") from exc
    names = list(book.sheetnames)
    try:
        check_sheets(path, len(names), limits)
        if opts.sheet is not None and opts.sheet not in names:
            raise InputError(f"{path}: no sheet named '{opts.sheet}' (sheets: {', '.join(names)})")
    except InputError:
        book.close()
        raise
    chosen = [opts.sheet] if opts.sheet is not None else names

    def tables() -> Iterator[Table]:
        try:
            for index, name in enumerate(chosen):
                sheet = book[name]
                _check_dimensions(path, name, sheet, limits)
                guarded = _guarded(path, name, sheet.iter_rows(values_only=True), limits)
                found = find_header(guarded, opts, f"{path} sheet '{name}'")
                if found is None:
                    continue
                header, rows = found
                header = list(header)
                while header and header[-1] is None:
                    header.pop()
                yield Table(
                    name,
                    clean_header(header),
                    rows_to_batches(
                        _with_progress(rows, index, len(chosen), sheet.max_row or 1, progress),
                        len(header),
                        opts.batch_rows,
                    ),
                )
            progress(1.0)
        finally:
            book.close()

    return tables()


def _check_dimensions(path: Path, name: str, sheet: Any, limits: Limits) -> None:
    """Refuse a sheet by the size it declares (``<dimension ref="A1:XFD1048576"/>``)."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    check_columns(path, columns, limits)
    check_sheet_cells(path, name, rows * columns, limits)


def _guarded(
    path: Path, name: str, raw: Iterator[tuple[Any, ...]], limits: Limits
) -> Iterator[tuple[int, list[str | None]]]:
    """Rows as text, numbered from 1; a row that cannot be read is a one-line error, and
    the rows, columns and cells read stay within the limits (empty rows count as a cell).
    """
    cells = 0
    line = 0
    while True:
        try:
            row = next(raw, None)
        except Exception as exc:  # openpyxl raises many types for a damaged cell
            raise InputError(
                f"{path}: sheet '{name}' row {line + 1} cannot be read ({exc}); nothing was stored"
            ) from exc
        if row is None:
            return
        line += 1
        cells += max(len(row), 1)
        check_sheet_cells(path, name, cells, limits)
        check_columns(path, len(row), limits)
        texts = [cell_text(v) for v in row]
        check_cells(path, texts, limits, f"sheet '{name}' row {line}")
        yield line, texts


def _with_progress(
    rows: Iterator[tuple[int, list[str | None]]],
    index: int,
    count: int,
    max_row: int,
    progress: Progress,
) -> Iterator[tuple[int, list[str | None]]]:
    for line, cells in rows:
        if line % 5_000 == 0:
            progress((index + min(line / max_row, 1.0)) / count)
        yield line, cells
