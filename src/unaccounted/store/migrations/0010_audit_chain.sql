-- Schema 10: the event log becomes a hash chain (see docs/workspace.md, "The audit log").
--
-- Each event carries the hash of the entry before it and its own hash, a SHA-256 over a
-- canonical text of every column of the event and of prev_hash (store/types.py,
-- audit_hash). The chain's head is kept in meta: the newest entry's hash, the number of
-- entries and the newest entry's id, so that a deleted last entry is found too.
--
-- The events of an upgraded store are sealed, oldest first, by the upgrade itself (in
-- Python, in the same transaction: store/duckdb_core.py, _seal_events).

ALTER TABLE events ADD COLUMN prev_hash VARCHAR;
ALTER TABLE events ADD COLUMN entry_hash VARCHAR;

INSERT OR REPLACE INTO meta VALUES
    ('audit_head', '0000000000000000000000000000000000000000000000000000000000000000'),
    ('audit_count', '0'),
    ('audit_last', '0');
