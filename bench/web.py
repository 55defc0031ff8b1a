"""The web application's latency over loopback, against the service called directly.

Builds a simulated workspace of about ``--records`` records with bench/common.py's world
building (simulate → ingest, as bench/search.py does), then normalizes and links it through
the service, so that the person views and the search index are stored as a served
workspace has them (the review band widened as in tests/web so that the review queue is not
empty; the store's memory limit raised to :data:`STORE_MEMORY`). ``--data DIR`` keeps the
world and reuses it on the next run. Serves it with ``unaccounted serve`` in a child process
and measures p50/p95 latency of the person page, the review-queue page and the search page
under 1 and under 8 concurrent clients. Named baseline, same workspace, same requests, same
run: the service functions called directly in one process (``persons.person``,
``review.next_pair`` with ``review.progress``, ``search.search``), so that the web's own
overhead is visible. ``--before-src DIR`` serves the same workspace a second time with the
code of another checkout's ``src/`` (e.g. the one before a change) and reports it as
``web_before``. Target: p95 under 150 ms for one client at 1,000,000 records.

    python bench/web.py [--quick] [--records N] [--requests N] [--data DIR]
                        [--before-src DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from common import cached_facts, machine, simulated_workspace, write_result
from unaccounted.service import Session, persons, review
from unaccounted.service import link as linking
from unaccounted.settings import Settings

SEED = 11
CLIENTS = (1, 8)
#: Records per simulated person under the default simulator config (bench/search.py).
RECORDS_PER_PERSON = 1.055
#: The bench workspaces' store memory limit (``[store] memory_limit``).
STORE_MEMORY = "4GB"


def build(root: Path, records: int) -> dict[str, Any]:
    """A simulated world of about ``records`` records in ``root`` (``common.py``'s, as
    bench/search.py builds), normalized and linked through the service so that the person
    views and the search index are stored as a served workspace has them; reused when
    ``root`` holds one already."""

    def make() -> dict[str, Any]:
        base = Settings()
        link = base.link.model_copy(
            update={"match_threshold": 0.97, "review_low": 0.05, "review_high": 0.97}
        )
        # the person views' refresh after a link run at a million records needs more than
        # the default 512MB
        store = base.store.model_copy(update={"memory_limit": STORE_MEMORY})
        persons_n = max(100, round(records / RECORDS_PER_PERSON))
        ws, facts = simulated_workspace(
            root, persons_n, SEED, base.model_copy(update={"link": link, "store": store})
        )
        with Session.open(ws.root, "bench") as s:
            t = time.perf_counter()
            facts["records"] = linking.normalize(s).records
            facts["normalize_seconds"] = round(time.perf_counter() - t, 1)
            t = time.perf_counter()
            facts["linked_persons"] = linking.link(s).persons
            facts["link_seconds"] = round(time.perf_counter() - t, 1)
        return facts

    return cached_facts(root, make)


def quantiles(ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 2), "p95_ms": round(cuts[94], 2), "n": len(ms)}


def timed(call: Callable[[], Any], times: int) -> list[float]:
    out = []
    for _ in range(times):
        t0 = time.perf_counter()
        call()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def names(root: Path, k: int) -> tuple[list[str], list[str]]:
    """``k`` persons drawn with the seed (by a hash of their id, without reading every
    view): their ids, and their names as queries."""
    with Session.open(root, "bench", read_only=True) as s:
        rows = s.store.rows(
            "SELECT person_id, name FROM person_views ORDER BY hash(person_id || ?), person_id "
            "LIMIT ?",
            [str(SEED), k],
        )
    return [str(r["person_id"]) for r in rows], [str(r["name"]) for r in rows if r["name"]]


def baseline(root: Path, ids: list[str], queries: list[str], search: Any) -> dict[str, Any]:
    with Session.open(root, "bench") as s:
        leases = review.Leases()
        it = iter(ids * 10)
        out = {
            "person": quantiles(timed(lambda: persons.person(s, next(it)), len(ids))),
            "review": quantiles(
                timed(lambda: (review.next_pair(s, leases, "b"), review.progress(s, leases)), 50)
            ),
        }
        if search is not None:
            q = iter(queries * 10)
            out["search"] = quantiles(timed(lambda: search(s, next(q)), len(queries)))
    return out


def over_http(url: str, paths: list[str], clients: int) -> dict[str, float]:
    ms: list[float] = []
    lock = threading.Lock()

    def worker(part: list[str], reviewer: str) -> None:
        with httpx.Client(base_url=url, timeout=60, cookies={"reviewer": reviewer}) as c:
            for p in part:
                t0 = time.perf_counter()
                r = c.get(p)
                took = (time.perf_counter() - t0) * 1000
                assert r.status_code == 200, (p, r.status_code)
                with lock:
                    ms.append(took)

    threads = [
        threading.Thread(target=worker, args=(paths[i::clients], f"r{i}")) for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return quantiles(ms)


def serve(root: Path, port: int, src: Path | None = None) -> subprocess.Popen[str]:
    """``unaccounted serve`` on ``root`` in a child process (the code in ``src`` when given,
    this checkout's otherwise), once it answers."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    proc = subprocess.Popen(
        [sys.executable, "-m", "unaccounted", "-w", str(root), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    for _ in range(3000):
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped: {proc.stderr.read() if proc.stderr else ''}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=2)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("the server did not start")


def measure_web(
    root: Path, pages: dict[str, list[str]], src: Path | None = None
) -> dict[str, dict[str, float]]:
    """Each page under 1 and 8 clients over loopback, one server for all of them; one
    warm-up request per page first (the search index loads on the first search)."""
    port = 8800 + os.getpid() % 100
    proc = serve(root, port, src)
    url = f"http://127.0.0.1:{port}"
    try:
        for paths in pages.values():
            httpx.get(url + paths[0], timeout=600, cookies={"reviewer": "warm"})
        return {
            f"{name}@{c}": over_http(url, paths, c)
            for name, paths in pages.items()
            for c in CLIENTS
        }
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 records, 40 requests.")
    parser.add_argument(
        "--records", type=int, default=20_000,
        help="About this many records (1000000 for the acceptance run).",
    )  # fmt: skip
    parser.add_argument("--requests", type=int, default=200, help="Requests per page and run.")
    parser.add_argument("--data", type=Path, help="Keep the world here; reuse it if there.")
    parser.add_argument(
        "--before-src", type=Path,
        help="Also serve the same workspace with the code of this src/ folder (an earlier "
        "checkout) and report its figures as web_before.",
    )  # fmt: skip
    args = parser.parse_args()
    n, k = (1000, 40) if args.quick else (args.records, args.requests)
    try:
        from unaccounted.service.search import search  # the search service, when installed
    except ModuleNotFoundError:
        search = None
    tmp = tempfile.mkdtemp(prefix="bench-web-")
    folder = (args.data or Path(tmp)) / f"web-{n}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        facts = build(folder, n)
        built = time.perf_counter() - t0
        root = folder / "ws"
        ids, queries = names(root, k)
        with Session.open(root, "bench", read_only=True) as s:
            counts = s.store.counts()
        base = baseline(root, ids, queries, search)
        pages: dict[str, list[str]] = {
            "person": [f"/person/{i}" for i in ids],
            "review": ["/review"] * k,
        }
        if search is not None:
            pages["search"] = [f"/?q={q}" for q in queries]
        web = measure_web(root, pages)
        before = measure_web(root, pages, args.before_src) if args.before_src else None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result: dict[str, Any] = {
        "records_asked": n,
        "records": counts["records"],
        "persons": counts["persons"],
        "world": facts,
        "seconds_to_build_or_load": round(built, 1),
        "requests_per_page": k,
        "baseline_service": base,
        "web": web,
        "search": "measured" if search is not None else "not installed on this branch",
        "load_average": os.getloadavg(),
        "machine": machine(),
    }
    if before is not None:
        result["web_before"] = {"src": str(args.before_src), **before}
    path = write_result("web", result)
    for key, value in web.items():
        name = key.split("@")[0]
        print(
            f"{key:12} p50 {value['p50_ms']:8.1f} ms  p95 {value['p95_ms']:8.1f} ms   "
            f"(service: p50 {base[name]['p50_ms']:.1f}, p95 {base[name]['p95_ms']:.1f})"
            + (f"  before: p95 {before[key]['p95_ms']:.1f}" if before else "")
        )
    print(f"{counts['records']:,} records; load {os.getloadavg()}; written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
