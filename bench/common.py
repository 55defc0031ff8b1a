"""Shared helpers for the benchmarks: machine facts, child-process measurement, results."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
#: Set by ``run.py --quick``: results go to ``results/quick/``.
QUICK_ENV = "UNACCOUNTED_BENCH_QUICK"


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        with open("/proc/meminfo") as fh:
            info["mem_total_kb"] = int(fh.readline().split()[1])
    except OSError:
        pass
    return info


def run_measured(code: str, *args: str) -> dict[str, Any]:
    """Run ``code`` in a fresh Python; it prints one JSON object; add its peak RSS (MiB)."""
    wrapper = (
        "import json, resource, sys, time\n"
        f"{code}\n"
        "t0 = time.perf_counter()\n"
        "result = run(*sys.argv[1:])\n"
        "result['seconds'] = time.perf_counter() - t0\n"
        "result['peak_rss_mib'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps(result))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def write_result(name: str, data: dict[str, Any]) -> Path:
    """Write ``bench/results/<name>.json`` (``results/quick/`` for smoke runs, so that a
    quick run never replaces the figures of a full one)."""
    folder = RESULTS / "quick" if os.environ.get(QUICK_ENV) else RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def simulated_workspace(
    root: Path, persons: int, seed: int, settings: Any = None, config: Any = None
) -> tuple[Any, dict[str, Any]]:
    """Simulate a world into ``root/simulated`` (with the simulator ``config``: a loaded
    config, the path of a config file, or the default world when None) and ingest its
    sources into a new workspace ``root/ws`` (with ``settings``, the defaults when None);
    return the workspace and the seconds each step took."""
    import time

    from unaccounted.ingest.folders import ingest_folder
    from unaccounted.simulate.config import load_config
    from unaccounted.simulate.run import simulate
    from unaccounted.workspace import Workspace

    facts: dict[str, Any] = {"persons": persons, "seed": seed}
    t = time.perf_counter()
    if config is None or isinstance(config, (str, Path)):
        config = load_config(config)
    simulate(config, persons, seed, root / "simulated")
    facts["simulate_seconds"] = round(time.perf_counter() - t, 1)
    ws = Workspace.init(root / "ws", settings)
    t = time.perf_counter()
    ingest_folder(ws, root / "simulated" / "sources")
    facts["ingest_seconds"] = round(time.perf_counter() - t, 1)
    return ws, facts


def cached_facts(root: Path, make: Any) -> dict[str, Any]:
    """The facts of a world prepared in ``root`` (``root/facts.json``), calling ``make()``
    to prepare it when it is not there yet."""
    facts_path = root / "facts.json"
    if facts_path.exists():
        facts: dict[str, Any] = json.loads(facts_path.read_text("utf-8"))
        return facts
    facts = make()
    facts_path.write_text(json.dumps(facts), "utf-8")
    return facts
