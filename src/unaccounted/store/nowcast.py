"""SQL of the nowcast: when each documented death happened and when it became known.

A death is a current record whose normalized status states one (:data:`DEATH_STATUSES`).
Deaths are counted once per person of the current clustering; while no link has run,
once per record. A death's event day is the earliest event date of its records dated to
within a week (``event_hi - event_lo < 7`` days; coarser dates cannot be put in a week);
the day it became known is the earliest publication date of its records, or, for a record
with no publication date, the day it was ingested.
"""

from __future__ import annotations

from unaccounted.store.duckdb_core import CURRENT_CLUSTERS, CURRENT_NORMALIZED, DuckDBCore
from unaccounted.store.types import DEATH_STATUSES, Deaths


class NowcastQueries(DuckDBCore):
    """nowcast: see the module docstring."""

    def documented_deaths(self) -> Deaths:
        """Every documented death with its event day and the day it became known."""
        by_person = self.person_count() > 0
        unit = "c.person_id" if by_person else "r.source_id || '\x1f' || r.record_id"
        join = f"JOIN ({CURRENT_CLUSTERS}) c USING (source_id, record_id)" if by_person else ""
        marks = ", ".join("?" for _ in DEATH_STATUSES)
        sql = f"""
            WITH deaths AS (
                SELECT {unit} AS unit,
                       CASE WHEN n.event_hi - n.event_lo < 7 THEN n.event_lo END AS event_day,
                       coalesce(n.published_date, CAST(e.logged_at AS DATE)) AS known_on,
                       n.published_date IS NULL AS from_ingest, n.published_date
                FROM current_records r
                JOIN ({CURRENT_NORMALIZED}) n USING (source_id, record_id)
                JOIN events e ON e.event_id = r.event_id
                {join}
                WHERE n.status IN ({marks})
            )
            SELECT min(event_day) AS event_day, min(known_on) AS known_on,
                   sum(CAST(from_ingest AS INTEGER)) AS from_ingest,
                   max(published_date) AS published
            FROM deaths GROUP BY unit ORDER BY unit
        """
        found = self.rows(sql, list(DEATH_STATUSES))
        return Deaths(
            unit="person" if by_person else "record",
            rows=[(r["event_day"], r["known_on"]) for r in found],
            ingest_dated=int(sum(r["from_ingest"] or 0 for r in found)),
            latest_published=max((r["published"] for r in found if r["published"]), default=None),
        )
