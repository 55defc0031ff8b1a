"""SQL of the stored person views (schema 6): which views are stale, writing and reading them.

A person's view is stale when the **fingerprint** of its inputs changed: the md5 of the
list of its current records, each with its version and the event that wrote that version,
the event of the normalizer run that gave its fields, and its source's kind, independence
group, publisher and address (all a view is made of). A new person has no view; a view
whose person left the clustering is deleted. Views made with other grading rules (another
``rules_digest``) are stale too.

So that a reader need not compute fingerprints each time, ``meta`` remembers the newest
event and the rules digest the views were last brought up to date with
(:meth:`mark_views_current`): while no command has changed the store since, the views are
current.

Nothing here opens a transaction: writes happen in the caller's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from unaccounted.store.duckdb_core import DuckDBCore
from unaccounted.store.types import TEXTS, Inputs, Staleness

#: Each person of the current clustering with the fingerprint of its inputs and the
#: newest event of its rows in ``person_records``.
_INPUTS = """
    WITH k AS (
        SELECT source_id, record_id, max(version) AS version,
               arg_max(event_id, version) AS record_event
        FROM records GROUP BY ALL),
    n AS (
        SELECT n.source_id, n.record_id, max(n.event_id) AS norm_event
        FROM normalized n SEMI JOIN k USING (source_id, record_id, version) GROUP BY ALL)
    SELECT p.person_id,
        md5(CAST(list((p.source_id, p.record_id, k.version, k.record_event, n.norm_event,
                       s.kind, s.independence_group, s.publisher, s.url)
                      ORDER BY p.source_id, p.record_id) AS VARCHAR)) AS fingerprint,
        max(p.event_id) AS cluster_event
    FROM person_records p
    JOIN k USING (source_id, record_id)
    JOIN sources s ON s.name = p.source_id
    LEFT JOIN n USING (source_id, record_id)
    GROUP BY p.person_id"""

#: The plain columns of ``person_views`` written with each view, in table order.
COLUMNS = (
    "person_id",
    "name",
    "names",
    "grade",
    "rule",
    "outcome",
    "status",
    "unit_keys",
    "region",
    "birth_year_lo",
    "birth_year_hi",
    "sources",
    "records",
    "fingerprint",
    "rules_digest",
    "cluster_event",
    "claims",
    "best",
    "grading",
    "detail",
)
#: The texts of a view, in the order of ``resolve.serial.Texts``.

_EVENT_KEY = "views_event"
#: Commands that change accounts or sign someone in, and never a person view.
_ACCOUNT_COMMANDS = ("login", "user-add", "user-remove", "user-role", "user-passwd", "passwd",
                     "token-create", "token-revoke")  # fmt: skip
_RULES_KEY = "views_rules"


class ViewQueries(DuckDBCore):
    """views: see the module docstring."""

    def newest_event(self) -> int:
        """The newest event that may have changed a person view: a failed command changed
        nothing, and signing in or changing accounts and tokens changes no record, judgement
        or rule (the web application signs people in all day; each sign-in must not make
        every page check its views again)."""
        quiet = ", ".join(f"'{c}'" for c in _ACCOUNT_COMMANDS)
        return int(self.scalar("SELECT max(event_id) FROM events WHERE outcome = 'ok' AND "
                               f"command NOT IN ({quiet})") or 0)  # fmt: skip

    def views_marked_current(self, rules_digest: str) -> bool:
        """True when no command changed the store since the views were brought up to date
        with these rules: then no view can be stale, and no fingerprint need be computed."""
        rows = self._con.execute(
            "SELECT key, value FROM meta WHERE key IN (?, ?)", [_EVENT_KEY, _RULES_KEY]
        ).fetchall()
        marks = {str(k): str(v) for k, v in rows}
        return marks.get(_RULES_KEY) == rules_digest and marks.get(_EVENT_KEY) == str(
            self.newest_event()
        )

    def mark_views_current(self, rules_digest: str) -> None:
        """Remember that every view is up to date as of the newest event, with these rules."""
        for key, value in ((_EVENT_KEY, str(self.newest_event())), (_RULES_KEY, rules_digest)):
            self._con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value]).fetchall()

    def view_staleness(self, rules_digest: str, person_ids: list[str] | None = None) -> Staleness:
        """Views to (re)make — of ``person_ids`` only, when given, whether stale or not — and
        views of persons no longer in the clustering."""
        if person_ids is not None:
            ids = pa.table({"person_id": pa.array(sorted(set(person_ids)), pa.string())})
            self._con.register("views_wanted", ids)
            try:
                rows = self._con.execute(
                    f"SELECT * FROM ({_INPUTS}) SEMI JOIN views_wanted USING (person_id)"
                ).fetchall()
            finally:
                self._con.unregister("views_wanted")
        else:
            rows = self._con.execute(
                f"""SELECT f.* FROM ({_INPUTS}) f LEFT JOIN person_views v USING (person_id)
                WHERE v.fingerprint IS DISTINCT FROM f.fingerprint
                   OR v.rules_digest IS DISTINCT FROM ?""",
                [rules_digest],
            ).fetchall()
        gone = self._con.execute(
            """SELECT person_id FROM person_views
            ANTI JOIN (SELECT DISTINCT person_id FROM person_records) USING (person_id)"""
        ).fetchall()
        return Staleness(
            stale={str(p): Inputs(str(f), int(e)) for p, f, e in rows},
            gone=sorted(str(r[0]) for r in gone),
        )

    def delete_views(self, person_ids: list[str]) -> None:
        if not person_ids:
            return
        self._con.register("views_gone", pa.table({"person_id": pa.array(person_ids, pa.string())}))
        try:
            self._con.execute(
                "DELETE FROM person_views WHERE person_id IN (SELECT person_id FROM views_gone)"
            ).fetchall()
        finally:
            self._con.unregister("views_gone")

    def write_views(self, rows: list[dict[str, Any]]) -> None:
        """Replace the views of the given persons by ``rows`` (one dict per person, keyed by
        :data:`COLUMNS`)."""
        if not rows:
            return
        self.delete_views([str(r["person_id"]) for r in rows])
        list_of = pa.list_(pa.string())
        types = {"names": list_of, "unit_keys": list_of, "birth_year_lo": pa.int32(),
                 "birth_year_hi": pa.int32(), "sources": pa.int32(), "records": pa.int32(),
                 "cluster_event": pa.int64()}  # fmt: skip
        table = pa.table(
            {c: pa.array([r[c] for r in rows], types.get(c, pa.string())) for c in COLUMNS}
        )
        self._con.register("views_batch", table)
        try:
            self._con.execute(
                f"INSERT INTO person_views ({', '.join(COLUMNS)}) "
                f"SELECT {', '.join(COLUMNS)} FROM views_batch"
            ).fetchall()
        finally:
            self._con.unregister("views_batch")

    def view_row(self, person_id: str) -> tuple[str, str, str, str, str | None] | None:
        """The texts (:data:`TEXTS`) and the region of one person's view, or None."""
        rows = self._con.execute(
            f"SELECT {', '.join(TEXTS)}, region FROM person_views WHERE person_id = ?", [person_id]
        ).fetchall()
        if not rows:
            return None
        claims, best, grading, detail, region = rows[0]
        return str(claims), str(best), str(grading), str(detail), region

    def views_table(self, *, detail: bool = True) -> pa.Table:
        """Every stored view in person id order: ``person_id``, its texts (:data:`TEXTS`;
        ``detail`` null unless asked for) and ``region``, as one Arrow table (the texts stay
        Arrow strings until a reader needs one)."""
        table = self._con.sql(
            f"""SELECT person_id, claims, best, grading,
                {"detail" if detail else "NULL::VARCHAR AS detail"}, region
            FROM person_views ORDER BY person_id"""
        ).to_arrow_table()
        return table.combine_chunks()

    def view_count(self) -> int:
        return int(self.scalar("SELECT count(*) FROM person_views") or 0)

    def view_summaries(self, person_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Name, grade, rule, current status, region and counts of the given persons' views."""
        ids = pa.table({"person_id": pa.array(person_ids, pa.string())})
        self._con.register("views_wanted", ids)
        try:
            rows = self.rows(
                """SELECT person_id, name, grade, rule, status, region, sources, records
                FROM person_views WHERE person_id IN (SELECT person_id FROM views_wanted)"""
            )
        finally:
            self._con.unregister("views_wanted")
        return {str(r["person_id"]): r for r in rows}

    def persons_filtered(
        self, grades: list[str] | None = None, event: tuple[dt.date, dt.date] | None = None
    ) -> set[str]:
        """The persons whose stored view has one of ``grades`` (None: any grade) and, with
        ``event``, one of whose current records gives an event date (of death, or of going
        missing) that overlaps the inclusive range ``event``."""
        parts: list[str] = []
        params: list[Any] = []
        if grades is not None:
            marks = ", ".join("?" for _ in grades) or "NULL"
            parts.append(f"SELECT person_id FROM person_views WHERE grade IN ({marks})")
            params += grades
        if event is not None:
            parts.append(
                """SELECT DISTINCT p.person_id FROM person_records p
                JOIN current_normalized n USING (source_id, record_id)
                WHERE n.event_lo IS NOT NULL AND n.event_lo <= ? AND n.event_hi >= ?"""
            )
            params += [event[1], event[0]]
        if not parts:
            parts.append("SELECT person_id FROM person_views")
        rows = self._con.execute(" INTERSECT ".join(parts), params).fetchall()
        return {str(r[0]) for r in rows}
