"""SQL of the HTML report: what the report says about the store it was made from.

The report's numbers come from the resolve and analyze stages (their queries are in
:mod:`unaccounted.store.resolve`); this module only adds the facts a reader needs to
know which state of the store a report shows.
"""

from __future__ import annotations

from typing import Any

from unaccounted.store.duckdb_core import DuckDBCore


class ReportQueries(DuckDBCore):
    """report: see the module docstring."""

    def latest_event(self) -> dict[str, Any] | None:
        """The newest successful event of the store (``event_id``, ``logged_at``, ``command``)."""
        rows = self.rows(
            """SELECT event_id, logged_at, command FROM events WHERE outcome = 'ok'
            ORDER BY event_id DESC LIMIT 1"""
        )
        return rows[0] if rows else None
