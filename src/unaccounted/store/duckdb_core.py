"""The DuckDB backend's core: one connection to one DuckDB file, its versioned schema,
transactions and the append-only event log, and the raw query helpers that the backend's
query modules (``store/linkage.py``, ``store/resolve.py``, …) build on.

Only the store package speaks SQL. Callers see the interfaces of ``store/base.py`` and get
plain Python values or Arrow tables back; the connection is private to the backend.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import duckdb
import pyarrow as pa

from unaccounted import __version__
from unaccounted.columns import VALUE_COLUMNS
from unaccounted.errors import WorkspaceError
from unaccounted.settings import StoreSettings
from unaccounted.store import health as _health
from unaccounted.store import migrations as _migrations
from unaccounted.store.types import AUDIT_FIELDS, AUDIT_GENESIS, audit_hash

log = logging.getLogger(__name__)


#: The current version of each record, by key alone: the records of ``current_records``
#: (the newest version of each source and record id) without its window over every column.
CURRENT_KEYS = "SELECT source_id, record_id, max(version) AS version FROM records GROUP BY ALL"

#: The current cluster of each record (``person_records`` holds one row per record since
#: schema 6: a link run and ``load-clusters`` replace the clustering).
CURRENT_CLUSTERS = "SELECT person_id, source_id, record_id, event_id FROM person_records"

#: The normalized fields of each record's current version (newest normalizer run).
CURRENT_NORMALIZED = """
    SELECT * FROM current_normalized
    QUALIFY row_number() OVER (PARTITION BY source_id, record_id ORDER BY event_id DESC) = 1
"""


#: The schema version from which the event log is a hash chain (migration 0010).
AUDIT_CHAIN_SCHEMA = 10

#: The environment variable naming the actor when none is given (``--as`` overrides it).
ACTOR_ENV = "UNACCOUNTED_USER"


def default_actor() -> str:
    """Who acts when nobody says: ``$UNACCOUNTED_USER``, else the OS login."""
    named = os.environ.get(ACTOR_ENV, "").strip()
    if named:
        return named
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


@dataclass
class _Chain:
    """The audit chain's head as one transaction sees and moves it."""

    now: Any  # the transaction's time, every event's logged_at
    sealed: bool  # False before schema 10: events are logged unsealed
    head: str
    count: int
    last: int
    kept: bool  # every key of the head is in meta
    moved: bool = False


class DuckDBCore:
    """A connection to a workspace store. Use :meth:`create` or :meth:`open`, then ``close``."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, path: Path, actor: str | None = None
    ) -> None:
        self._con = con
        self.path = path
        #: Who every event and judgement written through this connection is attributed to.
        self.actor = actor or default_actor()
        self.read_only = False
        self._depth = 0  # open transactions: an inner one joins the outer
        #: Events logged through this connection, and failures among them (a unit of
        #: work compares them before and after, to log exactly one event of its own).
        self.events_logged = 0
        self.failures_logged = 0
        self._lent = 0  # loans not yet given back (see lend)
        #: The audit chain's head while a transaction logs events (see _chain_event).
        self._chain: _Chain | None = None

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
        except duckdb.Error as exc:
            failure = _health.storage_failure(exc, path)
            if failure is not None:
                raise failure from exc
            if isinstance(exc, duckdb.IOException):
                raise WorkspaceError(f"cannot open the store {path}: {exc}") from exc
            raise WorkspaceError(f"{path} is not a readable unaccounted store: {exc}") from exc

    @classmethod
    def create(cls, path: Path, settings: StoreSettings, *, actor: str | None = None) -> Self:
        store = cls(cls._connect(path, settings, read_only=False), path, actor)
        store._upgrade(from_version=0)
        return store

    @classmethod
    def open(
        cls, path: Path, settings: StoreSettings, *, read_only: bool = False,
        actor: str | None = None, checked: bool = True,
    ) -> Self:  # fmt: skip
        store = cls(cls._connect(path, settings, read_only=read_only), path, actor)
        store.read_only = read_only
        if not checked:  # the full check (doctor) reports damage instead of refusing it
            return store
        try:
            _health.open_check(store._con, path, whole=not read_only)  # damage: refused
        except WorkspaceError:
            store.close()
            raise
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
                    f"{latest}; run a command that writes first (e.g. 'unaccounted files --sync')"
                )
            store._upgrade(from_version=current)
        return store

    def close(self) -> None:
        """Close the connection, or give back one loan of it (see :meth:`lend`)."""
        if self._lent:
            self._lent -= 1
            return
        self._con.close()

    def lend(self) -> Self:
        """This store for one more user, who closes it when done without closing it for
        the owner (a session lends its one connection to every stage it runs)."""
        self._lent += 1
        return self

    def reader(self) -> Self:
        """Another cursor on this store, for reading in another thread while this one
        reads or writes: it sees what is committed, writes nothing (its ``read_only``), and
        its ``close`` closes the cursor only (DuckDB's cursors of one connection may run in
        different threads at once; one cursor serves one caller at a time)."""
        try:
            con = self._con.cursor()
            con.execute("SET enable_progress_bar = false")
        except duckdb.Error as exc:
            failure = _health.storage_failure(exc, self.path)
            if failure is not None:
                raise failure from exc
            raise
        store = type(self)(con, self.path, self.actor)
        store.read_only = True
        return store

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- durability and health ---------------------------------------------------------

    def checkpoint(self) -> None:
        """Write everything committed into the store file and empty the write-ahead log,
        so no result lives only in the log (a session does this once after each write)."""
        if self.read_only or self._depth:
            return
        try:
            self._con.execute("CHECKPOINT")
        except duckdb.Error as exc:
            failure = _health.storage_failure(exc, self.path)
            if isinstance(failure, _health.DiskFull):
                raise _health.DiskFull(
                    f"the disk holding {self.path} is full: the result is committed (in the "
                    "store's write-ahead log) but could not be checkpointed; free some space "
                    "before the next command"
                ) from exc
            if failure is not None:
                raise failure from exc
            # another connection's open transaction (a streamed export) postpones it: the
            # log is checkpointed at the next write or when the store closes
            log.warning("checkpoint postponed: %s", exc)

    def check(self) -> list[dict[str, Any]]:
        """The full check (``doctor``): every table read whole, the tables agreeing, the
        schema version matching the migrations; one finding per check."""
        return _health.full_check(self._con, latest_schema_version())

    # -- schema ------------------------------------------------------------------------

    def schema_version(self) -> int:
        try:
            rows = self._con.execute(
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
                    self._con.execute(statement)
            self._con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                [str(pending[-1].version)],
            )
            if from_version < AUDIT_CHAIN_SCHEMA <= pending[-1].version:
                self._seal_events()
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
        """All or nothing: commit on success, roll back on any exception (or a killed process).

        A transaction opened inside another joins it: the outermost one commits or rolls
        back everything, so a unit of work can run several stages as one.
        """
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._con.execute("BEGIN TRANSACTION")
        self._depth = 1
        try:
            yield
            self._write_chain()  # the audit chain's head, with everything it records
        except BaseException:
            self._depth = 0
            self._chain = None
            self._con.execute("ROLLBACK")
            raise
        self._depth = 0
        self._con.execute("COMMIT")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def next_event_id(self) -> int:
        return int(self._con.execute("SELECT nextval('event_seq')").fetchall()[0][0])

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
        """Append one event, chained to the one before it (see :meth:`_chain_event`).
        Events are never updated or deleted, and are appended in the order of their ids."""
        entry: dict[str, Any] = {
            "event_id": event_id,
            "actor": self.actor,
            "command": command,
            "args": json.dumps(args, ensure_ascii=False, default=str),
            "counts": json.dumps(counts, ensure_ascii=False, default=str),
            "outcome": outcome,
            "message": message,
            "version": __version__,
        }
        with self.transaction():  # the event and the chain's head: both or neither
            self._chain_event(entry)
        self.events_logged += 1
        if outcome == "failed":
            self.failures_logged += 1

    def _chain_event(self, entry: dict[str, Any]) -> None:
        """Insert one event with its place in the audit chain, and move the chain's head.

        The event's time is the transaction's (as the column's default would give), read
        with the head so that the hash seals the value stored. The head is read once per
        transaction and written back once, just before it commits (:meth:`transaction`):
        a transaction that logs a thousand judgements writes ``meta`` once. A store not
        yet at the chained schema (only while it is being upgraded) takes the event
        unsealed: the upgrade seals it."""
        chain = self._chain or self._read_chain()
        self._chain = chain
        entry["logged_at"] = chain.now
        columns = ["event_id", "logged_at", "actor", "command", "args", "counts", "outcome",
                   "message", "version"]  # fmt: skip
        if not chain.sealed:
            self._insert_event(columns, entry)
            return
        if entry["event_id"] <= chain.last:
            raise WorkspaceError(
                f"event {entry['event_id']} cannot follow event {chain.last} in the audit log: "
                "events are logged in the order of their ids"
            )
        entry["prev_hash"] = chain.head
        entry["entry_hash"] = audit_hash(entry, chain.head)
        self._insert_event([*columns, "prev_hash", "entry_hash"], entry)
        chain.head, chain.last = entry["entry_hash"], entry["event_id"]
        chain.count += 1
        chain.moved = True

    def _read_chain(self) -> _Chain:
        keys = ("schema_version", "audit_head", "audit_count", "audit_last")
        rows = self._con.execute(
            "SELECT key, value, current_timestamp FROM meta WHERE key IN (?, ?, ?, ?)", list(keys)
        ).fetchall()
        found: dict[str, str] = {str(r[0]): str(r[1]) for r in rows}
        now = rows[0][2] if rows else self.scalar("SELECT current_timestamp")
        return _Chain(
            now=now,
            sealed=_number(found.get("schema_version")) >= AUDIT_CHAIN_SCHEMA,
            head=found.get("audit_head") or AUDIT_GENESIS,
            count=_number(found.get("audit_count")),
            last=_number(found.get("audit_last")),
            kept=len(found) == len(keys),
        )

    def _write_chain(self) -> None:
        """Write the head the transaction moved into ``meta`` (just before it commits)."""
        chain, self._chain = self._chain, None
        if chain is None or not chain.moved:
            return
        values = [chain.head, str(chain.count), str(chain.last)]
        if chain.kept:  # the usual case: an UPDATE costs a third of an upsert
            self._con.execute(
                "UPDATE meta SET value = CASE key WHEN 'audit_head' THEN ? "
                "WHEN 'audit_count' THEN ? ELSE ? END "
                "WHERE key IN ('audit_head', 'audit_count', 'audit_last')",
                values,
            )
            return
        self._con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('audit_head', ?), ('audit_count', ?), "
            "('audit_last', ?)",
            values,
        )

    def _insert_event(self, columns: list[str], entry: Mapping[str, Any]) -> None:
        marks = ", ".join("?" for _ in columns)
        self._con.execute(
            f"INSERT INTO events ({', '.join(columns)}) VALUES ({marks})",
            [entry[c] for c in columns],
        )

    def _seal_events(self) -> None:
        """Seal the events of a store made before the audit chain, oldest first, and set
        the chain's head (inside the upgrade's transaction)."""
        rows = self.rows(f"SELECT {', '.join(AUDIT_FIELDS)} FROM events ORDER BY event_id")
        prev = AUDIT_GENESIS
        ids, prevs, hashes = [], [], []
        for row in rows:
            ids.append(int(row["event_id"]))
            prevs.append(prev)
            prev = audit_hash(row, prev)
            hashes.append(prev)
        if rows:
            seals = pa.table({
                "event_id": pa.array(ids, pa.int64()),
                "prev_hash": pa.array(prevs, pa.string()),
                "entry_hash": pa.array(hashes, pa.string()),
            })  # fmt: skip
            self._con.register("audit_seals", seals)
            try:
                self._con.execute(
                    """UPDATE events SET prev_hash = s.prev_hash, entry_hash = s.entry_hash
                    FROM audit_seals s WHERE events.event_id = s.event_id"""
                ).fetchall()
            finally:
                self._con.unregister("audit_seals")
        self._con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('audit_head', ?), ('audit_count', ?), "
            "('audit_last', ?)",
            [prev, str(len(rows)), str(ids[-1] if ids else 0)],
        )
        log.info("sealed %d events into the audit chain", len(rows))

    def log_failure(self, command: str, args: Mapping[str, Any], message: str) -> None:
        """Record a command that failed and changed nothing, in its own small transaction.

        Inside an outer transaction (a unit of work running this command) nothing is
        written here: the outer transaction is rolled back, and its owner logs the failure.
        """
        if self._depth:
            return
        with self.transaction():
            self.log_event(
                self.next_event_id(), command, args, {}, outcome="failed", message=message
            )

    def events(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Logged events, newest first."""
        sql = """SELECT event_id, logged_at, actor, command, args, counts, outcome, message,
            version FROM events ORDER BY event_id DESC"""
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self.rows(sql, params)

    # -- queries -----------------------------------------------------------------------

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Run a read query from this package and return its rows as dicts."""
        cur = self._con.execute(sql, params or [])
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def execute(self, sql: str, params: list[Any] | None = None) -> None:
        """Run one statement of this backend's SQL (its query modules, migrations, tests)."""
        self._con.execute(sql, params or []).fetchall()

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        rows = self._con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def counts(self) -> dict[str, int]:
        """Top-level counts: the ``status --json`` contract plus detail."""
        one: Callable[[str], int] = lambda sql: int(self.scalar(sql) or 0)  # noqa: E731
        return {
            "sources": one("SELECT count(*) FROM sources"),
            "records": one("SELECT count(*) FROM current_records"),
            "rejects": one("SELECT count(*) FROM rejects"),
            "persons": self.person_count(),
            "record_versions": one("SELECT count(*) FROM records"),
            "files": one("SELECT count(*) FROM files"),
            "events": one("SELECT count(*) FROM events"),
        }

    def record_count(self) -> int:
        """Current records (one per source and record id)."""
        return int(self.scalar(f"SELECT count(*) FROM ({CURRENT_KEYS})") or 0)

    def person_count(self) -> int:
        """Persons: the distinct person ids of the current clustering (the one definition
        every command and the report use)."""
        return int(self.scalar("SELECT count(DISTINCT person_id) FROM person_records") or 0)

    def sources(self) -> list[dict[str, Any]]:
        """Every source with its record and reject counts, by name."""
        confidential = "s.confidential" if self.has_confidential_column() else "NULL"
        return self.rows(
            f"""SELECT s.name, s.kind, s.independence_group, s.publisher, s.url,
                coalesce(r.n, 0) AS records, coalesce(j.n, 0) AS rejects,
                coalesce({confidential}, false) AS confidential
            FROM sources s
            LEFT JOIN (SELECT source_id, count(*) AS n FROM current_records GROUP BY 1) r
                ON r.source_id = s.name
            LEFT JOIN (SELECT source_name, count(*) AS n FROM rejects GROUP BY 1) j
                ON j.source_name = s.name
            ORDER BY s.name"""
        )

    def has_confidential_column(self) -> bool:
        """Whether the store's sources can be confidential (schema 11 and later; an older
        store is upgraded when opened for writing, but a migration test writes to one)."""
        return bool(
            self.scalar(
                "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'sources' "
                "AND column_name = 'confidential' AND database_name = current_database()"
            )
        )

    def has_source(self, name: str) -> bool:
        return int(self.scalar("SELECT count(*) FROM sources WHERE name = ?", [name])) > 0

    def files(self) -> list[dict[str, Any]]:
        """Every ingested file by content: its SHA-256, name, size, format, encoding and
        archive copy, when it was first ingested, how many ingests read it, the sources its
        current records belong to and how many they are; oldest first."""
        return self.rows(
            """SELECT f.sha256, f.name, f.size, f.format, f.encoding, f.archived_as,
                e.logged_at AS first_ingested,
                (SELECT count(DISTINCT i.event_id) FROM file_ingests i
                    WHERE i.sha256 = f.sha256) AS ingests,
                coalesce((SELECT list(DISTINCT r.source_id ORDER BY r.source_id)
                    FROM current_records r WHERE r.file_sha256 = f.sha256), []) AS sources,
                (SELECT count(*) FROM current_records r WHERE r.file_sha256 = f.sha256)
                    AS records
            FROM files f LEFT JOIN events e ON e.event_id = f.first_event
            ORDER BY f.first_event, f.name, f.sha256"""
        )

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
        rel = self._con.sql(_records_sql(all_versions), params=[source, source])
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
        self._con.execute(f"COPY ({sql}) TO '{_quote(str(path))}' (FORMAT parquet)", [source])
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


def _number(value: str | None) -> int:
    """A count or id kept in ``meta``; a missing or mangled one reads as 0 (the chain then
    shows the break to ``audit verify``)."""
    return int(value) if value and value.isdigit() else 0


def _quote(text: str) -> str:
    return text.replace("'", "''")


def latest_schema_version() -> int:
    return _migrations.available_migrations()[-1].version
