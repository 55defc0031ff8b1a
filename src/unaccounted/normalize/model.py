"""The plain values the normalizer produces: a parsed name and a partial date.

Both carry ``rules``/``rule``: the name of the rule or dictionary that decided each part,
which ``unaccounted explain-record`` shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(slots=True)
class ParsedName:
    """A person's name in canonical parts (nominative, canonical given name).

    ``given_candidates`` lists every canonical given name the written form may stand for
    (Саша → Александр, Александра); ``given_name`` is the first one that fits the sex.
    Initials are upper-case letters without dots, in the name's own script.
    """

    surname: str | None = None
    given_name: str | None = None
    patronymic: str | None = None
    given_initial: str | None = None
    patronymic_initial: str | None = None
    given_candidates: tuple[str, ...] = ()
    sex: str | None = None
    script: str | None = None  # cyrillic | latin | mixed
    case: str | None = None  # grammatical case the name was written in
    order: str | None = None  # e.g. "SGP", "GPS", "S I I"
    rules: dict[str, str] = field(default_factory=dict)

    def parts(self) -> tuple[str | None, str | None, str | None]:
        return self.surname, self.given_name, self.patronymic


#: Precision of a partial date, finest first.
PRECISIONS: tuple[str, ...] = ("day", "month", "season", "year", "range", "age")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date as an inclusive interval ``[lo, hi]`` with its precision.

    ``edtf`` writes it in Extended Date/Time Format: ``1985``, ``1985-03``,
    ``1985-03-12``, ``2023-21`` (spring), ``1985/1987`` (range), ``[2023-03-04,2023-04-03]``
    (one of these days: day and month could not be told apart). ``candidates`` holds those
    days; an ambiguous date's interval spans them all.
    """

    lo: dt.date
    hi: dt.date
    precision: str
    edtf: str
    rule: str
    candidates: tuple[dt.date, ...] = ()

    @property
    def year(self) -> int | None:
        """The year, when the interval lies within one."""
        return self.lo.year if self.lo.year == self.hi.year else None
