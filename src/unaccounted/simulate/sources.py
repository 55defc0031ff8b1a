"""Which persons each source reports, when, and with which status.

Capture is heterogeneous: a person's chance of appearing in a source is

    logit p = logit(base) + visibility · z_person + log(multipliers by fate, category, region)

with one latent visibility ``z`` per person shared by all sources, so sources are
positively dependent through the people (as real lists are). A source may also copy a
share of another's records (list dependence), post some records twice (reposts), and
publishes each record after a log-normal lag; reports later than ``war.as_of`` are not
seen (they are kept aside as ``later_*`` so the truth knows the eventual counts). The lag's
median may drift with the event's calendar time (``lag.trend``, ``lag.wave_amplitude``): a
backlog that grows and shrinks. The status a record carries is the one known on its
publication day.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from unaccounted.simulate.config import LagConfig, SourceConfig
from unaccounted.simulate.names import GROUPS
from unaccounted.simulate.world import FATE_CODES, World, day, stream

#: Statuses a record can carry (``declared_*`` are court decisions).
STATUS_CODES: tuple[str, ...] = (
    "killed", "missing", "captured", "wounded", "returned", "declared_dead", "declared_missing",
)  # fmt: skip

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Records:
    """One source's rows, in file order."""

    source: SourceConfig
    person: Ints
    published: Ints
    status: Ints  # index into STATUS_CODES
    copied: npt.NDArray[np.bool_]
    duplicate: npt.NDArray[np.bool_]
    #: Reports the source makes after ``war.as_of`` (not in its file): person, day, status.
    later_person: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    later_published: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    later_status: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def size(self) -> int:
        return int(self.person.shape[0])


def _odds(world: World, src: SourceConfig, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    cov = src.coverage
    logit = np.full(world.n, np.log(cov.base / (1 - cov.base))) + cov.visibility * world.visibility
    mult = np.ones(world.n)
    for f, value in cov.fates.items():
        codes = [
            i
            for i, name in enumerate(FATE_CODES)
            if name == f or (f == "captured" and name == "returned")
        ]
        mult[np.isin(world.fate, codes)] *= value
    for c, value in cov.categories.items():
        if c in world.categories:
            mult[world.category == world.categories.index(c)] *= value
    iso = [r["iso_code"] for r in world.regions]
    for key, value in cov.regions.items():
        if key in GROUPS:
            mult[world.group == GROUPS.index(key)] *= value
        elif key in iso:
            mult[world.region == iso.index(key)] *= value
    if cov.unit_share < 1:
        seen = rng.random(len(world.units)) < cov.unit_share
        if not seen.any():
            seen[int(rng.integers(0, len(world.units)))] = True
        mult[~seen[world.unit]] = 0
    with np.errstate(divide="ignore"):
        logit = logit + np.log(mult)
    return np.asarray(1 / (1 + np.exp(-logit)), dtype=np.float64)


def status_on(world: World, person: Ints, published: Ints, src: SourceConfig) -> Ints:
    """The status a source states for each person on the day it publishes."""
    fate = world.fate[person]
    status = fate.copy()
    killed = fate == 0
    hidden = killed & (published < world.missing_until[person])
    if src.follows_concealment:
        hidden |= killed & world.concealed[person]
    status[hidden] = 1
    back = fate == 4
    status[back & (published < world.returned_on[person])] = 2
    return status


def log_median_lag(lag: LagConfig, event: Ints, start: int) -> npt.NDArray[np.float64]:
    """log of the lag's median for events on ``event`` days (``start``: war.start's day)."""
    base = np.full(event.shape[0], np.log(lag.median_days))
    if not lag.drifts:
        return base
    since = (event - start).astype(np.float64)
    wave = 1 + lag.wave_amplitude * np.sin(2 * np.pi * since / lag.wave_days)
    return np.asarray(base + lag.trend * since / 365.25 + np.log(wave), dtype=np.float64)


def select_records(world: World, src: SourceConfig, earlier: dict[str, Records]) -> Records:
    """The rows of one source, ordered by publication day."""
    rng = stream(world.seed, f"source:{src.slug}")
    p = _odds(world, src, rng)
    chosen = rng.random(world.n) < p
    log_median = log_median_lag(src.lag, world.event, day(world.config.war.start))
    lag = np.ceil(np.exp(log_median + src.lag.sigma * rng.standard_normal(world.n)))
    published = world.event + lag.astype(np.int64)
    # Confirmed deaths are published after the confirmation when the source waits for it.
    copied = np.zeros(world.n, dtype=bool)
    if src.copies is not None:
        base = earlier[src.copies.source]
        take = base.person[(~base.duplicate) & (rng.random(base.size) < src.copies.share)]
        copied[take] = ~chosen[take]
        chosen[take] = True
        first = np.full(world.n, -1, dtype=np.int64)
        first[base.person[::-1]] = base.published[::-1]
        published[take] = first[take] + rng.integers(0, 15, take.size)
    as_of = day(world.config.war.as_of)
    late = np.flatnonzero(chosen & (published > as_of))
    late_published = published[late]
    person = np.flatnonzero(chosen & (published <= as_of))
    published = published[person]
    copied = copied[person]
    status = status_on(world, person, published, src)
    if src.style == "court":
        keep = status == 1
        person, published, copied, status = (
            person[keep],
            published[keep],
            copied[keep],
            status[keep],
        )
        dead = rng.random(person.size) < 0.75
        status = np.where(dead, 5, 6)
    duplicate = np.zeros(person.size, dtype=bool)
    if src.duplicates > 0 and person.size:
        again = np.flatnonzero(rng.random(person.size) < src.duplicates)
        later = published[again] + rng.integers(0, 30, again.size)
        ok = later <= day(world.config.war.as_of)
        again, later = again[ok], later[ok]
        person = np.concatenate([person, person[again]])
        published = np.concatenate([published, later])
        copied = np.concatenate([copied, copied[again]])
        status = np.concatenate([status, status[again]])
        duplicate = np.concatenate([duplicate, np.ones(again.size, dtype=bool)])
    order = np.lexsort((duplicate, person, published))
    late_status = status_on(world, late, late_published, src)
    if src.style == "court":  # drawn last, so the visible rows do not depend on them
        keep = late_status == 1
        late, late_published = late[keep], late_published[keep]
        late_status = np.where(rng.random(late.size) < 0.75, 5, 6)
    return Records(
        source=src,
        person=person[order],
        published=published[order],
        status=status[order],
        copied=copied[order],
        duplicate=duplicate[order],
        later_person=late,
        later_published=late_published,
        later_status=late_status,
    )
