"""Run every benchmark under bench/ in turn; each writes bench/results/<name>.json.

python bench/run.py [--quick] [NAME ...]

``--quick`` runs small sizes as a smoke test and writes to ``bench/results/quick/``, so the
figures of full runs in ``bench/results/`` are never replaced by a smoke run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import QUICK_ENV  # noqa: E402

QUICK_ARGS = {
    "audit": ["--events", "500"],
    "ingest": ["--rows", "200000"],
    "estimate": ["--quick"],
    "link": ["--quick"],
    "link_incremental": ["--quick"],
    "concealment": ["--quick"],
    "dead_among_missing": [
        "--worlds",
        "2",
        "--persons",
        "1000",
        "--name",
        "dead_among_missing_quick",
    ],
    "normalize": ["--records", "100000", "--baseline-records", "2000"],
    "simulate": [],
    "nowcast": ["--quick"],
    "strata": ["--quick"],
    "views": ["--quick"],
    "search": ["--quick"],
    "web": ["--quick"],
    "testimony_io": ["--accounts", "200", "--incidents", "100"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks.")
    parser.add_argument("names", nargs="*", help="Only these benchmarks (default: all).")
    parser.add_argument("--quick", action="store_true", help="Smaller runs, for a smoke test.")
    args = parser.parse_args()
    # febrl.py is a part of link.py, not a benchmark of its own
    helpers = ("run", "common", "febrl")
    found = sorted(p.stem for p in HERE.glob("*.py") if p.stem not in helpers)
    names = args.names or found
    unknown = sorted(set(names) - set(found))
    if unknown:
        print(
            f"error: no benchmark named {', '.join(unknown)} (have: {', '.join(found)})",
            file=sys.stderr,
        )
        return 2
    failed = []
    for name in names:
        extra = QUICK_ARGS.get(name, []) if args.quick else []
        print(f"== {name} {' '.join(extra)}", flush=True)
        start = time.perf_counter()
        env = {**os.environ, QUICK_ENV: "1"} if args.quick else None
        done = subprocess.run(
            [sys.executable, str(HERE / f"{name}.py"), *extra], check=False, env=env
        )
        print(
            f"== {name}: exit {done.returncode} in {time.perf_counter() - start:.0f} s", flush=True
        )
        if done.returncode:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
