"""Best values: one value per field, chosen by a named rule, with every other value kept.

Dates: the narrowest interval wins (a day over a year derived from an age), ties to the
higher source kind. Other fields: the value stated by most independence groups wins, ties
to the higher source kind. Values that cannot all be true are flagged as a conflict and
shown with their sources; nothing is averaged.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from unaccounted.resolve.claims import Claim
from unaccounted.resolve.rules import GradingRules

#: field shown → (claim value used to compare, claim value shown)
CATEGORICAL: dict[str, tuple[str, str]] = {
    "surname": ("surname", "surname"),
    "given_name": ("given_name", "given_name"),
    "patronymic": ("patronymic", "patronymic"),
    "sex": ("sex", "sex"),
    "unit": ("unit_key", "raw_unit"),
    "region": ("region_code", "raw_region"),
    "hometown": ("hometown", "hometown"),
    "category": ("category", "category"),
    "rank": ("rank", "rank"),
    "event_place": ("event_place", "event_place"),
}
DATES = ("birth_date", "event_date")


@dataclass(frozen=True)
class BestValue:
    name: str
    value: Any
    shown: Any
    rule: str
    sources: list[str]
    #: every distinct value with its sources: ``[{"value", "shown", "sources"}]``
    values: list[dict[str, Any]] = field(default_factory=list)
    conflict: bool = False


def _date(c: Claim, name: str) -> tuple[dt.date, dt.date, str] | None:
    lo, hi, edtf = (
        (c.birth_lo, c.birth_hi, c.birth_edtf)
        if name == "birth_date"
        else (c.event_lo, c.event_hi, c.event_edtf)
    )
    if lo is None or hi is None:
        return None
    return lo, hi, edtf or f"{lo}/{hi}"


def _precision(lo: dt.date, hi: dt.date) -> str:
    days = (hi - lo).days
    return "day" if days == 0 else "month" if days <= 31 else "year" if days <= 366 else "range"


def best_date(name: str, claims: list[Claim], rules: GradingRules) -> BestValue | None:
    dated = [(c, d) for c in claims if (d := _date(c, name)) is not None]
    if not dated:
        return None
    by_value: dict[str, list[Claim]] = defaultdict(list)
    for c, d in dated:
        by_value[d[2]].append(c)
    c, (lo, hi, edtf) = min(
        dated, key=lambda x: ((x[1][1] - x[1][0]).days, rules.kind_rank(x[0].kind), x[0].label)
    )
    ties = [x for x in dated if (x[1][1] - x[1][0]) == (hi - lo)]
    rule = f"narrowest date ({_precision(lo, hi)})"
    if len({x[1][2] for x in ties}) > 1:
        rule += f", tie to the higher source kind ({c.kind})"
    rule += f" from {c.kind} source"
    conflict = any(d[1] < lo or d[0] > hi for _, d in dated)
    values = [
        {"value": v, "shown": v, "sources": sorted({x.source for x in cs})}
        for v, cs in sorted(by_value.items())
    ]
    return BestValue(
        name, edtf, edtf, rule, sorted({x.source for x in by_value[edtf]}), values, conflict
    )


def best_categorical(name: str, claims: list[Claim], rules: GradingRules) -> BestValue | None:
    key_name, shown_name = CATEGORICAL[name]
    by_value: dict[Any, list[Claim]] = defaultdict(list)
    for c in claims:
        v = c.value(key_name) if name != "sex" else c.value("sex") or c.value("raw_sex")
        if v not in (None, ""):
            by_value[v].append(c)
    if not by_value:
        return None

    def order(item: tuple[Any, list[Claim]]) -> tuple[int, int, str]:
        value, cs = item
        return (-len({x.group for x in cs}), min(rules.kind_rank(x.kind) for x in cs), str(value))

    ranked = sorted(by_value.items(), key=order)
    value, cs = ranked[0]
    groups = len({x.group for x in cs})
    if len(ranked) == 1:
        rule = f"the only value ({groups} independence group{'s' if groups > 1 else ''})"
    elif order(ranked[1])[0] == -groups:
        best_kind = min(cs, key=lambda x: rules.kind_rank(x.kind)).kind
        rule = f"tie on {groups} group(s), to the higher source kind ({best_kind})"
    else:
        rule = f"stated by most independence groups ({groups})"
    values = [
        {
            "value": v,
            "shown": sorted({str(x.value(shown_name) or v) for x in xs}),
            "sources": sorted({x.source for x in xs}),
        }
        for v, xs in ranked
    ]
    shown = values[0]["shown"][0]
    distinct = {str(v) for v, _ in ranked}
    if name == "unit":  # «в/ч NNNNN» names a unit by number: not a conflict by itself
        distinct = {v for v in distinct if not v.startswith("vch:")} or distinct
    return BestValue(name, value, shown, rule, values[0]["sources"], values, len(distinct) > 1)


def best_values(claims: list[Claim], rules: GradingRules) -> dict[str, BestValue]:
    found: dict[str, BestValue] = {}
    for name in DATES:
        if (b := best_date(name, claims, rules)) is not None:
            found[name] = b
    for name in CATEGORICAL:
        if (b := best_categorical(name, claims, rules)) is not None:
            found[name] = b
    return found
