"""Suggestions read from a testimony's Russian text by rules: people (with their ranks, named
in the nominative by the name normalizer), places, dates (the date normalizer), units (the
unit normalizer), sums of money and incident types (keyword rules,
``incident_keywords.csv``). Each carries the character span ``[start, end)`` it came from.

The rules read the pack's own vocabulary: rank words of ``name_stopwords.csv`` in every
case, unit nouns of ``unit_words.csv`` and abbreviations of ``unit_types.csv``, month names
of ``months.csv``; pymorphy3 tells a place («Горловки», Geox) from a surname («Петрова»).
Nothing here is a decision: a person accepts, corrects or rejects each suggestion
(``service/suggestions.py``).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from unaccounted.errors import InputError
from unaccounted.normalize.names import TokenInfo
from unaccounted.normalize.record import Normalizer
from unaccounted.normalize.ru import RussianPack
from unaccounted.normalize.ru.morph import pymorphy

KINDS: tuple[str, ...] = ("person", "place", "date", "unit", "money", "incident_type")
KEYWORDS = Path(__file__).with_name("incident_keywords.csv")


@dataclass(frozen=True)
class Found:
    """One suggestion: what kind, where (characters, END excluded), its value, and why."""

    kind: str
    start: int
    end: int
    value: str
    detail: str = ""


class Taken:
    """The characters suggestions already cover, so that a later rule does not read them
    again (a mark per character: checking a span costs its length, not the suggestions')."""

    def __init__(self, size: int, found: list[Found] | None = None) -> None:
        self.mask = bytearray(size)
        for f in found or ():
            self.add(f)

    def add(self, f: Found) -> None:
        self.mask[f.start : f.end] = b"\x01" * (f.end - f.start)

    def overlaps(self, start: int, end: int) -> bool:
        return any(self.mask[start:end])


# -- money ---------------------------------------------------------------------------------

_NUMBER_WORDS = {"один": 1, "одну": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
                 "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
                 "пятнадцать": 15, "двадцать": 20, "тридцать": 30, "сорок": 40,
                 "пятьдесят": 50, "сто": 100, "двести": 200, "триста": 300,
                 "четыреста": 400, "пятьсот": 500, "полтора": 1.5, "полторы": 1.5}  # fmt: skip
_SCALE = {"тыс": 1_000, "млн": 1_000_000, "миллион": 1_000_000}
_CURRENCY = {"руб": "RUB", "₽": "RUB", "долл": "USD", "$": "USD", "евро": "EUR"}
_MONEY = re.compile(
    r"(?<![\w-])(?P<num>\d[\d\s ]*(?:[.,]\d+)?|(?:" + "|".join(_NUMBER_WORDS) + r")"
    r"(?:\s+(?:" + "|".join(_NUMBER_WORDS) + r"))?)"
    r"\s*(?P<scale>тысяч[аи]?|тыс\.?|миллион(?:а|ов)?|млн\.?)?"
    r"\s*(?P<cur>рубл(?:ей|я|ь)|руб\.?|₽|доллар(?:ов|а)?|долл\.?|\$|евро)",
    re.IGNORECASE,
)


def _amount(num: str, scale: str | None) -> int | None:
    text = num.strip().lower().replace(" ", "").replace(" ", "")
    value: float
    if text[:1].isdigit():
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            return None
    else:
        value = sum(_NUMBER_WORDS.get(w, 0) for w in num.lower().split())
    for stem, factor in _SCALE.items():
        if scale and scale.lower().startswith(stem):
            value *= factor
    return round(value)


def find_money(text: str) -> list[Found]:
    out = []
    for m in _MONEY.finditer(text):
        amount = _amount(m["num"], m["scale"])
        cur = next(c for k, c in _CURRENCY.items() if m["cur"].lower().startswith(k))
        if amount:
            start = m.start() + len(m[0]) - len(m[0].lstrip())
            out.append(Found("money", start, m.end(), f"{amount} {cur}", "sum of money"))
    return out


# -- units ---------------------------------------------------------------------------------

_ORDINAL = r"\d{1,4}(?:-?(?:я|й|ая|ый|ий|ой|го|ого|его|му|ому|м|ом|ю|ую))?"
_ADJ = r"(?:(?:гв\.|[а-яё-]+(?:ая|ой|ую|ый|ий|ого|его|ому|ым|ом|ей|ые|ых))\s+)"


@cache
def _unit_patterns(nouns: tuple[str, ...], abbrevs: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    noun = "(?:" + "|".join(sorted(map(re.escape, nouns), key=len, reverse=True)) + r")\b"
    abbrev = "(?:" + "|".join(sorted(map(re.escape, abbrevs), key=len, reverse=True)) + r")\b"
    chunk = rf"(?:{_ORDINAL}\s+{_ADJ}{{0,3}}{noun}|{_ORDINAL}\s*(?:гв\.?\s*)?{abbrev})"
    vch = r"(?:в/ч|в\.\s?ч\.|вч|войсков\w+\s+част\w+|воинск\w+\s+част\w+)\s*№?\s*\d{4,6}\b"
    return (
        re.compile(vch, re.IGNORECASE),
        re.compile(rf"(?<![\w/-]){chunk}(?:,?\s+{chunk})*", re.IGNORECASE),
    )


def find_units(text: str, normalizer: Normalizer) -> list[Found]:
    reader = normalizer.units
    nouns = tuple(w for w, v in reader.nouns.items() if len(w) > 2 and w.isalpha())
    abbrevs = tuple(" ".join(a) for a in reader.abbrev if a and len("".join(a)) > 1)
    out: list[Found] = []
    taken = Taken(len(text))
    for pattern in _unit_patterns(nouns, abbrevs):
        for m in pattern.finditer(text):
            if taken.overlaps(m.start(), m.end()):
                continue
            read = reader.read(m[0])
            if read is None:
                continue
            value = (
                read.unit_key
                or read.unit_class_key
                or (f"vch:{read.unit_vch}" if read.unit_vch else None)
            )
            if value:
                out.append(Found("unit", m.start(), m.end(), value, read.rule))
                taken.add(out[-1])
    return out


# -- dates ---------------------------------------------------------------------------------

_MONTHS = r"(?:январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-яё]*"
_YEAR = r"(?:\s+\d{4}(?:\s*(?:года|году|г\.))?)"
_DATE = re.compile(
    rf"\b\d{{1,2}}\.\d{{1,2}}\.(?:\d{{4}}|\d{{2}})\b"
    rf"|\b\d{{1,2}}(?:-го)?\s+{_MONTHS}\b{_YEAR}?"
    rf"|\b(?:(?:в\s+)?(?:начале|середине|конце)\s+)?{_MONTHS}{_YEAR}"
    rf"|\b(?:весной|летом|осенью|зимой)\s+\d{{4}}(?:\s*года)?"
    rf"|\bв\s+\d{{4}}\s+году",
    re.IGNORECASE,
)
_NO_YEAR = re.compile(rf"^(\d{{1,2}})(?:-го)?\s+({_MONTHS})$", re.IGNORECASE)


def find_dates(text: str, normalizer: Normalizer, ref: dt.date | None = None) -> list[Found]:
    out = []
    for m in _DATE.finditer(text):
        span = m[0]
        start = m.start()
        if span.lower().startswith("в ") and not re.match(r"в\s+\d", span, re.I):
            start += 2  # «в марте 2024»: the preposition is not the date
        parsed = normalizer.dates.parse(text[start : m.end()], ref)
        if parsed is not None:
            out.append(Found("date", start, m.end(), parsed.edtf, parsed.rule))
            continue
        bare = _NO_YEAR.match(span)
        if bare:  # «3 марта»: the year is not said (EDTF: XXXX)
            known = normalizer.dates.parse(f"{bare[1]} {bare[2]} 2000")
            if known is not None:
                out.append(Found("date", start, m.end(), "XXXX" + known.edtf[4:],
                                 "day and month name, year not said"))  # fmt: skip
    return out


# -- places and people ---------------------------------------------------------------------

_WORD = re.compile(r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)?|[А-ЯЁ]\.")
_SETTLEMENT = (r"(?:сел[оаеу]|посёлк[аеу]|поселк[аеу]|посёлок|поселок|пос\.|пгт|с\.|г\.|"
               r"город[аеу]?|деревн[яиюе]|д\.|хутор[аеу]?|станиц[аеуы]|"
               r"микрорайон[аеу]?)")  # fmt: skip
_PLACE = re.compile(
    r"(?<![\w-])(?P<prep>(?i:в|во|под|у|из|около|возле|близ|от|до|на|через|под\s+городом))\s+"
    rf"(?:{_SETTLEMENT}\s+)?"
    r"(?P<name>[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)*(?:\s+[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)*)?)"
)
_PERSON_TAGS = ("Name", "Surn", "Patr")


@lru_cache(maxsize=100_000)
def _tags(word: str) -> tuple[bool, bool]:
    """(pymorphy3 reads it as a place, as a person's name), from its likelier readings."""
    parses = pymorphy().parse(word.split("-")[0])
    geo = any("Geox" in p.tag for p in parses[:3])
    name = any(any(t in p.tag for t in _PERSON_TAGS) for p in parses[:2])
    return geo, name


def _place_nominative(words: list[str]) -> str:
    return _place_nominative_of(tuple(words))


@lru_cache(maxsize=50_000)
def _place_nominative_of(words: tuple[str, ...]) -> str:
    """«Тихой Заводи» → «Тихая Заводь», «Горловки» → «Горловка»; unknown words as written."""
    analyzer = pymorphy()
    out: list[str] = []
    noun_gender = None
    for word in reversed(words):
        parses = analyzer.parse(word)
        geo = [p for p in parses if "Geox" in p.tag] or [p for p in parses if p.tag.POS == "NOUN"]
        adj = [p for p in parses if p.tag.POS == "ADJF"]
        if geo and not (adj and noun_gender and len(out) > 0):
            form = geo[0].normal_form
            noun_gender = geo[0].tag.gender
        elif adj and noun_gender:
            made = adj[0].inflect({"nomn", "sing", noun_gender})
            form = made.word if made else word
        else:
            form = word
        out.append("-".join(x[:1].upper() + x[1:] for x in form.split("-")))
    return " ".join(reversed(out))


def find_places(text: str, taken: Taken) -> list[Found]:
    out: list[Found] = []
    for m in _PLACE.finditer(text):
        start, end = m.start("name"), m.end("name")
        words = m["name"].split()
        if taken.overlaps(start, end):
            continue
        geo, name = _tags(words[0])
        inside = m["prep"].lower() in ("в", "во", "под", "возле", "около", "близ")
        if name and not geo and not inside:  # «у Петрова»: a person's house, not a place
            continue
        if len(words) == 2:
            geo2, name2 = _tags(words[1])
            if name2 and not geo2:
                words, end = words[:1], start + len(words[0])
        out.append(Found("place", start, end, _place_nominative(words), f"after «{m['prep']}»"))
        taken.add(out[-1])
    return out


def _is_name(pack: RussianPack, word: str) -> bool:
    return bool(pack.token_info(word).given) or _tags(word)[1]


def reads_as_name(normalizer: Normalizer, word: str) -> bool:
    """Whether a capitalised word reads as a person's name (the pack's given names, or
    pymorphy3's names, surnames and patronymics); the normalizer must be the Russian pack's."""
    pack = normalizer.pack
    assert isinstance(pack, RussianPack)
    return _is_name(pack, word)


def _case_of(word: str) -> str | None:
    """The grammatical case of a rank word as pymorphy3 reads it («рядового»: gent)."""
    for p in pymorphy().parse(word):
        if p.tag.POS in ("NOUN", "ADJF") and p.tag.case:
            return str(p.tag.case)
    return None


def _person_value(
    pack: RussianPack, rank: str, words: list[str], infos: list[TokenInfo]
) -> tuple[str, str]:
    """(«Surname Given Patronymic» in the nominative, what the rank was) by the pack's name
    normalizer; a declined name is read as declined («Дмитрия Смирнова»), and a lone
    surname takes the case of its rank («рядового Давыдова» → Давыдов)."""
    oblique = any(i.given_case not in (None, "nominative") for i in infos)
    parsed = pack.parse_name(f"{rank} {' '.join(words)}".strip(),
                             hint="oblique" if oblique else None)  # fmt: skip
    parts = [parsed.surname, parsed.given_name, parsed.patronymic]
    if len(words) == 1 and rank and parsed.surname and not parsed.given_name:
        case = _case_of(rank.split()[-1])
        if case and case != "nomn":
            for p in pymorphy().parse(words[0]):
                if "Surn" in p.tag and p.tag.case == case and p.tag.gender == "masc":
                    made = p.inflect({"nomn", "masc"})
                    parts[0] = words[0][:1] + made.word[1:] if made else parts[0]
                    break
    value = " ".join(p for p in parts if p) or " ".join(words)
    return value, f"rank: {parsed.rank}" if parsed.rank else "name"


@cache
def _rank_pattern(forms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(sorted(map(re.escape, forms), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:(?:{alternatives})\.?\s+)+", re.IGNORECASE)


def find_people(text: str, normalizer: Normalizer, taken: Taken) -> list[Found]:
    pack = normalizer.pack
    assert isinstance(pack, RussianPack)
    forms = tuple(pack._rank_forms)
    ranks = _rank_pattern(forms)
    out: list[Found] = []
    places: list[Found] = []
    runs: list[tuple[int, int]] = []
    for m in re.finditer(r"(?:[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?|[А-ЯЁ]\.\s?)(?:\s*(?:[А-ЯЁ][а-яё]+"
                         r"(?:-[А-ЯЁ][а-яё]+)?|[А-ЯЁ]\.))*", text):  # fmt: skip
        runs.append((m.start(), m.end()))
    for start, end in runs:
        if taken.overlaps(start, end):
            continue
        inner = ranks.match(text, start, end)  # «Майор Волков»: the rank opens the run
        if inner is not None:
            start = inner.end()
        words = _WORD.findall(text[start:end])
        while len(words) > 1 and _tags(words[0]) == (True, False):  # «Жителя Токмака Петра…»
            named = _place_nominative(words[:1])
            places.append(Found("place", start, start + len(words[0]), named, "Geox (pymorphy3)"))
            start += text[start:end].index(words[1])
            words = words[1:]
        if not words:
            continue
        before = text[max(0, start - 40) : start]
        rank_m = inner
        for r in ranks.finditer(before):
            if r.end() == len(before):
                rank_m = r
        opening = before[: len(before) - len(inner[0])] if inner else before
        sentence_start = not opening.strip() or opening.rstrip()[-1] in '.!?:«"—'
        if sentence_start and rank_m is None and not _is_name(pack, words[0]):
            if len(words) == 1:
                continue  # a capitalised first word of a sentence, not a name
            start += text[start:end].index(words[1])
            words = words[1:]
        infos = [pack.token_info(w) for w in words if not w.endswith(".")]
        known = any((i.given and not i.given_weak) or i.patronymic for i in infos)
        tagged = [_tags(w) for w in words if not w.endswith(".")]
        if rank_m is None and not known and not (tagged and all(n and not g for g, n in tagged)):
            continue
        if any(g and not n for g, n in tagged) and not known:
            continue
        rank = rank_m[0].strip() if rank_m else ""
        value, detail = _person_value(pack, rank, words, infos)
        out.append(Found("person", start, start + len(text[start:end].rstrip()), value, detail))
    return out + places


# -- incident types ------------------------------------------------------------------------


@cache
def keyword_rules(path: Path = KEYWORDS) -> tuple[tuple[str, re.Pattern[str]], ...]:
    with path.open(encoding="utf-8", newline="") as f:
        return tuple((r["code"], re.compile(r["pattern"], re.IGNORECASE))
                     for r in csv.DictReader(f))  # fmt: skip


def find_incident_types(text: str) -> list[Found]:
    """One suggestion per type and sentence: the first keyword that names it."""
    out = []
    for sentence in re.finditer(r"[^.!?\n]+[.!?]*", text):
        for code, pattern in keyword_rules():
            m = pattern.search(sentence[0])
            if m:
                start = sentence.start() + m.start()
                out.append(Found("incident_type", start, start + len(m[0]), code,
                                 f"keyword «{m[0].lower()}»"))  # fmt: skip
    return out


def extract(text: str, normalizer: Normalizer, ref: dt.date | None = None) -> list[Found]:
    """Every suggestion the rules find in ``text``, in the order of the text (the rules
    read Russian: the normalizer must be the Russian pack's)."""
    if not isinstance(normalizer.pack, RussianPack):
        code = normalizer.pack.code
        raise InputError(f"assisted extraction reads Russian text; the workspace's language "
                         f"pack is '{code}' (setting normalize.locale)")  # fmt: skip
    found = find_money(text)
    found += find_units(text, normalizer)
    found += find_dates(text, normalizer, ref)
    taken = Taken(len(text), found)
    found += find_places(text, taken)
    found += find_people(text, normalizer, taken)
    found += find_incident_types(text)
    return sorted(found, key=lambda f: (f.start, KINDS.index(f.kind), f.end))
