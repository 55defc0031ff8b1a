"""Spreadsheet-safe CSV cells (OWASP CSV injection)."""

from __future__ import annotations

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
