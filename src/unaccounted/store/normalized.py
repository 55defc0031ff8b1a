"""SQL of the normalize stage: which records need normalizing, and writing their fields.

The stage runs in one transaction: :func:`prepare_pending` lists the current record
versions that lack fields for the running normalizer version in a temporary table — only
their row numbers in ``records``, numbered in table order, so batches can be fetched by
range (the connection must fully fetch one result before the next statement) without
copying or sorting the raw values; :func:`write_batch` inserts a batch given as an Arrow
table.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from unaccounted.columns import VALUE_COLUMNS
from unaccounted.store.duckdb_core import CURRENT_KEYS, DuckDBCore

#: Raw values as the normalizer reads them: a sealed value (``enc:v1:…``) reads as absent.
_RAW = ", ".join(
    f"CASE WHEN starts_with(r.{c}, 'enc:v1:') THEN NULL ELSE r.{c} END AS {c}"
    for c in VALUE_COLUMNS
)


class NormalizedQueries(DuckDBCore):
    """normalized: see the module docstring."""

    def prepare_pending(self, norm_version: str, *, rebuild: bool = False) -> int:
        """List the records to normalize in ``norm_pending``; return how many.

        A record version needs normalizing when it is current and has no row for
        ``norm_version`` (all current versions with ``rebuild``). Its rows made by other
        versions are deleted. ``norm_pending`` keeps each one's ``rowid`` in ``records``
        (stable within the transaction: records are never deleted), numbered in table order.
        """
        self._con.execute(
            f"""CREATE OR REPLACE TEMP TABLE norm_pending AS
            SELECT row_number() OVER (ORDER BY r.rowid) AS n, r.rowid AS rid
            FROM records r SEMI JOIN ({CURRENT_KEYS}) c USING (source_id, record_id, version)
            WHERE ? OR NOT EXISTS (
                SELECT 1 FROM normalized x
                WHERE x.source_id = r.source_id AND x.record_id = r.record_id
                  AND x.version = r.version AND x.norm_version = ?)""",
            [rebuild, norm_version],
        ).fetchall()
        self._con.execute(
            """DELETE FROM normalized x USING norm_pending p, records r
            WHERE r.rowid = p.rid AND x.source_id = r.source_id
              AND x.record_id = r.record_id AND x.version = r.version"""
        ).fetchall()
        return int(self.scalar("SELECT count(*) FROM norm_pending") or 0)

    def pending_table(self, first: int, last: int) -> pa.Table:
        """Rows ``first..last`` (1-based, inclusive) of ``norm_pending`` as an Arrow table."""
        table = self._con.sql(
            f"""SELECT r.source_id, r.record_id, r.version, {_RAW}
            FROM norm_pending p JOIN records r ON r.rowid = p.rid
            WHERE p.n BETWEEN $1 AND $2 ORDER BY p.n""",
            params=[first, last],
        ).to_arrow_table()
        assert table is not None
        return table

    def write_batch(self, table: pa.Table) -> None:
        """Insert normalized rows; ``table`` has the columns of ``normalized`` by name."""
        names = ", ".join(table.column_names)
        self._con.register("norm_batch", table)
        try:
            self._con.execute(
                f"INSERT INTO normalized ({names}) SELECT {names} FROM norm_batch"
            ).fetchall()
        finally:
            self._con.unregister("norm_batch")

    def drop_pending(self) -> None:
        self._con.execute("DROP TABLE IF EXISTS norm_pending").fetchall()

    def slash_date_orders(self) -> dict[str, str]:
        """Per source, how it writes ``NN/NN/YYYY`` dates, when its own values tell.

        ``dmy`` if some value has a first number above 12 and none a second above 12;
        ``mdy`` the other way round; sources that show neither (or both) are left out.
        """
        # LIKE first: most values have no slash, and the regular expressions cost more
        rows = self.rows(
            r"""WITH v AS (
                SELECT source_id, unnest([birth_date, event_date, published]) AS d
                FROM current_records
                WHERE birth_date LIKE '%/%' OR event_date LIKE '%/%' OR published LIKE '%/%'),
            p AS (
                SELECT source_id,
                       TRY_CAST(regexp_extract(d, '^(\d{1,2})/(\d{1,2})/\d{2,4}$', 1) AS INT) AS a,
                       TRY_CAST(regexp_extract(d, '^(\d{1,2})/(\d{1,2})/\d{2,4}$', 2) AS INT) AS b
                FROM v WHERE d LIKE '%/%' AND regexp_matches(d, '^\d{1,2}/\d{1,2}/\d{2,4}$'))
            SELECT source_id, count(*) FILTER (WHERE a > 12) AS day_first,
                   count(*) FILTER (WHERE b > 12) AS month_first
            FROM p GROUP BY source_id ORDER BY source_id"""
        )
        orders: dict[str, str] = {}
        for row in rows:
            if row["day_first"] and not row["month_first"]:
                orders[row["source_id"]] = "dmy"
            elif row["month_first"] and not row["day_first"]:
                orders[row["source_id"]] = "mdy"
        return orders

    def name_samples(self, per_source: int, source: str | None = None) -> dict[str, list[str]]:
        """Up to ``per_source`` full names of each source (all sources, or one), in id order."""
        # the first per_source by id of each source, in id order (a top-n, not a sort)
        rows = self.rows(
            """SELECT source_id, unnest(arg_min(full_name, record_id, ?)) AS full_name
            FROM current_records
            WHERE full_name IS NOT NULL AND (? IS NULL OR source_id = ?)
            GROUP BY source_id ORDER BY source_id""",
            [per_source, source, source],
        )
        found: dict[str, list[str]] = {}
        for row in rows:
            found.setdefault(row["source_id"], []).append(row["full_name"])
        return found

    def record_with_fields(
        self, source: str, record_id: str
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """(raw current record, its stored normalized row or None); (None, None) if unknown."""
        raw = self.rows(
            f"""SELECT source_id, record_id, version, {", ".join(VALUE_COLUMNS)}
            FROM records WHERE source_id = ? AND record_id = ?
            ORDER BY version DESC LIMIT 1""",  # its current version
            [source, record_id],
        )
        if not raw:
            return None, None
        norm = self.rows(
            "SELECT * FROM normalized WHERE source_id = ? AND record_id = ? AND version = ?",
            [source, record_id, raw[0]["version"]],
        )
        return raw[0], (norm[0] if norm else None)
