"""What one input file may cost: limits checked before and while reading, with safe defaults.

A hostile or broken file must not exhaust the machine: an XLSX of 1.5 KB can claim a cell
at XFD1048576 (seventeen billion empty cells to walk), a 2 MB workbook can unpack to
gigabytes, a JSON document can nest deeper than the parser's stack, a single cell can
hold a gigabyte. Each limit is a setting under ``[ingest]``
(:class:`unaccounted.settings.IngestSettings`); a file over one is refused whole, before
anything is stored, with one line naming the limit and the setting that raises it.

The XLSX checks read only the zip directory (sizes as declared, before any byte is
unpacked); the zip reader also refuses a member that unpacks to more than it declared.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unaccounted.errors import InputError

SHARED_STRINGS = "xl/sharedStrings.xml"


@dataclass(frozen=True)
class Limits:
    max_columns: int = 1_000
    max_cell_chars: int = 1_000_000
    json_max_depth: int = 64
    xlsx_max_sheets: int = 100
    xlsx_max_cells: int = 50_000_000
    xlsx_max_unpacked_bytes: int = 1 << 30
    xlsx_max_shared_strings_bytes: int = 256 << 20

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        """The limits of an ``IngestSettings`` (every field of this class is one)."""
        return cls(**{name: getattr(settings, name) for name in cls.__dataclass_fields__})


def over_limit(path: Path, what: str, value: int, limit: int, setting: str) -> InputError:
    """The one-line refusal of a file over a limit."""
    return InputError(
        f"{path}: {what} ({value:,}) is over the limit of {limit:,}; nothing was stored "
        f"(if you trust the file, raise ingest.{setting} in unaccounted.toml)"
    )


def check_columns(path: Path, count: int, limits: Limits) -> None:
    if count > limits.max_columns:
        raise over_limit(path, "columns", count, limits.max_columns, "max_columns")


def check_cell(path: Path, text: str | None, limits: Limits, where: str) -> None:
    if text is not None and len(text) > limits.max_cell_chars:
        raise over_limit(
            path, f"characters in one cell ({where})", len(text), limits.max_cell_chars,
            "max_cell_chars",
        )  # fmt: skip


def check_cells(path: Path, cells: list[str | None], limits: Limits, where: str) -> None:
    """:func:`check_cell` for a row, at C speed when every cell is within the limit."""
    if max(map(len, filter(None, cells)), default=0) > limits.max_cell_chars:
        for text in cells:
            check_cell(path, text, limits, where)


def check_xlsx_archive(path: Path, limits: Limits) -> None:
    """Refuse a workbook by its zip directory alone: unpacked size, shared strings, sheets."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable XLSX workbook ({exc})") from exc
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.xlsx_max_unpacked_bytes:
        raise over_limit(
            path, "bytes once unpacked", unpacked, limits.xlsx_max_unpacked_bytes,
            "xlsx_max_unpacked_bytes",
        )  # fmt: skip
    shared = sum(m.file_size for m in members if m.filename.lower() == SHARED_STRINGS.lower())
    if shared > limits.xlsx_max_shared_strings_bytes:
        raise over_limit(
            path, "bytes of shared strings", shared, limits.xlsx_max_shared_strings_bytes,
            "xlsx_max_shared_strings_bytes",
        )  # fmt: skip
    sheets = sum(1 for m in members if m.filename.lower().startswith("xl/worksheets/sheet"))
    check_sheets(path, sheets, limits)


def check_sheets(path: Path, count: int, limits: Limits) -> None:
    if count > limits.xlsx_max_sheets:
        raise over_limit(path, "sheets", count, limits.xlsx_max_sheets, "xlsx_max_sheets")


def check_sheet_cells(path: Path, sheet: str, cells: int, limits: Limits) -> None:
    if cells > limits.xlsx_max_cells:
        raise over_limit(
            path, f"cells in sheet '{sheet}'", cells, limits.xlsx_max_cells, "xlsx_max_cells"
        )


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON text (brackets in strings ignored)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def check_json_line(path: Path, line_no: int, text: str, limits: Limits) -> None:
    """Refuse a JSON Lines line nested deeper than the limit (before the parser recurses)."""
    if text.count("[") + text.count("{") <= limits.json_max_depth:
        return  # cannot be deeper: the common case costs two counts
    depth = json_depth(text)
    if depth > limits.json_max_depth:
        raise over_limit(
            path, f"nesting depth of line {line_no}", depth, limits.json_max_depth,
            "json_max_depth",
        )  # fmt: skip
