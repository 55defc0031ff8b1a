"""Reading and laying out reporting triangles: every refusal is one line naming the row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from unaccounted.errors import InputError
from unaccounted.nowcast import NowcastSettings, Report, layout, nowcast, read_triangle

D = dt.date


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "triangle.csv"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """period,as_of,count
2024-01-01,2024-01-07,3
2024-01-01,2024-01-14,5
2024-01-01,2024-01-21,6
2024-01-08,2024-01-14,2
2024-01-08,2024-01-21,4
2024-01-15,2024-01-21,1
"""


def test_reads_rows_and_lays_them_out_by_delay(tmp_path: Path) -> None:
    rows = read_triangle(_write(tmp_path, GOOD))
    assert rows[0] == Report(D(2024, 1, 1), D(2024, 1, 7), 3)
    tri = layout(rows)
    assert tri.step_days == 7
    assert tri.as_of == D(2024, 1, 21)
    assert tri.observed_delay.tolist() == [2, 1, 0]
    # Cells past a period's observed delay carry its last known count.
    assert tri.counts.tolist() == [[3, 5, 6], [2, 4, 4], [1, 1, 1]]
    assert tri.latest.tolist() == [6, 4, 1]
    assert tri.known.tolist() == [[True, True, True], [True, True, False], [True, False, False]]


def test_as_of_cuts_to_what_was_known(tmp_path: Path) -> None:
    tri = layout(read_triangle(_write(tmp_path, GOOD)), D(2024, 1, 14))
    assert tri.periods == (D(2024, 1, 1), D(2024, 1, 8))
    assert tri.latest.tolist() == [5, 2]
    with pytest.raises(InputError, match="no report in the triangle is dated on or before"):
        layout(read_triangle(_write(tmp_path, GOOD)), D(2023, 12, 1))


def test_headers_are_case_insensitive_and_a_missing_period_counts_zero(tmp_path: Path) -> None:
    text = (
        "Period,AS_OF,Count\n2024-01-01,2024-01-07,3\n2024-01-08,2024-01-14,2\n"
        "2024-01-22,2024-01-28,1\n"
    )
    tri = layout(read_triangle(_write(tmp_path, text)))
    # The step is the smallest gap between periods (7 days); 2024-01-15 had no row.
    assert tri.periods == (D(2024, 1, 1), D(2024, 1, 8), D(2024, 1, 15), D(2024, 1, 22))
    assert tri.latest.tolist() == [3, 2, 0, 1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("period,as_of,count\n", "no rows"),
        ("period,count\n2024-01-01,3\n", "missing column(s) as_of"),
        ("period,as_of,count\n1/1/2024,2024-01-14,5\n", "line 2: period '1/1/2024' is not a date"),
        ("period,as_of,count\n2024-01-01,soon,5\n", "line 2: as_of 'soon' is not a date"),
        ("period,as_of,count\n2024-01-08,2024-01-01,5\n",
         "line 2: as_of 2024-01-01 is before its period 2024-01-08"),
        ("period,as_of,count\n2024-01-01,2024-01-07,-1\n", "line 2: count -1 is negative"),
        ("period,as_of,count\n2024-01-01,2024-01-07,2.5\n", "line 2: count '2.5' is not a whole"),
        ("period,as_of,count\n2024-01-01,2024-01-07,2\n2024-01-01,2024-01-07,3\n",
         "period 2024-01-01 has two counts at as_of 2024-01-07"),
        ("period,as_of,count\n2024-01-01,2024-01-07\n", "line 2: the row has fewer than 3 cells"),
    ],
)  # fmt: skip
def test_parser_errors_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_triangle(_write(tmp_path, text))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unreadable_and_uneven_triangles(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_triangle(tmp_path / "absent.csv")
    rows = [Report(D(2024, 1, 1), D(2024, 2, 1), 1), Report(D(2024, 1, 8), D(2024, 2, 1), 1),
            Report(D(2024, 1, 18), D(2024, 2, 1), 1)]  # fmt: skip
    with pytest.raises(InputError, match="periods are not evenly spaced"):
        layout(rows)


def test_counts_are_integers() -> None:
    tri = layout([Report(D(2024, 1, 1), D(2024, 1, 1), 2)])
    assert tri.counts.dtype == np.int64
    assert tri.step_days == 7  # a single period: weekly assumed


def test_a_count_that_falls_is_a_correction_and_the_later_count_stands(tmp_path: Path) -> None:
    text = (
        "period,as_of,count\n2024-01-01,2024-01-07,3\n2024-01-01,2024-01-14,5\n"
        "2024-01-01,2024-01-21,4\n2024-01-08,2024-01-14,2\n2024-01-08,2024-01-21,1\n"
    )
    tri = layout(read_triangle(_write(tmp_path, text)))
    assert tri.counts.tolist() == [[3, 5, 4], [2, 1, 1]]
    assert tri.latest.tolist() == [4, 1] and tri.corrections == 2
    result = nowcast(tri, NowcastSettings(method="chain-ladder"))
    assert result.details["corrections"] == 2
    # the ratio of a delay whose count fell is capped at one: nothing is unreported there
    assert result.rows[0].estimate == 4


def test_cells_dated_before_the_first_report_are_unknown_not_zero(tmp_path: Path) -> None:
    # the series starts reporting on 2024-01-29: weeks of January are first seen late
    rows = [
        Report(D(2024, 1, 1), D(2024, 1, 29), 10),
        Report(D(2024, 1, 8), D(2024, 1, 29), 8),
        Report(D(2024, 1, 15), D(2024, 1, 29), 6),
        Report(D(2024, 1, 22), D(2024, 1, 29), 3),
        Report(D(2024, 1, 29), D(2024, 2, 4), 2),
        Report(D(2024, 1, 22), D(2024, 2, 4), 6),
        Report(D(2024, 1, 29), D(2024, 2, 11), 4),
    ]
    tri = layout(rows)
    assert tri.first_delay is not None and tri.first_delay.tolist() == [4, 3, 2, 1, 0]
    assert tri.known[0].tolist() == [False] * 4 + [True] * 2
    assert tri.known[4].tolist() == [True, True, False, False, False, False]
    # delay 0 -> 1 is learned from the one period reported from its first week on (2 of 4),
    # not from the January weeks whose first cells only look like zeros
    from unaccounted.nowcast.delays import window_rows

    assert window_rows(tri, 0, None, 1).tolist() == [4]
    assert window_rows(tri, 1, None, 1).tolist() == [3]
