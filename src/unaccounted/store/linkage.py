"""SQL of the link stage: its input table, scored pairs, persons, judgements and id history.

The link input has one row per current record: its normalized matching fields under the
names the comparisons use (``link/comparisons.py``), a dense integer ``unique_id`` for
Splink, and the source's kind and independence group for the clustering constraints.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pyarrow as pa

from unaccounted.store.duckdb_core import CURRENT_KEYS, DuckDBCore

#: The link input's columns, from ``normalized`` (n) and ``sources`` (s).
_INPUT_COLUMNS = """
    n.source_id, n.record_id,
    coalesce(s.independence_group, n.source_id) AS src_group,
    coalesce(s.kind, 'other') AS src_kind,
    n.surname, n.surname_key, n.surname_phonetic,
    n.given_key, n.given_initial, n.given_candidates,
    len(n.given_candidates) > 1 AS given_ambiguous,
    n.patronymic_key, n.patronymic_initial, n.name_block, n.sex,
    n.birth_lo, n.birth_hi, n.birth_precision,
    CASE WHEN n.birth_precision = 'day' THEN n.birth_lo END AS birth_day,
    n.birth_year, year(n.birth_lo) AS birth_year_lo, year(n.birth_hi) AS birth_year_hi,
    n.event_lo, n.event_hi,
    n.unit_key, n.unit_class_key, n.unit_number, n.unit_vch,
    coalesce(n.region_code, n.hometown_region_code) AS region,
    replace(replace(n.hometown_settlement, 'ё', 'е'), 'Ё', 'Е') AS settlement"""


def _marks(values: Iterable[str]) -> tuple[str, list[str]]:
    """``?`` marks for the distinct ``values``, and the values in the same order."""
    distinct = sorted(set(values))
    return ", ".join("?" for _ in distinct), distinct


def input_sql(normalized: str, sources: str | None, extra: str = "") -> str:
    """SELECT of the link input over a ``normalized``-shaped relation (and ``sources``)."""
    join = (
        f"LEFT JOIN {sources} s ON s.name = n.source_id"
        if sources
        else "LEFT JOIN (SELECT NULL::VARCHAR AS name, NULL::VARCHAR AS kind,"
        " NULL::VARCHAR AS independence_group) s ON false"
    )
    return f"""SELECT (row_number() OVER (ORDER BY n.source_id, n.record_id))::BIGINT
            AS unique_id, {_INPUT_COLUMNS}{extra}
        FROM {normalized} n {join}
        ORDER BY unique_id"""


#: The link-input columns a record's fingerprint covers: all but its key (and
#: ``given_ambiguous``, which ``given_candidates`` decides).
_PRINTED = ("src_group", "src_kind", "surname", "surname_key", "surname_phonetic",
            "given_key", "given_initial", "given_candidates", "patronymic_key",
            "patronymic_initial", "name_block", "sex", "birth_lo", "birth_hi",
            "birth_precision", "birth_day", "birth_year", "birth_year_lo", "birth_year_hi",
            "event_lo", "event_hi", "unit_key", "unit_class_key", "unit_number", "unit_vch",
            "region", "settlement")  # fmt: skip


def _fingerprint(alias: str) -> str:
    """A record's fingerprint: 64 bits (16 hex digits) of the md5 of its link-input fields
    as text — each value, or a NUL when missing, separated by a unit separator (the given
    name's candidates joined by a record separator). The text of a date or a number does
    not change between DuckDB versions (``hash()`` may), and it is far cheaper to make
    than the cast of the whole row the first fingerprints used (:func:`_legacy_fingerprint`)."""
    parts = [
        f"array_to_string({alias}.{c}, chr(30))" if c == "given_candidates"
        else f"CAST({alias}.{c} AS VARCHAR)"
        for c in _PRINTED
    ]  # fmt: skip
    text = ", ".join(f"coalesce({x}, chr(0))" for x in parts)
    return f"left(md5(concat_ws(chr(31), {text})), 16)"


def _legacy_fingerprint(alias: str) -> str:
    """The fingerprint link runs stored before (32 hex digits): md5 of the row of the link
    input as it was then (its key and the ``_PRINTED`` columns) cast to text."""
    fields = ", ".join(f"{c} := {alias}.{c}" for c in ("source_id", "record_id", *_PRINTED))
    return f"md5(CAST(struct_pack({fields}) AS VARCHAR))"


class LinkageQueries(DuckDBCore):
    """linkage: see the module docstring."""

    def link_input(self) -> pa.Table:
        """The link input of every current record that has normalized fields."""
        return self._con.sql(input_sql("current_normalized", "sources")).to_arrow_table()

    def link_input_with_state(self) -> pa.Table:
        """The link input (as :func:`link_input`) with each record's ``fingerprint`` (of its
        link-input fields), ``link_seen`` (the last link run saw the record) and ``link_new``
        (new, or changed since the last link run: its fingerprint differs from ``link_state``).

        Sorted by record in the query and numbered here: a window's row number would sort
        every row once more. ``link_state`` written by an earlier version holds the legacy
        fingerprints; they are compared as such (once: this run stores the new ones).
        """
        legacy = self.scalar("SELECT length(fingerprint) = 32 FROM link_state LIMIT 1")
        stored = f", {_legacy_fingerprint('f')} AS stored" if legacy else ""
        table = self._con.sql(
            f"""WITH f AS (
                SELECT {_INPUT_COLUMNS}
                FROM normalized n SEMI JOIN ({CURRENT_KEYS}) c USING (source_id, record_id, version)
                LEFT JOIN sources s ON s.name = n.source_id),
            i AS (SELECT f.*, {_fingerprint("f")} AS fingerprint{stored} FROM f)
            SELECT i.*{" EXCLUDE (stored)" if legacy else ""},
                s.fingerprint IS NOT NULL AS link_seen,
                s.fingerprint IS DISTINCT FROM i.{"stored" if legacy else "fingerprint"} AS link_new
            FROM i LEFT JOIN link_state s
                ON s.source_id = i.source_id AND s.record_id = i.record_id
            ORDER BY i.source_id, i.record_id"""
        ).to_arrow_table()
        ids = pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64))
        return table.add_column(0, "unique_id", ids)

    def state_records(self) -> int:
        """Records the last link run saw (rows of ``link_state``)."""
        return int(self.scalar("SELECT count(*) FROM link_state") or 0)

    def write_state(self, run_id: int, state: pa.Table) -> None:
        """Replace ``link_state`` by ``state`` (source_id, record_id, fingerprint)."""
        self._con.register("link_state_batch", state)
        try:
            self._con.execute("DELETE FROM link_state").fetchall()
            self._con.execute(
                """INSERT INTO link_state SELECT source_id, record_id, fingerprint, ?
                FROM link_state_batch""",
                [run_id],
            ).fetchall()
        finally:
            self._con.unregister("link_state_batch")

    def kept_pairs(self, run_id: int, keys: pa.Table) -> pa.Table:
        """Run ``run_id``'s scored pairs between records that are neither new nor changed.

        ``keys`` has source_id, record_id, unique_id and link_new of every current record;
        pairs come back in the link-result shape (unique_id_l < unique_id_r, match_weight,
        match_probability, levels), ordered by ids. Pairs naming a record that is gone or
        changed are left out.
        """
        self._con.register("link_keys", keys)
        try:
            return self._con.sql(
                """SELECT least(a.unique_id, b.unique_id) AS unique_id_l,
                    greatest(a.unique_id, b.unique_id) AS unique_id_r,
                    q.match_weight, q.match_probability, q.levels
                FROM link_pairs q
                JOIN link_keys a ON a.source_id = q.source_id_l AND a.record_id = q.record_id_l
                JOIN link_keys b ON b.source_id = q.source_id_r AND b.record_id = q.record_id_r
                WHERE q.run_id = ? AND NOT a.link_new AND NOT b.link_new
                ORDER BY unique_id_l, unique_id_r""",
                params=[run_id],
            ).to_arrow_table()
        finally:
            self._con.unregister("link_keys")

    def link_counts(self) -> dict[str, int]:
        """Current records, those with normalized fields, and persons."""
        return {
            "records": self.record_count(),
            "normalized": int(self.scalar("SELECT count(*) FROM current_normalized") or 0),
            "persons": self.person_count(),
        }

    def write_run(self, row: dict[str, Any]) -> None:
        names = list(row)
        self._con.execute(
            f"INSERT INTO link_runs ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [row[n] for n in names],
        ).fetchall()

    def write_pairs(self, run_id: int, pairs: pa.Table) -> None:
        """Insert a run's pairs (columns of ``link_pairs`` except ``run_id``)."""
        self._con.register("link_pairs_batch", pairs)
        try:
            self._con.execute(
                """INSERT INTO link_pairs SELECT ?, source_id_l, record_id_l, source_id_r,
                    record_id_r, match_weight, match_probability, levels FROM link_pairs_batch""",
                [run_id],
            ).fetchall()
        finally:
            self._con.unregister("link_pairs_batch")

    def current_assignment(self) -> pa.Table:
        """``(source_id, record_id, person_id)`` of the current persons."""
        return self._con.sql(
            "SELECT source_id, record_id, person_id FROM person_records"
        ).to_arrow_table()

    def next_person_numbers(self, n: int) -> list[int]:
        if n == 0:
            return []
        rows = self._con.execute("SELECT nextval('person_seq') FROM range(?)", [n]).fetchall()
        return sorted(int(r[0]) for r in rows)

    def replace_persons(self, assignment: pa.Table, event_id: int) -> None:
        """Make ``assignment`` (source_id, record_id, person_id, created_event) current.

        Only what changed is written: a record whose person changed (or that is new) gets a
        row of ``event_id``, an unchanged record keeps the row of the run that assigned it,
        and ids no record holds any more leave ``persons``. Rewriting every row would cost
        far more at commit than linking the few new records (the index of ``persons``).
        """
        self._con.register("link_assignment", assignment)
        try:
            self._con.execute(
                """DELETE FROM person_records p WHERE NOT EXISTS (
                    SELECT 1 FROM link_assignment a WHERE a.source_id = p.source_id
                    AND a.record_id = p.record_id AND a.person_id = p.person_id)"""
            ).fetchall()
            self._con.execute(
                """INSERT INTO person_records SELECT a.person_id, a.source_id, a.record_id, ?
                FROM link_assignment a WHERE NOT EXISTS (
                    SELECT 1 FROM person_records p WHERE a.source_id = p.source_id
                    AND a.record_id = p.record_id)""",
                [event_id],
            ).fetchall()
            self._con.execute(
                """DELETE FROM persons WHERE person_id NOT IN (
                    SELECT DISTINCT person_id FROM link_assignment)"""
            ).fetchall()
            self._con.execute(
                """INSERT INTO persons SELECT person_id, min(created_event) FROM link_assignment
                WHERE person_id NOT IN (SELECT person_id FROM persons) GROUP BY person_id"""
            ).fetchall()
        finally:
            self._con.unregister("link_assignment")

    def person_created(self) -> dict[str, int]:
        return {r[0]: int(r[1]) for r in self._con.execute(
            "SELECT person_id, created_event FROM persons").fetchall()}  # fmt: skip

    def write_id_history(self, event_id: int, rows: list[dict[str, Any]]) -> None:
        for r in rows:
            self._con.execute(
                "INSERT INTO link_id_history VALUES (?, ?, ?, ?, ?, ?)",
                [event_id, r["kind"], r["old"], r["new"], r["records"], r["reason"]],
            ).fetchall()

    def id_history(self, person_id: str) -> list[dict[str, Any]]:
        """Every merge or split that names ``person_id``, oldest first."""
        return self.rows(
            """SELECT event_id, kind, old_person_id, new_person_id, records, reason
            FROM link_id_history WHERE old_person_id = ? OR new_person_id = ?
            ORDER BY event_id, kind, old_person_id, new_person_id""",
            [person_id, person_id],
        )

    def merged_into(self, person_id: str) -> str | None:
        """The id ``person_id`` was merged into, if it was retired by a merge."""
        value = self.scalar(
            """SELECT new_person_id FROM link_id_history WHERE kind = 'merge'
            AND old_person_id = ? ORDER BY event_id DESC LIMIT 1""",
            [person_id],
        )
        return str(value) if value is not None else None

    def person_exists(self, person_id: str) -> bool:
        return bool(self.scalar("SELECT count(*) FROM persons WHERE person_id = ?", [person_id]))

    def person_records(self, person_id: str) -> list[dict[str, Any]]:
        keys = self._keys_of(person_id)
        if not keys:
            return []
        # the records picked by their ids before their current versions are found: a join
        # of person_records with current_records ranks every version of every record
        sources, ids = _marks(k[0] for k in keys), _marks(k[1] for k in keys)
        rows = self.rows(
            f"""SELECT r.source_id, r.record_id, r.full_name, r.surname, r.given_name,
                r.patronymic, r.birth_date, r.age, r.status, r.event_date, r.unit, r.region,
                r.hometown
            FROM records r WHERE r.source_id IN ({sources[0]}) AND r.record_id IN ({ids[0]})
            QUALIFY r.version = max(r.version) OVER (PARTITION BY r.source_id, r.record_id)
            ORDER BY r.source_id, r.record_id""",
            sources[1] + ids[1],
        )
        return [r for r in rows if (r["source_id"], r["record_id"]) in keys]

    def _keys_of(self, person_id: str) -> set[tuple[str, str]]:
        """The (source, record id) of each record of ``person_id`` in the current clustering."""
        found = self._con.execute(
            "SELECT source_id, record_id FROM person_records WHERE person_id = ?", [person_id]
        ).fetchall()
        return {(str(s), str(r)) for s, r in found}

    def last_run(self) -> dict[str, Any] | None:
        rows = self.rows("SELECT * FROM link_runs ORDER BY run_id DESC LIMIT 1")
        return rows[0] if rows else None

    def pairs_of_person(self, run_id: int, person_id: str) -> list[dict[str, Any]]:
        """The last run's scored pairs between two records of one person, strongest first."""
        keys = self._keys_of(person_id)
        if len(keys) < 2:
            return []
        # both sides picked by the records' ids (a join with person_records on each side
        # reads every pair of the run)
        ids = _marks(k[1] for k in keys)
        rows = self.rows(
            f"""SELECT q.source_id_l, q.record_id_l, q.source_id_r, q.record_id_r,
                q.match_weight, q.match_probability, q.levels
            FROM link_pairs q
            WHERE q.run_id = ? AND q.record_id_l IN ({ids[0]}) AND q.record_id_r IN ({ids[0]})
            ORDER BY q.match_weight DESC, q.source_id_l, q.record_id_l""",
            [run_id, *ids[1], *ids[1]],
        )
        return [r for r in rows if (r["source_id_l"], r["record_id_l"]) in keys
                and (r["source_id_r"], r["record_id_r"]) in keys]  # fmt: skip

    def record_exists(self, source: str, record_id: str) -> bool:
        return bool(
            self.scalar(
                # a record with any version has a current one (no window over every record)
                "SELECT count(*) FROM records WHERE source_id = ? AND record_id = ?",
                [source, record_id],
            )
        )

    def person_of(self, source: str, record_id: str) -> str | None:
        value = self.scalar(
            "SELECT person_id FROM person_records WHERE source_id = ? AND record_id = ?",
            [source, record_id],
        )
        return str(value) if value is not None else None

    def input_rows(self, keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """Link-input rows (normalized fields) of the given records, in the given order
        (their ``unique_id`` numbers these rows only). Each record is picked before the
        input is made of it: numbering every record first would sort the whole store."""
        out = []
        one = """(SELECT n.* FROM normalized n WHERE n.source_id = ? AND n.record_id = ?
            AND n.version = (SELECT max(version) FROM records WHERE source_id = ?
                AND record_id = ?))"""  # current_normalized's rows of one record
        for source, record_id in keys:
            out.extend(self.rows(input_sql(one, "sources"), [source, record_id] * 2))
        return out

    def raw_input(self) -> pa.Table:
        """The raw strings of every current record, for the plain-Splink baseline benchmark."""
        return self._con.sql(
            """SELECT (row_number() OVER (ORDER BY source_id, record_id))::BIGINT AS unique_id,
                source_id, record_id,
                coalesce(full_name, concat_ws(' ', surname, given_name, patronymic)) AS full_name,
                birth_date, region, unit
            FROM current_records ORDER BY unique_id"""
        ).to_arrow_table()
