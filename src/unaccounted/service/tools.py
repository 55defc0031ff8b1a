"""Tools around the data flow: the HTML report, the simulator and its scoring, the demo.

The simulator writes worlds whose truth is known, to test and benchmark the stages; only
these tools, the evaluation and the demo may use it (an import test keeps the stages free
of it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from unaccounted.demo import PERSONS as DEMO_PERSONS
from unaccounted.demo import SEED as DEMO_SEED
from unaccounted.demo import DemoRun, run_demo
from unaccounted.errors import InputError
from unaccounted.evaluate.clusters import ClusterScores, score_clusters
from unaccounted.evaluate.estimate import EstimateCheck, check_estimates, coverage
from unaccounted.evaluate.io import read_clusters, read_results, read_truth_counts
from unaccounted.report.html import DEFAULT_TITLE, write_report
from unaccounted.service.session import Session
from unaccounted.simulate.config import default_config_text, load_config
from unaccounted.simulate.run import Summary, steps
from unaccounted.simulate.run import simulate as run_simulation

__all__ = [
    "DEFAULT_TITLE",
    "DEMO_PERSONS",
    "DEMO_SEED",
    "DemoRun",
    "coverage",
    "default_config_text",
]


def report(
    s: Session, out_dir: Path, title: str = DEFAULT_TITLE, *, force: bool = False,
    lang: str = "en",
) -> Path:  # fmt: skip
    """Write the static HTML report into ``out_dir`` in ``lang`` (``en`` or ``ru``);
    return its index page. Files an earlier report did not write are replaced only with
    ``force``. Signal 6 of its concealment page counts the published incidents only (the
    report is made to be published)."""
    from unaccounted.service.testimony_publication import published_falsified_reports

    s.check("report")
    falsified = published_falsified_reports(s)
    return write_report(s.ws, out_dir, title=title, force=force, lang=lang, falsified=falsified)


def simulate(
    out_dir: Path, persons: int, seed: int, config: Path | None,
    progress: Callable[[int], Callable[[str], None]] | None = None, *, force: bool = False,
) -> Summary:  # fmt: skip
    """Simulate a world and its noisy sources; ``progress(steps)`` gives a per-step tick."""
    cfg = load_config(config)
    tick = progress(steps(cfg)) if progress else None
    return run_simulation(cfg, persons, seed, out_dir, progress=tick, force=force)


def evaluate_clusters(truth: Path, pred: Path) -> ClusterScores:
    """Pairwise and B-cubed precision/recall/F1 of a clustering against the truth."""
    t, p = read_clusters(truth, pred)
    try:
        return score_clusters(t, p)
    except ValueError as exc:
        raise InputError(f"{pred}: {exc}") from exc


def evaluate_estimate(truth: Path, result: Path, key: str | None) -> list[EstimateCheck]:
    """Whether each estimate's interval covers the true count, and its relative error."""
    counts = read_truth_counts(truth)
    try:
        checks = check_estimates(counts, read_results(result), key)
    except ValueError as exc:
        raise InputError(f"{result}: {exc}") from exc
    if not checks:
        raise InputError(f"no stratum of {result} has a true count in {truth}")
    return checks


def demo(directory: Path, persons: int, seed: int, say: Callable[[str], None]) -> dict[str, Any]:
    """Run the demo; return its workspace's counts and sources, and the facts it noted."""
    run = run_demo(directory, persons, seed, say)
    assert run.workspace is not None
    with Session(run.workspace, "demo") as s:
        return {
            "workspace": run.workspace.root,
            "simulated": run.simulated,
            "counts": s.store.counts(),
            "sources": s.store.sources(),
            "facts": run.facts,
        }
