"""Partial dates: intervals, precision, candidates, ages."""

from __future__ import annotations

import datetime as dt

from unaccounted.normalize.dates import DateParser
from unaccounted.normalize.pack import PackData

P = DateParser(PackData("ru"))
D = dt.date


def test_slash_dates_keep_both_readings_unless_the_source_tells() -> None:
    both = P.parse("04/03/2023")
    assert both is not None
    assert both.candidates == (D(2023, 3, 4), D(2023, 4, 3))
    assert both.edtf == "[2023-03-04,2023-04-03]"
    assert (both.lo, both.hi) == (D(2023, 3, 4), D(2023, 4, 3))
    day_first = P.parse("04/03/2023", order="dmy")
    assert day_first is not None and day_first.edtf == "2023-03-04"
    month_first = P.parse("04/03/2023", order="mdy")
    assert month_first is not None and month_first.edtf == "2023-04-03"


def test_edtf_of_each_precision() -> None:
    cases = {"весной 2023": "2023-21", "март 2023": "2023-03", "2023": "2023",
             "2022-2023": "2022/2023", "около 1985": "1985~", "1985?": "1985?",
             "12.03.2023": "2023-03-12"}  # fmt: skip
    for text, edtf in cases.items():
        got = P.parse(text)
        assert got is not None and got.edtf == edtf, text


def test_not_dates() -> None:
    for text in ("31.02.2023", "13/13/2023", "вчера", "", "12 марта", "2023 год 2024 год"):
        assert P.parse(text) is None, text
