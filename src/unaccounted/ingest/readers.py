"""Readers: turn a CSV/TSV, XLSX, JSON/JSON Lines or Parquet file into tables of raw strings.

Every reader streams: it yields :class:`Table` objects whose batches are Arrow tables of at
most ``batch_rows`` rows, with a ``_line`` column (the row's position in the file: the
physical line for text files, the sheet row for workbooks, the element number for JSON
arrays and Parquet) followed by ``c0 … cN``, one string column per header column.
Rows that cannot be staged (a JSON Lines line that is not JSON, a row with more cells than
the header) come back as :class:`BadRow` so the caller can reject them with a reason.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from unaccounted.errors import InputError
from unaccounted.ingest.limits import Limits

csv.field_size_limit(64 * 1024 * 1024)

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}

Progress = Callable[[float], None]


@dataclass
class BadRow:
    line: int
    code: str
    reason: str
    raw: Any


@dataclass
class Batch:
    table: pa.Table
    bad: list[BadRow] = field(default_factory=list)
    blank: int = 0


@dataclass
class Table:
    sheet: str | None
    header: list[str]
    batches: Iterator[Batch]


@dataclass
class ReadOptions:
    batch_rows: int = 50_000
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sample_bytes: int = 1_048_576
    limits: Limits = field(default_factory=Limits)
    #: CSV and XLSX: the header's row number (1-based); None finds it (see ``find_header``)
    header_row: int | None = None
    #: the share of a row's filled cells that are known header names (title-row detection)
    known_headers: Callable[[list[str]], float] | None = None


#: A row below a one-cell first row is the header when this share of its cells is known.
TITLE_HEADER_SHARE = 0.5

Rows = Iterator[tuple[int, list[str | None]]]


def filled(cells: list[str | None]) -> list[str]:
    """The non-blank cells of a row."""
    return [c for c in cells if c is not None and c.strip()]


def is_title_then_header(
    first: list[str | None], second: list[str | None], opts: ReadOptions
) -> bool:
    """A title above the header: one filled cell, then a row of mostly known header names."""
    if opts.known_headers is None or len(filled(first)) != 1 or len(filled(second)) < 2:
        return False
    return opts.known_headers(filled(second)) >= TITLE_HEADER_SHARE


def find_header(rows: Rows, opts: ReadOptions, where: str) -> tuple[list[str | None], Rows] | None:
    """The header row and the rows after it; None when there is no row with content.

    With ``opts.header_row`` the header is that row; otherwise the first non-blank row,
    or the second when the first is a title above a row of known header names.
    """
    if opts.header_row is not None:
        for line, cells in rows:
            if line == opts.header_row:
                if not filled(cells):
                    raise InputError(f"{where}: header row {line} is empty")
                return cells, rows
        raise InputError(f"{where}: has no row {opts.header_row} (header row)")
    first = next(((n, c) for n, c in rows if filled(c)), None)
    if first is None:
        return None
    if opts.known_headers is None or len(filled(first[1])) != 1:
        return first[1], rows
    peeked: list[tuple[int, list[str | None]]] = []
    for line, cells in rows:
        peeked.append((line, cells))
        if filled(cells):
            break
    if peeked and is_title_then_header(first[1], peeked[-1][1], opts):
        return peeked[-1][1], rows
    return first[1], itertools.chain(peeked, rows)


def file_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(f"{path}: unknown file type '{path.suffix}' (known: {known})")
    return fmt


def columns_table(lines: list[int], rows: list[list[str | None]], width: int) -> pa.Table:
    """A staged batch: ``_line`` and ``cells``, each row's cells as one list (fast to build).

    Rows may be shorter than ``width``; the missing cells read as empty.
    """
    return pa.table(
        {
            "_line": pa.array(lines, pa.int64()),
            "cells": pa.array(rows, pa.list_(pa.string())),
        }
    )


def clean_header(cells: list[str | None]) -> list[str]:
    """Header cells as text; a blank header cell is named ``column_<n>`` (1-based)."""
    out = []
    for i, cell in enumerate(cells, start=1):
        text = (cell or "").strip().lstrip("\ufeff").strip()
        out.append(text or f"column_{i}")
    return out


def rows_to_batches(
    rows: Iterator[tuple[int, list[str | None]]], width: int, batch_rows: int
) -> Iterator[Batch]:
    """Group (line, cells) into batches; set aside blank rows and rows wider than the header."""
    lines: list[int] = []
    good: list[list[str | None]] = []
    bad: list[BadRow] = []
    blank = 0
    for line, cells in rows:
        if not any(cells):  # every cell empty (whitespace-only rows reach "no name")
            blank += 1
            continue
        if len(cells) > width:
            if "".join(c for c in cells[width:] if c is not None).strip():
                bad.append(
                    BadRow(
                        line, "ragged", f"row has {len(cells)} cells, the header has {width}", cells
                    )
                )
                continue
            cells = cells[:width]
        lines.append(line)
        good.append(cells)
        if len(good) >= batch_rows:
            yield Batch(columns_table(lines, good, width), bad, blank)
            lines, good, bad, blank = [], [], [], 0
    if good or bad or blank:
        yield Batch(columns_table(lines, good, width), bad, blank)
