"""Normalizing rows without a workspace (for one-shot commands such as ``dedupe``).

``normalize_rows(rows)`` takes dicts with the canonical record columns (missing ones are
empty) and an optional ``source_id``, and returns the normalized columns (``FIELDS``),
one value per row — the same values ``unaccounted normalize`` stores.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from unaccounted.normalize.pack import load_pack
from unaccounted.normalize.record import FIELDS, Normalizer

_RAW = ("full_name", "surname", "given_name", "patronymic", "sex", "birth_date", "age", "status",
        "event_date", "event_place", "unit", "region", "hometown", "published")  # fmt: skip
_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/\d{2,4}$")

__all__ = ["FIELDS", "detect_date_orders", "normalize_rows"]


def detect_date_orders(rows: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Per ``source_id``: ``dmy`` or ``mdy`` when its slash dates show only one order.

    The same rule as the stage's (``store/normalized.py: slash_date_orders``).
    """
    seen: dict[str, list[int]] = {}
    for row in rows:
        for col in ("birth_date", "event_date", "published"):
            m = _SLASH.match(str(row.get(col) or "").strip())
            if m:
                counts = seen.setdefault(str(row.get("source_id") or ""), [0, 0])
                counts[0] += int(m[1]) > 12
                counts[1] += int(m[2]) > 12
    return {
        src: "dmy" if day and not month else "mdy"
        for src, (day, month) in seen.items()
        if bool(day) != bool(month)
    }


def normalize_rows(
    rows: Sequence[Mapping[str, Any]],
    locale: str = "ru",
    pack_dir: Path | None = None,
    date_order: str = "auto",
) -> dict[str, list[Any]]:
    """The normalized columns of ``rows`` (see docs/normalize.md)."""
    normalizer = Normalizer(load_pack(locale, pack_dir))
    clean = [
        {"source_id": str(r.get("source_id") or ""), **{c: (r.get(c) or None) for c in _RAW}}
        for r in rows
    ]
    if date_order == "auto":
        orders = detect_date_orders(clean)
    elif date_order in ("dmy", "mdy"):
        orders = {"*": date_order}
    else:
        orders = {}
    if not clean:
        return {f: [] for f in FIELDS}
    samples: dict[str, list[str]] = {}
    for row in clean:
        names = samples.setdefault(str(row["source_id"]), [])
        if row["full_name"] and len(names) < 500:
            names.append(row["full_name"])
    return normalizer.normalize_batch(clean, orders, normalizer.detect_name_hints(samples))
