"""Header names a file may use for the canonical columns, read without a mapping.

The language pack's ``headers.csv`` (``header,column``) lists them («ФИО» → full_name,
"date of birth" → birth_date); a workspace adds its own rows in its pack folder (setting
``normalize.pack_dir``). A mapping's ``columns`` always win over these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from unaccounted.columns import CANONICAL_COLUMNS, canonical_name
from unaccounted.errors import InputError
from unaccounted.normalize.pack import PackData
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
