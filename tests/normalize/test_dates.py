"""Partial dates: intervals, precision, candidates, ages."""

from __future__ import annotations

import datetime as dt

from unaccounted.normalize.dates import DateParser, birth_from_age, parse_age
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


def test_age_and_event_date_give_a_birth_interval() -> None:
    event = P.parse("12.03.2023")
    assert event is not None
    birth = birth_from_age(33, event)
    # 33 on 12 March 2023: born 13 March 1989 .. 12 March 1990
    assert (birth.lo, birth.hi, birth.precision) == (D(1989, 3, 13), D(1990, 3, 12), "age")
    month = P.parse("март 2023")
    assert month is not None
    wide = birth_from_age(33, month)
    assert (wide.lo, wide.hi) == (D(1989, 3, 2), D(1990, 3, 31))


def test_ages_as_written() -> None:
    assert [parse_age(t) for t in ("33", "33 года", "в возрасте 33 лет", "33 y.o.", "нет",
                                   "33-34")] == [33, 33, 33, 33, None, None]  # fmt: skip
