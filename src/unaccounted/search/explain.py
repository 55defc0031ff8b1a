"""A hit in words: which query word matched which name form and how, and what the index
knows of the person (units, regions, birth years, statuses, sources, records)."""

from __future__ import annotations

from unaccounted.normalize.ru.schemes import SCHEMES
from unaccounted.search.index import SearchIndex
from unaccounted.search.keys import Part, Reading
from unaccounted.search.rank import DIFFERS, EXACT, INITIAL, KINDS, NONE
from unaccounted.search.result import Hit

_CASES = ("genitive", "dative", "accusative", "instrumental", "prepositional")
#: Parser rules that say nothing worth showing (the word was the name as it stands).
_PLAIN_RULES = ("as written", "pymorphy3")


def how(rule: str) -> list[str]:
    """The parser's rule for a part, in the words a reader needs («declined form, genitive»)."""
    notes: list[str] = []
    for piece in (p.strip() for p in rule.split(";")):
        if piece in SCHEMES:
            notes.append(piece)
        elif "undone" in piece:
            notes.append(f"declined form, {piece.split()[0]}")
        elif piece.startswith(("Latin spelling", "reverse transliteration")):
            if not any(n in SCHEMES for n in notes):  # «German spelling» says it already
                notes.append("Latin spelling")
            if "diminutive" in piece:
                notes.append("diminutive")
        elif piece.startswith(("diminutive", "given name", "patronymic suffix")):
            words = [w for w in piece.split(", ")[1:] if w in _CASES]
            if piece.startswith("diminutive"):
                notes.append("diminutive")
            notes.extend(f"declined form, {w}" for w in words)
        elif not piece.startswith(_PLAIN_RULES):
            notes.append(piece)
    return notes


def _line(part: Part, role: str, value: str | None, kind: int) -> str | None:
    if kind == NONE:
        return None
    if kind == DIFFERS:
        return f"«{part.written}» differs from the {role} {value or '(initial only)'}"
    notes = how(part.rule)
    if kind == INITIAL:
        notes.append(f"the record has the initial {part.value[:1].upper()}. only")
    elif kind != EXACT:
        notes.append(KINDS[kind][1])
    if value and "ё" in value.lower() and "ё" not in part.written.lower() and not (
        part.written.isascii()):  # fmt: skip
        notes.append("ё written as е")
    shown = value if value else part.value
    return f"«{part.written}» → {role} {shown}" + (f" ({', '.join(notes)})" if notes else "")


def _initial_line(written: str, role: str, value: str | None, kind: int) -> str | None:
    if kind == NONE:
        return None
    if kind == DIFFERS:
        return f"«{written}» differs from the {role} {value or ''}".rstrip()
    return f"«{written}» → {role} {value or written} (initial)"


def reasons(index: SearchIndex, record: int, reading: Reading,
            kinds: tuple[int, int, int]) -> list[str]:  # fmt: skip
    """Why ``record`` matched ``reading``, one line per name part compared."""
    s_kind, g_kind, p_kind = kinds
    surname = index.value("surname", record)
    given = index.value("given_name", record)
    patronymic = index.value("patronymic", record)
    lines: list[str | None] = []
    if reading.surname is not None:
        lines.append(_line(reading.surname, "surname", surname, s_kind))
    initials = list(reading.initials_written)
    if reading.given:
        lines.append(_line(reading.given[0], "given name", given, g_kind))
    elif reading.given_initial and initials:
        lines.append(_initial_line(initials.pop(0), "given name", given, g_kind))
    if reading.patronymic is not None:
        lines.append(_line(reading.patronymic, "patronymic", patronymic, p_kind))
    elif reading.patronymic_initial and initials:
        lines.append(_initial_line(initials[-1], "patronymic", patronymic, p_kind))
    return [x for x in lines if x]


def describe(reading: Reading) -> str:
    """A reading in words: «surname Петров, given name Сергей (German spelling)»."""
    parts = []
    if reading.surname:
        parts.append(f"surname {reading.surname.value}")
    if reading.given:
        parts.append("given name " + " or ".join(p.value for p in reading.given))
    elif reading.given_initial:
        parts.append(f"given initial {reading.given_initial}.")
    if reading.patronymic:
        parts.append(f"patronymic {reading.patronymic.value}")
    elif reading.patronymic_initial:
        parts.append(f"patronymic initial {reading.patronymic_initial}.")
    return ", ".join(parts) + (f" ({reading.how})" if reading.how != "as written" else "")


def hit_for(index: SearchIndex, person: int, record: int, score: float, reading: Reading,
            kinds: tuple[int, int, int]) -> Hit:  # fmt: skip
    """The hit of ``person``, found by its ``record`` under ``reading``."""
    records = index.records_of(person)
    person_id = index.person.values[person] if person < len(index.person.values) else None
    canonical = " ".join(
        x for x in (index.value(c, record) for c in ("surname", "given_name", "patronymic")) if x
    )
    units = sorted({index.unit.values[c] for c in index.unit.codes[records] if c >= 0})
    regions = sorted({index.region.values[c] for c in index.region.codes[records] if c >= 0}
                     | {index.hometown_region.values[c]
                        for c in index.hometown_region.codes[records] if c >= 0})  # fmt: skip
    years = sorted({(int(lo), int(hi)) for lo, hi in zip(index.birth_lo[records],
                    index.birth_hi[records], strict=True) if lo >= 0})  # fmt: skip
    statuses = sorted({index.status.values[c] for c in index.status.codes[records] if c >= 0})
    return Hit(
        person_id=person_id,
        score=round(score, 3),
        name=index.value("written", record) or canonical,
        canonical=canonical,
        record=(index.value("source_id", record), index.value("record_id", record)),
        why=reasons(index, record, reading, kinds),
        units=units,
        regions=regions,
        birth_years=[str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in years],
        statuses=statuses,
        sources=len(set(index.source.codes[records].tolist())),
        records=len(records),
    )
