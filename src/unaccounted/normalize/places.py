"""Places: the settlement of a hometown and the named place of an event.

``settlement("с. Дубовка, Респ Хакасия")`` → «Дубовка» (type prefix and region dropped).
``event_place("под Бахмутом")`` → («Бахмут», "UA-14"): the pack's ``event_places.csv``
lists each place with its genitive and instrumental forms and English name, so «в районе
Бахмута», «под Бахмутом» and "Bakhmut" meet; prepositions are dropped first.
"""

from __future__ import annotations

import re
from functools import lru_cache

from unaccounted.normalize.pack import PackData

_PREFIX = re.compile(
    r"^(?:г|гор|город|с|село|д|дер|деревня|п|пос|посёлок|поселок|пгт|рп|ст|ст-ца|станица|х|хутор"
    r"|аул)\.?\s+",
    re.IGNORECASE,
)
_PREPOSITIONS = re.compile(
    r"^(?:в районе|в р-не|под|возле|около|у|в|во|на|near|in|at|outside|around)\s+", re.IGNORECASE
)


class PlaceReader:
    def __init__(self, data: PackData) -> None:
        self.places: dict[str, tuple[str, str]] = {}
        for row in data.table("event_places"):
            for col in ("name", "genitive", "instrumental", "english"):
                if row.get(col):
                    self.places.setdefault(_fold(row[col]), (row["name"], row["region_iso"]))
        self.settlement = lru_cache(maxsize=50_000)(self._settlement)
        self.event_place = lru_cache(maxsize=50_000)(self._event_place)

    def _settlement(self, text: str | None) -> str | None:
        if not text or not text.strip():
            return None
        first = text.split(",")[0].strip()
        name = _PREFIX.sub("", first).strip()
        return name or None

    def _event_place(self, text: str | None) -> tuple[str | None, str | None, str]:
        if not text or not text.strip():
            return None, None, "empty"
        bare = _PREPOSITIONS.sub("", text.strip())
        found = self.places.get(_fold(bare))
        if found:
            return found[0], found[1] or None, "event place list (any case form)"
        return _PREFIX.sub("", bare).strip() or None, None, "as written (not in the place list)"


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())
