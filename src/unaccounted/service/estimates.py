"""Estimates: multiple systems estimation of a capture-history table or of the workspace
by stratum, and nowcasts of reporting delay from a triangle or from the workspace.

The statistics live in ``estimate/`` and ``nowcast/``; this module is how the command line
and the web reach them, with the workspace reads checked by the session.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unaccounted.analyze.dead_among_missing import Group, MissingPerson, Model, fit, gather
from unaccounted.errors import InputError, WorkspaceError
from unaccounted.estimate import (
    METHODS,
    Estimate,
    EstimateRefused,
    LCMCRSettings,
    LoglinearSettings,
    Row,
    compare,
    estimate,
    read_histories,
)
from unaccounted.estimate.from_workspace import WHOLE, person_strata, workspace_strata
from unaccounted.estimate.search import SEARCHES
from unaccounted.estimate.strata import BY, POOLED, UNKNOWN, MethodChoice
from unaccounted.estimate.stratified import StrataResult, StratumEstimate
from unaccounted.estimate.with_delay import (
    add_reporting_delay,
    quarter_factors,
    warn_still_reported,
)
from unaccounted.estimate.with_missing import add_dead_among_missing
from unaccounted.nowcast import (
    DELAY_WEIGHTS,
    Nowcast,
    NowcastSettings,
    layout,
    nowcast,
    read_triangle,
)
from unaccounted.nowcast import METHODS as NOWCAST_METHODS
from unaccounted.nowcast.triangle import Report
from unaccounted.nowcast.weekly import weekly_reports
from unaccounted.service.persons import analysis
from unaccounted.service.session import Session

__all__ = [
    "BY", "DELAY_WEIGHTS", "METHODS", "NOWCAST_METHODS", "POOLED", "SEARCHES", "WHOLE", "Estimate",
    "EstimateRefused", "LCMCRSettings", "LoglinearSettings", "MethodChoice", "Nowcast",
    "NowcastSettings", "Row", "StrataResult", "StratumEstimate", "compare", "estimate",
    "layout", "nowcast", "read_histories", "read_triangle",
]  # fmt: skip

#: What the stated-dead and dead-or-missing estimates count.
DEAD, DEAD_OR_MISSING = ("dead",), ("dead", "missing")


def workspace_estimate(
    s: Session, by: str | None, choice: MethodChoice, draws: int, include_missing: bool,
    impute: bool, dead_among_missing: bool = False, reporting_delay: bool = False,
) -> StrataResult:  # fmt: skip
    """The linked workspace's persons by independence group, per stratum, with a total;
    ``dead_among_missing``: plus the expected dead among each stratum's missing;
    ``reporting_delay`` (by period only): recent quarters scaled up for the deaths not
    reported yet (``estimate/with_delay.py``)."""
    s.check("estimate")
    if dead_among_missing and include_missing:
        raise InputError(
            "--dead-among-missing adds to the stated-dead estimate; leave out --include-missing"
        )
    if reporting_delay and by != "period":
        raise InputError("--reporting-delay scales quarters; use it with --by period")
    if reporting_delay and include_missing:
        raise InputError(
            "--reporting-delay scales the stated-dead estimate by the nowcast of documented "
            "deaths; leave out --include-missing"
        )
    counted = DEAD_OR_MISSING if include_missing else DEAD
    result = workspace_strata(s.ws, by, choice, draws, counted, impute)
    if by == "period" and not include_missing:
        # first: the dead among the missing are added to the scaled estimate
        try:
            factors = reporting_factors(s, choice.seed)
        except InputError:
            if reporting_delay:
                raise
        else:
            if reporting_delay:
                add_reporting_delay(result, factors, choice.seed)
            else:
                warn_still_reported(result, factors)
    if dead_among_missing:
        model = missing_model(s, "estimate", choice.seed)
        strata = person_strata(s.ws, by) if by is not None else {}

        def stratum(m: MissingPerson) -> str:
            return WHOLE if by is None else strata.get(m.person_id, UNKNOWN)

        add_dead_among_missing(result, model.open_draws(stratum), choice.seed)
    return result


def reporting_factors(s: Session, seed: int = 0) -> dict[str, tuple[float, float, float, float]]:
    """Each quarter's documented deaths and their nowcast once the reports are in
    (``estimate/with_delay.py``), from the workspace's deaths, or the one-line reason why not."""
    try:
        tri = workspace_triangle(s, None)
        got = nowcast(layout(tri.rows, tri.cut), NowcastSettings(seed=seed))
    except InputError as exc:
        raise InputError(f"--reporting-delay needs a nowcast of the deaths: {exc}") from None
    return quarter_factors(got.rows)


def missing_model(s: Session, action: str, seed: int = 0) -> Model:
    """The dead-among-the-missing model over the workspace's persons, its pools split by
    the units the concealment report flags."""
    a = analysis(s, action)
    flagged = {e.unit for e in a.concealment(s.ws) if e.flagged}
    return fit(gather(a.views, a.units, a.rules), flagged, seed=seed)


@dataclass(frozen=True)
class DeadAmongMissing:
    """Dead among the officially missing per unit, period or region, and the model."""

    by: str
    groups: list[Group]
    model: Model

    def to_dict(self) -> dict[str, Any]:
        m = self.model
        return {
            "by": self.by,
            "as_of": None if m.as_of is None else m.as_of.isoformat(),
            "revelation_weibull": {
                "scale_days": round(math.exp(m.theta[0]), 2),
                "shape": round(math.exp(m.theta[1]), 4),
            },
            "draws": int(m.fates.shape[0]),
            "groups": [g.as_dict() for g in self.groups],
        }


def dead_among_missing(s: Session, by: str = "unit", seed: int = 0) -> DeadAmongMissing:
    """How many of each unit's (period's, region's) officially missing are dead, with 95%
    intervals (``analyze/dead_among_missing.py``)."""
    if by not in ("unit", "period", "region"):
        raise InputError(f"unknown grouping {by!r}; choose one of unit, period, region")
    model = missing_model(s, "concealment", seed)
    if by == "unit":
        groups = model.units
    else:
        strata = person_strata(s.ws, by)
        groups = model.groups(lambda m: strata.get(m.person_id, UNKNOWN))
    ordered = sorted(groups.values(), key=lambda g: (-g.estimate, g.name))
    return DeadAmongMissing(by, ordered, model)


@dataclass(frozen=True)
class WorkspaceTriangle:
    """The workspace's documented deaths as weekly reports, and what was counted."""

    rows: list[Report]
    cut: dt.date | None
    counted: str
    #: "person" (counted once per person) or "record" (before any link)
    unit: str


def workspace_triangle(s: Session, as_of: dt.date | None) -> WorkspaceTriangle:
    """Weekly reports of documented deaths, as known at each week's end."""
    deaths = s.read("nowcast").documented_deaths()
    dated = [(e, k) for e, k in deaths.rows if e is not None]
    # Ingest days are not publication days: by default, cut at the latest publication.
    cut = as_of or deaths.latest_published
    counted = (
        f"deaths counted once per {deaths.unit}; {len(deaths.rows) - len(dated):,} "
        f"without an event date to the week left out; {deaths.ingest_dated:,} records "
        "dated by ingest (no publication date)"
    )
    return WorkspaceTriangle(weekly_reports(dated, cut), cut, counted, deaths.unit)


def open_for_estimate(root: Path, actor: str | None) -> Session:
    """A read-only session for a workspace estimate, or the one-line reason why not."""
    try:
        return Session.open(root, actor, read_only=True)
    except WorkspaceError as exc:
        raise WorkspaceError(
            f"{exc}; outside a workspace a capture-history file is required: "
            "unaccounted estimate HISTORIES.csv"
        ) from None
