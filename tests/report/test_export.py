"""Spreadsheet-safe CSV cells (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest

from unaccounted.report.export import safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+79990001122", "'+79990001122"),  # a phone number would be read as a formula
        ("-", "'-"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Иванов", "Иванов"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (12, "12"),
        (True, "true"),
    ],
)
def test_safe_cell(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Each of these passed through unchanged before, and each is run as a formula by
        # at least one spreadsheet (leading blanks are skipped, full-width forms folded).
        ("\n=1+1", "'\n=1+1"),
        (" =1+1", "' =1+1"),
        ("  \t@SUM(A1)", "'  \t@SUM(A1)"),
        ("\ufeff=1+1", "'\ufeff=1+1"),
        ("\u00a0+7999", "'\u00a0+7999"),
        ("\uff1dHYPERLINK(1)", "'\uff1dHYPERLINK(1)"),
        ("\uff0b1", "'\uff0b1"),
        ("\uff0d1", "'\uff0d1"),
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
        ("\ufe661", "'\ufe661"),
        # Leading blanks alone are harmless text and stay as they are.
        (" Иванов", " Иванов"),
        # NUL would cut the cell short and U+202E would show it backwards: both visible.
        ("Иван\x00ов", "Иван\\x00ов"),
        ("abc\u202edef", "abc\\u202edef"),
        ("\u202e=1", "\\u202e=1"),  # shown escaped, it no longer starts a formula
    ],
)
def test_safe_cell_covers_blanks_full_width_bom_nul_and_bidi(value: str, expected: str) -> None:
    assert safe_cell(value) == expected


def test_whole_columns_follow_the_same_rule_as_single_cells() -> None:
    import pyarrow as pa

    from unaccounted.report.export import write_csv

    values = ["=1", " =1", "\n1", "\ufeff=1", "\uff1d1", "a\x00b", "x\u202ey", "ok", " hi", None]
    table = pa.table({"v": pa.array(values, pa.string())})
    buf = io.BytesIO()
    assert write_csv(pa.RecordBatchReader.from_batches(table.schema, table.to_batches()), buf) == 10
    got = [(row or [""])[0] for row in csv.reader(io.StringIO(buf.getvalue().decode("utf-8")))][1:]
    # Arrow compute (export records) and safe_cell (report, export persons) must agree.
    assert got == [safe_cell(v) for v in values]
