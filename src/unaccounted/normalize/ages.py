"""Ages («33», «33 года», «в возрасте 33 лет») and the birth interval an age implies.

A person aged *a* on a day inside an event's interval ``[lo, hi]`` was born in
``[lo − (a+1) years + 1 day, hi − a years]``.
"""

from __future__ import annotations

import datetime as dt
import re

from unaccounted.normalize.model import PartialDate

_AGE = re.compile(r"(?<!\d)(\d{1,3})(?!\d)")


def parse_age(text: str | None) -> int | None:
    """Years of age from «33», «33 года», «в возрасте 33 лет», "33 y.o."; None if absent."""
    if not text:
        return None
    found = _AGE.findall(text)
    if len(found) != 1:
        return None
    age = int(found[0])
    return age if 0 <= age <= 120 else None


def birth_from_age(age: int, event: PartialDate) -> PartialDate:
    """Born within the year before turning ``age`` on a day inside ``event``'s interval."""
    lo = _minus_years(event.lo, age + 1) + dt.timedelta(days=1)
    hi = _minus_years(event.hi, age)
    edtf = f"{lo.isoformat()}/{hi.isoformat()}"
    return PartialDate(lo, hi, "age", edtf, f"age {age} at the event date {event.edtf}")


def _minus_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)
