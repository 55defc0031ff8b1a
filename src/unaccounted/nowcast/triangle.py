"""Reporting triangles: reading ``period,as_of,count`` tables and laying them out by delay.

A reporting triangle says, for each event period (a week, say, named by its first day),
how many events were known at each report date: ``count`` is cumulative. It mostly grows
as ``as_of`` grows, but real series also *fall*: a duplicate removed, a death moved to
another week. Such a fall is a correction, not an error: the later count stands, and the
number of corrections is reported. :func:`read_triangle` validates a CSV into
:class:`Report` rows; :func:`layout` cuts them at a date and builds the period × delay
matrix the models work on. The delay of a report is ``(as_of - period) // step`` whole
periods, where ``step`` is the spacing of the periods (7 days for weekly periods); a period
without a report at some delay keeps its last known count there. Cells dated before the
triangle's first report are *unknown*, not zero: a series that starts in May says nothing
of what was known of February in February (``Triangle.first_delay``).
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from unaccounted.errors import InputError

COLUMNS = ("period", "as_of", "count")
#: The period spacing assumed when a triangle has a single period.
DEFAULT_STEP_DAYS = 7

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Report:
    """One row: ``count`` events of ``period`` known at ``as_of``."""

    period: dt.date
    as_of: dt.date
    count: int


@dataclass(frozen=True)
class Triangle:
    """The cumulative counts by period (rows) and delay (columns), cut at ``as_of``.

    ``counts[i, d]`` is period ``i``'s count known ``d`` steps after it began; cells beyond
    ``observed_delay[i]`` (the delay reached by ``as_of``) are not known yet and hold the
    last known count.
    """

    periods: tuple[dt.date, ...]
    as_of: dt.date
    step_days: int
    counts: Ints
    observed_delay: Ints
    #: Per period, the first delay at which anything was reported at all (cells before it
    #: are dated before the triangle's first report: unknown, not zero).
    first_delay: Ints | None = None
    #: Reports whose count fell below the period's earlier count (corrections).
    corrections: int = 0

    def first_known(self) -> Ints:
        """``first_delay``, zeros when not given."""
        if self.first_delay is None:
            return np.zeros(len(self.periods), dtype=np.int64)
        return self.first_delay

    @property
    def latest(self) -> Ints:
        """Each period's count as known at ``as_of`` (the naive as-of count)."""
        rows = np.arange(len(self.periods))
        return np.asarray(self.counts[rows, self.observed_delay], dtype=np.int64)

    @property
    def known(self) -> npt.NDArray[np.bool_]:
        """Which cells of ``counts`` were observed: by ``as_of``, and not before the
        triangle's first report."""
        delays = np.arange(self.counts.shape[1])
        return np.asarray(
            (delays[None, :] <= self.observed_delay[:, None])
            & (delays[None, :] >= self.first_known()[:, None])
        )


def _date(text: str, column: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{where}: {column} {text!r} is not a date (use YYYY-MM-DD)") from None


def _count(text: str, where: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise InputError(f"{where}: count {text!r} is not a whole number") from None
    if value < 0:
        raise InputError(f"{where}: count {value} is negative")
    return value


def read_triangle(path: Path) -> list[Report]:
    """The rows of a triangle CSV (``period,as_of,count``), validated; errors name the line."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            if not header:
                raise InputError(f"{path}: the file is empty; expected columns period,as_of,count")
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise InputError(
                    f"{path}: missing column(s) {', '.join(missing)}; "
                    "a triangle needs period,as_of,count"
                )
            reader.fieldnames = header
            rows = []
            for line, row in enumerate(reader, start=2):
                where = f"{path} line {line}"
                if any(row.get(c) is None for c in COLUMNS):
                    raise InputError(f"{where}: the row has fewer than {len(header)} cells")
                period = _date(row["period"], "period", where)
                as_of = _date(row["as_of"], "as_of", where)
                if as_of < period:
                    raise InputError(f"{where}: as_of {as_of} is before its period {period}")
                rows.append(Report(period, as_of, _count(row["count"], where)))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    if not rows:
        raise InputError(f"{path}: no rows; a triangle needs at least one period,as_of,count row")
    check_cumulative(rows, str(path))
    return rows


def corrections(rows: Iterable[Report]) -> int:
    """How many reports give a period a lower count than its report before (corrections)."""
    by_period: dict[dt.date, list[tuple[dt.date, int]]] = {}
    for r in rows:
        by_period.setdefault(r.period, []).append((r.as_of, r.count))
    return sum(
        1
        for reports in by_period.values()
        for (_, a), (_, b) in itertools.pairwise(sorted(reports))
        if b < a
    )


def check_cumulative(rows: Iterable[Report], where: str) -> None:
    """Refuse a repeated row that disagrees with itself (two counts of one period at one
    ``as_of``). A count that falls at a later ``as_of`` is a correction and accepted."""
    by_period: dict[dt.date, dict[dt.date, int]] = {}
    for r in rows:
        seen = by_period.setdefault(r.period, {})
        if r.as_of in seen and seen[r.as_of] != r.count:
            raise InputError(
                f"{where}: period {r.period} has two counts at as_of {r.as_of} "
                f"({seen[r.as_of]} and {r.count})"
            )
        seen[r.as_of] = r.count


def layout(rows: Iterable[Report], as_of: dt.date | None = None) -> Triangle:
    """The period × delay matrix of the rows known at ``as_of`` (default: the latest as_of)."""
    rows = list(rows)
    cut = as_of or max((r.as_of for r in rows), default=None)
    if cut is None:
        raise InputError("the triangle has no rows")
    rows = [r for r in rows if r.as_of <= cut]
    periods = sorted({r.period for r in rows})
    if not periods:
        raise InputError(f"no report in the triangle is dated on or before {cut}")
    gaps = [(b - a).days for a, b in itertools.pairwise(periods)]
    step = min(gaps) if gaps else DEFAULT_STEP_DAYS
    if any(g % step for g in gaps):
        raise InputError(
            f"periods are not evenly spaced: gaps of {sorted(set(gaps))} days "
            f"are not all multiples of {step}"
        )
    # Periods with no row at all between the first and last are filled in with zero counts.
    first = periods[0]
    n = (periods[-1] - first).days // step + 1
    all_periods = tuple(first + dt.timedelta(days=i * step) for i in range(n))
    observed = np.array([(cut - p).days // step for p in all_periods], dtype=np.int64)
    counts = np.zeros((n, int(observed.max()) + 1), dtype=np.int64)
    # reports in date order: a later report's count stands, a correction included
    for r in sorted(rows, key=lambda r: r.as_of):
        i = (r.period - first).days // step
        d = (r.as_of - r.period).days // step
        counts[i, d:] = r.count
    start = min(r.as_of for r in rows)
    first_delay = np.array([max(0, (start - p).days // step) for p in all_periods],
                           dtype=np.int64)  # fmt: skip
    return Triangle(all_periods, cut, step, counts, observed, np.minimum(first_delay, observed),
                    corrections(rows))  # fmt: skip
