"""The plain values the normalizer produces: a parsed name and a partial date.

Both carry ``rules``/``rule``: the name of the rule or dictionary that decided each part,
which ``unaccounted explain-record`` shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


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
    #: rank or title words written with the name, in the nominative («майор»)
    rank: str | None = None
    rules: dict[str, str] = field(default_factory=dict)

    def parts(self) -> tuple[str | None, str | None, str | None]:
        return self.surname, self.given_name, self.patronymic


#: The name fields of a normalized record, in the store's order (``name_values``).
NAME_FIELDS: tuple[str, ...] = (
    "surname", "given_name", "patronymic", "given_initial", "patronymic_initial",
    "given_candidates", "surname_key", "given_key", "patronymic_key", "surname_phonetic",
    "name_block", "sex", "name_script", "name_case", "name_order", "name_rank",
)  # fmt: skip


def name_values(
    n: ParsedName, key: Callable[[str], str], phonetic: Callable[[str], str]
) -> tuple[Any, ...]:
    """The ``NAME_FIELDS`` of a parsed name: its parts and their script and phonetic keys.

    The name block is the surname's phonetic key and the given initial («savcinka:С»).
    """
    phon = phonetic(n.surname) if n.surname else None
    return (
        n.surname, n.given_name, n.patronymic, n.given_initial, n.patronymic_initial,
        tuple(n.given_candidates), key(n.surname) if n.surname else None,
        key(n.given_name) if n.given_name else None,
        key(n.patronymic) if n.patronymic else None, phon,
        f"{phon}:{n.given_initial}" if phon and n.given_initial else None,
        n.sex, n.script, n.case, n.order, n.rank,
    )  # fmt: skip


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
