"""Partial and uncertain dates as intervals with their precision, never rounded.

``DateParser(pack_data).parse(text, ref=published)`` reads the numeric shapes every
language shares (``12.03.2023``, ``2023-03-12``, ``20230312``, ``12/03/2023``, ``03.2023``,
``2023``, ``2022-2023``) and word shapes from the pack's ``months.csv`` and
``date_words.csv`` («12 марта 2023 г.», «март 2023», «весной 2023», «начало марта 2023»,
«с 10 по 12 марта 2023», "March 12, 2023", «около 1985»).

Rules that decide, in the order they are tried, are named in ``PartialDate.rule``:

- a day and month written with ``/`` when both are at most 12 and differ are *ambiguous*:
  both readings are kept as ``candidates`` unless the caller says the source writes day
  first (``order="dmy"``) or month first (``"mdy"``); ``.`` and ``-`` are day first;
- a two-digit year takes the century that puts the date closest before ``ref`` (the
  record's publication date), else before today;
- a date without a year («25 февраля») takes the last such day on or before ``ref``;
  without ``ref`` it is not a date;
- «около 1985» widens to 1984–1986 (EDTF ``1985~``); «1985?» keeps the year (``1985?``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from unaccounted.normalize.model import PartialDate
from unaccounted.normalize.pack import PackData

_SEASONS = {"spring": (3, 5, "21"), "summer": (6, 8, "22"), "autumn": (9, 11, "23")}
_PARTS = {
    "early": ((1, 10), (1, 4)),
    "mid": ((11, 20), (5, 8)),
    "late": ((21, 31), (9, 12)),
    "first_half": ((1, 15), (1, 6)),
    "second_half": ((16, 31), (7, 12)),
}
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:t[\d:.]+z?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DMY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[./](\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-./](\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*[-–—/]\s*(\d{2}|\d{4})$")
_REMARK = re.compile(r"\(([^)]*)\)")
_DOUBT = re.compile(r"предполож|возможно|примерно|около|приблизит|не точно|uncertain|approx|maybe")
_TIME = re.compile(
    r"(?<=\d)(?:[ t]|,\s*)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?$"
)
_HAS_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")
_TOKEN = re.compile(r"\d+|[^\W\d_]+", re.UNICODE)
_SPLIT_RANGE = re.compile(r"\s*(?:\s[-–—]\s|[–—]|\.\.\.|…)\s*")


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def day(d: dt.date, rule: str) -> PartialDate:
    return PartialDate(d, d, "day", d.isoformat(), rule)


def month(year: int, m: int, rule: str) -> PartialDate:
    lo = dt.date(year, m, 1)
    return PartialDate(lo, dt.date(year, m, _last_day(year, m)), "month", f"{year}-{m:02d}", rule)


def year_of(year: int, rule: str) -> PartialDate:
    return PartialDate(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", str(year), rule)


def span(a: PartialDate, b: PartialDate, rule: str) -> PartialDate | None:
    """From the start of ``a`` to the end of ``b`` (None if ``b`` ends before ``a`` starts)."""
    if b.hi < a.lo:
        return None
    left, right = a.edtf.split("/")[0], b.edtf.split("/")[-1]
    return PartialDate(a.lo, b.hi, "range", f"{left}/{right}", rule)


@dataclass
class _Words:
    months: dict[str, int]
    seasons: dict[str, str]
    parts: dict[str, str]
    approx: set[str]
    noise: set[str]
    range_from: set[str]
    range_to: set[str]
    phrases: list[tuple[str, str]]


def _words(data: PackData) -> _Words:
    months: dict[str, int] = {}
    for row in data.table("months"):
        n = int(row["number"])
        for col in ("nominative", "genitive", "abbreviation", "english"):
            word = row.get(col, "").lower().rstrip(".").replace("ё", "е")
            if word:
                months[word] = n
        months.setdefault(row.get("english", "").lower()[:3], n)
    w = _Words(months, {}, {}, set(), set(), set(), set(), [])
    for row in data.table("date_words"):
        word, kind, value = row["word"].lower().replace("ё", "е"), row["kind"], row["value"]
        if kind == "month":
            w.months[word] = int(value)
        elif kind == "season":
            w.seasons[word] = value
        elif kind == "part" and " " in word:  # a phrase becomes one token
            token = value.replace("_", "")
            w.phrases.append((word, token))
            w.parts[token] = value
        elif kind == "part":
            w.parts[word] = value
        elif kind == "approx":
            w.approx.add(word)
        elif kind == "noise":
            w.noise.add(word)
        elif kind == "range_from":
            w.range_from.add(word)
        elif kind == "range_to":
            w.range_to.add(word)
    return w


class DateParser:
    """Reads dates with one pack's words. Pure; cache results per (text, ref, order)."""

    def __init__(self, data: PackData) -> None:
        self.w = _words(data)
        self._cache: dict[tuple[str, dt.date | None, str | None], PartialDate | None] = {}

    def parse(
        self, text: str | None, ref: dt.date | None = None, order: str | None = None
    ) -> PartialDate | None:
        """The interval a written date denotes, or None when it is not a date."""
        if not text:
            return None
        if ref is not None and _HAS_YEAR.search(text):
            ref = None  # a four-digit year needs no reference date: share the cache entry
        if order is not None and "/" not in text:
            order = None
        key = (text, ref, order)
        if key not in self._cache:
            if len(self._cache) > 500_000:
                self._cache.clear()
            self._cache[key] = self._parse(text, ref, order)
        return self._cache[key]

    def _parse(self, text: str, ref: dt.date | None, order: str | None) -> PartialDate | None:
        s = " ".join(text.lower().replace("ё", "е").split()).strip(" ,;")
        uncertain = False
        if "(" in s:  # «12 марта 2023 (предположительно)»: a remark, perhaps of doubt
            remark = " ".join(_REMARK.findall(s))
            uncertain = bool(_DOUBT.search(remark))
            s = _REMARK.sub(" ", s).strip(" ,;")
        s = _TIME.sub("", s)
        uncertain = uncertain or s.endswith("?")
        s = s.rstrip("?").strip()
        approx = s.startswith("~")
        s = s.lstrip("~").strip()
        s = re.sub(r"\s*(?:гг?|года?|году|р|рік|року)\.?$", "", s)
        found = self._numeric(s, ref, order)
        if found is None:
            found = self._range(s, ref, order)
        if found is None:
            found = self._in_words(s, ref)
        if found is None:
            return None
        if approx or self._approx_word(s):
            return _widen(found)
        if uncertain:
            return PartialDate(found.lo, found.hi, found.precision, found.edtf + "?",
                               found.rule + ", marked uncertain", found.candidates)  # fmt: skip
        return found

    def _approx_word(self, s: str) -> bool:
        first = _TOKEN.findall(s)[:1]
        return bool(first) and first[0] in self.w.approx

    # -- numbers only ------------------------------------------------------------------

    def _numeric(self, s: str, ref: dt.date | None, order: str | None) -> PartialDate | None:
        if m := _ISO_DAY.match(s):
            d = _safe(int(m[1]), int(m[2]), int(m[3]))
            return day(d, "ISO 8601 date") if d else None
        if m := _COMPACT.match(s):
            d = _safe(int(m[1]), int(m[2]), int(m[3]))
            return day(d, "compact YYYYMMDD date") if d else None
        if m := _DMY.match(s):
            return self._day_month(int(m[1]), int(m[3]), m[4], m[2], ref, order)
        if m := _MONTH_YEAR.match(s):
            mo = int(m[1])
            return month(int(m[2]), mo, "MM.YYYY month") if 1 <= mo <= 12 else None
        if m := _YEAR_MONTH.match(s):
            y, second = int(m[1]), int(m[2])
            if 1 <= second <= 12 and len(m[2]) == 2:
                return month(y, second, "YYYY-MM month")
        if m := _YEAR.match(s):
            return year_of(int(m[1]), "year") if 1800 <= int(m[1]) <= 2100 else None
        if m := _YEAR_RANGE.match(s):
            a = int(m[1])
            b = int(m[2]) if len(m[2]) == 4 else a // 100 * 100 + int(m[2])
            return span(year_of(a, "year"), year_of(b, "year"), "range of years")
        return None

    def _day_month(self, a: int, b: int, y_text: str, sep: str, ref: dt.date | None,
                   order: str | None) -> PartialDate | None:  # fmt: skip
        readings = [(a, b)]
        label = "DD.MM.YYYY" if sep != "/" else "DD/MM/YYYY"
        if sep == "/" and order != "dmy":
            if order == "mdy" or (b > 12 and a <= 12):
                readings, label = [(b, a)], "MM/DD/YYYY"
            elif a <= 12 and b <= 12 and a != b:
                readings = [(a, b), (b, a)]
        found: list[dt.date] = []
        for d, mo in readings:
            y = _full_year(y_text, mo, d, ref)
            date = _safe(y, mo, d) if y else None
            if date:
                found.append(date)
        if not found:
            return None
        if len(found) == 1:
            two = " (two-digit year)" if len(y_text) == 2 else ""
            return day(found[0], f"{label} date{two}")
        found.sort()
        edtf = "[" + ",".join(d.isoformat() for d in found) + "]"
        rule = "day/month ambiguous: both kept"
        return PartialDate(found[0], found[-1], "day", edtf, rule, tuple(found))

    # -- ranges ------------------------------------------------------------------------

    def _range(self, s: str, ref: dt.date | None, order: str | None) -> PartialDate | None:
        tokens = s.split()
        if tokens and tokens[0] in self.w.range_from:
            rest = tokens[1:]
            for i, t in enumerate(rest):
                if t in self.w.range_to and 0 < i < len(rest) - 1:
                    return self._pair(" ".join(rest[:i]), " ".join(rest[i + 1 :]), ref, order)
            return None
        parts = _SPLIT_RANGE.split(s)
        if len(parts) == 2 and all(parts):
            return self._pair(parts[0], parts[1], ref, order)
        # 10-12 марта 2023, 10-12.03.2023, март-апрель 2023
        m = re.match(r"^(\d{1,2})-(\d{1,2})([ .].+)$", s) or re.match(
            r"^([^\W\d_]+)-([^\W\d_]+)(\s.+)$", s
        )
        if m:
            right = self.parse(m[2] + m[3], ref, order)
            left_text = m[1] + m[3]
            left = self.parse(left_text, ref, order)
            if left and right:
                return span(left, right, "range")
        return None

    def _pair(self, left: str, right: str, ref: dt.date | None,
              order: str | None) -> PartialDate | None:  # fmt: skip
        b = self.parse(right, ref, order)
        if b is None:
            return None
        a = self.parse(left, ref, order)
        if a is None:  # «с 10 по 12 марта 2023»: the left side borrows what it lacks
            tail = right.split()
            for cut in range(1, len(tail)):
                a = self.parse(left + " " + " ".join(tail[cut:]), ref, order)
                if a is not None:
                    break
        if a is None:
            return None
        return span(a, b, "range")

    # -- words -------------------------------------------------------------------------

    def _in_words(self, s: str, ref: dt.date | None) -> PartialDate | None:
        s = re.sub(r"(\d)(?:-?(?:го|е|й|ого|st|nd|rd|th))\b", r"\1", s)
        for phrase, token in self.w.phrases:
            if phrase in s:
                s = s.replace(phrase, token)
        tokens = [t for t in _TOKEN.findall(s) if t not in self.w.noise]
        tokens = [t for t in tokens if t not in self.w.approx]
        days, years, months, seasons, parts = [], [], [], [], []
        for t in tokens:
            if t.isdigit():
                n = int(t)
                if len(t) == 4 and 1800 <= n <= 2100:
                    years.append(n)
                elif 1 <= n <= 31 and len(t) <= 2:
                    days.append(n)
                else:
                    return None
            elif t.rstrip(".") in self.w.months:
                months.append(self.w.months[t.rstrip(".")])
            elif t in self.w.seasons:
                seasons.append(self.w.seasons[t])
            elif t in self.w.parts:
                parts.append(self.w.parts[t])
            else:
                return None
        if len(years) > 1 or len(months) > 1 or len(days) > 1 or len(seasons) > 1:
            return None
        if len(parts) > 1 or (days and not months) or (seasons and (months or days)):
            return None
        part = parts[0] if parts else None
        y = years[0] if years else None
        if months:
            mo = months[0]
            if y is None:
                return self._no_year(mo, days[0] if days else None, ref) if not part else None
            if days:
                d = _safe(y, mo, days[0])
                return day(d, "day and month name") if d and not part else None
            if part:
                lo_d, hi_d = _PARTS[part][0]
                hi_d = min(hi_d, _last_day(y, mo))
                return PartialDate(dt.date(y, mo, lo_d), dt.date(y, mo, hi_d), "range",
                                   f"{y}-{mo:02d}-{lo_d:02d}/{y}-{mo:02d}-{hi_d:02d}",
                                   f"{part} of a month")  # fmt: skip
            return month(y, mo, "month name")
        if y is None:
            return None
        if seasons:
            return _season(y, seasons[0])
        if part:
            lo_m, hi_m = _PARTS[part][1]
            lo, hi = dt.date(y, lo_m, 1), dt.date(y, hi_m, _last_day(y, hi_m))
            return PartialDate(
                lo, hi, "range", f"{y}-{lo_m:02d}/{y}-{hi_m:02d}", f"{part} of a year"
            )
        return year_of(y, "year")

    def _no_year(self, mo: int, d: int | None, ref: dt.date | None) -> PartialDate | None:
        if ref is None:
            return None
        y = ref.year if (mo, d or 1) <= (ref.month, ref.day) else ref.year - 1
        if d is None:
            return PartialDate(*_month_bounds(y, mo), "month", f"{y}-{mo:02d}",
                               "month name, year from the publication date")  # fmt: skip
        date = _safe(y, mo, d)
        return day(date, "day and month name, year from the publication date") if date else None


def _month_bounds(y: int, mo: int) -> tuple[dt.date, dt.date]:
    return dt.date(y, mo, 1), dt.date(y, mo, _last_day(y, mo))


def _season(y: int, season: str) -> PartialDate:
    if season == "winter":  # the winter that begins in December of that year, or ends in it
        return PartialDate(dt.date(y, 1, 1), dt.date(y, 12, 31), "season", f"{y}-24", "season")
    lo_m, hi_m, code = _SEASONS[season]
    return PartialDate(dt.date(y, lo_m, 1), dt.date(y, hi_m, _last_day(y, hi_m)), "season",
                       f"{y}-{code}", "season")  # fmt: skip


def _widen(p: PartialDate) -> PartialDate:
    lo = p.lo.replace(year=p.lo.year - 1, day=min(p.lo.day, 28))
    hi = p.hi.replace(year=p.hi.year + 1, day=min(p.hi.day, 28) if p.hi.month == 2 else p.hi.day)
    return PartialDate(lo, hi, "range", p.edtf + "~", p.rule + ", approximate: ±1 year")


def _full_year(text: str, mo: int, d: int, ref: dt.date | None) -> int | None:
    if len(text) == 4:
        return int(text)
    yy = int(text)
    anchor = ref or dt.date.today()
    for century in (anchor.year // 100 * 100, anchor.year // 100 * 100 - 100):
        y = century + yy
        date = _safe(y, mo, min(d, 28))
        if date and date <= anchor:
            return y
    return None
