"""SQL of the resolve and analyze stages: reading persons (clusters) with their claims.

Persons are read only from ``person_records`` (schema 1), filled by ``unaccounted link``
— or, for tests, benchmarks and the demo, by :func:`load_clusters` from any clustering
(for example a simulator's ``truth/records.csv``). ``person_records`` holds exactly the
current clustering, one row per record: a link run and :func:`load_clusters` both replace
it (schema 6 dropped the rows earlier versions appended), and the persons of the workspace
are the distinct person ids there — :func:`person_count` is the one count of them.

Every query the resolve and analyze stages need is here, so a change to the link stage's
tables is adapted in this one file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from unaccounted.errors import InputError
from unaccounted.store.duckdb_core import CURRENT_CLUSTERS, CURRENT_NORMALIZED, DuckDBCore

#: The newest normalized row of every version of every record (an earlier version keeps
#: the fields it was given while it was current).
_NORMALIZED_VERSIONS = """
    SELECT * FROM normalized
    QUALIFY row_number() OVER (PARTITION BY source_id, record_id, version ORDER BY event_id DESC)
        = 1
"""

#: One claim per version of each record of a person: raw values, source facts, normalized
#: fields; ``superseded`` marks the versions a newer one of the same record replaced, and
#: ``recorded_date`` (set only for a record with several versions) is the day each version
#: was stored, which dates a claim that names no publication date.
_CLAIMS = f"""
    SELECT c.person_id, r.source_id, r.record_id, r.version,
           r.version < max(r.version) OVER (PARTITION BY r.source_id, r.record_id)
               AS superseded,
           CASE WHEN count(*) OVER (PARTITION BY r.source_id, r.record_id) > 1
                THEN CAST(e.logged_at AS DATE) END AS recorded_date,
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
    JOIN records r USING (source_id, record_id)
    JOIN sources s ON s.name = r.source_id
    LEFT JOIN events e ON e.event_id = r.event_id
    LEFT JOIN ({_NORMALIZED_VERSIONS}) n
           ON n.source_id = r.source_id AND n.record_id = r.record_id AND n.version = r.version
"""

_ORDER = " ORDER BY c.person_id, r.source_id, r.record_id, r.version"


class ResolveQueries(DuckDBCore):
    """resolve: see the module docstring."""

    def normalized_count(self) -> int:
        return int(self.scalar(f"SELECT count(*) FROM ({CURRENT_NORMALIZED})") or 0)

    def claims_of(self, person_id: str) -> list[dict[str, Any]]:
        """Every claim (every version of each record) of one person; empty when the id is
        unknown."""
        return self.rows(_CLAIMS + " WHERE c.person_id = ?" + _ORDER, [person_id])

    def all_claims(self) -> list[dict[str, Any]]:
        """Every claim of every person, ordered by person."""
        return self.rows(_CLAIMS + _ORDER)

    def claims_of_persons(self, person_ids: list[str]) -> list[dict[str, Any]]:
        """Every claim of the given persons, ordered by person."""
        ids = pa.table({"person_id": pa.array(person_ids, pa.string())})
        self._con.register("claims_wanted", ids)
        try:
            return self.rows(
                _CLAIMS + " WHERE c.person_id IN (SELECT person_id FROM claims_wanted)" + _ORDER
            )
        finally:
            self._con.unregister("claims_wanted")

    def source_names(self) -> list[str]:
        return [str(r["name"]) for r in self.rows("SELECT name FROM sources ORDER BY name")]

    def load_clusters(self, rows: Iterable[tuple[str, str, str]], command: str) -> int:
        """Make a clustering given as ``(person_id, source_name, record_id)`` rows the current one.

        It replaces the whole clustering — records it does not name belong to no person
        afterwards — in one event, all or nothing. As a link run does, it writes only what
        changed: a record that keeps its person keeps its row (and its event), so the views of
        unchanged persons stay current. Rows naming a record the store does not hold are
        skipped (a rejected input row has no record); a record given two persons is an
        :class:`InputError`. Returns how many record rows the clustering has. Real runs
        cluster with ``unaccounted link``; this is for clusterings made elsewhere.
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
            self._refuse_two_persons()
            stored = int(self.scalar("SELECT count(*) FROM cluster_new") or 0)
            self._replace_clustering(event_id)
            self._con.execute("DROP TABLE cluster_new").fetchall()
            self.log_event(event_id, command, {}, {"rows": len(persons), "stored": stored})
        return stored

    def _refuse_two_persons(self) -> None:
        two = self.rows(
            """SELECT source_id, record_id, list(person_id ORDER BY person_id) AS ids
            FROM cluster_new GROUP BY ALL HAVING count(*) > 1
            ORDER BY source_id, record_id LIMIT 1"""
        )
        if two:
            r = two[0]
            raise InputError(
                f"the clustering gives record {r['record_id']!r} of source {r['source_id']!r} "
                f"two persons ({', '.join(r['ids'][:2])}); each record belongs to one person"
            )

    def _replace_clustering(self, event_id: int) -> None:
        """Make ``cluster_new`` the contents of ``person_records`` and ``persons``."""
        self._con.execute(
            """DELETE FROM person_records p WHERE NOT EXISTS (
                SELECT 1 FROM cluster_new c WHERE c.source_id = p.source_id
                AND c.record_id = p.record_id AND c.person_id = p.person_id)"""
        ).fetchall()
        self._con.execute(
            """INSERT INTO person_records SELECT c.person_id, c.source_id, c.record_id, ?
            FROM cluster_new c ANTI JOIN person_records p USING (source_id, record_id)""",
            [event_id],
        ).fetchall()
        self._con.execute(
            "DELETE FROM persons WHERE person_id NOT IN (SELECT person_id FROM cluster_new)"
        ).fetchall()
        self._con.execute(
            """INSERT INTO persons SELECT DISTINCT person_id, ? FROM cluster_new
            WHERE person_id NOT IN (SELECT person_id FROM persons)""",
            [event_id],
        ).fetchall()
