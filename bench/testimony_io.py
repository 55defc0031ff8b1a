"""Testimonies in bulk and incidents out: what ``testimony import`` and ``incident export``
cost.

Imports ``--accounts`` invented accounts from one CSV (half of them confidential
interviews with a witness, so sealed) in one write, against the named baseline — the same
accounts taken in one ``testimony add`` each (a write and a commit per account, as a script
calling the command per file would). Then links ``--incidents`` of the accounts to an incident
each, with a unit and a sealed victim, and times the export of every incident as CSV and as
FollowTheMoney entities (each value checked by its type).

    python bench/testimony_io.py [--accounts N] [--incidents N]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import machine, write_result

WORDS = ("подвал", "склад", "командир", "рота", "деньги", "ночь", "река", "врач", "бумага",
         "угроза", "перевод", "тыл", "дом", "письмо", "телефон", "неделя")  # fmt: skip


def accounts(n: int) -> list[dict[str, str]]:
    """``n`` invented accounts (fixed seed): texts of 40 to 400 words."""
    rng = random.Random(19)
    rows = []
    for i in range(n):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 400))) + ".\n"
        interview = i % 2 == 0
        rows.append({"kind": "interview" if interview else "media_report",
                     "source": f"team-{i % 9}", "date": f"2024-{1 + i % 12:02d}",
                     "language": "ru", "text": f"{i}: {text}",
                     "witness": f"свидетель-{i % 97}" if interview else ""})  # fmt: skip
    return rows


def import_all(root: Path, rows: list[dict[str, str]]) -> float:
    from unaccounted.service import Session
    from unaccounted.service.testimony_io import import_testimonies
    from unaccounted.workspace import Workspace

    ws = Workspace.init(root)
    path = root / "accounts.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with Session.open(ws.root, "ed") as s:
        t = time.perf_counter()
        r = import_testimonies(s, path)
        seconds = time.perf_counter() - t
    assert len(r["testimonies"]) == len(rows)
    return seconds


def add_each(root: Path, rows: list[dict[str, str]]) -> float:
    """The baseline: one ``testimony add`` (one write, one commit) per account."""
    from unaccounted.service import Session
    from unaccounted.service import testimonies as service
    from unaccounted.workspace import Workspace

    ws = Workspace.init(root)
    with Session.open(ws.root, "ed") as s:
        t = time.perf_counter()
        for row in rows:
            service.add_testimony(s, row["text"].encode(), kind=row["kind"], source=row["source"],
                                  language="ru", date=row["date"],
                                  witness=row["witness"] or None)  # fmt: skip
        return time.perf_counter() - t


def export_all(root: Path, n: int) -> dict[str, Any]:
    from unaccounted.service import Session
    from unaccounted.service import testimonies as service
    from unaccounted.service.testimony_io import export_incidents

    out: dict[str, Any] = {}
    with Session.open(root, "ed") as s:
        t = time.perf_counter()
        for i in range(n):
            iid = service.add_incident(s, "torture", start="2024-03")
            service.link(s, iid, f"T-{i + 1}")
            service.involve(s, iid, "perpetrator", unit=f"{1 + i % 40} ОМСБр")
            service.involve(s, iid, "victim", actor=f"потерпевший {i}")
        out["build_incidents_seconds"] = round(time.perf_counter() - t, 2)
        for fmt in ("csv", "ftm"):
            buf = io.StringIO()
            t = time.perf_counter()
            count = export_incidents(s, fmt, stream=buf)
            seconds = time.perf_counter() - t
            out[fmt] = {"seconds": round(seconds, 2), "written": count,
                        "ms_per_incident": round(seconds / n * 1000, 3),
                        "bytes": len(buf.getvalue().encode())}  # fmt: skip
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--incidents", type=int, default=500, help="Exported (at most N).")
    args = parser.parse_args()
    n = args.accounts
    rows = accounts(n)
    result: dict[str, Any] = {
        "benchmark": "testimony_io", "machine": machine(), "accounts": n,
        "account_bytes": sum(len(r["text"].encode()) for r in rows),
        "load_average_before": os.getloadavg()[0],
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("UNACCOUNTED_KEY_FILE", str(Path(tmp) / "bench.key"))
        imported = import_all(Path(tmp) / "import", rows)
        baseline = add_each(Path(tmp) / "baseline", rows)
        result["import"] = {"seconds": round(imported, 2),
                            "ms_per_account": round(imported / n * 1000, 3)}  # fmt: skip
        result["baseline_add_each"] = {"seconds": round(baseline, 2),
                                       "ms_per_account": round(baseline / n * 1000, 3)}  # fmt: skip
        result["speedup_over_baseline"] = round(baseline / imported, 2)
        print(json.dumps(result["import"]), json.dumps(result["baseline_add_each"]), flush=True)
        result["incidents"] = min(n, args.incidents)
        result["export"] = export_all(Path(tmp) / "import", result["incidents"])
    result["load_average_after"] = os.getloadavg()[0]
    path = write_result("testimony_io", result)
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
