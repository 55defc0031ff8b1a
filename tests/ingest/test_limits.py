"""Hostile inputs are refused by a limit, quickly, in one line, with the store unchanged."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_csv
from unaccounted.errors import InputError
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.ingest.limits import json_depth
from unaccounted.workspace import Workspace


def _with(ws: Workspace, **limits: Any) -> Workspace:
    ingest = ws.settings.ingest.model_copy(update=limits)
    return Workspace(ws.root, ws.settings.model_copy(update={"ingest": ingest}))


def _refused(ws: Workspace, path: Path, pattern: str) -> float:
    """Ingest ``path``; expect a one-line refusal matching ``pattern``; return the seconds."""
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=pattern) as info:
        ingest_files(ws, [path], IngestOptions())
    seconds = time.perf_counter() - t0
    assert "\n" not in str(info.value)
    with ws.store(read_only=True) as store:
        assert store.counts()["records"] == 0 and store.counts()["rejects"] == 0
    return seconds


def _workbook(path: Path, cells: dict[str, Any], sheets: int = 1) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    for i in range(1, sheets):
        book.create_sheet(f"s{i}")
    sheet = book.active
    assert sheet is not None
    for ref, value in cells.items():
        sheet[ref] = value
    book.save(path)
    return path


def _patch_sheet(
    path: Path, old: bytes, new: bytes, extra: tuple[str, bytes] | None = None
) -> None:
    """Rewrite the first sheet's XML inside the workbook (and optionally add a member)."""
    with zipfile.ZipFile(path) as src:
        members = {info.filename: src.read(info) for info in src.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert old in members[sheet]
    members[sheet] = members[sheet].replace(old, new)
    if extra:
        members[extra[0]] = extra[1]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)


def test_a_cell_at_xfd1048576_is_refused_at_once(ws: Workspace, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "far.xlsx", {"A1": "full_name", "A2": "Иванов", "XFD1048576": "x"})
    assert path.stat().st_size < 10_000
    # Before: openpyxl walked 17 billion empty cells (past 300 s).
    seconds = _refused(
        ws, path, r"columns \(16,384\) is over the limit of 1,000.*ingest.max_columns"
    )
    assert seconds < 10


def test_unpacked_size_is_read_from_the_zip_directory(ws: Workspace, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "ws.xlsx", {"A1": "full_name", "A2": "Иванов"})
    _patch_sheet(path, b"<sheetData>", b"<sheetData>" + b" " * 4_000_000)
    assert path.stat().st_size < 100_000  # 4 MB of whitespace packs into a few KB
    small = _with(ws, xlsx_max_unpacked_bytes=1_000_000)
    _refused(small, path, r"bytes once unpacked \(4,0\d\d,\d+\) .* ingest.xlsx_max_unpacked_bytes")


def test_shared_strings_and_sheet_count(ws: Workspace, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "s.xlsx", {"A1": "full_name", "A2": "И" * 5000}, sheets=3)
    _refused(_with(ws, xlsx_max_sheets=2), path, r"sheets \(3\) .* ingest.xlsx_max_sheets")
    _refused(_with(ws, max_cell_chars=4999), path, r"one cell \(sheet 'Sheet' row 2\) \(5,000\)")
    # One shared string of 5,000 characters (the was 1 GiB, loaded whole by openpyxl).
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    _patch_sheet(path, b"<sheetData>", b"<sheetData>", ("xl/sharedStrings.xml", sst + b"x" * 5000))
    _refused(
        _with(ws, xlsx_max_shared_strings_bytes=1000),
        path,
        r"bytes of shared strings \(5,0\d\d\) .* ingest.xlsx_max_shared_strings_bytes",
    )


def test_declared_dimensions_over_the_cell_limit(ws: Workspace, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "d.xlsx", {"A1": "full_name", "A2": "Иванов", "J100": "x"})
    _refused(_with(ws, xlsx_max_cells=999), path, r"cells in sheet 'Sheet' \(1,000\)")


def test_a_malformed_cell_is_one_line_not_a_traceback(ws: Workspace, tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "bad.xlsx", {"A1": "full_name", "B1": "age", "A2": "Иванов", "B2": 41}
    )
    # A numeric cell whose value is not a number: openpyxl raises ValueError mid-sheet.
    _patch_sheet(path, b"<v>41</v>", b"<v>forty-one</v>")
    _refused(ws, path, r"sheet 'Sheet' row 2 cannot be read \(.*\); nothing was stored")


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_nested_200000_deep_is_refused(ws: Workspace, tmp_path: Path, fmt: str) -> None:
    deep = "[" * 200_000 + "]" * 200_000
    text = f'{{"full_name": "Иванов", "x": {deep}}}'
    path = tmp_path / f"deep.{fmt}"
    path.write_text(f"[{text}]" if fmt == "json" else text + "\n", "utf-8")
    # Before: RecursionError traceback.
    _refused(ws, path, r"nesting depth.* is over the limit of 64.*ingest.json_max_depth")


def test_json_cell_and_key_count(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"full_name": "Иванов", "note": "x" * 5001}]), "utf-8")
    _refused(_with(ws, max_cell_chars=5000), path, r"one cell \(a string\) \(5,001\)")
    wide = tmp_path / "wide.jsonl"
    wide.write_text(json.dumps({"full_name": "a", **{f"k{i}": i for i in range(1000)}}) + "\n")
    _refused(ws, wide, r"columns \(1,001\) is over the limit of 1,000")


def test_csv_with_10000_columns_and_an_oversized_cell(ws: Workspace, tmp_path: Path) -> None:
    wide = write_csv(tmp_path / "wide.csv", ["full_name", *[f"c{i}" for i in range(9999)]], [])
    _refused(ws, wide, r"columns \(10,000\) is over the limit of 1,000.*ingest.max_columns")
    big = write_csv(tmp_path / "big.csv", ["full_name", "note"], [["Иванов", "x" * 2000]])
    _refused(_with(ws, max_cell_chars=1000), big, r"one cell near line 2 .*ingest.max_cell_chars")


def test_files_within_the_limits_are_read_as_before(ws: Workspace, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "ok.xlsx", {"A1": "full_name", "A2": "Иванов", "A3": "Петров"})
    report = ingest_files(ws, [path], IngestOptions())
    assert report.accepted == 2


def test_json_depth_ignores_brackets_in_strings() -> None:
    assert json_depth('{"a": "[[[[", "b": [[1], {"c": "]]"}]}') == 3
    assert json_depth('["\\"[[" , [ ]]') == 2


def test_truncated_json_is_one_line(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('[{"full_name": "Иванов"}', "utf-8")
    # Found by the fuzz test: the parser's message drew the position over three lines.
    _refused(ws, path, r"cut.json: not valid JSON \(parse error: premature EOF\)$")
