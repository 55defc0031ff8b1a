"""SQL of the publication rule: the stored grade of every person. Which sources are
confidential, and whose every record comes from one, is the protection area's
(``store/protection.py``)."""

from __future__ import annotations

from unaccounted.store.duckdb_core import DuckDBCore


class PublicationQueries(DuckDBCore):
    """publication: see the module docstring."""

    def view_grades(self) -> dict[str, str]:
        """Every stored view's grade, by person id."""
        rows = self._con.execute("SELECT person_id, grade FROM person_views").fetchall()
        return {str(p): str(g) for p, g in rows}
