"""The controlled vocabulary of incident types: shipped as ``incident_types.csv`` next to
this module, extended by each workspace (its additions are kept in the store)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_TYPES = Path(__file__).with_name("incident_types.csv")

#: A type's code: lower-case letters, digits and underscores, starting with a letter.
CODE_RE = re.compile(r"\A[a-z][a-z0-9_]{1,39}\Z")


@dataclass(frozen=True)
class IncidentType:
    code: str
    label: str
    label_ru: str = ""
    description: str = ""
    origin: str = "shipped"


@lru_cache(maxsize=1)
def shipped_types() -> tuple[IncidentType, ...]:
    """The vocabulary shipped with the package, in its file's order."""
    with DEFAULT_TYPES.open(encoding="utf-8", newline="") as f:
        return tuple(
            IncidentType(r["code"], r["label"], r["label_ru"], r["description"])
            for r in csv.DictReader(f)
        )


def type_code(text: str) -> str:
    """A type as typed (``Forced signature``, ``forced-signature``) as its code."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())
