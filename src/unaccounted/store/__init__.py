"""The workspace store. Only this package knows SQL and the storage engine.

Everything outside it sees :class:`~unaccounted.store.base.Store` (the interfaces), the
plain values of :mod:`unaccounted.store.types`, and the functions below that open a
store. The DuckDB backend's modules (``duckdb_*``, the query mixins) are private to the
package; an import test keeps it so.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from unaccounted.settings import StoreSettings
from unaccounted.store.base import Store
from unaccounted.store.duckdb_core import ACTOR_ENV, default_actor, latest_schema_version
from unaccounted.store.duckdb_store import DuckDBStore
from unaccounted.store.health import DiskFull, StoreDamaged, storage_failure
from unaccounted.store.linkage import input_sql

__all__ = [
    "ACTOR_ENV",
    "DiskFull",
    "Store",
    "StoreDamaged",
    "create_store",
    "default_actor",
    "latest_schema_version",
    "link_input_from",
    "open_store",
    "storage_failure",
]


def create_store(path: Path, settings: StoreSettings, *, actor: str | None = None) -> Store:
    """Create an empty store at ``path`` with the latest schema."""
    return DuckDBStore.create(path, settings, actor=actor)


def open_store(
    path: Path, settings: StoreSettings, *, read_only: bool = False, actor: str | None = None,
    checked: bool = True,
) -> Store:  # fmt: skip
    """Open the store at ``path`` (upgrading an older schema unless read-only).

    A damaged store is refused (:class:`StoreDamaged`) unless ``checked`` is False: the
    full check opens it unchecked, read-only, to report what it finds."""
    return DuckDBStore.open(path, settings, read_only=read_only, actor=actor, checked=checked)


def link_input_from(con: duckdb.DuckDBPyConnection, normalized: str, extra: list[str]) -> pa.Table:
    """The link input over a normalized-shaped table on another DuckDB connection (the
    one-shot ``dedupe`` links in an in-memory database of its own, not in a store)."""
    cols = "".join(f', n."{c}"' for c in extra)
    result: pa.Table = con.sql(input_sql(normalized, None, cols)).to_arrow_table()
    return result
