"""SQL of the search index (schema 7): which rows are stale, rewriting them, reading them.

``search_index`` holds one row per current record that has normalized fields. Each row
notes what it was made from — the record version, the event of its normalized row and the
record's person — so :meth:`refresh_search_index` compares those three with the store's
current state and rewrites only the rows that differ, and drops the rows of records gone.
Nothing here opens a transaction: the caller's unit of work owns it.
"""

from __future__ import annotations

import contextlib
from typing import Any

import duckdb
import pyarrow as pa

from unaccounted.store.duckdb_core import CURRENT_KEYS, DuckDBCore

#: What each current record's index row must have been made from: its current version,
#: the normalize event of that version's normalized row, and its person (NULL when
#: unlinked; the row of the latest event when a clustering was appended, as
#: ``store/resolve.py`` reads persons). Normalize keeps one row per record version.
_FRESH = f"""
    SELECT n.source_id, n.record_id, n.version, n.event_id AS norm_event, p.person_id
    FROM normalized n SEMI JOIN ({CURRENT_KEYS}) c USING (source_id, record_id, version)
    LEFT JOIN (SELECT source_id, record_id, arg_max(person_id, event_id) AS person_id
               FROM person_records GROUP BY source_id, record_id) p
        USING (source_id, record_id)"""

_SAME = """f.source_id = x.source_id AND f.record_id = x.record_id AND f.version = x.version
    AND f.norm_event = x.norm_event AND f.person_id IS NOT DISTINCT FROM x.person_id"""

#: An index row from a fresh key row (f), its normalized row (n) and raw record (r).
_ROW = """
    f.source_id, f.record_id, f.version, f.norm_event, f.person_id,
    coalesce(r.full_name, nullif(concat_ws(' ', r.surname, r.given_name, r.patronymic), ''))
        AS written,
    n.surname, n.given_name, n.patronymic, n.surname_key, n.given_candidates,
    n.patronymic_key, n.given_initial, n.patronymic_initial, n.sex,
    year(n.birth_lo) AS birth_year_lo, year(n.birth_hi) AS birth_year_hi, n.status,
    n.unit_key, n.unit_class_key, n.region_code, n.hometown_region_code"""

#: The columns :meth:`read_search_index` gives, in order.
COLUMNS: tuple[str, ...] = (
    "source_id", "record_id", "person_id", "written", "surname", "given_name", "patronymic",
    "surname_key", "given_candidates", "patronymic_key", "given_initial",
    "patronymic_initial", "sex", "birth_year_lo", "birth_year_hi", "status", "unit_key",
    "unit_class_key", "region_code", "hometown_region",
)  # fmt: skip


#: Rows written by one insert: the stale rows are joined to ``normalized`` and ``records``
#: this many at a time, so the join's hash table stays small under the store's memory limit.
_PART_ROWS = 200_000


def _count(rows: list[Any]) -> int:
    return int(rows[0][0]) if rows else 0


class SearchIndexQueries(DuckDBCore):
    """search: see the module docstring."""

    def refresh_search_index(self, *, rebuild: bool = False) -> tuple[int, int]:
        """Rewrite the stale rows of the index (every row with ``rebuild``); (written, removed).

        A row is stale when its record has a newer version, its normalized row a newer event,
        or its record another person than when it was written; rows of records that are gone
        (or lost their normalized row) are removed.
        """
        con = self._con
        # the order rows are written in does not matter here, and keeping it costs memory
        # a small store limit (such as 512MB) does not have at a million records
        con.execute("SET preserve_insertion_order = false")
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE search_fresh AS {_FRESH}").fetchall()
            if rebuild:
                removed = _count(con.execute("DELETE FROM search_index").fetchall())
            else:
                removed = _count(
                    con.execute(
                        f"""DELETE FROM search_index x WHERE NOT EXISTS (
                        SELECT 1 FROM search_fresh f WHERE {_SAME})"""
                    ).fetchall()
                )
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE search_stale AS SELECT * FROM search_fresh f
                WHERE NOT EXISTS (SELECT 1 FROM search_index x WHERE {_SAME})"""
            ).fetchall()
            stale = int(con.execute("SELECT count(*) FROM search_stale").fetchall()[0][0])
            parts = max(1, -(-stale // _PART_ROWS))
            for part in range(parts):
                con.execute(
                    f"""INSERT INTO search_index SELECT {_ROW}
                    FROM search_stale f
                    JOIN normalized n ON n.source_id = f.source_id
                        AND n.record_id = f.record_id AND n.version = f.version
                        AND n.event_id = f.norm_event
                    JOIN records r ON r.source_id = f.source_id AND r.record_id = f.record_id
                        AND r.version = f.version
                    WHERE hash(f.source_id, f.record_id) % ? = ?""",
                    [parts, part],
                ).fetchall()
        finally:
            # in a transaction an error aborted, this fails too: the error itself is raised
            with contextlib.suppress(duckdb.Error):
                con.execute("RESET preserve_insertion_order")
        con.execute("DROP TABLE search_fresh").fetchall()
        con.execute("DROP TABLE search_stale").fetchall()
        return stale, removed

    def log_search_update(self, kind: str, written: int, removed: int, seconds: float) -> None:
        self._con.execute(
            "INSERT INTO search_updates (kind, written, removed, seconds) VALUES (?, ?, ?, ?)",
            [kind, written, removed, seconds],
        ).fetchall()

    def read_search_index(self) -> pa.Table:
        """Every row of the index (``COLUMNS``), in the order they were written (no sort: the
        store keeps insertion order)."""
        table = self._con.sql(f"SELECT {', '.join(COLUMNS)} FROM search_index").to_arrow_table()
        assert table is not None
        return table

    def search_index_rows(self) -> int:
        return int(self.scalar("SELECT count(*) FROM search_index") or 0)

    def search_index_version(self) -> tuple[int, int]:
        """(rows, updates so far): changes whenever an update wrote or removed rows."""
        row = self._con.execute(
            """SELECT (SELECT count(*) FROM search_index),
            (SELECT count(*) FROM search_updates WHERE written > 0 OR removed > 0)"""
        ).fetchall()[0]
        return int(row[0]), int(row[1])
