"""When each death becomes documented: the truth a nowcast is scored against.

A death is *documented* on the first day a source publishes a record that states it
(status ``killed`` or ``declared_dead``) — what ``unaccounted nowcast`` counts in a
workspace. The *eventual* count of an event week also counts the reports sources make after
``war.as_of`` (the ``later_*`` rows of :class:`~unaccounted.simulate.sources.Records`), so it
is what a nowcast at ``war.as_of`` should find. Weeks start on Monday; a week's report date
is its Sunday.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from unaccounted.simulate import forms
from unaccounted.simulate.config import SimulationConfig
from unaccounted.simulate.sources import STATUS_CODES, Records, select_records
from unaccounted.simulate.world import World, build_world, day

Ints = npt.NDArray[np.int64]

#: Record statuses that state a death.
DEATH_CODES: tuple[int, ...] = (STATUS_CODES.index("killed"), STATUS_CODES.index("declared_dead"))
NEVER = np.iinfo(np.int64).max


def week_start(days: Ints) -> Ints:
    """The Monday on or before each day (day numbers since 1970-01-01, a Thursday)."""
    return np.asarray(days - (days + 3) % 7, dtype=np.int64)


def first_documented(world: World, records: Iterable[Records], eventual: bool) -> Ints:
    """Per person, the first day a record states the death (``NEVER``: no such record).

    ``eventual`` also counts the reports published after ``war.as_of``.
    """
    first = np.full(world.n, NEVER, dtype=np.int64)
    for recs in records:
        parts = [(recs.person, recs.published, recs.status)]
        if eventual:
            parts.append((recs.later_person, recs.later_published, recs.later_status))
        for person, published, status in parts:
            death = np.isin(status, DEATH_CODES)
            np.minimum.at(first, person[death], published[death])
    return first


def weekly_truth(world: World, records: list[Records]) -> list[tuple[str, int, int, int]]:
    """``(week, dead, documented, eventual)`` for every week of the war.

    ``dead``: true deaths that week; ``documented``: deaths documented by ``war.as_of``;
    ``eventual``: deaths documented at any time (also after ``war.as_of``).
    """
    war = world.config.war
    weeks = np.arange(week_start(np.array([day(war.start)]))[0], day(war.end) + 1, 7)
    week = week_start(world.event)
    as_of = day(war.as_of)
    known = first_documented(world, records, eventual=False) <= as_of
    ever = first_documented(world, records, eventual=True) < NEVER

    def count(mask: npt.NDArray[np.bool_]) -> Ints:
        return np.bincount((week[mask] - weeks[0]) // 7, minlength=weeks.size)[: weeks.size]

    dead, documented, eventual = count(world.dead), count(known), count(ever)
    return [
        (forms.iso(int(w)), int(a), int(b), int(c))
        for w, a, b, c in zip(weeks, dead, documented, eventual, strict=True)
    ]


def weekly_triangle(world: World, records: list[Records], as_of: int | None = None
                    ) -> list[tuple[str, str, int]]:  # fmt: skip
    """The reporting triangle of documented deaths, ``(period, as_of, count)`` rows.

    Periods are event weeks (their Monday); report dates are every Sunday up to ``as_of``
    (default ``war.as_of``) and ``as_of`` itself; counts are cumulative. Only what was
    published by ``as_of`` is used.
    """
    cut = day(world.config.war.as_of) if as_of is None else as_of
    first = first_documented(world, records, eventual=False)
    seen = first <= cut
    week, when = week_start(world.event[seen]), first[seen]
    rows: list[tuple[str, str, int]] = []
    if week.size == 0:
        return rows
    for p in range(int(week.min()), int(week.max()) + 1, 7):
        reports = np.arange(p + 6, cut + 1, 7)
        if reports.size == 0 or reports[-1] != cut:
            reports = np.append(reports, cut)
        done = np.sort(when[week == p])
        counts = np.searchsorted(done, reports, side="right")
        period = forms.iso(p)
        rows.extend(
            (period, forms.iso(int(a)), int(c)) for a, c in zip(reports, counts, strict=True)
        )
    return rows


def simulate_reports(
    config: SimulationConfig, persons: int, seed: int
) -> tuple[World, list[Records]]:
    """A world and every source's reports, without rendering or writing any file (the same
    draws as ``simulate``, so the same seed gives the same reports)."""
    world = build_world(config, persons, seed)
    done: dict[str, Records] = {}
    for src in config.sources:
        done[src.slug] = select_records(world, src, done)
    return world, list(done.values())
