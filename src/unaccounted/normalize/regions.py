"""Regions as written («Нижегородская обл.», «Башкирия», «ХМАО», "Moscow Oblast",
«г. Тольятти») to ISO 3166-2 codes, from the pack's ``regions.csv`` (names, types,
English names, capitals), ``region_aliases.csv`` and ``cities.csv``.

A value is looked up, in order: whole as an alias or a city (after lower-casing, ё → е,
dropping the settlement prefix «г.»/«с.»); by its *core*, the words left when type
words (область, обл., край, респ., Republic, Oblast …) are dropped, compared by the
pack's script key with adjective endings cut, so «Курская область», «Kursk» and
«Курская» meet; and, for a hometown such as «с. Дубовка, Респ Хакасия», by the part
after the last comma. The source's own wording stays in the record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from unaccounted.normalize.pack import PackData

_TYPE_WORDS = {
    "область", "обл", "край", "республика", "респ", "автономный", "автономная", "округ",
    "ао", "аобл", "город", "г", "oblast", "krai", "kray", "region", "republic", "of", "the",
    "city", "territory", "autonomous", "okrug", "district", "народная", "federal",
}  # fmt: skip
_SETTLEMENT = re.compile(
    r"^(?:г|гор|город|с|село|д|дер|деревня|п|пос|посёлок|поселок|пгт|рп|ст|ст-ца|станица|х|хутор"
    r"|аул|city of|town of|village of|v)\.?\s+"
)
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_ADJ = re.compile(r"(?:ska|ski|sk|tka|tki|aia|ai|ia|ii|i|a)$")


@dataclass(frozen=True)
class RegionValue:
    code: str | None
    name: str | None
    rule: str


def _clean(text: str) -> str:
    text = text.lower().replace("ё", "е").replace("/", " ").replace("(", " ").replace(")", " ")
    return " ".join(text.replace("«", "").replace("»", "").split()).strip(" .,")


class RegionReader:
    def __init__(self, data: PackData, key: Callable[[str], str]) -> None:
        self.key = key
        self.names: dict[str, str] = {}
        self.exact: dict[str, str] = {}
        self.cores: dict[str, str] = {}
        self.cities: dict[str, str] = {}
        for row in data.table("regions"):
            code = row["iso_code"]
            self.names[code] = row.get("full_name") or row["name"]
            for col in ("name", "name_with_type", "full_name", "name_en"):
                if row.get(col):
                    self.exact.setdefault(_clean(row[col]), code)
                    self.cores.setdefault(self._core(row[col]), code)
            if row.get("capital"):
                self.cities.setdefault(_clean(row["capital"]), code)
        for row in data.table("region_aliases"):
            self.exact[_clean(row["alias"])] = row["iso_code"]
            self.cores.setdefault(self._core(row["alias"]), row["iso_code"])
        for row in data.table("cities"):
            self.cities.setdefault(_clean(row["city"]), row["iso_code"])
        self.cores.pop("", None)
        self.read = lru_cache(maxsize=50_000)(self._read)

    def _core(self, text: str) -> str:
        words = [w for w in _WORDS.findall(_clean(text)) if w not in _TYPE_WORDS]
        return _ADJ.sub("", self.key(" ".join(words)))

    def _read(self, text: str | None) -> RegionValue:
        if not text or not text.strip():
            return RegionValue(None, None, "empty")
        found = self._one(text)
        if found.code is None and "," in text:
            for part in reversed(text.split(",")):
                found = self._one(part)
                if found.code:
                    return RegionValue(found.code, found.name, found.rule + " (part after comma)")
        return found

    def _one(self, text: str) -> RegionValue:
        clean = _clean(text)
        bare = _SETTLEMENT.sub("", clean)
        if clean in self.exact:
            return self._value(self.exact[clean], "region name or alias")
        if bare in self.cities:
            return self._value(self.cities[bare], f"town «{bare}» in its region")
        core = self._core(clean)
        if core in self.cores:
            return self._value(self.cores[core], "region name (type words dropped)")
        return RegionValue(None, None, "unknown region")

    def _value(self, code: str, rule: str) -> RegionValue:
        return RegionValue(code, self.names.get(code), rule)
