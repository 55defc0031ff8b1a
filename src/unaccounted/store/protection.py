"""SQL of protected values: the workspace id, confidential sources, and the cells that hold
sealed values (``enc:v1:…`` tokens, see ``unaccounted/protect.py``).

The store never sees a key: it keeps tokens as text, and hands the cells that hold them to
the service, which opens and seals them in Python and writes them back here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from unaccounted.columns import VALUE_COLUMNS
from unaccounted.store.duckdb_core import DuckDBCore
from unaccounted.store.types import TOKEN_COLUMNS

_MARK = "enc:v1:"


class ProtectionQueries(DuckDBCore):
    """Protected values: see the module docstring."""

    def workspace_id(self) -> str:
        return str(self.scalar("SELECT value FROM meta WHERE key = 'workspace_id'") or "")

    def meta_value(self, key: str) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", [key])
        return None if value is None else str(value)

    def set_meta_value(self, key: str, value: str) -> None:
        self._con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def confidential_sources(self) -> list[str]:
        if not self.has_confidential_column():
            return []
        return [
            str(r[0])
            for r in self._con.execute(
                "SELECT name FROM sources WHERE confidential ORDER BY name"
            ).fetchall()
        ]

    def set_confidential(self, source: str, confidential: bool) -> bool:
        """Mark ``source`` confidential or not; return what it was."""
        before = bool(self.scalar("SELECT confidential FROM sources WHERE name = ?", [source]))
        self._con.execute(
            "UPDATE sources SET confidential = ? WHERE name = ?", [confidential, source]
        )
        return before

    def token_cells(self, table: str, column: str) -> list[tuple[int, str]]:
        """``(rowid, text)`` of the cells of ``table.column`` that hold a token."""
        _check(table, column)
        return [
            (int(r[0]), str(r[1]))
            for r in self._con.execute(
                f'SELECT rowid, "{column}"::VARCHAR FROM {table} '
                f"WHERE contains(\"{column}\"::VARCHAR, '{_MARK}') ORDER BY rowid"
            ).fetchall()
        ]

    def update_cells(self, table: str, column: str, cells: Sequence[tuple[int, str | None]]) -> int:
        """Write new texts into cells by rowid (inside the caller's transaction)."""
        _check(table, column)
        if not cells:
            return 0
        kind = "JSON" if column in ("extra", "raw") else "VARCHAR"
        updates = pa.table(
            {"rid": [c[0] for c in cells], "v": [c[1] for c in cells]},
            schema=pa.schema([("rid", pa.int64()), ("v", pa.string())]),
        )
        self._con.register("_protect_updates", updates)
        try:
            self._con.execute(
                f'UPDATE {table} SET "{column}" = CAST(u.v AS {kind}) FROM _protect_updates u '
                f"WHERE {table}.rowid = u.rid"
            )
        finally:
            self._con.unregister("_protect_updates")
        return len(cells)

    def count_tokens(self) -> int:
        """How many sealed values the store holds in records, rejects and testimonies (the
        person views hold copies of them)."""
        total = 0
        for table, column in TOKEN_COLUMNS:
            if table == "person_views":
                continue
            total += int(
                self.scalar(
                    f'SELECT coalesce(sum((length("{column}"::VARCHAR) - length(replace('
                    f"\"{column}\"::VARCHAR, '{_MARK}', ''))) // {len(_MARK)}), 0) FROM {table}"
                )
                or 0
            )
        return total

    def source_record_cells(self, source: str) -> list[dict[str, Any]]:
        """Every version of every record of ``source``: rowid, record id, values and extra
        (as text)."""
        cols = ", ".join(f'"{c}"' for c in VALUE_COLUMNS)
        return self.rows(
            f"SELECT rowid AS rid, record_id, {cols}, extra::VARCHAR AS extra FROM records "
            "WHERE source_id = ? ORDER BY rowid",
            [source],
        )

    def source_reject_cells(self, source: str) -> list[tuple[int, str]]:
        return [
            (int(r[0]), str(r[1]))
            for r in self._con.execute(
                "SELECT rowid, raw::VARCHAR FROM rejects WHERE source_name = ? "
                "AND raw IS NOT NULL ORDER BY rowid",
                [source],
            ).fetchall()
        ]

    def update_records(self, rows: list[dict[str, Any]]) -> int:
        """Write new values (``rid``, value columns, ``extra`` as text) into record rows,
        with their content hash made again as ingest makes it (inside the caller's
        transaction)."""
        if not rows:
            return 0
        for column in (*VALUE_COLUMNS, "extra"):
            self.update_cells("records", column, [(int(r["rid"]), r[column]) for r in rows])
        hashes = pa.table(
            {"rid": [int(r["rid"]) for r in rows], "h": [record_hash(r) for r in rows]},
            schema=pa.schema([("rid", pa.int64()), ("h", pa.string())]),
        )
        self._con.register("_protect_hashes", hashes)
        try:
            self._con.execute(
                "UPDATE records SET row_hash = u.h FROM _protect_hashes u "
                "WHERE records.rowid = u.rid"
            )
        finally:
            self._con.unregister("_protect_hashes")
        return len(rows)

    def forget_sealed_derivations(self, source: str) -> int:
        """Drop what the normalizer derived from columns a confidential source seals (the
        event place's name and region), so no normalized copy outlives the sealing."""
        n = int(
            self.scalar(
                "SELECT count(*) FROM normalized WHERE source_id = ? AND "
                "(event_place_name IS NOT NULL OR event_region_code IS NOT NULL)",
                [source],
            )
            or 0
        )
        self._con.execute(
            "UPDATE normalized SET event_place_name = NULL, event_region_code = NULL "
            "WHERE source_id = ?",
            [source],
        )
        return n

    def persons_of_source(self, source: str) -> list[str]:
        return [
            str(r[0])
            for r in self._con.execute(
                "SELECT DISTINCT person_id FROM person_records WHERE source_id = ? ORDER BY 1",
                [source],
            ).fetchall()
        ]

    def confidential_only_persons(self) -> list[str]:
        """Persons every one of whose records comes from a confidential source."""
        return [
            str(r[0])
            for r in self._con.execute(
                """SELECT p.person_id FROM person_records p JOIN sources s
                    ON s.name = p.source_id
                GROUP BY p.person_id HAVING bool_and(coalesce(s.confidential, false))
                ORDER BY 1"""
            ).fetchall()
        ]


def _fingerprint(value: str) -> str:
    """A value as ingest's content hash reads it (``store/staging.py``)."""
    return "enc:" + value[16:32] if value.startswith(_MARK) else value


def record_hash(row: dict[str, Any]) -> str:
    """The content hash ingest gives a row (``store/staging.py``), from a stored record:
    every non-empty value under its canonical name, every extra under ``~`` and its header,
    sorted, a sealed value read by its nonce."""
    parts = [(c, row.get(c)) for c in VALUE_COLUMNS]
    extra = row.get("extra")
    if extra:
        parts += [(f"~{k}", v) for k, v in json.loads(extra).items()]
    text = chr(30).join(
        f"{name}{chr(31)}{_fingerprint(str(value))}"
        for name, value in sorted(parts)
        if value is not None and value != ""
    )
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _check(table: str, column: str) -> None:
    if (table, column) not in TOKEN_COLUMNS:
        raise ValueError(f"{table}.{column} does not hold protected values")
