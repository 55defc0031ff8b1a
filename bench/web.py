"""The web application's latency over loopback, against the service called directly.

Builds a simulated workspace (simulate → ingest → normalize → link, with the review band
widened as in tests/web so that the review queue is not empty), serves it with
``unaccounted serve`` in a child process, and measures p50/p95 latency of the person page,
the review-queue page and (when the search service is installed) the search page under 1
and under 8 concurrent clients. Named baseline, same workspace, same requests: the service
functions called directly in one process (``persons.person``, ``review.next_pair`` with
``review.progress``, ``search.search``), so that the web's own overhead is visible.
Target: p95 under 150 ms for one client. The issue asks for 1,000,000 records;
``--persons`` sets the size.

    python bench/web.py [--quick] [--persons N] [--requests N]
"""

from __future__ import annotations

import argparse
import os
import random
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

from common import machine, write_result
from unaccounted.ingest.folders import ingest_folder
from unaccounted.link.stage import run_link
from unaccounted.normalize.stage import run_normalize
from unaccounted.service import Session, persons, review
from unaccounted.settings import Settings
from unaccounted.simulate.config import load_config
from unaccounted.simulate.run import simulate
from unaccounted.workspace import Workspace

SEED = 11
CLIENTS = (1, 8)


def build(folder: Path, n: int) -> Path:
    simulate(load_config(None), n, SEED, folder / "sim")
    base = Settings()
    link = base.link.model_copy(
        update={"match_threshold": 0.97, "review_low": 0.05, "review_high": 0.97}
    )
    ws = Workspace.init(folder / "ws", base.model_copy(update={"link": link}))
    ingest_folder(ws, folder / "sim" / "sources")
    run_normalize(ws)
    run_link(ws)
    return ws.root


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
    with Session.open(root, "bench", read_only=True) as s:
        views = list(persons.views(s, "person"))
    rng = random.Random(SEED)
    picked = rng.sample(views, min(k, len(views)))
    return [v.person_id for v in picked], [str(v.name) for v in picked if v.name]


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


def serve(root: Path, port: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "unaccounted", "-w", str(root), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=2)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("the server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 persons, 40 requests.")
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    n, k = (1000, 40) if args.quick else (args.persons, args.requests)
    try:
        from unaccounted.service.search import search  # the search service, when installed
    except ModuleNotFoundError:
        search = None
    folder = Path(tempfile.mkdtemp(prefix="bench-web-"))
    try:
        t0 = time.perf_counter()
        root = build(folder, n)
        built = time.perf_counter() - t0
        ids, queries = names(root, k)
        with Session.open(root, "bench", read_only=True) as s:
            counts = s.store.counts()
        base = baseline(root, ids, queries, search)
        port = 8800 + os.getpid() % 100
        proc = serve(root, port)
        url = f"http://127.0.0.1:{port}"
        try:
            pages: dict[str, list[str]] = {
                "person": [f"/person/{i}" for i in ids],
                "review": ["/review"] * k,
            }
            if search is not None:
                pages["search"] = [f"/?q={q}" for q in queries]
            web = {
                f"{name}@{c}": over_http(url, paths, c)
                for name, paths in pages.items()
                for c in CLIENTS
            }
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result = {
        "persons_simulated": n,
        "records": counts["records"],
        "persons": counts["persons"],
        "build_seconds": round(built, 1),
        "baseline_service": base,
        "web": web,
        "search": "measured" if search is not None else "not installed on this branch",
        "load_average": os.getloadavg(),
        "machine": machine(),
    }
    path = write_result("web", result)
    for key, value in web.items():
        name = key.split("@")[0]
        print(
            f"{key:12} p50 {value['p50_ms']:8.1f} ms  p95 {value['p95_ms']:8.1f} ms   "
            f"(service: p50 {base[name]['p50_ms']:.1f}, p95 {base[name]['p95_ms']:.1f})"
        )
    print(f"{counts['records']:,} records; load {os.getloadavg()}; written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
