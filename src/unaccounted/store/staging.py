"""Set-based ingest in two phases: stage rows in a scratch database, then merge in one go.

**Stage** (no transaction on the store): each table of each file is appended in batches to
a table of an in-memory scratch database attached to the store's connection, committed batch
by batch, so memory stays bounded — past ``store.memory_limit`` the engine spills the
scratch data to its temporary folder — however large the file. Staged rows carry their
raw cells (one VARCHAR column per input column) and their keys — source, record id,
whether they name anyone, and a content hash — computed as each batch arrives.

**Merge** (inside the caller's one transaction on the store) gives every staged row exactly
one outcome:

* ``new`` — a record not seen before (version 1);
* ``version`` — a known ``record_id`` with changed content (version n+1; the old stays);
* ``unchanged`` — the same content as the record's current version (nothing added);
* a reject: ``no_name``, ``duplicate`` (the same row twice in this ingest) or
  ``conflicting_id`` (one ``record_id`` with two different contents in this ingest).

A crash in either phase leaves the store as it was; the scratch database is detached (and
gone) when the ingest ends.

The content hash covers every non-blank value under its canonical (or, for extra columns,
original) name, so the same row read from another file, in another column order, is the
same row. ``record_id`` and ``source`` are identity, not content, and are not hashed.
The hash is MD5: a fingerprint for change detection, not a security boundary. It reads
a sealed value by its nonce (see ``unaccounted/protect.py``), never its plaintext.
"""

from __future__ import annotations

import json
from types import TracebackType
from typing import Any

import pyarrow as pa

from unaccounted.columns import NAME_COLUMNS, VALUE_COLUMNS
from unaccounted.store.duckdb_core import DuckDBCore
from unaccounted.store.types import Part, SourceMeta, StageColumn

SCRATCH = "ingest_scratch"
REJECT_OUTCOMES = ("no_name", "duplicate", "conflicting_id")


def _stage(part: Part) -> str:
    """The scratch table of a part's staged rows."""
    return f"{SCRATCH}.stage_{part.number}"


def _bad(part: Part) -> str:
    """The scratch table of a part's rows the reader could not read."""
    return f"{SCRATCH}.bad_{part.number}"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _val(col: StageColumn, prefix: str = "") -> str:
    """A raw cell as stored: exactly as found, with an empty cell read as NULL."""
    return f"nullif({prefix}{_ident(col.name)}, '')"


def _fingerprint(col: StageColumn) -> str:
    """A cell as the content hash reads it: a sealed value (``enc:v1:<key id>:<base64>``)
    by its nonce alone — the first 16 base64 characters, derived from the value under the
    workspace's nonce secret and unchanged by a key rotation — so the same row has the same
    hash under any key."""
    val = _val(col)
    return (
        f"CASE WHEN starts_with({val}, 'enc:v1:') THEN 'enc:' || substr({val}, 17, 16) "
        f"ELSE {val} END"
    )


def _pick(col: StageColumn, cell: str) -> str:
    """A staged cell: as read, or the column's default where the file leaves it empty."""
    if col.default is None:
        return f"{cell} AS {_ident(col.name)}"
    if not col.in_file:
        return f"{_lit(col.default)} AS {_ident(col.name)}"
    return f"coalesce(nullif(trim({cell}), ''), {_lit(col.default)}) AS {_ident(col.name)}"


class Stager:
    """Stages the parts of one ingest in a scratch database and merges them into the store.

    Use as a context manager: entering attaches an empty in-memory scratch database,
    leaving detaches it. (A scratch *file* would be slower: every batch would be written
    twice, to its log and its blocks, for data that lives a few seconds.)
    """

    def __init__(self, store: DuckDBCore, event_id: int) -> None:
        self.store = store
        self._con = store._con  # the backend shares its connection
        self.event_id = event_id
        self._append_sql: dict[int, str] = {}

    def __enter__(self) -> Stager:
        self._con.execute(f"ATTACH ':memory:' AS {SCRATCH}")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._con.execute(f"DETACH {SCRATCH}")

    # -- phase 1: stage ----------------------------------------------------------------

    def open(self, part: Part) -> None:
        cols = ", ".join(f"{_ident(c.name)} VARCHAR" for c in part.columns)
        self._con.execute(
            f"CREATE TABLE {_stage(part)} (_line BIGINT NOT NULL, {cols}, src VARCHAR,"
            " rid_given VARCHAR, rid VARCHAR, has_name BOOLEAN, row_hash VARCHAR)"
        )
        self._con.execute(
            f"CREATE TABLE {_bad(part)} (_line BIGINT, code VARCHAR, reason VARCHAR, raw VARCHAR)"
        )
        self._append_sql[part.number] = _append_sql(part)

    def append(self, part: Part, batch: pa.Table) -> None:
        """Append a batch: ``_line`` plus either ``cells`` (a list per row) or ``c0 … cN``."""
        cells = "cells" in batch.column_names
        picks = ", ".join(
            _pick(c, f"cells[{i + 1}]" if cells else _ident(c.name))
            for i, c in enumerate(part.columns)
        )
        sql = self._append_sql[part.number].replace("__PICKS__", picks)
        relation = self._con.from_arrow(batch).query("_ingest_batch", sql)
        assert relation is not None
        relation.insert_into(_stage(part))

    def append_bad(self, part: Part, rows: list[tuple[int, str, str, Any]]) -> None:
        """Keep rows the reader could not stage (bad JSON, too many cells) for ``merge``."""
        if rows:
            self._con.executemany(
                f"INSERT INTO {_bad(part)} VALUES (?, ?, ?, ?)",
                [
                    (line, code, reason, json.dumps(raw, ensure_ascii=False))
                    for line, code, reason, raw in rows
                ],
            )

    # -- phase 2: merge, inside the caller's transaction -------------------------------

    def record_file(self, info: dict[str, Any]) -> None:
        """Store a file's digest and facts (once per content); note a new archive copy."""
        self._con.execute(
            "INSERT INTO files SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS "
            "(SELECT 1 FROM files WHERE sha256 = ?)",
            [
                info["sha256"],
                info["size"],
                info["name"],
                info["format"],
                info["encoding"],
                info["archived_as"],
                self.event_id,
                info["sha256"],
            ],
        )
        if info["archived_as"]:
            self._con.execute(
                "UPDATE files SET archived_as = ? WHERE sha256 = ?",
                [info["archived_as"], info["sha256"]],
            )

    def record_part(self, part: Part, counts: dict[str, int]) -> None:
        """Keep how this table's headers were read, and what became of its rows."""
        header = [{"header": c.header, "column": c.canonical} for c in part.columns]
        self._con.execute(
            "INSERT INTO file_ingests VALUES (?, ?, ?, ?, ?, ?)",
            [
                self.event_id,
                part.file_sha256,
                part.path,
                part.sheet,
                json.dumps(header, ensure_ascii=False),
                json.dumps(counts),
            ],
        )

    def merge(self, part: Part, meta: SourceMeta) -> dict[str, int]:
        """Decide every staged row's outcome, write records and rejects, return the counts.

        The outcomes are computed three times (counts, rejects, records) rather than
        materialised, so that merging a huge file needs no table of its size in memory;
        records are inserted last, so all three see the same store.
        """
        self._ensure_sources(part, meta)
        decide = _decide_sql(part, self.event_id)
        counts = self._con.execute(
            f"SELECT outcome, count(*) FROM ({decide}) GROUP BY outcome"
        ).fetchall()
        self._insert_bad(part)
        self._insert_rejects(part, decide)
        self._insert_records(part, decide)
        return {str(k): int(v) for k, v in counts if v}

    def _ensure_sources(self, part: Part, meta: SourceMeta) -> None:
        names = [
            r[0]
            for r in self._con.execute(
                f"SELECT DISTINCT src FROM {_stage(part)} UNION "
                f"SELECT {_lit(part.default_source)} FROM {_bad(part)} ORDER BY 1"
            ).fetchall()
        ]
        for name in names:
            if not self._con.execute("SELECT 1 FROM sources WHERE name = ?", [name]).fetchall():
                values = [
                    name,
                    meta.kind or "other",
                    meta.publisher,
                    meta.url,
                    meta.independence_group or name,
                    self.event_id,
                ]
                if meta.confidential:  # schema 11; a plain source takes the default (false)
                    self._con.execute(
                        "INSERT INTO sources (name, kind, publisher, url, independence_group,"
                        " created_event, confidential) VALUES (?, ?, ?, ?, ?, ?, true)",
                        values,
                    )
                else:
                    self._con.execute(
                        "INSERT INTO sources (name, kind, publisher, url, independence_group,"
                        " created_event) VALUES (?, ?, ?, ?, ?, ?)",
                        values,
                    )
                continue
            for column in ("kind", "publisher", "url", "independence_group", "confidential"):
                value = getattr(meta, column)
                if value is not None and value is not False:
                    self._con.execute(
                        f"UPDATE sources SET {column} = ? WHERE name = ?", [value, name]
                    )

    def _insert_bad(self, part: Part) -> None:
        self._con.execute(
            f"""INSERT INTO rejects
            SELECT ?, ?, ?, ?, b._line, b.code, b.reason, md5(b.raw), b.raw::JSON
            FROM {_bad(part)} b
            WHERE NOT EXISTS (
                SELECT 1 FROM rejects r WHERE r.file_sha256 = ?
                AND r.sheet IS NOT DISTINCT FROM ? AND r.line = b._line
                AND r.reason_code = b.code
            ) ORDER BY b._line""",
            [
                self.event_id,
                part.default_source,
                part.file_sha256,
                part.sheet,
                part.file_sha256,
                part.sheet,
            ],
        )

    def _insert_records(self, part: Part, decide: str) -> None:
        by_canonical = part.by_canonical()
        values = ", ".join(
            _val(by_canonical[name], "s.") if name in by_canonical else "NULL"
            for name in VALUE_COLUMNS
        )
        extras = part.extras()
        if extras:
            entries = ", ".join(
                f"struct_pack(k := {_lit(c.header)}, v := {_val(c, 's.')})" for c in extras
            )
            extra = (
                f"nullif(to_json(map_from_entries(list_filter([{entries}], "
                f"lambda e: e.v IS NOT NULL))), '{{}}')::JSON"
            )
        else:
            extra = "NULL"
        self._con.execute(
            f"""INSERT INTO records
            SELECT s.src, s.rid, coalesce(d.cur_version, 0) + 1, s.row_hash,
                   s.rid_given IS NULL, ?, ?, ?, s._line, {values}, {extra}
            FROM {_stage(part)} s JOIN ({decide}) d USING (_line)
            WHERE d.outcome IN ('new', 'version')""",
            [self.event_id, part.file_sha256, part.sheet],
        )

    def _insert_rejects(self, part: Part, decide: str) -> None:
        raw = (
            "json_object("
            + ", ".join(f"{_lit(c.header)}, s.{_ident(c.name)}" for c in part.columns)
            + ")::JSON"
        )
        self._con.execute(
            f"""INSERT INTO rejects
            SELECT ?, s.src, ?, ?, s._line, d.outcome,
                CASE WHEN d.outcome = 'no_name' THEN 'no name'
                     WHEN d.outcome = 'duplicate' AND d.n > 1
                        THEN 'duplicate of line ' || d.first_line
                     WHEN d.outcome = 'duplicate'
                        THEN 'duplicate of a row stored earlier in this ingest (line '
                             || d.cur_line || ')'
                     WHEN d.n > 1
                        THEN 'record_id ' || s.rid || ' repeated with different content'
                             || ' (first at line ' || d.first_line || ')'
                     ELSE 'record_id ' || s.rid || ' repeated with different content'
                          || ' earlier in this ingest (line ' || d.cur_line || ')'
                END,
                s.row_hash, {raw}
            FROM ({decide}) d JOIN {_stage(part)} s USING (_line)
            WHERE d.outcome IN ('no_name', 'duplicate', 'conflicting_id')
            AND NOT EXISTS (
                SELECT 1 FROM rejects r WHERE r.file_sha256 = ?
                AND r.sheet IS NOT DISTINCT FROM ? AND r.line = s._line
                AND r.reason_code = d.outcome
            ) ORDER BY s._line""",
            [self.event_id, part.file_sha256, part.sheet, part.file_sha256, part.sheet],
        )


def _append_sql(part: Part) -> str:
    """SELECT for one batch: raw cells plus the row's keys; ``__PICKS__`` selects the cells."""
    by_canonical = part.by_canonical()
    named = [by_canonical[n] for n in NAME_COLUMNS if n in by_canonical]
    has_name = " OR ".join(f"nullif(trim({_ident(c.name)}), '') IS NOT NULL" for c in named)
    hash_parts = sorted(
        [
            (name, f"{_lit(name)} || chr(31) || {_fingerprint(col)}")
            for name, col in by_canonical.items()
            if name in VALUE_COLUMNS
        ]
        + [
            (f"~{c.header}", f"{_lit('~' + c.header)} || chr(31) || {_fingerprint(c)}")
            for c in part.extras()
        ]
    )
    row_hash = f"md5(concat_ws(chr(30), {', '.join(p for _, p in hash_parts)}))"
    src_col = by_canonical.get("source")
    src = (
        f"coalesce(nullif(trim({_ident(src_col.name)}), ''), {_lit(part.default_source)})"
        if src_col
        else _lit(part.default_source)
    )
    rid_col = by_canonical.get("record_id")
    rid_given = f"nullif(trim({_ident(rid_col.name)}), '')" if rid_col else "NULL::VARCHAR"
    cells = ", ".join(_ident(c.name) for c in part.columns)
    return f"""
    SELECT _line, {cells}, src, rid_given,
        coalesce(rid_given, 'h' || substr(row_hash, 1, 16)), has_name, row_hash
    FROM (
        SELECT *, {src} AS src, {rid_given} AS rid_given, ({has_name or "false"}) AS has_name,
            {row_hash} AS row_hash
        FROM (SELECT _line, __PICKS__ FROM _ingest_batch)
    )"""


def _decide_sql(part: Part, event_id: int) -> str:
    """The outcome of every staged row, keyed by ``_line``."""
    ev = int(event_id)
    return f"""
    WITH k AS (SELECT _line, src, rid, row_hash, has_name FROM {_stage(part)}),
    dup_keys AS (
        SELECT src, rid FROM k WHERE has_name GROUP BY src, rid HAVING count(*) > 1
    ),
    dups AS (
        SELECT _line,
            row_number() OVER w AS n,
            first_value(_line) OVER w AS first_line,
            first_value(row_hash) OVER w AS first_hash
        FROM k SEMI JOIN dup_keys USING (src, rid)
        WHERE has_name
        WINDOW w AS (PARTITION BY src, rid ORDER BY _line)
    ),
    cur AS (
        SELECT source_id, record_id, version, row_hash, event_id, line
        FROM current_records WHERE source_id IN (SELECT DISTINCT src FROM k)
    )
    SELECT k._line, coalesce(dups.n, 1) AS n, dups.first_line,
        cur.version AS cur_version, cur.line AS cur_line,
        CASE
            WHEN NOT k.has_name THEN 'no_name'
            WHEN dups.n > 1 AND k.row_hash = dups.first_hash THEN 'duplicate'
            WHEN dups.n > 1 THEN 'conflicting_id'
            WHEN cur.record_id IS NULL THEN 'new'
            WHEN cur.event_id = {ev} AND cur.row_hash = k.row_hash THEN 'duplicate'
            WHEN cur.event_id = {ev} THEN 'conflicting_id'
            WHEN cur.row_hash = k.row_hash THEN 'unchanged'
            ELSE 'version'
        END AS outcome
    FROM k
    LEFT JOIN dups USING (_line)
    LEFT JOIN cur ON cur.source_id = k.src AND cur.record_id = k.rid
    """
