"""SQL of the shared files: every version of each file a team shares, with its event.

A file's versions are numbered per name; storing the same content as the current
version stores nothing, so re-importing an unchanged file is not a change.
"""

from __future__ import annotations

import hashlib
from typing import Any

from unaccounted.store.duckdb_core import DuckDBCore

_VERSIONS = """SELECT f.name, f.version, f.content, f.sha256, f.event_id, e.actor, e.logged_at
    FROM shared_files f LEFT JOIN events e USING (event_id)"""


class SharedFileQueries(DuckDBCore):
    """Shared files: see the module docstring."""

    def shared_file(self, name: str) -> dict[str, Any] | None:
        rows = self.rows(_VERSIONS + " WHERE f.name = ? ORDER BY f.version DESC LIMIT 1", [name])
        return rows[0] if rows else None

    def shared_file_versions(self, name: str) -> list[dict[str, Any]]:
        return self.rows(_VERSIONS + " WHERE f.name = ? ORDER BY f.version", [name])

    def shared_file_names(self) -> list[str]:
        return [str(r["name"]) for r in self.rows(
            "SELECT DISTINCT name FROM shared_files ORDER BY name")]  # fmt: skip

    def put_shared_file(self, name: str, content: str, event_id: int) -> bool:
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
        current = self.shared_file(name)
        if current is not None and current["sha256"] == digest:
            return False
        version = int(current["version"]) + 1 if current else 1
        self._con.execute(
            "INSERT INTO shared_files VALUES (?, ?, ?, ?, ?)",
            [name, version, content, digest, event_id],
        ).fetchall()
        return True
