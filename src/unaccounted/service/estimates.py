"""Estimates: multiple systems estimation of a capture-history table or of the workspace
by stratum, and nowcasts of reporting delay from a triangle or from the workspace.

The statistics live in ``estimate/`` and ``nowcast/``; this module is how the command line
and the web reach them, with the workspace reads checked by the session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from unaccounted.errors import WorkspaceError
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
from unaccounted.estimate.from_workspace import WHOLE, workspace_strata
from unaccounted.estimate.search import SEARCHES
from unaccounted.estimate.strata import BY, POOLED, MethodChoice
from unaccounted.estimate.stratified import StrataResult, StratumEstimate
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
    impute: bool,
) -> StrataResult:  # fmt: skip
    """The linked workspace's persons by independence group, per stratum, with a total."""
    s.check("estimate")
    counted = DEAD_OR_MISSING if include_missing else DEAD
    return workspace_strata(s.ws, by, choice, draws, counted, impute)


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
