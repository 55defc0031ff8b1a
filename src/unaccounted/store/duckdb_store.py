"""The embedded store: one DuckDB file with a versioned schema and an append-only event log.

Only this package speaks SQL. Callers get plain Python values or Arrow tables back.
"""

from __future__ import annotations

import getpass
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from unaccounted import __version__
from unaccounted.columns import VALUE_COLUMNS
from unaccounted.errors import WorkspaceError
from unaccounted.settings import StoreSettings
from unaccounted.store import migrations as _migrations

log = logging.getLogger(__name__)


#: The current version of each record, by key alone: the records of ``current_records``
#: (the newest version of each source and record id) without its window over every column.
CURRENT_KEYS = "SELECT source_id, record_id, max(version) AS version FROM records GROUP BY ALL"


def _actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


class Store:
    """A connection to a workspace store. Use :meth:`create` or :meth:`open`, then ``close``."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con = con
        self.path = path

    # -- opening -----------------------------------------------------------------------

    @staticmethod
    def _connect(path: Path, settings: StoreSettings, read_only: bool) -> duckdb.DuckDBPyConnection:
        config: dict[str, Any] = {
            "memory_limit": settings.memory_limit,
            "threads": settings.threads,
        }
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=config)
            con.execute("SET enable_progress_bar = false")  # progress is the CLI's job
            return con
        except duckdb.IOException as exc:
            raise WorkspaceError(f"cannot open the store {path}: {exc}") from exc
        except duckdb.Error as exc:
            raise WorkspaceError(f"{path} is not a readable unaccounted store: {exc}") from exc

    @classmethod
    def create(cls, path: Path, settings: StoreSettings) -> Store:
        store = cls(cls._connect(path, settings, read_only=False), path)
        store._upgrade(from_version=0)
        return store

    @classmethod
    def open(cls, path: Path, settings: StoreSettings, *, read_only: bool = False) -> Store:
        store = cls(cls._connect(path, settings, read_only=read_only), path)
        current = store.schema_version()
        latest = latest_schema_version()
        if current > latest:
            store.close()
            raise WorkspaceError(
                f"the workspace store is schema version {current}, newer than this unaccounted "
                f"{__version__} understands (up to {latest}); upgrade unaccounted to use it"
            )
        if current < latest:
            if read_only:
                store.close()
                raise WorkspaceError(
                    f"the workspace store is schema version {current} and needs upgrading to "
                    f"{latest}; run any command that writes (e.g. 'unaccounted status') first"
                )
            store._upgrade(from_version=current)
        return store

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------------

    def schema_version(self) -> int:
        try:
            rows = self.con.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).fetchall()
        except duckdb.CatalogException as exc:
            raise WorkspaceError(f"{self.path} is not an unaccounted store (no schema)") from exc
        if not rows:
            raise WorkspaceError(f"{self.path} has no schema version; it cannot be used")
        return int(rows[0][0])

    def _upgrade(self, from_version: int) -> None:
        pending = [m for m in _migrations.available_migrations() if m.version > from_version]
        if not pending:
            return
        with self.transaction():
            for migration in pending:
                log.info("applying schema migration %d (%s)", migration.version, migration.name)
                for statement in _migrations.statements(migration.sql):
                    self.con.execute(statement)
            self.con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                [str(pending[-1].version)],
            )
            if from_version > 0:
                event_id = self.next_event_id()
                self.log_event(
                    event_id,
                    "migrate",
                    {"from": from_version, "to": pending[-1].version},
                    {},
                )

    # -- transactions and the event log ------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: commit on success, roll back on any exception (or a killed process)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def next_event_id(self) -> int:
        return int(self.con.execute("SELECT nextval('event_seq')").fetchall()[0][0])

    def log_event(
        self,
        event_id: int,
        command: str,
        args: Mapping[str, Any],
        counts: Mapping[str, Any],
        *,
        outcome: str = "ok",
        message: str | None = None,
    ) -> None:
        """Append one event. Events are never updated or deleted."""
        self.con.execute(
            "INSERT INTO events (event_id, actor, command, args, counts, outcome, message, version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                event_id,
                _actor(),
                command,
                json.dumps(args, ensure_ascii=False, default=str),
                json.dumps(counts, ensure_ascii=False, default=str),
                outcome,
                message,
                __version__,
            ],
        )

    def log_failure(self, command: str, args: Mapping[str, Any], message: str) -> None:
        """Record a command that failed and changed nothing, in its own small transaction."""
        with self.transaction():
            self.log_event(
                self.next_event_id(), command, args, {}, outcome="failed", message=message
            )

    # -- queries -----------------------------------------------------------------------

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Run a read query from this package and return its rows as dicts."""
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def counts(self) -> dict[str, int]:
        """Top-level counts: the ``status --json`` contract plus detail."""
        one: Callable[[str], int] = lambda sql: int(self.scalar(sql) or 0)  # noqa: E731
        return {
            "sources": one("SELECT count(*) FROM sources"),
            "records": one("SELECT count(*) FROM current_records"),
            "rejects": one("SELECT count(*) FROM rejects"),
            # the persons of the current clustering, as every reader counts them
            "persons": one("SELECT count(DISTINCT person_id) FROM person_records"),
            "record_versions": one("SELECT count(*) FROM records"),
            "files": one("SELECT count(*) FROM files"),
            "events": one("SELECT count(*) FROM events"),
        }

    def sources(self) -> list[dict[str, Any]]:
        """Every source with its record and reject counts, by name."""
        return self.rows(
            """SELECT s.name, s.kind, s.independence_group, s.publisher, s.url,
                coalesce(r.n, 0) AS records, coalesce(j.n, 0) AS rejects
            FROM sources s
            LEFT JOIN (SELECT source_id, count(*) AS n FROM current_records GROUP BY 1) r
                ON r.source_id = s.name
            LEFT JOIN (SELECT source_name, count(*) AS n FROM rejects GROUP BY 1) j
                ON j.source_name = s.name
            ORDER BY s.name"""
        )

    def has_source(self, name: str) -> bool:
        return int(self.scalar("SELECT count(*) FROM sources WHERE name = ?", [name])) > 0

    def rejects(self, source: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Rejected rows, oldest first, with the file they came from."""
        sql = """SELECT j.source_name AS source, f.name AS file, j.sheet, j.line,
                j.reason_code, j.reason, j.raw, j.event_id
            FROM rejects j LEFT JOIN files f ON f.sha256 = j.file_sha256
            WHERE ? IS NULL OR j.source_name = ?
            ORDER BY j.event_id, f.name, j.sheet NULLS FIRST, j.line"""
        params: list[Any] = [source, source]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self.rows(sql, params)

    def record_batches(
        self, source: str | None = None, all_versions: bool = False, batch_rows: int = 50_000
    ) -> Any:
        """A ``pyarrow.RecordBatchReader`` over records in a stable order."""
        rel = self.con.sql(_records_sql(all_versions), params=[source, source])
        return rel.to_arrow_reader(batch_rows)

    def count_records(self, source: str | None = None, all_versions: bool = False) -> int:
        table = "records" if all_versions else "current_records"
        return int(
            self.scalar(
                f"SELECT count(*) FROM {table} WHERE ? IS NULL OR source_id = ?", [source, source]
            )
        )

    def write_records_parquet(
        self, path: Path, source: str | None = None, all_versions: bool = False
    ) -> int:
        """Write records to a Parquet file with the engine's own writer; return the row count."""
        sql = _records_sql(all_versions).replace("?", "$1")
        self.con.execute(f"COPY ({sql}) TO '{_quote(str(path))}' (FORMAT parquet)", [source])
        return int(self.scalar(f"SELECT count(*) FROM read_parquet('{_quote(str(path))}')"))


def _records_sql(all_versions: bool) -> str:
    table = "records" if all_versions else "current_records"
    return f"""SELECT r.source_id AS source, r.record_id, r.version,
            {", ".join("r." + c for c in VALUE_COLUMNS)}, r.extra,
            f.name AS file, r.sheet, r.line, r.id_generated, p.person_id
        FROM {table} r LEFT JOIN files f ON f.sha256 = r.file_sha256
        LEFT JOIN person_records p ON p.source_id = r.source_id AND p.record_id = r.record_id
        WHERE ? IS NULL OR r.source_id = ?
        ORDER BY r.source_id, r.event_id, f.name, r.sheet NULLS FIRST, r.line, r.version"""


def _quote(text: str) -> str:
    return text.replace("'", "''")


def latest_schema_version() -> int:
    return _migrations.available_migrations()[-1].version
