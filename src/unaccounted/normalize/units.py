"""Military units as written («25 ОМСБр», «в/ч 12345», «25-я бригада», "25th Guards Motor
Rifle Brigade») to unit keys, by a grammar that needs no registry entry.

A unit is read as *number* + *type* (+ the Guards honorific), where the type is found by
its abbreviation («ОМСБр», «гв. МСП», «ШО ЧВК») or by the word stems of its full Russian
or English name (``unit_types.csv``), in any case form and order. The keys:

- ``unit_key`` = ``<type>:<number>`` (``omsbr:25``) when the type is known; Guards is kept
  apart (``unit_guards``) because sources drop it;
- ``unit_class_key`` = ``<noun>:<number>`` (``brigade:25``) from the noun alone, so that
  «25-я бригада» still meets «25 ОМСБр» on a coarser level;
- ``unit_vch`` = the five-digit military unit number of «в/ч 12345»; its ``unit_key`` is
  ``vch:12345`` unless the registry (``units.csv``) names the unit it belongs to.

The registry (``units.csv``: unit_key, type, number, vch, aliases separated by ``|``) is
optional; a workspace adds its own rows (setting ``normalize.pack_dir``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from unaccounted.normalize.pack import PackData

_NUMBER = re.compile(r"(?<![\d/])(\d{1,4})(?:-?(?:я|й|ая|ый|ой|го|ого|st|nd|rd|th))?(?![\d])")
_VCH_NUMBER = re.compile(r"(?<!\d)(\d{4,6})(?!\d)")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class UnitValue:
    unit_key: str | None
    unit_class_key: str | None
    unit_type: str | None
    unit_number: int | None
    unit_guards: bool
    unit_vch: str | None
    rule: str


def _stem(word: str) -> str:
    return word[:5]  # «мотострелковой» = «мотострелковая»; "Motorized" = "Motor"


def _clean(text: str) -> str:
    text = text.lower().replace("ё", "е").replace("№", " ").replace("\\", "/")
    return " ".join(text.split())


#: Formation sizes, to pick the larger of «1-й батальон 25-й бригады».
_RANK = {"company": 1, "battalion": 2, "detachment": 2, "regiment": 3, "brigade": 4,
         "division": 5, "corps": 6, "army": 7}  # fmt: skip
_CHUNK = re.compile(r"(?:^|(?<=\s))(?=\d)")


def _chunks(clean: str) -> list[str]:
    """Pieces that each start with a number: «1-й батальон», «25-й бригады»."""
    pieces = [p.strip() for p in _CHUNK.split(clean) if p.strip()]
    if len(pieces) > 1 and not any(ch.isdigit() for ch in pieces[0]):
        pieces[1] = pieces[0] + " " + pieces[1]  # «ОМСБр №25»: words before the number
        pieces = pieces[1:]
    return pieces or [clean]


class UnitReader:
    def __init__(self, data: PackData, key: Callable[[str], str] = str.lower) -> None:
        self.key = key
        self.abbrev: dict[tuple[str, ...], str] = {}
        self.abbrev_keys: dict[tuple[str, ...], str] = {}
        self.signature: dict[frozenset[str], str] = {}
        self.noun_of_type: dict[str, str] = {}
        self.nouns: dict[str, str] = {}
        self.guards: set[str] = set()
        self.vch_words: list[str] = []
        for row in data.table("unit_words"):
            word = row["word"].lower()
            if row["kind"] == "noun":
                self.nouns[word] = row["value"]
            elif row["kind"] == "guards":
                self.guards.add(word)
            elif row["kind"] == "vch":
                self.vch_words.append(word)
        for row in data.table("unit_types"):
            utype = row["key"]
            abbrev = tuple(_WORD.findall(row["abbreviation"].lower()))
            self.abbrev[abbrev] = utype
            self.abbrev_keys[tuple(map(self.key, abbrev))] = utype  # «25 OMSBr»
            self.noun_of_type[utype] = self.nouns.get(row["noun"].lower(), row["noun"].lower())
            for name in (row["full_name"], row["english"]):
                words = _WORD.findall(name.replace("{gv}", "").lower())
                self.signature.setdefault(frozenset(_stem(w) for w in words), utype)
        self.registry: dict[str, str] = {}
        self.registry_type: dict[str, tuple[str, int | None]] = {}
        for row in data.table("units"):
            if row.get("vch"):
                self.registry["vch:" + row["vch"]] = row["unit_key"]
            for alias in row.get("aliases", "").split("|"):
                if alias.strip():
                    self.registry[_clean(alias)] = row["unit_key"]
            number = int(row["number"]) if row.get("number", "").isdigit() else None
            self.registry_type[row["unit_key"]] = (row.get("type", ""), number)
        self.read = lru_cache(maxsize=50_000)(self._read)

    def _read(self, text: str | None) -> UnitValue | None:
        if not text or not text.strip():
            return None
        clean = _clean(text)
        if clean in self.registry:
            return self._registered(self.registry[clean], None, "registry alias")
        vch = None
        if any(clean.startswith(w) or f" {w}" in clean for w in self.vch_words):
            m = _VCH_NUMBER.search(clean)
            if m:
                vch = m[1]
                known = self.registry.get("vch:" + vch)
                if known:
                    return self._registered(known, vch, "military unit number in the registry")
                clean = (clean[: m.start()] + " " + clean[m.end() :]).strip()
                for w in self.vch_words:
                    clean = clean.replace(w, " ")
        best = self._formation(clean)
        if best is None:
            if vch:
                return UnitValue(f"vch:{vch}", None, None, None, False, vch,
                                 "military unit number (not in the registry)")  # fmt: skip
            found = _NUMBER.search(clean)
            return UnitValue(None, None, None, int(found[1]) if found else None, False, None,
                             "no unit type or noun found")  # fmt: skip
        utype, noun, number, guards, rule = best
        key = f"{utype}:{number}" if utype and number is not None else None
        cls = f"{noun}:{number}" if noun and number is not None else None
        if vch and key is None:
            key = f"vch:{vch}"
        return UnitValue(key, cls, utype, number, guards, vch, rule)

    def _formation(self, clean: str) -> tuple[str | None, str, int | None, bool, str] | None:
        """The largest formation named: «1-й батальон 25-й бригады» → the brigade."""
        found = []
        for chunk in _chunks(clean):
            words = _WORD.findall(chunk)
            guards = any(w in self.guards for w in words)
            content = [w for w in words if w not in self.guards]
            m = _NUMBER.search(chunk)
            number = int(m[1]) if m else None
            utype, rule = self._type(content)
            noun = self.noun_of_type.get(utype or "") or next(
                (self.nouns[w] for w in content if w in self.nouns), None
            )
            if utype is None and noun is None:
                continue
            if utype is None:
                rule = f"noun «{noun}» only"
            found.append((utype, noun or "", number, guards, rule))
        if not found:
            return None
        best = max(found, key=lambda f: (_RANK.get(f[1], 0), f[0] is not None))
        if len(found) > 1:
            best = (*best[:4], best[4] + "; the largest formation named")
        return best

    def _type(self, content: list[str]) -> tuple[str | None, str]:
        # abbreviations: the longest run of words that is one («шо чвк» before «шо»)
        for size in (3, 2, 1):
            for i in range(len(content) - size + 1):
                run = tuple(content[i : i + size])
                key = self.abbrev.get(run) or self.abbrev_keys.get(tuple(map(self.key, run)))
                if key:
                    return key, f"abbreviation «{' '.join(content[i : i + size])}»"
        stems = frozenset(_stem(w) for w in content)
        for size in range(len(stems), 1, -1):
            for signature, key in self.signature.items():
                if len(signature) == size and signature <= stems:
                    return key, "full name of the unit type"
        return None, ""

    def _registered(self, unit_key: str, vch: str | None, rule: str) -> UnitValue:
        utype, number = self.registry_type.get(unit_key, ("", None))
        noun = self.noun_of_type.get(utype)
        cls = f"{noun}:{number}" if noun and number is not None else None
        return UnitValue(unit_key, cls, utype or None, number, False, vch, rule)
