"""The demo: build a workspace from a simulated world and run every stage that exists.

``unaccounted demo`` (and ``make demo``) is the first thing a new user runs. It simulates
a world of soldiers and the noisy sources that report them (no real person), creates a
workspace with the embedded default store, and runs each stage of the data flow on it.
Each stage added to unaccounted adds its step to :data:`STEPS`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from unaccounted.errors import InputError
from unaccounted.service import Session
from unaccounted.workspace import Workspace

if TYPE_CHECKING:
    from unaccounted.service.estimates import StratumEstimate

MARKER = ".unaccounted-demo"
#: The size and seed of the simulated world ``unaccounted demo`` (and ``make demo``) builds.
PERSONS, SEED = 3000, 1

#: ``report(line)``: one line of what the demo did, for a person.
Report = Callable[[str], None]


@dataclass
class DemoRun:
    root: Path
    persons: int
    seed: int
    report: Report
    workspace: Workspace | None = None
    facts: dict[str, object] = field(default_factory=dict)

    @property
    def simulated(self) -> Path:
        return self.root / "simulated"

    def session(self) -> Session:
        """A session on the demo's workspace, acting as ``demo``."""
        assert self.workspace is not None
        return Session(self.workspace, "demo")


def prepare(root: Path) -> None:
    """Make ``root`` an empty demo folder; refuse to clear a folder the demo did not make."""
    if root.exists():
        if not root.is_dir():
            raise InputError(f"{root} exists and is not a folder; choose another --dir")
        if any(root.iterdir()) and not (root / MARKER).exists():
            raise InputError(
                f"{root} exists and was not made by the demo; choose another --dir "
                "(the demo clears its folder on every run)"
            )
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / MARKER).write_text("made by 'unaccounted demo'; cleared on every run\n", "utf-8")


def step_simulate(run: DemoRun) -> None:
    from unaccounted.simulate.config import load_config
    from unaccounted.simulate.run import simulate

    summary = simulate(load_config(None), run.persons, run.seed, run.simulated)
    run.facts["simulated_dead"] = summary.dead
    run.report(
        f"simulated {summary.persons:,} persons ({summary.dead:,} dead, "
        f"{summary.dead_unobserved:,} of them in no source) and "
        f"{summary.total_records:,} records in {len(summary.records)} sources "
        f"-> {run.simulated}"
    )


def step_init(run: DemoRun) -> None:
    from unaccounted.service.workspace import init_workspace

    run.workspace = init_workspace(run.root / "workspace")
    run.report(f"created workspace {run.workspace.root}")


def step_ingest(run: DemoRun) -> None:
    from unaccounted.service.ingest import ingest_simulated_folder

    with run.session() as s:
        reports = ingest_simulated_folder(s, run.simulated / "sources")
    accepted = sum(r.accepted for r in reports)
    rejected = sum(r.rejected for r in reports)
    run.report(f"ingested {len(reports)} source files: {accepted:,} records, {rejected:,} rejects")


def step_link(run: DemoRun) -> None:
    """Normalize (if no step did), link, and score the persons against the simulated truth."""
    from unaccounted.evaluate.truth import score_workspace
    from unaccounted.service.link import link, normalize

    with run.session() as s:
        if s.store.normalized_count() < s.store.record_count():
            normalize(s)
        report = link(s)
        scores = score_workspace(s.ws, run.simulated)
    run.facts["link_scores"] = scores.as_dict()
    run.report(
        f"linked {report.records:,} records into {report.persons:,} persons "
        f"(truth: {scores.true_clusters:,}); cluster-level pairwise precision "
        f"{scores.pairwise_precision:.3f}, recall {scores.pairwise_recall:.3f}, "
        f"F1 {scores.pairwise_f1:.3f}; B-cubed F1 {scores.bcubed_f1:.3f}"
    )


def step_resolve(run: DemoRun) -> None:
    """Grade persons, build histories and rank units for concealment."""
    from collections import Counter

    from unaccounted.evaluate.truth import read_clusters
    from unaccounted.service.link import normalize
    from unaccounted.service.persons import analysis as analyzed
    from unaccounted.service.persons import load_clusters

    with run.session() as s:
        if s.store.normalized_count() < s.store.record_count():
            normalize(s)
        if s.store.person_count() == 0:
            truth = run.simulated / "truth" / "records.csv"
            load_clusters(s, read_clusters(truth, run.simulated / "sources"), truth.name)
            run.report(
                "no link step ran: loaded the simulator's true clusters "
                "(real runs use 'unaccounted link')"
            )
        analysis = analyzed(s, "concealment")
        grades = Counter(v.grade.grade for v in analysis.views)
        report = analysis.concealment(s.workspace)
    flagged = [e.unit for e in report if e.flagged]
    run.facts["grades"] = dict(grades)
    run.facts["concealment_flagged"] = flagged
    run.report(
        f"graded {len(analysis.views):,} persons ("
        + ", ".join(f"{n:,} {g}" for g, n in grades.most_common())
        + f"); concealment: {sum(1 for e in report if e.rank)} units ranked, "
        f"{len(flagged)} flagged ({', '.join(flagged[:5]) or 'none'}); "
        "see 'unaccounted concealment'"
    )


def step_nowcast(run: DemoRun, weeks: int = 6) -> None:
    """Nowcast the documented deaths of the last weeks and set them against the truth."""
    import csv
    import datetime as dt
    import json

    from unaccounted.service.estimates import layout, nowcast, workspace_triangle

    truth = run.simulated / "truth"
    war = json.loads((truth / "world.json").read_text("utf-8"))["war"]
    as_of = dt.date.fromisoformat(war["as_of"])
    with run.session() as s:
        try:
            counted = workspace_triangle(s, as_of)
        except InputError as exc:
            run.report(f"nowcast: nothing to nowcast ({exc})")
            return
    result = nowcast(layout(counted.rows, as_of))
    with (truth / "documented_by_week.csv").open(encoding="utf-8", newline="") as fh:
        eventual = {r["week"]: r["eventual"] for r in csv.DictReader(fh)}
    last = result.rows[-weeks:]
    run.facts["nowcast"] = [r.to_dict() | {"truth": eventual.get(r.period.isoformat())}
                            for r in last]  # fmt: skip
    run.report(
        f"nowcast of documented deaths (per {counted.unit}) as of {as_of}, last {len(last)} "
        "weeks — known / nowcast (95%) / eventually documented (truth): "
        + "; ".join(
            f"{r.period:%d %b}: {r.observed} / {r.estimate} ({r.lower}–{r.upper}) / "
            f"{eventual.get(r.period.isoformat(), '?')}"
            for r in last
        )
        + "; see 'unaccounted nowcast'"
    )


def step_report(run: DemoRun) -> None:
    """Write the static HTML report of the workspace and say where it is."""
    from unaccounted.service.tools import report

    with run.session() as s:
        index = report(s, run.root / "report")
    run.facts["report"] = index
    run.report(f"wrote the HTML report: open {index} in a browser")


def step_strata(run: DemoRun) -> None:
    """Estimate the dead per event quarter (linkage error carried) against the truth: the
    stated dead alone, then with the dead among the missing and the deaths not reported yet
    (``estimate --by period --dead-among-missing --reporting-delay``)."""
    from unaccounted.service.estimates import MethodChoice, workspace_estimate
    from unaccounted.simulate.truth_strata import dead_by_quarter

    choice = MethodChoice(seed=run.seed)
    with run.session() as session:
        result = workspace_estimate(session, "period", choice, 10, False, True)
        full = workspace_estimate(session, "period", choice, 10, False, True, True, True)
    truth = dead_by_quarter(run.simulated / "truth" / "persons.csv")
    run.facts["strata"] = result.to_dict()
    run.facts["strata_with_missing_and_delay"] = full.to_dict()
    run.report(
        "dead by event quarter: documented; estimated from the stated dead (95% interval, 10 "
        "linkage draws); the same plus the dead among the missing and the deaths not reported "
        "yet (--dead-among-missing --reporting-delay); true; persons of no known quarter are "
        "placed in the quarters"
    )

    def cell(s: StratumEstimate) -> str:
        if s.estimable:
            return f"{s.estimate:,.0f} ({s.lower:,.0f}-{s.upper:,.0f})"
        if s.placed:
            return f"{s.documented:,} placed"
        return f"not estimable: {s.reason}"

    for s, f in zip([*result.strata, result.total], [*full.strata, full.total], strict=True):
        true = sum(truth.values()) if s.stratum == "total" else truth.get(s.stratum, 0)
        run.report(
            f"  {s.stratum:>9}  {s.documented:>6,}  {cell(s):<20}  {cell(f):<20}  {true:>6,}"
        )


#: The demo's steps, in data-flow order.
STEPS: list[Callable[[DemoRun], None]] = [
    step_simulate,
    step_init,
    step_ingest,
    step_link,
    step_resolve,
    step_strata,
    step_nowcast,
    step_report,
]


def run_demo(root: Path, persons: int, seed: int, report: Report) -> DemoRun:
    """Run every step into ``root`` (cleared first); return what was made."""
    if persons < 1:
        raise InputError(f"--persons must be at least 1 (got {persons})")
    prepare(root)
    run = DemoRun(root=root.resolve(), persons=persons, seed=seed, report=report)
    for step in STEPS:
        step(run)
    return run
