"""JSON (a top-level array of objects, streamed with ijson) and JSON Lines (one object a line).

The header is the union of the objects' keys in order of first appearance, found in a
first pass so that the second pass can stream. Nested values are kept as JSON text.
A JSON Lines line that is not a JSON object is rejected with the reason; a JSON array that
is not valid JSON cannot be resynchronised and stops the ingest with the position.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from unaccounted.errors import InputError
from unaccounted.ingest.encoding import decode_error, detect_encoding
from unaccounted.ingest.readers import (
    BadRow,
    Batch,
    Progress,
    ReadOptions,
    Table,
    clean_header,
    columns_table,
    rows_to_batches,
)


def value_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _objects_jsonl(path: Path, encoding: str) -> Iterator[tuple[int, Any, str]]:
    with path.open("r", encoding=encoding, errors="strict", newline="") as fh:
        line_no = 0
        try:
            for line_no, line in enumerate(fh, start=1):
                if line.strip():
                    try:
                        yield line_no, json.loads(line, parse_float=Decimal), line
                    except json.JSONDecodeError as exc:
                        yield line_no, exc, line
        except UnicodeDecodeError as exc:
            raise decode_error(path, encoding) from exc


def _objects_array(path: Path) -> Iterator[tuple[int, Any, str]]:
    import ijson  # imported here: only JSON arrays need it

    with path.open("rb") as fh:
        try:
            for index, item in enumerate(ijson.items(fh, "item"), start=1):
                yield index, item, ""
        except ijson.JSONError as exc:
            raise InputError(f"{path}: not valid JSON ({exc})") from exc


def read_json(
    path: Path, fmt: str, opts: ReadOptions, progress: Progress
) -> tuple[str, Iterator[Table]]:
    with path.open("rb") as fh:
        sample = fh.read(opts.sample_bytes)
    stripped = sample.lstrip(b"\xef\xbb\xbf \t\r\n")
    lines_format = fmt == "jsonl" or not stripped.startswith(b"[")
    encoding = opts.encoding or (detect_encoding(sample) if lines_format else "utf-8")

    def objects() -> Iterator[tuple[int, Any, str]]:
        return _objects_jsonl(path, encoding) if lines_format else _objects_array(path)

    keys: dict[str, None] = {}
    total = 0
    for _, obj, _ in objects():
        total += 1
        if isinstance(obj, dict):
            keys.update(dict.fromkeys(obj))
    header = list(keys) or ["value"]  # all rows bad: a one-column shape for the rejects

    def tables() -> Iterator[Table]:
        if total == 0:
            return
        bad: list[BadRow] = []

        def rows() -> Iterator[tuple[int, list[str | None]]]:
            for n, (line, obj, text) in enumerate(objects(), start=1):
                if n % 20_000 == 0:
                    progress(n / total)
                if isinstance(obj, json.JSONDecodeError):
                    bad.append(BadRow(line, "invalid_json", f"not valid JSON: {obj.msg}", text))
                elif not isinstance(obj, dict):
                    bad.append(BadRow(line, "not_an_object", "not a JSON object", value_text(obj)))
                else:
                    yield line, [value_text(obj.get(k)) for k in header]
            progress(1.0)

        def batches() -> Iterator[Batch]:
            for batch in rows_to_batches(rows(), len(header), opts.batch_rows):
                batch.bad.extend(bad)
                bad.clear()
                yield batch
            if bad:
                yield Batch(columns_table([], [], len(header)), list(bad))

        yield Table(None, clean_header(list(header)), batches())

    return encoding, tables()
