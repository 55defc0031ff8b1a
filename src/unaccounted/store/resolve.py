"""SQL of the resolve and analyze stages: reading persons (clusters) with their claims.

Persons are read only from ``person_records`` (schema 1), filled by ``unaccounted link``
— or, for tests, benchmarks and the demo, by :func:`load_clusters` from any clustering
(for example a simulator's ``truth/records.csv``), which replaces the current clustering.
Should a store hold two rows for one record (written by versions that appended
clusterings), the latest event's row counts.

Every query the resolve and analyze stages need is here, so a change to the link stage's
tables is adapted in this one file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from unaccounted.store.duckdb_core import CURRENT_CLUSTERS, CURRENT_NORMALIZED, DuckDBCore

#: One claim per current record of a person: raw values, source facts, normalized fields.
_CLAIMS = f"""
    SELECT c.person_id, r.source_id, r.record_id, r.version,
           s.kind, s.independence_group, s.publisher, s.url AS source_url,
           r.full_name, r.surname AS raw_surname, r.given_name AS raw_given_name,
           r.patronymic AS raw_patronymic, r.sex AS raw_sex, r.birth_date AS raw_birth_date,
           r.age AS raw_age, r.status AS raw_status, r.event_date AS raw_event_date,
           r.event_place, r.unit AS raw_unit, r.rank, r.category, r.region AS raw_region,
           r.hometown, r.url, r.quote, r.published AS raw_published,
           n.surname, n.given_name, n.patronymic, n.sex,
           n.birth_lo, n.birth_hi, n.birth_precision, n.birth_edtf, n.age,
           n.event_lo, n.event_hi, n.event_precision, n.event_edtf, n.published_date,
           n.status, n.unit_key, n.unit_class_key, n.region_code, n.hometown_region_code,
           n.event_region_code
    FROM ({CURRENT_CLUSTERS}) c
    JOIN current_records r USING (source_id, record_id)
    JOIN sources s ON s.name = r.source_id
    LEFT JOIN ({CURRENT_NORMALIZED}) n
           ON n.source_id = r.source_id AND n.record_id = r.record_id
"""

_ORDER = " ORDER BY c.person_id, r.source_id, r.record_id"


class ResolveQueries(DuckDBCore):
    """resolve: see the module docstring."""

    def normalized_count(self) -> int:
        return int(self.scalar(f"SELECT count(*) FROM ({CURRENT_NORMALIZED})") or 0)

    def claims_of(self, person_id: str) -> list[dict[str, Any]]:
        """Every claim (current record) of one person; empty when the id is unknown."""
        return self.rows(_CLAIMS + " WHERE c.person_id = ?" + _ORDER, [person_id])

    def all_claims(self) -> list[dict[str, Any]]:
        """Every claim of every person, ordered by person."""
        return self.rows(_CLAIMS + _ORDER)

    def source_names(self) -> list[str]:
        return [str(r["name"]) for r in self.rows("SELECT name FROM sources ORDER BY name")]

    def load_clusters(self, rows: Iterable[tuple[str, str, str]], command: str) -> int:
        """Store a clustering given as ``(person_id, source_name, record_id)`` rows.

        The clustering *replaces* the current one (persons and their records): one event,
        all or nothing. Rows naming a record the store does not hold are skipped (a
        rejected input row has no record). Returns how many record rows were stored. Real
        runs cluster with ``unaccounted link``; this is for clusterings made elsewhere.
        """
        persons, sources, records = [], [], []
        for person, source, record in rows:
            persons.append(person)
            sources.append(source)
            records.append(record)
        table = pa.table(
            {
                "person_id": pa.array(persons, pa.string()),
                "source_id": pa.array(sources, pa.string()),
                "record_id": pa.array(records, pa.string()),
            }
        )
        with self.transaction():
            event_id = self.next_event_id()
            self._con.register("cluster_rows", table)
            try:
                self._con.execute(
                    """CREATE OR REPLACE TEMP TABLE cluster_new AS
                    SELECT DISTINCT c.person_id, c.source_id, c.record_id FROM cluster_rows c
                    JOIN current_records r USING (source_id, record_id)"""
                ).fetchall()
            finally:
                self._con.unregister("cluster_rows")
            stored = int(self.scalar("SELECT count(*) FROM cluster_new") or 0)
            self._con.execute("DELETE FROM person_records").fetchall()
            self._con.execute("DELETE FROM persons").fetchall()
            self._con.execute(
                "INSERT INTO persons SELECT DISTINCT person_id, ? FROM cluster_new",
                [event_id],
            ).fetchall()
            self._con.execute(
                """INSERT INTO person_records
                SELECT person_id, source_id, record_id, ? FROM cluster_new""",
                [event_id],
            ).fetchall()
            self._con.execute("DROP TABLE cluster_new").fetchall()
            self.log_event(event_id, command, {}, {"rows": len(persons), "stored": stored})
        return stored
