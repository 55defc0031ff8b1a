"""Reading and validating capture-history tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from unaccounted.errors import InputError
from unaccounted.estimate import from_cells, from_rows, read_histories


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "h.csv"
    p.write_text(text)
    return p


def test_reads_in_prefix_and_builds_cells(tmp_path: Path) -> None:
    h = read_histories(write(tmp_path, "in_a,in_b,count\n1,0,5\n0,1,7\n1,1,2\n"))
    assert h.lists == ("a", "b")
    assert h.observed == 14
    # cell numbering by bit mask: a is bit 0, b is bit 1
    assert h.cells().tolist() == [0, 5, 7, 2]
    assert h.list_totals() == {"a": 7, "b": 9}


def test_freq_column_and_zero_count_rows_are_accepted(tmp_path: Path) -> None:
    h = read_histories(write(tmp_path, "A,B,C,freq\n1,1,1,0\n1,0,0,3\n0,1,0,4\n0,0,1,1\n"))
    assert h.observed == 8
    assert len(h.counts) == 3  # the zero-count row is dropped


def test_from_cells_roundtrip() -> None:
    h = from_cells(["x", "y", "z"], [0, 1, 2, 3, 4, 5, 6, 7])
    assert np.array_equal(h.cells(), np.arange(8))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,count\n2,0,5\n", "is not 0 or 1"),
        ("a,b,count\n1,0,-1\n0,1,2\n", "is negative"),
        ("a,b,count\n1,0,2.5\n0,1,2\n", "not a whole number"),
        ("a,b,count\n1,0,x\n0,1,2\n", "not a number"),
        ("a,b,count\n0,0,4\n1,0,2\n0,1,1\n", "has no list marked"),
        ("a,b,count\n1,0,4\n1,0,2\n0,1,1\n", "repeat the same history"),
        ("a,count\n1,4\n", "at least 2"),
        ("a,b\n1,0\n0,1\n", "no count column"),
        ("a,b,count\n1,0,0\n0,1,0\n", "all counts are zero"),
        ("a,b,count\n1,0,3\n", "saw nobody"),
        ("", "empty table"),
    ],
)
def test_bad_tables_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        read_histories(write(tmp_path, text))
    assert "\n" not in str(info.value)


def test_missing_file() -> None:
    with pytest.raises(InputError, match="no such file"):
        read_histories("/nonexistent/histories.csv")


def test_from_rows_validates() -> None:
    with pytest.raises(InputError, match="not 0 or 1"):
        from_rows(["a", "b"], [[1, 3]], [2])
