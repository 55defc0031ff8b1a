"""The canonical record columns (see DESIGN.md) and the source kinds.

Input headers are matched to these case-insensitively; anything else is kept on the record
as an extra column under the header it had.
"""

from __future__ import annotations

#: Canonical columns in the order exports write them.
CANONICAL_COLUMNS: tuple[str, ...] = (
    "record_id",
    "source",
    "full_name",
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "birth_date",
    "age",
    "status",
    "event_date",
    "event_place",
    "unit",
    "rank",
    "category",
    "region",
    "hometown",
    "url",
    "quote",
    "published",
)

#: Columns stored on the record as values (``record_id`` and ``source`` are its identity).
VALUE_COLUMNS: tuple[str, ...] = CANONICAL_COLUMNS[2:]

#: A row names a person when one of these is non-blank; otherwise it is rejected ("no name").
NAME_COLUMNS: tuple[str, ...] = ("full_name", "surname", "given_name")

SOURCE_KINDS: tuple[str, ...] = (
    "official",
    "obituary",
    "social",
    "grave",
    "memorial_list",
    "court",
    "probate",
    "roster",
    "testimony",
    "news",
    "other",
)


def canonical_name(header: str) -> str | None:
    """The canonical column a header denotes, matched case- and space-insensitively."""
    key = header.strip().lstrip("\ufeff").lower().replace(" ", "_").replace("-", "_")
    return key if key in CANONICAL_COLUMNS else None
