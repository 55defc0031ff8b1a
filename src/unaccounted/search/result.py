"""What a search gives back: ranked persons, each with why it matched and what the index
knows of it. The service may fill in or replace the display fields (grade, status) from
its stored person views; ``person_id`` is the link between the two."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Hit:
    """One person found, best first in :class:`SearchResult`."""

    #: the person's id; None for a record no link run has placed in a person yet
    person_id: str | None
    score: float
    #: the name as written in the record that matched best
    name: str
    #: that record's canonical name parts (surname, given name, patronymic)
    canonical: str
    #: (source, record id) of that record
    record: tuple[str, str]
    #: why it matched: which query word matched which name form, and how
    why: list[str]
    units: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    birth_years: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    sources: int = 0
    records: int = 0
    #: display fields the service fills from its person views (None until then)
    grade: str | None = None
    status: str | None = None

    @property
    def unit(self) -> str | None:
        """The unit the person's records name (the first, when they name several)."""
        return self.units[0] if self.units else None

    @property
    def region(self) -> str | None:
        return self.regions[0] if self.regions else None

    @property
    def birth_year(self) -> str | None:
        return self.birth_years[0] if self.birth_years else None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchResult:
    """The hits of one query, how the query was read and which filters applied."""

    query: str
    hits: list[Hit]
    #: the readings that found the hits shown, in words («surname Петров, given name Сергей»)
    readings: list[str]
    filters: dict[str, str]
    #: persons that matched before the limit
    matched: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "hits": [h.as_dict() for h in self.hits]}
