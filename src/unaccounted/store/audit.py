"""SQL of the audit log: the event log read as a hash chain, with its head, and filtered.

The chain itself is written by the core (``DuckDBCore.log_event``) and checked by the
service (``service/audit.py``); this module only reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from unaccounted.errors import WorkspaceError
from unaccounted.store import health as _health
from unaccounted.store.duckdb_core import AUDIT_CHAIN_SCHEMA, DuckDBCore
from unaccounted.store.types import AUDIT_FIELDS

_ENTRY = ", ".join([*AUDIT_FIELDS, "prev_hash", "entry_hash"])


class AuditQueries(DuckDBCore):
    """The audit log: see the module docstring."""

    def _read(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Rows of the chained log; a store before the chain or one that cannot be read
        is a one-line error (``doctor`` reports it as a failed check)."""
        try:
            version = self.schema_version()
            if version < AUDIT_CHAIN_SCHEMA:
                raise WorkspaceError(
                    f"the store is schema version {version}: its event log is sealed into an "
                    f"audit chain when it is upgraded (to {AUDIT_CHAIN_SCHEMA} or later)"
                )
            return self.rows(sql, params)
        except duckdb.Error as exc:
            raise _health.storage_failure(exc, self.path) or WorkspaceError(
                f"the event log cannot be read: {str(exc).splitlines()[0]}"
            ) from exc

    def audit_entries(self) -> list[dict[str, Any]]:
        """Every event with its hashes, by id (the chain's order)."""
        return self._read(f"SELECT {_ENTRY} FROM events ORDER BY event_id")

    def audit_head(self) -> dict[str, Any]:
        """The chain's head as the store keeps it: ``head`` (the newest entry's hash),
        ``count`` and ``last`` (the newest entry's id); None for any that is missing."""
        rows = self._read(
            "SELECT key, value FROM meta WHERE key IN ('audit_head', 'audit_count', 'audit_last')"
        )
        found = {str(r["key"]): str(r["value"]) for r in rows}
        count, last = found.get("audit_count"), found.get("audit_last")
        return {
            "head": found.get("audit_head"),
            "count": int(count) if count is not None and count.isdigit() else None,
            "last": int(last) if last is not None and last.isdigit() else None,
        }

    def audit_log(
        self, *, actor: str | None = None, since: dt.datetime | None = None,
        action: str | None = None, limit: int | None = None,
    ) -> list[dict[str, Any]]:  # fmt: skip
        """Events by ``actor``, logged at ``since`` or later, of ``action``; newest first."""
        sql = f"""SELECT {_ENTRY} FROM events
            WHERE (CAST(? AS VARCHAR) IS NULL OR actor = ?)
            AND (CAST(? AS TIMESTAMPTZ) IS NULL OR logged_at >= ?)
            AND (CAST(? AS VARCHAR) IS NULL OR command = ?)
            ORDER BY event_id DESC"""
        params: list[Any] = [actor, actor, since, since, action, action]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._read(sql, params)
