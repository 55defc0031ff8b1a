"""JSON (a top-level array of objects, streamed with ijson) and JSON Lines (one object a line).

The header is the union of the objects' keys in order of first appearance, found in a
first pass so that the second pass can stream. Nested values are kept as JSON text.
A JSON Lines line that is not a JSON object is rejected with the reason; a JSON array that
is not valid JSON cannot be resynchronised and stops the ingest with the position.
Nesting deeper than ``ingest.json_max_depth``, more keys than ``ingest.max_columns`` or a
value longer than ``ingest.max_cell_chars`` refuses the file (:mod:`unaccounted.ingest.limits`);
depth is measured before a value is built, so no parser recurses past the limit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from unaccounted.errors import InputError
from unaccounted.ingest.encoding import decode_error, detect_encoding
from unaccounted.ingest.limits import (
    Limits,
    check_cell,
    check_cells,
    check_columns,
    check_json_line,
    over_limit,
)
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


#: Bytes the first pass reads at a time. ijson's default (64 KiB) makes a long string
#: cost time quadratic in its length (a 50 MB cell: 11 s; with 1 MiB: 0.9 s), and the first
#: pass must reach the end of a string to refuse it. The second pass meets only strings
#: within ``ingest.max_cell_chars`` and keeps the default, faster on ordinary files.
SCAN_BUFFER = 1 << 20


def _invalid(path: Path, exc: Exception) -> InputError:
    """The parser's message on one line (it draws the position over several)."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputError(f"{path}: not valid JSON ({first.strip()})")


def _objects_jsonl(path: Path, encoding: str, limits: Limits) -> Iterator[tuple[int, Any, str]]:
    with path.open("r", encoding=encoding, errors="strict", newline="") as fh:
        line_no = 0
        try:
            for line_no, line in enumerate(fh, start=1):
                if line.strip():
                    check_json_line(path, line_no, line, limits)
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
            raise _invalid(path, exc) from exc


def _scan_array(path: Path, limits: Limits) -> tuple[dict[str, None], int]:
    """First pass over a JSON array, by parser events (nothing is built): the keys of its
    objects in order of first appearance and the number of elements; refuses a file
    nested deeper than the limit or with a string longer than a cell may be.

    Depth is counted here rather than read from ijson's prefixes, which grow with depth
    (a quadratic cost on a hostile file)."""
    import ijson

    keys: dict[str, None] = {}
    total = 0
    deepest, longest = limits.json_max_depth + 1, limits.max_cell_chars  # +1: the outer array
    with path.open("rb") as fh:
        try:
            events = ijson.basic_parse(fh, buf_size=SCAN_BUFFER)
            if next(events, ("", None))[0] != "start_array":
                return keys, 0  # not an array of rows: nothing to read
            depth, in_object = 1, False
            for event, value in events:  # the hot loop: cheapest tests first
                if event == "map_key":
                    if depth == 2 and in_object and value not in keys:
                        keys[value] = None
                        check_columns(path, len(keys), limits)
                elif event == "start_map" or event == "start_array":
                    depth += 1
                    if depth == 2:
                        total += 1
                        in_object = event == "start_map"
                    elif depth > deepest:
                        raise over_limit(
                            path, "nesting depth", depth - 1, limits.json_max_depth,
                            "json_max_depth",
                        )  # fmt: skip
                elif event == "end_map" or event == "end_array":
                    depth -= 1
                else:
                    total += depth == 1
                    if event == "string" and len(value) > longest:
                        check_cell(path, value, limits, "a string")
        except ijson.JSONError as exc:
            raise _invalid(path, exc) from exc
    return keys, total


def read_json(
    path: Path, fmt: str, opts: ReadOptions, progress: Progress
) -> tuple[str, Iterator[Table]]:
    with path.open("rb") as fh:
        sample = fh.read(opts.sample_bytes)
    stripped = sample.lstrip(b"\xef\xbb\xbf \t\r\n")
    lines_format = fmt == "jsonl" or not stripped.startswith(b"[")
    encoding = opts.encoding or (detect_encoding(sample) if lines_format else "utf-8")

    limits = opts.limits

    def objects() -> Iterator[tuple[int, Any, str]]:
        return _objects_jsonl(path, encoding, limits) if lines_format else _objects_array(path)

    if lines_format:
        keys: dict[str, None] = {}
        total = 0
        for total, (_, obj, _) in enumerate(objects(), start=1):  # noqa: B007 (total used after)
            if isinstance(obj, dict):
                keys.update(dict.fromkeys(obj))
                check_columns(path, len(keys), limits)
    else:
        keys, total = _scan_array(path, limits)
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
                    cells = [value_text(obj.get(k)) for k in header]
                    check_cells(path, cells, limits, f"row {line}")
                    yield line, cells
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
