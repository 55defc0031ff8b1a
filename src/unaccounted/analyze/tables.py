"""Status transitions counted per unit, region and period, and the missing-to-dead delay.

The delay is a time-to-event measure: from the date a person went missing (the earliest
missing claim's event date) to the first publication of his death by any source. People
still missing are censored at the latest claim date in the workspace, so the median
comes from a Kaplan–Meier estimate rather than from the resolved cases alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from unaccounted.analyze.units import UnitIndex
from unaccounted.resolve.person import PersonView

BY = ("unit", "region", "period")


def _stratum(v: PersonView, units: UnitIndex, by: str, date: dt.date) -> str:
    if by == "unit":
        return units.person_unit.get(v.person_id) or "(no unit)"
    if by == "region":
        region = v.best.get("region")
        return str(region.value) if region else "(no region)"
    return date.strftime("%Y-%m")


def transitions(views: list[PersonView], units: UnitIndex, by: str) -> list[dict[str, Any]]:
    """Rows ``{by, transition, count}`` of status transitions, most frequent first."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for v in views:
        for t in v.history.transitions():
            counts[_stratum(v, units, by, t.date)][f"{t.before} -> {t.after}"] += 1
    rows = [{by: s, "transition": k, "count": n} for s, c in counts.items() for k, n in c.items()]
    return sorted(rows, key=lambda r: (str(r[by]), -int(r["count"]), str(r["transition"])))


def kaplan_meier_median(durations: list[tuple[int, bool]]) -> float | None:
    """Median of (days, event observed) by the Kaplan–Meier estimator; None if not reached."""
    at_risk = len(durations)
    survival = 1.0
    by_day: dict[int, list[bool]] = defaultdict(list)
    for days, event in durations:
        by_day[days].append(event)
    for days in sorted(by_day):
        events = sum(by_day[days])
        if events:
            survival *= 1 - events / at_risk
            if survival <= 0.5:
                return float(days)
        at_risk -= len(by_day[days])
    return None


def missing_to_dead(views: list[PersonView], units: UnitIndex) -> list[dict[str, Any]]:
    """Per unit: persons ever missing, shown dead later, days to that (median, KM median)."""
    latest = max((c.date for v in views for c in v.claims if c.date), default=None)
    spans: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    for v in views:
        span = v.history.missing_to_dead()
        if span is None or latest is None:
            continue
        start, shown = span
        unit = units.person_unit.get(v.person_id) or "(no unit)"
        end = shown or latest
        spans[unit].append((max((end - start).days, 0), shown is not None))
    rows = []
    for unit, ds in sorted(spans.items()):
        resolved = sorted(d for d, e in ds if e)
        rows.append(
            {
                "unit": unit,
                "ever_missing": len(ds),
                "shown_dead": len(resolved),
                "still_missing": len(ds) - len(resolved),
                "median_days_resolved": resolved[len(resolved) // 2] if resolved else None,
                "km_median_days": kaplan_meier_median(ds),
            }
        )
    return rows
