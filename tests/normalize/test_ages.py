"""Ages and the birth interval they imply."""

from __future__ import annotations

import datetime as dt

from unaccounted.normalize.ages import birth_from_age, parse_age
from unaccounted.normalize.dates import DateParser
from unaccounted.normalize.pack import PackData

P = DateParser(PackData("ru"))
D = dt.date


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
