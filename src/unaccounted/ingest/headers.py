"""Headers to canonical columns: a mapping's, the canonical names, the pack's header names.

The language pack's ``headers.csv`` (``header,column``) lists them («ФИО» → full_name,
"date of birth" → birth_date); a workspace adds its own rows in its pack folder (setting
``normalize.pack_dir``). A mapping's ``columns`` always win over these.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from unaccounted.columns import CANONICAL_COLUMNS, NAME_COLUMNS, canonical_name
from unaccounted.errors import InputError
from unaccounted.ingest.mapping import Mapping
from unaccounted.normalize.pack import PackData
from unaccounted.store.types import StageColumn
from unaccounted.workspace import Workspace

_SPACES = re.compile(r"[\s_]+")


def header_key(header: str) -> str:
    """A header as compared: case, ё/е, spaces, underscores and a trailing colon ignored."""
    text = header.strip().lstrip("\ufeff").rstrip(":").strip().casefold().replace("ё", "е")
    return _SPACES.sub(" ", text)


@dataclass(frozen=True)
class HeaderAliases:
    """Header key → canonical column."""

    aliases: dict[str, str]

    def column(self, header: str) -> str | None:
        """The canonical column ``header`` names: its own name, else a listed alias."""
        return canonical_name(header) or self.aliases.get(header_key(header))

    def known_share(self, cells: Iterable[str]) -> float:
        """The share of the non-empty ``cells`` that name a canonical column."""
        filled = [c for c in cells if c.strip()]
        if not filled:
            return 0.0
        return sum(1 for c in filled if self.column(c)) / len(filled)


#: No aliases: only the canonical names themselves.
NO_ALIASES = HeaderAliases({})


def load_aliases(code: str, extra_dir: Path | None = None) -> HeaderAliases:
    """The pack's header table with the workspace's added rows (added rows win)."""
    aliases: dict[str, str] = {}
    for row in PackData(code, extra_dir).table("headers"):
        column = row.get("column", "").lower()
        if column not in CANONICAL_COLUMNS:
            raise InputError(
                f"headers.csv: '{row.get('header', '')}' names '{column}', which is not a "
                "canonical column"
            )
        aliases[header_key(row.get("header", ""))] = column
    return HeaderAliases(aliases)


def aliases_for(ws: Workspace) -> HeaderAliases:
    """The workspace's header aliases (its language pack and additions)."""
    cfg = ws.settings.normalize
    extra = ws.root / cfg.pack_dir if cfg.pack_dir else None
    if extra is not None and not extra.is_dir():
        extra = None  # the normalizer reports a missing pack folder; ingest does not need it
    return load_aliases(cfg.locale, extra)


def stage_columns(
    header: list[str], mapping: Mapping | None, where: str, aliases: HeaderAliases = NO_ALIASES
) -> list[StageColumn]:
    """Match headers to canonical columns (mapping, then name, then the pack's aliases);
    every header keeps a column."""
    if mapping is not None:
        known = {h.strip().casefold() for h in header}
        missing = [name for name in mapping.columns if name.casefold() not in known]
        if missing:
            raise InputError(
                f"mapping names column '{missing[0]}', which {where} does not have "
                f"(columns: {', '.join(header)})"
            )
    columns: list[StageColumn] = []
    taken: set[str] = set()
    seen_headers: Counter[str] = Counter()
    for i, head in enumerate(header):
        canonical = (mapping.target(head) if mapping else None) or aliases.column(head)
        if canonical in taken:
            canonical = None  # a second column for the same field is kept as an extra
        seen_headers[head] += 1
        label = head if seen_headers[head] == 1 else f"{head} ({seen_headers[head]})"
        if canonical:
            taken.add(canonical)
        default = mapping.defaults.get(canonical) if mapping and canonical else None
        columns.append(StageColumn(f"c{i}", label, canonical, default=default))
    for canonical, default in (mapping.defaults if mapping else {}).items():
        if canonical not in taken:
            taken.add(canonical)
            header_label = f"{canonical} (mapping default)"
            columns.append(StageColumn(f"d{len(columns)}", header_label, canonical, default, False))
    if not taken.intersection(NAME_COLUMNS):
        raise InputError(
            f"{where} has no name column ({', '.join(NAME_COLUMNS)}); map one of its columns "
            f"({', '.join(header)}) with --mapping, e.g. 'columns: {{{header[0]}: full_name}}'"
        )
    return columns


def read_as(columns: Sequence[StageColumn], mapping: Mapping | None) -> list[tuple[str, str]]:
    """(header, column) of the headers read through the pack's aliases, not named by the
    mapping nor canonical names themselves: the ingest summary says how it read them."""
    return [
        (c.header, c.canonical)
        for c in columns
        if c.in_file
        and c.canonical
        and canonical_name(c.header) is None
        and (mapping is None or mapping.target(c.header) is None)
    ]
