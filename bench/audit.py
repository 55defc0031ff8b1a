"""The audit chain: what sealing each event costs, and how long verifying the log takes.

Logs ``--events`` events through the store's ``log_event``, each in its own transaction
(as every command logs its event) and all in one (the chain's own cost), against the
named baseline — the same rows logged without the chain (an id from the sequence and the
plain INSERT that ``log_event`` ran before schema 10). Then verifies the chain (``audit
verify``'s check), reads the log filtered by actor, and seals a store made before the
chain with as many events (the upgrade to schema 10).

    python bench/audit.py [--events N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import machine, write_result
from unaccounted.settings import StoreSettings

ACTORS = ("ann", "bob", "cid", "dora")


def _args(i: int) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"source": f"list-{i % 7}", "kind": "obituary"}, {"records": i, "rejects": i % 3}


def log_chained(root: Path, n: int, *, one_transaction: bool) -> tuple[Any, float]:
    """``n`` events through ``log_event``: each in its own transaction (as commands log
    them), or all in one (the chain's own cost, without a commit per event)."""
    from contextlib import nullcontext

    from unaccounted.store import create_store

    root.mkdir()
    store = create_store(root / "store.duckdb", StoreSettings(), actor="ann")
    t = time.perf_counter()
    with store.transaction() if one_transaction else nullcontext():
        for i in range(n):
            store.actor = ACTORS[i % len(ACTORS)]
            args, counts = _args(i)
            store.log_event(store.next_event_id(), "set-source-kind", args, counts)
    return store, time.perf_counter() - t


def log_plain(path: Path, n: int, *, one_transaction: bool) -> float:
    """The baseline: what logging an event was before the chain — the id from the
    sequence and one plain INSERT (autocommitted, or all in one transaction)."""
    import duckdb

    con = duckdb.connect(str(path))
    con.execute("CREATE SEQUENCE event_seq START 1")
    con.execute("""CREATE TABLE events (event_id BIGINT PRIMARY KEY,
        logged_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, actor VARCHAR NOT NULL,
        command VARCHAR NOT NULL, args JSON, counts JSON, outcome VARCHAR NOT NULL,
        message VARCHAR, version VARCHAR NOT NULL)""")
    t = time.perf_counter()
    if one_transaction:
        con.execute("BEGIN TRANSACTION")
    for i in range(n):
        args, counts = _args(i)
        event_id = con.execute("SELECT nextval('event_seq')").fetchall()[0][0]
        con.execute(
            "INSERT INTO events (event_id, actor, command, args, counts, outcome, message, "
            "version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [event_id, ACTORS[i % len(ACTORS)], "set-source-kind", json.dumps(args),
             json.dumps(counts), "ok", None, "0"],
        )  # fmt: skip
    if one_transaction:
        con.execute("COMMIT")
    seconds = time.perf_counter() - t
    con.close()
    return seconds


def seal_on_upgrade(root: Path, n: int) -> float:
    """A store made at schema 8 with ``n`` events, opened by this unaccounted."""
    from unaccounted.store import migrations as migrations_module
    from unaccounted.store import open_store
    from unaccounted.workspace import Workspace

    shipped = migrations_module.available_migrations()
    migrations_module.available_migrations = lambda: shipped[:8]  # type: ignore[assignment]
    try:
        ws = Workspace.init(root)
        with ws.store() as store:
            store.execute(
                "INSERT INTO events (event_id, actor, command, args, counts, outcome, version) "
                "SELECT nextval('event_seq'), 'ann', 'ingest', '{}', '{}', 'ok', '0' "
                "FROM range(?) t(i)",
                [n],
            )
    finally:
        migrations_module.available_migrations = lambda: shipped  # type: ignore[assignment]
    t = time.perf_counter()
    with open_store(ws.store_path, ws.settings.store) as store:
        assert store.audit_head()["count"] == n + 1  # and the upgrade's own event
    return time.perf_counter() - t


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    from unaccounted.service.audit import check_store

    n = args.events
    result: dict[str, Any] = {"benchmark": "audit", "machine": machine(), "events": n,
                              "load_average_before": os.getloadavg()[0]}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for mode, one in (("own_transactions", False), ("one_transaction", True)):
            plain = log_plain(root / f"plain-{mode}.duckdb", n, one_transaction=one)
            store, chained = log_chained(root / f"chained-{mode}", n, one_transaction=one)
            result[mode] = {
                "chained_seconds": round(chained, 2),
                "chained_ms_per_event": round(chained / n * 1000, 3),
                "baseline_seconds": round(plain, 2),
                "baseline_ms_per_event": round(plain / n * 1000, 3),
            }
            print(mode, result[mode], flush=True)
            with store:
                store.checkpoint()
                t = time.perf_counter()
                found = check_store(store)
                result[mode]["verify_seconds"] = round(time.perf_counter() - t, 3)
                assert found.ok and found.entries == n, found
                t = time.perf_counter()
                rows = store.audit_log(actor="bob")
                result[mode]["audit_log_by_actor_seconds"] = round(time.perf_counter() - t, 3)
                assert len(rows) == n // len(ACTORS)
        result["seal_on_upgrade_seconds"] = round(seal_on_upgrade(root / "old", n), 2)
    result["load_average_after"] = os.getloadavg()[0]
    path = write_result("audit", result)
    json.dump(result, sys.stdout, indent=2)
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
