"""SQL of the stratified estimates: records with their strata fields, scored pairs, groups.

Records come in one fixed order (source, record id) so that the scored pairs and the
reviewers' judgements can be given as integer row indices, as the clustering wants them.
"""

from __future__ import annotations

from typing import Any

from unaccounted.errors import InputError
from unaccounted.store.duckdb_core import DuckDBCore

#: One row per current record: its list (independence group), the fields that place a
#: person in a stratum, its status, and its current person.
_RECORDS = """
    SELECT r.source_id, r.record_id,
        coalesce(s.independence_group, r.source_id) AS list_group,
        coalesce(s.kind, 'other') AS kind,
        n.status, n.unit_key AS unit,
        coalesce(n.region_code, n.hometown_region_code) AS region,
        nullif(trim(r.category), '') AS category,
        n.event_lo, n.event_hi,
        CASE WHEN n.birth_precision = 'day' THEN n.birth_lo END AS birth_day,
        p.person_id
    FROM current_records r
    JOIN sources s ON s.name = r.source_id
    LEFT JOIN (SELECT * FROM current_normalized QUALIFY row_number() OVER (
        PARTITION BY source_id, record_id ORDER BY event_id DESC) = 1) n
        ON n.source_id = r.source_id AND n.record_id = r.record_id
    LEFT JOIN (SELECT person_id, source_id, record_id FROM person_records QUALIFY
        row_number() OVER (PARTITION BY source_id, record_id ORDER BY event_id DESC) = 1) p
        ON p.source_id = r.source_id AND p.record_id = r.record_id
    ORDER BY r.source_id, r.record_id"""


class StrataQueries(DuckDBCore):
    """strata: see the module docstring."""

    def strata_records(self) -> list[dict[str, Any]]:
        """Every current record with its list, strata fields, status and person (or None)."""
        return self.rows(_RECORDS)

    def last_run_pairs(self) -> list[tuple[str, str, str, str, float]]:
        """The last link run's scored pairs: (source_l, record_l, source_r, record_r, p)."""
        rows = self._con.execute(
            """SELECT source_id_l, record_id_l, source_id_r, record_id_r, match_probability
            FROM link_pairs WHERE run_id = (SELECT max(run_id) FROM link_runs)"""
        ).fetchall()
        return [(str(a), str(b), str(c), str(d), float(p)) for a, b, c, d, p in rows]

    def has_link_run(self) -> bool:
        return bool(self.scalar("SELECT count(*) FROM link_runs"))

    def set_group(self, source: str, group: str) -> str:
        """Put ``source`` in independence group ``group`` (sources of one group are one list).

        One logged event; returns the group the source was in before.
        """
        if not group.strip():
            raise InputError(f"empty independence group for source '{source}'")
        if not self.has_source(source):
            raise InputError(f"no source named '{source}' (see 'unaccounted sources')")
        with self.transaction():
            old = str(
                self.scalar("SELECT independence_group FROM sources WHERE name = ?", [source])
            )
            self._con.execute(
                "UPDATE sources SET independence_group = ? WHERE name = ?", [group.strip(), source]
            ).fetchall()
            self.log_event(
                self.next_event_id(), "sources", {"source": source, "group": group.strip()},
                {"previous_group": old},
            )  # fmt: skip
        return old

    def set_kind(self, source: str, kind: str) -> str:
        """Give ``source`` the source kind ``kind`` (checked by the caller); one logged
        event; returns the kind it had before."""
        if not self.has_source(source):
            raise InputError(f"no source named '{source}' (see 'unaccounted sources')")
        with self.transaction():
            old = str(self.scalar("SELECT kind FROM sources WHERE name = ?", [source]))
            self._con.execute(
                "UPDATE sources SET kind = ? WHERE name = ?", [kind, source]
            ).fetchall()
            self.log_event(
                self.next_event_id(), "sources", {"source": source, "kind": kind},
                {"previous_kind": old},
            )  # fmt: skip
        return old
