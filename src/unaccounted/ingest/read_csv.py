"""CSV and TSV: encoding detected, delimiter sniffed from the header line, read as a stream.

The header may have at most ``ingest.max_columns`` cells and a cell at most
``ingest.max_cell_chars`` characters (:mod:`unaccounted.ingest.limits`)."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from unaccounted.errors import InputError
from unaccounted.ingest.encoding import decode_error, detect_encoding
from unaccounted.ingest.limits import check_columns, over_limit
from unaccounted.ingest.readers import (
    BadRow,
    Batch,
    Progress,
    ReadOptions,
    Table,
    clean_header,
    columns_table,
    filled,
    is_title_then_header,
)

csv.field_size_limit(64 * 1024 * 1024)


def sniff_delimiter(header_line: str, suffix: str) -> str:
    """The delimiter that splits the header line most; tab for .tsv files with tabs."""
    candidates = [",", ";", "\t", "|"]
    counts = {d: header_line.count(d) for d in candidates}
    if suffix in (".tsv", ".tab") and counts["\t"]:
        return "\t"
    best = max(candidates, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: Path, opts: ReadOptions, progress: Progress) -> tuple[str, Iterator[Table]]:
    """Return the detected encoding and the (single) table of a delimited text file."""
    with path.open("rb") as fh:
        sample = fh.read(opts.sample_bytes)
    encoding = opts.encoding or detect_encoding(sample)
    size = max(path.stat().st_size, 1)

    def tables() -> Iterator[Table]:
        # The csv module's one (process-wide) limit is the cell-size limit of this read.
        csv.field_size_limit(opts.limits.max_cell_chars)
        raw = path.open("rb")
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        try:
            found = _header_lines(text, opts, path, encoding)
            if found is None:
                return
            prelude, first, pushed_back = found
            delimiter = opts.delimiter or sniff_delimiter(first, path.suffix.lower())
            header_cells = next(csv.reader([first], delimiter=delimiter))
            check_columns(path, len(header_cells), opts.limits)
            header = clean_header(list(header_cells))
            reader = csv.reader(itertools.chain(pushed_back, text), delimiter=delimiter)
            yield Table(
                None,
                header,
                _csv_batches(
                    reader, prelude, len(header), opts, raw, size, progress, path, encoding
                ),
            )
        finally:
            text.close()

    return encoding, tables()


def _header_lines(
    text: io.TextIOWrapper, opts: ReadOptions, path: Path, encoding: str
) -> tuple[int, str, list[str]] | None:
    """``(lines up to the header, header line, lines read past it)``; None for no content.

    The header is line ``opts.header_row`` when given; otherwise the first non-blank line,
    or the next non-blank one when the first is a title above known header names.
    """

    def lines() -> Iterator[tuple[int, str]]:
        number = 0
        while True:
            try:
                line = text.readline()
            except UnicodeDecodeError as exc:
                raise decode_error(path, encoding) from exc
            if line == "":
                return
            number += 1
            yield number, line

    def cells(line: str) -> list[str | None]:
        delimiter = opts.delimiter or sniff_delimiter(line, path.suffix.lower())
        try:
            return list(next(csv.reader([line], delimiter=delimiter), []))
        except csv.Error:  # an oversized cell: no title, and the data loop reports it
            return []

    numbered = lines()
    if opts.header_row is not None:
        for number, line in numbered:
            if number == opts.header_row:
                if not line.strip():
                    raise InputError(f"{path}: header row {number} is empty")
                return number, line, []
        raise InputError(f"{path}: has no row {opts.header_row} (header row)")
    first = next(((n, line) for n, line in numbered if line.strip()), None)
    if first is None:
        return None
    peeked: list[tuple[int, str]] = []
    if opts.known_headers is None or len(filled(cells(first[1]))) != 1:
        return first[0], first[1], []
    for number, line in numbered:
        peeked.append((number, line))
        if line.strip():
            break
    if peeked and is_title_then_header(cells(first[1]), cells(peeked[-1][1]), opts):
        return peeked[-1][0], peeked[-1][1], []
    return first[0], first[1], [line for _, line in peeked]


def _csv_batches(
    reader: Any,
    prelude: int,
    width: int,
    opts: ReadOptions,
    raw: Any,
    size: int,
    progress: Progress,
    path: Path,
    encoding: str,
) -> Iterator[Batch]:
    """The hot loop of CSV ingest: rows to batches, with each row's first line number."""
    lines: list[int] = []
    good: list[list[str]] = []
    bad: list[BadRow] = []
    blank = 0
    last = prelude
    try:
        for row in reader:
            line = last + 1
            last = prelude + reader.line_num
            if len(row) > width and "".join(row[width:]).strip():
                bad.append(
                    BadRow(line, "ragged", f"row has {len(row)} cells, the header has {width}", row)
                )
                continue
            if not any(row):  # every cell empty (whitespace-only rows reach "no name")
                blank += 1
                continue
            lines.append(line)
            good.append(row)
            if len(good) >= opts.batch_rows:
                progress(min(raw.tell() / size, 1.0))
                yield Batch(columns_table(lines, good, width), bad, blank)  # type: ignore[arg-type]
                lines, good, bad, blank = [], [], [], 0
    except UnicodeDecodeError as exc:
        raise decode_error(path, encoding) from exc
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            limit = opts.limits.max_cell_chars
            raise over_limit(
                path, f"characters in one cell near line {last + 1}", limit + 1, limit,
                "max_cell_chars",
            ) from exc  # fmt: skip
        raise InputError(f"{path}: malformed CSV near line {last + 1}: {exc}") from exc
    if good or bad or blank:
        yield Batch(columns_table(lines, good, width), bad, blank)  # type: ignore[arg-type]
    progress(1.0)
