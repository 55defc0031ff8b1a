"""The workspace's estimates and nowcast as tables with the static report's charts, for
interfaces that show them (the web pages and their JSON API)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from unaccounted.estimate.strata import MethodChoice
from unaccounted.nowcast import NowcastSettings, layout, nowcast
from unaccounted.report.charts import horizontal_bars
from unaccounted.service.estimates import workspace_estimate, workspace_triangle
from unaccounted.service.session import Session

#: The colours of the report's charts: documented counts, estimates.
DOCUMENTED, ESTIMATED = "#4c6a92", "#b5651d"


def bars(rows: Sequence[tuple[str, float]], label: str, *, estimated: bool = False) -> Markup:
    """One bar per ``(label, value)`` as SVG; labels and values are escaped by the chart."""
    return horizontal_bars(
        [(name, round(value)) for name, value in rows], ESTIMATED if estimated else DOCUMENTED,
        label,
    )  # fmt: skip


@dataclass(frozen=True)
class Table:
    rows: list[dict[str, Any]]
    note: str
    chart: Markup
    warnings: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "note": self.note, "warnings": self.warnings}


def estimates(
    s: Session,
    by: str | None,
    include_missing: bool = False,
    dead_among_missing: bool = False,
    reporting_delay: bool = False,
) -> Table:
    """Documented and estimated deaths per stratum (and the total), with the warnings;
    ``dead_among_missing`` and ``reporting_delay`` as ``estimate``'s options of those names."""
    # the session's own connection (``s.ws``): the process that owns the store opens no other
    result = workspace_estimate(s, by, MethodChoice(), 0, include_missing, False,
                                dead_among_missing, reporting_delay)  # fmt: skip
    rows = [x.to_dict() for x in [*result.strata, result.total]]
    chart = bars([(r["stratum"], r.get("estimate") or 0.0) for r in rows[:-1]],
                 "estimate per stratum", estimated=True)  # fmt: skip
    warnings = sorted({w for x in [*result.strata, result.total] for w in x.warnings})
    note = f"{result.method}; lists: {', '.join(result.lists)}; {result.combination}"
    return Table(rows, note, chart, warnings)


def nowcasts(s: Session, last: int = 26) -> Table:
    """The documented deaths of the last ``last`` weeks and their nowcast, with intervals."""
    found = workspace_triangle(s, None)
    if not found.rows:
        return Table([], found.counted, bars([], "nowcast"), ["no dated deaths to nowcast"])
    result = nowcast(layout(found.rows, found.cut), NowcastSettings())
    rows = [r.to_dict() for r in result.rows[-last:]]
    chart = bars([(str(r["period"]), float(r["estimate"])) for r in rows], "nowcast per week",
                 estimated=True)  # fmt: skip
    details = ", ".join(f"{k} {v}" for k, v in result.details.items())
    return Table(rows, f"{found.counted}; model: {details}", chart, [])
