"""SQL of accounts of abuse ("testimonies"), incidents, places and involvements.

The store keeps what the service hands it: an original either in the clear or as a sealed
token (never both), a witness's name only as a token, and the incident graph. What a
reader may see, and sealing itself, is the service's job (``service/testimonies.py``).
The chain of custody is read from the audit log: every event whose arguments name the
testimony.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyarrow as pa

from unaccounted.store.duckdb_core import DuckDBCore

_TESTIMONY = """SELECT id, kind, source, independence_group, date_edtf, date_lo, date_hi,
    language, file_name, size, chars, sha256, level, witness_id, received_by, received_at,
    intake_event, original_sealed IS NOT NULL AS sealed FROM testimonies"""

_INCIDENT = """SELECT i.id, i.type, i.from_edtf, i.from_lo, i.to_edtf, i.to_hi, i.place_id,
    p.name AS place, i.summary, i.created_by, i.created_at
    FROM incidents i LEFT JOIN places p ON p.id = i.place_id"""


class TestimonyQueries(DuckDBCore):
    """Testimonies, incidents, places: see the module docstring."""

    def _next(self, sequence: str) -> int:
        return int(self.scalar(f"SELECT nextval('{sequence}')"))

    # -- testimonies -------------------------------------------------------------------

    def next_testimony_id(self) -> str:
        return f"T-{self._next('testimony_seq')}"

    def add_testimony(self, row: dict[str, Any]) -> None:
        columns = list(row)
        self.execute(
            f"INSERT INTO testimonies ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})",
            [row[c] for c in columns],
        )

    def testimony(self, testimony_id: str) -> dict[str, Any] | None:
        rows = self.rows(_TESTIMONY + " WHERE id = ?", [testimony_id])
        return rows[0] if rows else None

    def testimonies(self) -> list[dict[str, Any]]:
        return self.rows(_TESTIMONY + " ORDER BY received_at, id")

    def testimony_original(self, testimony_id: str) -> tuple[bytes | None, str | None]:
        """``(bytes in the clear, sealed token)``: one of them is None."""
        row = self._con.execute(
            "SELECT original_clear, original_sealed FROM testimonies WHERE id = ?",
            [testimony_id],
        ).fetchone()
        if row is None:
            return None, None
        return (bytes(row[0]) if row[0] is not None else None), row[1]

    def seal_testimony_original(self, testimony_id: str, token: str) -> None:
        self.execute(
            "UPDATE testimonies SET original_sealed = ?, original_clear = NULL WHERE id = ?",
            [token, testimony_id],
        )

    def witness_of_token(self, witness_sealed: str) -> str | None:
        """The witness id already given to this sealed name (the same name seals alike)."""
        value = self.scalar(
            "SELECT min(witness_id) FROM testimonies WHERE witness_sealed = ?", [witness_sealed]
        )
        return None if value is None else str(value)

    def witness_ids(self) -> set[str]:
        return {
            str(r["witness_id"])
            for r in self.rows(
                "SELECT DISTINCT witness_id FROM testimonies WHERE witness_id IS NOT NULL"
            )
        }

    def testimony_witness_token(self, testimony_id: str) -> str | None:
        value = self.scalar("SELECT witness_sealed FROM testimonies WHERE id = ?", [testimony_id])
        return None if value is None else str(value)

    def add_passage(
        self, testimony_id: str, start: int, end: int, level: str, now: datetime
    ) -> int:
        seq = int(self.scalar(
            "SELECT coalesce(max(seq), 0) + 1 FROM testimony_passages WHERE testimony_id = ?",
            [testimony_id]))  # fmt: skip
        self.execute(
            "INSERT INTO testimony_passages VALUES (?, ?, ?, ?, ?, ?, ?)",
            [testimony_id, seq, start, end, level, self.actor, now],
        )
        return seq

    def passages(self, testimony_id: str) -> list[dict[str, Any]]:
        return self.rows(
            "SELECT seq, start_char AS start, end_char AS end, level, marked_by, marked_at "
            "FROM testimony_passages WHERE testimony_id = ? ORDER BY seq",
            [testimony_id],
        )

    def custody(self, testimony_id: str) -> list[dict[str, Any]]:
        """The audit log's events that name ``testimony_id``, oldest first."""
        return self.rows(
            "SELECT event_id, logged_at, actor, command, outcome, counts::VARCHAR AS counts "
            "FROM events WHERE json_extract_string(args, '$.testimony') = ? ORDER BY event_id",
            [testimony_id],
        )

    def imported_submissions(self) -> set[str]:
        """The submission ids that ``testimony import`` events name (one per account)."""
        return {
            str(r["record"])
            for r in self.rows(
                "SELECT DISTINCT json_extract_string(args, '$.record') AS record FROM events "
                "WHERE command = 'testimony-import' AND outcome = 'ok' "
                "AND json_extract_string(args, '$.record') IS NOT NULL"
            )
        }

    # -- vocabulary and places ---------------------------------------------------------

    def incident_types(self) -> list[dict[str, Any]]:
        return self.rows("SELECT code, label, description, added_by, added_at "
                         "FROM incident_types ORDER BY code")  # fmt: skip

    def add_incident_type(self, code: str, label: str, description: str, now: datetime) -> None:
        self.execute(
            "INSERT INTO incident_types VALUES (?, ?, ?, ?, ?)",
            [code, label, description, self.actor, now],
        )

    def add_place(
        self, name: str, latitude: float | None, longitude: float | None, now: datetime
    ) -> str:
        place_id = f"PL-{self._next('place_seq')}"
        self.execute(
            "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?)",
            [place_id, name, latitude, longitude, self.actor, now],
        )
        return place_id

    def add_place_alias(self, key: str, place_id: str, alias: str) -> None:
        self.execute("INSERT INTO place_aliases VALUES (?, ?, ?)", [key, place_id, alias])

    def place_of_key(self, key: str) -> str | None:
        value = self.scalar("SELECT place_id FROM place_aliases WHERE key = ?", [key])
        return None if value is None else str(value)

    def place(self, place_id: str) -> dict[str, Any] | None:
        rows = self.places(place_id)
        return rows[0] if rows else None

    def places(self, place_id: str | None = None) -> list[dict[str, Any]]:
        rows = self.rows(
            "SELECT id, name, latitude, longitude FROM places "
            "WHERE CAST(? AS VARCHAR) IS NULL OR id = ? ORDER BY name, id",
            [place_id, place_id],
        )
        aliases: dict[str, list[str]] = {}
        for a in self.rows("SELECT place_id, alias FROM place_aliases ORDER BY alias"):
            aliases.setdefault(str(a["place_id"]), []).append(str(a["alias"]))
        for row in rows:
            row["aliases"] = [a for a in aliases.get(str(row["id"]), []) if a != row["name"]]
        return rows

    # -- incidents ---------------------------------------------------------------------

    def add_incident(self, row: dict[str, Any], now: datetime) -> str:
        incident_id = f"I-{self._next('incident_seq')}"
        self.execute(
            "INSERT INTO incidents (id, type, from_edtf, from_lo, to_edtf, to_hi, place_id, "
            "summary, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [incident_id, row["type"], row["from_edtf"], row["from_lo"], row["to_edtf"],
             row["to_hi"], row["place_id"], row["summary"], self.actor, now],
        )  # fmt: skip
        return incident_id

    def update_incident(self, incident_id: str, fields: dict[str, Any]) -> None:
        allowed = {"type", "from_edtf", "from_lo", "to_edtf", "to_hi", "place_id", "summary"}
        if not fields or set(fields) - allowed:
            raise ValueError(f"cannot update {sorted(set(fields) - allowed)} of an incident")
        sets = ", ".join(f"{c} = ?" for c in fields)
        self.execute(f"UPDATE incidents SET {sets} WHERE id = ?", [*fields.values(), incident_id])

    def incident(self, incident_id: str) -> dict[str, Any] | None:
        rows = self.rows(_INCIDENT + " WHERE i.id = ?", [incident_id])
        return rows[0] if rows else None

    def incidents(self) -> list[dict[str, Any]]:
        return self.rows(_INCIDENT + " ORDER BY i.from_lo NULLS LAST, i.created_at, i.id")

    def add_involvement(self, incident_id: str, row: dict[str, Any], now: datetime) -> int:
        inv_id = self._next("involvement_seq")
        self.execute(
            "INSERT INTO incident_involvements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [inv_id, incident_id, row["role"], row.get("person_id"), row.get("unit_raw"),
             row.get("unit_key"), row.get("actor_name"), self.actor, now],
        )  # fmt: skip
        return inv_id

    def remove_involvement(self, involvement_id: int) -> None:
        self.execute("DELETE FROM incident_involvements WHERE id = ?", [involvement_id])

    def incidents_involving(
        self, person_id: str | None = None, unit_keys: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """The incidents that involve ``person_id`` (or a unit of one of ``unit_keys``),
        earliest first, each with the sorted ``roles`` it has in them: one query, where
        reading every incident's involvements would be one per incident."""
        if (person_id is None) == (unit_keys is None):
            raise ValueError("give a person or unit keys")
        which = "person_id = ?" if person_id is not None else "list_contains(?, unit_key)"
        return self.rows(
            _INCIDENT.replace(" FROM incidents i", ", r.roles FROM incidents i")
            + " JOIN (SELECT incident_id, list_sort(list_distinct(list(role))) AS roles "
            f"FROM incident_involvements WHERE {which} GROUP BY incident_id) r "
            "ON r.incident_id = i.id ORDER BY i.from_lo NULLS LAST, i.created_at, i.id",
            [person_id if person_id is not None else list(unit_keys or [])],
        )

    def involvements(self, incident_id: str) -> list[dict[str, Any]]:
        return self.rows(
            "SELECT id, role, person_id, unit_raw, unit_key, actor_name, added_by, added_at "
            "FROM incident_involvements WHERE incident_id = ? ORDER BY id",
            [incident_id],
        )

    def add_support(
        self, incident_id: str, testimony_id: str, start: int | None, end: int | None,
        now: datetime,
    ) -> bool:  # fmt: skip
        """Link a testimony (or a passage of it) to an incident; False when already linked."""
        exists = self.scalar(
            "SELECT count(*) FROM incident_support WHERE incident_id = ? AND testimony_id = ? "
            "AND start_char IS NOT DISTINCT FROM ? AND end_char IS NOT DISTINCT FROM ?",
            [incident_id, testimony_id, start, end],
        )
        if exists:
            return False
        self.execute(
            "INSERT INTO incident_support VALUES (?, ?, ?, ?, ?, ?)",
            [incident_id, testimony_id, start, end, self.actor, now],
        )
        return True

    def support(self, incident_id: str) -> list[dict[str, Any]]:
        """The testimonies (and passages) linked to an incident, with what grading needs."""
        return self.rows(
            "SELECT s.testimony_id, s.start_char AS start, s.end_char AS end, t.kind, "
            "t.source, t.independence_group, t.sha256, t.received_at, s.linked_by "
            "FROM incident_support s JOIN testimonies t ON t.id = s.testimony_id "
            "WHERE s.incident_id = ? ORDER BY t.received_at, t.id, s.start_char NULLS FIRST",
            [incident_id],
        )

    def incidents_of_testimony(self, testimony_id: str) -> list[str]:
        return [
            str(r["incident_id"])
            for r in self.rows(
                "SELECT DISTINCT incident_id FROM incident_support WHERE testimony_id = ? "
                "ORDER BY incident_id",
                [testimony_id],
            )
        ]

    # -- suggestions -------------------------------------------------------------------

    def add_suggestions(self, testimony_id: str, rows: list[dict[str, Any]], now: datetime
                        ) -> list[str]:  # fmt: skip
        """Store suggestions (kind, start, end, quote, value, detail, sealed), all open, in
        one statement (a long testimony gives thousands)."""
        if not rows:
            return []
        numbers = self._con.execute(
            "SELECT nextval('suggestion_seq') FROM range(?)", [len(rows)]
        ).fetchall()
        ids = [f"S-{n}" for n in sorted(n for (n,) in numbers)]
        table = pa.table({
            "id": ids, "testimony_id": [testimony_id] * len(rows),
            **{c: [r[c] for r in rows]
               for c in ("kind", "start", "end", "quote", "value", "detail", "sealed")},
        })  # fmt: skip
        self._con.register("new_suggestions", table)
        try:
            self.execute(
                "INSERT INTO suggestions (id, testimony_id, kind, start_char, end_char, quote, "
                "value, detail, sealed, status, made_by, made_at) SELECT id, testimony_id, kind, "
                '"start", "end", quote, value, detail, sealed, \'open\', ?, ? '
                "FROM new_suggestions",
                [self.actor, now],
            )
        finally:
            self._con.unregister("new_suggestions")
        return ids

    def suggestions(
        self, testimony_id: str | None = None, suggestion_id: str | None = None
    ) -> list[dict[str, Any]]:
        """A testimony's suggestions (or one by its id), in the order of the text."""
        return self.rows(
            "SELECT id, testimony_id, kind, start_char AS start, end_char AS end, quote, value, "
            "detail, sealed, status, decided_value, result, made_by, made_at, decided_by, "
            "decided_at FROM suggestions WHERE (CAST(? AS VARCHAR) IS NULL OR testimony_id = ?) "
            "AND (CAST(? AS VARCHAR) IS NULL OR id = ?) "
            "ORDER BY testimony_id, start_char, end_char, id",
            [testimony_id, testimony_id, suggestion_id, suggestion_id],
        )

    def decide_suggestion(
        self, suggestion_id: str, status: str, value: str | None, result: str | None,
        now: datetime,
    ) -> None:  # fmt: skip
        """Record the decision on an open suggestion."""
        self.execute(
            "UPDATE suggestions SET status = ?, decided_value = ?, result = ?, decided_by = ?, "
            "decided_at = ? WHERE id = ? AND status = 'open'",
            [status, value, result, self.actor, now, suggestion_id],
        )

    # -- publication -------------------------------------------------------------------

    def cleared_names(self, testimony_id: str | None = None) -> list[dict[str, Any]]:
        """The names cleared for publication (in one testimony, or in all), oldest first."""
        return self.rows(
            "SELECT testimony_id, name_key, name, cleared_by, cleared_at FROM cleared_names "
            "WHERE CAST(? AS VARCHAR) IS NULL OR testimony_id = ? "
            "ORDER BY testimony_id, cleared_at, name_key",
            [testimony_id, testimony_id],
        )

    def clear_name(self, testimony_id: str, key: str, name: str, now: datetime) -> bool:
        """Clear a name for publication in a testimony; False when it was cleared."""
        if self.scalar("SELECT count(*) FROM cleared_names WHERE testimony_id = ? AND "
                       "name_key = ?", [testimony_id, key]):  # fmt: skip
            return False
        self.execute("INSERT INTO cleared_names VALUES (?, ?, ?, ?, ?)",
                     [testimony_id, key, name, self.actor, now])  # fmt: skip
        return True

    def withhold_name(self, testimony_id: str, key: str) -> bool:
        """Withdraw a name's clearance; False when it was not cleared."""
        found = self.scalar("SELECT count(*) FROM cleared_names WHERE testimony_id = ? AND "
                            "name_key = ?", [testimony_id, key])  # fmt: skip
        self.execute("DELETE FROM cleared_names WHERE testimony_id = ? AND name_key = ?",
                     [testimony_id, key])  # fmt: skip
        return bool(found)

    def published_incidents(self) -> set[str]:
        return {str(r["incident_id"])
                for r in self.rows("SELECT incident_id FROM published_incidents")}  # fmt: skip

    def set_incident_published(self, incident_id: str, published: bool, now: datetime) -> bool:
        """Mark an incident published or not; returns what it was."""
        was = bool(self.scalar("SELECT count(*) FROM published_incidents WHERE incident_id = ?",
                               [incident_id]))  # fmt: skip
        if published and not was:
            self.execute("INSERT INTO published_incidents VALUES (?, ?, ?)",
                         [incident_id, self.actor, now])  # fmt: skip
        elif was and not published:
            self.execute("DELETE FROM published_incidents WHERE incident_id = ?", [incident_id])
        return was

    def source_group(self, source: str) -> str | None:
        value = self.scalar("SELECT independence_group FROM sources WHERE name = ?", [source])
        return None if value is None else str(value)
