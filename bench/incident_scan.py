"""A unit's and a person's incidents: asked of the store (one query) against the named
baseline, the scan the pages did before — every incident graded and its involvements read,
one query each, to keep the unit's or person's.

Adds ``--incidents`` invented incidents in one write, each with three involvements (units
of a rotating list, one in ``--share`` of them the unit asked about), then times
``unit_incidents`` both ways and checks that they return the same list.

    python bench/incident_scan.py [--incidents N] [--share K]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import machine, write_result

UNITS = ("omsbr:25", "omsbr:64", "vch:11111", "vch:22222", "mp:1", "okb:3", "tbr:4")


def scan(s: Any, keys: list[str]) -> list[dict[str, Any]]:
    """The baseline: every incident graded, every incident's involvements read."""
    from unaccounted.service import incident_views as views
    from unaccounted.service import testimonies as service

    out = []
    wanted = set(keys)
    for row in service.incidents(s):
        involved = s.store.involvements(str(row["id"]))
        roles = sorted({str(i["role"]) for i in involved if i["unit_key"] in wanted})
        if roles:
            out.append(views._summary(row, roles))
    return out


def timed(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, Any]:
    times, got = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        got = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=2000)
    parser.add_argument("--share", type=int, default=20, help="1 in K names the unit")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parents[1] / "src"))
    from unaccounted.service import Session
    from unaccounted.service import incident_views as views
    from unaccounted.service import testimonies as service
    from unaccounted.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.init(Path(tmp) / "ws")
        with Session.open(ws.root, "bench") as s:
            with s.write("incident-add", {"bench": args.incidents}) as work:
                for n in range(args.incidents):
                    row = {"type": "torture", **service.incident_interval("2024-03", None),
                           "place_id": None, "summary": f"incident {n}"}  # fmt: skip
                    iid = work.store.add_incident(row, service.now())
                    for k in range(3):
                        key = (
                            "omsbr:25" if k == 0 and n % args.share == 0 else UNITS[1 + (n + k) % 6]
                        )
                        work.store.add_involvement(
                            iid, {"role": "perpetrator", "unit_raw": key, "unit_key": key},
                            service.now())  # fmt: skip
            baseline, old = timed(lambda: scan(s, ["omsbr:25"]), repeat=3)
            query, new = timed(lambda: views.unit_incidents(s, ["omsbr:25"]))
    assert old == new, "the query and the scan disagree"
    result = {
        "what": "a unit's incidents: one store query against the scan of every incident",
        "machine": machine(),
        "incidents": args.incidents, "involvements": 3 * args.incidents,
        "found": len(new),
        "baseline": {"name": "scan every incident", "seconds": round(baseline, 4)},
        "query": {"name": "incidents_involving", "seconds": round(query, 4)},
        "speedup": round(baseline / query, 1),
    }  # fmt: skip
    print(write_result("incident_scan", result))
    print(result)


if __name__ == "__main__":
    main()
