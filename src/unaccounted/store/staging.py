"""Set-based ingest: stage a file's rows, then decide in SQL what each row becomes.

Rows are staged as raw strings (one VARCHAR column per input column). ``merge`` then, in
the caller's transaction, gives every staged row exactly one outcome:

* ``new`` — a record not seen before (version 1);
* ``version`` — a known ``record_id`` with changed content (version n+1; the old stays);
* ``unchanged`` — the same content as the record's current version (nothing added);
* a reject: ``no_name``, ``duplicate`` (the same row twice in this ingest) or
  ``conflicting_id`` (one ``record_id`` with two different contents in this ingest).

The content hash covers every non-blank value under its canonical (or, for extra columns,
original) name, so the same row read from another file, in another column order, is the
same row. ``record_id`` and ``source`` are identity, not content, and are not hashed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from unaccounted.columns import NAME_COLUMNS, VALUE_COLUMNS
from unaccounted.store.duckdb_store import Store

STAGE = "_ingest_stage"


@dataclass(frozen=True)
class StageColumn:
    """One input column: its stage column name, its header as found, its canonical name."""

    name: str
    header: str
    canonical: str | None


@dataclass(frozen=True)
class SourceMeta:
    """Source attributes given on the command line or in a mapping (None = not given)."""

    kind: str | None = None
    publisher: str | None = None
    url: str | None = None
    independence_group: str | None = None


@dataclass(frozen=True)
class Part:
    """One table of one file (a CSV, or one sheet of a workbook)."""

    file_sha256: str
    path: str
    sheet: str | None
    columns: tuple[StageColumn, ...]
    default_source: str


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class Stager:
    """Stages and merges the parts of one ingest event inside the caller's transaction."""

    def __init__(self, store: Store, event_id: int) -> None:
        self.store = store
        self.con = store.con
        self.event_id = event_id

    def open(self, part: Part) -> None:
        cols = ", ".join(f"{_ident(c.name)} VARCHAR" for c in part.columns)
        self.con.execute(f"CREATE OR REPLACE TABLE {STAGE} (_line BIGINT NOT NULL, {cols})")

    def append(self, batch: pa.Table) -> None:
        """Append a batch whose columns are ``_line`` then the part's stage columns."""
        self.con.register("_ingest_batch", batch)
        try:
            self.con.execute(f"INSERT INTO {STAGE} SELECT * FROM _ingest_batch")
        finally:
            self.con.unregister("_ingest_batch")

    def reject_raw(self, part: Part, line: int, code: str, reason: str, raw: Any) -> None:
        """Reject a row the reader could not even stage (bad JSON, too many fields...)."""
        raw_json = json.dumps(raw, ensure_ascii=False)
        self.con.execute(
            "INSERT INTO rejects SELECT ?, ?, ?, ?, ?, ?, ?, sha256(?), ? WHERE NOT EXISTS ("
            " SELECT 1 FROM rejects WHERE file_sha256 = ? AND sheet IS NOT DISTINCT FROM ?"
            " AND line = ? AND reason_code = ?)",
            [self.event_id, part.default_source, part.file_sha256, part.sheet, line, code, reason,
             raw_json, raw_json, part.file_sha256, part.sheet, line, code],
        )

    def merge(self, part: Part, meta: SourceMeta) -> dict[str, int]:
        """Decide every staged row's outcome, write records and rejects, return the counts."""
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE _prep AS {_prep_sql(part)}")
        self._ensure_sources(meta)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE _decided AS {self._decide_sql()}")
        self._insert_records(part)
        self._insert_rejects(part)
        counts = dict(
            self.con.execute(
                "SELECT outcome, count(*) FROM _decided GROUP BY outcome"
                " UNION ALL SELECT 'no_name', count(*) FROM _prep WHERE NOT has_name"
            ).fetchall()
        )
        for table in ("_prep", "_decided"):
            self.con.execute(f"DROP TABLE {table}")
        self.con.execute(f"DROP TABLE {STAGE}")
        return {k: int(v) for k, v in counts.items() if v}

    # -- the steps -------------------------------------------------------------------

    def _ensure_sources(self, meta: SourceMeta) -> None:
        names = [r[0] for r in self.con.execute("SELECT DISTINCT src FROM _prep").fetchall()]
        for name in names:
            exists = self.con.execute("SELECT 1 FROM sources WHERE name = ?", [name]).fetchone()
            if exists is None:
                self.con.execute(
                    "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)",
                    [name, meta.kind or "other", meta.publisher, meta.url,
                     meta.independence_group or name, self.event_id],
                )
                continue
            for column in ("kind", "publisher", "url", "independence_group"):
                value = getattr(meta, column)
                if value is not None:
                    self.con.execute(
                        f"UPDATE sources SET {column} = ? WHERE name = ?", [value, name]
                    )

    def _decide_sql(self) -> str:
        ev = int(self.event_id)
        return f"""
        WITH c AS (
            SELECT p.*,
                row_number() OVER w AS n,
                first_value(_line) OVER w AS first_line,
                first_value(row_hash) OVER w AS first_hash
            FROM _prep p WHERE has_name
            WINDOW w AS (PARTITION BY src, rid ORDER BY _line)
        ), cur AS (
            SELECT source_id, record_id, version, row_hash, event_id, line
            FROM current_records WHERE source_id IN (SELECT DISTINCT src FROM _prep)
        )
        SELECT c.*, cur.version AS cur_version, cur.line AS cur_line,
            CASE
                WHEN c.n > 1 AND c.row_hash = c.first_hash THEN 'duplicate'
                WHEN c.n > 1 THEN 'conflicting_id'
                WHEN cur.record_id IS NULL THEN 'new'
                WHEN cur.event_id = {ev} AND cur.row_hash = c.row_hash THEN 'duplicate'
                WHEN cur.event_id = {ev} THEN 'conflicting_id'
                WHEN cur.row_hash = c.row_hash THEN 'unchanged'
                ELSE 'version'
            END AS outcome
        FROM c LEFT JOIN cur ON cur.source_id = c.src AND cur.record_id = c.rid
        """

    def _insert_records(self, part: Part) -> None:
        values = ", ".join(VALUE_COLUMNS)
        self.con.execute(
            f"""INSERT INTO records
            SELECT src, rid, coalesce(cur_version, 0) + 1, row_hash, rid_given IS NULL,
                   ?, ?, ?, _line, {values}, extra
            FROM _decided WHERE outcome IN ('new', 'version') ORDER BY _line""",
            [self.event_id, part.file_sha256, part.sheet],
        )

    def _insert_rejects(self, part: Part) -> None:
        self.con.execute(
            """INSERT INTO rejects
            SELECT ?, x.src, ?, ?, x._line, x.code, x.reason, x.row_hash, x.raw FROM (
                SELECT src, _line, 'no_name' AS code, 'no name' AS reason, row_hash, raw
                FROM _prep WHERE NOT has_name
                UNION ALL
                SELECT src, _line, outcome,
                    CASE WHEN outcome = 'duplicate' AND n > 1
                            THEN 'duplicate of line ' || first_line
                         WHEN outcome = 'duplicate'
                            THEN 'duplicate of a row stored earlier in this ingest (line '
                                 || cur_line || ')'
                         WHEN n > 1
                            THEN 'record_id ' || rid || ' repeated with different content'
                                 || ' (first at line ' || first_line || ')'
                         ELSE 'record_id ' || rid || ' repeated with different content'
                              || ' earlier in this ingest (line ' || cur_line || ')'
                    END, row_hash, raw
                FROM _decided WHERE outcome IN ('duplicate', 'conflicting_id')
            ) x
            WHERE NOT EXISTS (
                SELECT 1 FROM rejects r WHERE r.file_sha256 = ?
                AND r.sheet IS NOT DISTINCT FROM ? AND r.line = x._line AND r.reason_code = x.code
            ) ORDER BY x._line""",
            [self.event_id, part.file_sha256, part.sheet, part.file_sha256, part.sheet],
        )


def _prep_sql(part: Part) -> str:
    """One row per staged row with its source, content hash, record id and raw form."""
    by_canonical = {c.canonical: c for c in part.columns if c.canonical}
    extras = [c for c in part.columns if c.canonical is None]

    def val(col: StageColumn) -> str:
        return f"nullif({_ident(col.name)}, '')"

    selects = [
        f"{val(by_canonical[name])} AS {name}" if name in by_canonical
        else f"NULL::VARCHAR AS {name}"
        for name in VALUE_COLUMNS
    ]
    named = [n for n in NAME_COLUMNS if n in by_canonical]
    has_name = (
        " OR ".join(f"nullif(trim({_ident(by_canonical[n].name)}), '') IS NOT NULL" for n in named)
        or "false"
    )
    hash_parts = sorted(
        [(name, f"{_lit(name)} || chr(31) || {name}") for name in VALUE_COLUMNS if name in by_canonical]
        + [(f"~{c.header}", f"{_lit('~' + c.header)} || chr(31) || {val(c)}") for c in extras]
    )
    row_hash = f"sha256(concat_ws(chr(30), {', '.join(p for _, p in hash_parts)}))"
    if extras:
        entries = ", ".join(f"struct_pack(k := {_lit(c.header)}, v := {val(c)})" for c in extras)
        extra = (
            f"nullif(to_json(map_from_entries(list_filter([{entries}], "
            f"lambda e: e.v IS NOT NULL))), '{{}}')::JSON"
        )
    else:
        extra = "NULL::JSON"
    raw = "json_object(" + ", ".join(f"{_lit(c.header)}, {_ident(c.name)}" for c in part.columns) + ")"
    src_col = by_canonical.get("source")
    src = (
        f"coalesce(nullif(trim({_ident(src_col.name)}), ''), {_lit(part.default_source)})"
        if src_col else _lit(part.default_source)
    )
    rid_col = by_canonical.get("record_id")
    rid_given = f"nullif(trim({_ident(rid_col.name)}), '')" if rid_col else "NULL::VARCHAR"
    return f"""
    SELECT *, coalesce(rid_given, 'h' || substr(row_hash, 1, 16)) AS rid FROM (
        SELECT _line, {', '.join(selects)}, {extra} AS extra, {raw}::JSON AS raw,
            {src} AS src, {rid_given} AS rid_given, ({has_name}) AS has_name,
            {row_hash} AS row_hash
        FROM {STAGE}
    )"""
