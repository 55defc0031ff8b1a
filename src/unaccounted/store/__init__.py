"""The workspace store. Only this package knows SQL and the storage engine."""

from unaccounted.store.duckdb_store import Store, latest_schema_version

__all__ = ["Store", "latest_schema_version"]
