"""CSV and TSV: encoding detected, delimiter sniffed from the header line, read as a stream."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from unaccounted.errors import InputError
from unaccounted.ingest.encoding import detect_encoding
from unaccounted.ingest.readers import (
    Progress,
    ReadOptions,
    Table,
    clean_header,
    rows_to_batches,
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
        raw = path.open("rb")
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        try:
            first = ""
            prelude = 0
            while True:
                try:
                    first = text.readline()
                except UnicodeDecodeError as exc:
                    raise InputError(
                        f"{path}: not readable as {encoding} near line {prelude + 1}; "
                        f"pass --encoding (utf-8, cp1251, koi8-r, ...)"
                    ) from exc
                prelude += 1
                if first == "" or first.strip():
                    break
            if first == "":
                return
            delimiter = opts.delimiter or sniff_delimiter(first, path.suffix.lower())
            header_cells = next(csv.reader([first], delimiter=delimiter))
            header = clean_header(list(header_cells))
            reader = csv.reader(text, delimiter=delimiter)
            rows = _csv_rows(reader, prelude, raw, size, progress, path, encoding)
            yield Table(None, header, rows_to_batches(rows, len(header), opts.batch_rows))
        finally:
            text.close()

    return encoding, tables()


def _csv_rows(
    reader: Any, prelude: int, raw: Any, size: int, progress: Progress, path: Path, encoding: str
) -> Iterator[tuple[int, list[str | None]]]:
    last = prelude
    n = 0
    try:
        for row in reader:
            yield last + 1, row
            last = prelude + reader.line_num
            n += 1
            if n % 20_000 == 0:
                progress(min(raw.tell() / size, 1.0))
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not readable as {encoding} near line {last + 1}; "
            f"pass --encoding (utf-8, cp1251, koi8-r, ...)"
        ) from exc
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV near line {last + 1}: {exc}") from exc
    progress(1.0)
