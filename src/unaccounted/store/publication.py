"""SQL of the publication rule: the stored grade of every person, and the persons whose
every record comes from a confidential source.

A source is confidential when the ``sources`` table has a ``confidential`` column and its
value is true; a store without that column has no confidential source.
"""

from __future__ import annotations

from unaccounted.store.duckdb_core import DuckDBCore


class PublicationQueries(DuckDBCore):
    """publication: see the module docstring."""

    def view_grades(self) -> dict[str, str]:
        """Every stored view's grade, by person id."""
        rows = self._con.execute("SELECT person_id, grade FROM person_views").fetchall()
        return {str(p): str(g) for p, g in rows}

    def _has_confidential(self) -> bool:
        found = self.scalar(
            """SELECT count(*) FROM duckdb_columns()
            WHERE table_name = 'sources' AND column_name = 'confidential'
              AND database_name = current_database() AND schema_name = current_schema()"""
        )
        return int(found or 0) > 0

    def confidential_sources(self) -> frozenset[str]:
        """The names of the sources marked confidential (none without the column)."""
        if not self._has_confidential():
            return frozenset()
        rows = self._con.execute(
            "SELECT name FROM sources WHERE coalesce(CAST(confidential AS BOOLEAN), false)"
        ).fetchall()
        return frozenset(str(r[0]) for r in rows)

    def protected_only_persons(self) -> frozenset[str]:
        """Persons of the current clustering whose every record is from a confidential
        source (none without the column)."""
        if not self._has_confidential():
            return frozenset()
        rows = self._con.execute(
            """SELECT p.person_id FROM person_records p JOIN sources s ON s.name = p.source_id
            GROUP BY p.person_id
            HAVING bool_and(coalesce(CAST(s.confidential AS BOOLEAN), false))"""
        ).fetchall()
        return frozenset(str(r[0]) for r in rows)
