"""Weekly reporting triangles from dated deaths (a workspace's, or any list of them).

A period is an event week, named by its Monday; its reports are dated every Sunday from
the week's own Sunday up to the as-of date, plus the as-of date itself. The periods run
from the first to the last event week with a death known by the as-of date. A death known
before its event day (a data error) counts as known on its event day.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable

from unaccounted.errors import InputError
from unaccounted.nowcast.triangle import Report


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_reports(deaths: Iterable[tuple[dt.date, dt.date]], as_of: dt.date | None = None
                   ) -> list[Report]:  # fmt: skip
    """The cumulative counts of ``(event day, known on)`` deaths by event week and report date.

    ``as_of`` (default: the latest day a death became known) drops what was not known yet.
    """
    pairs = [(event, max(known, event)) for event, known in deaths]
    cut = as_of or max((known for _, known in pairs), default=None)
    if cut is None:
        raise InputError("no dated deaths to nowcast: no record states a death with an event date")
    known_by_week: dict[dt.date, list[dt.date]] = defaultdict(list)
    for event, known in pairs:
        if known <= cut:
            known_by_week[monday(event)].append(known)
    if not known_by_week:
        raise InputError(f"no death with an event date was known on or before {cut}")
    rows: list[Report] = []
    week, last = min(known_by_week), max(known_by_week)
    while week <= last:
        days = sorted(known_by_week.get(week, []))
        day = week + dt.timedelta(days=6)
        while True:
            report = min(day, cut)
            rows.append(Report(week, report, bisect_right(days, report)))
            if report == cut:
                break
            day += dt.timedelta(days=7)
        week += dt.timedelta(days=7)
    return rows
