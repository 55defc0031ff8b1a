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

from unaccounted.errors import InputError
from unaccounted.workspace import Workspace

MARKER = ".unaccounted-demo"

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
    run.workspace = Workspace.init(run.root / "workspace")
    run.report(f"created workspace {run.workspace.root}")


def step_ingest(run: DemoRun) -> None:
    from unaccounted.ingest.folders import ingest_folder

    assert run.workspace is not None
    reports = ingest_folder(run.workspace, run.simulated / "sources")
    accepted = sum(r.accepted for r in reports)
    rejected = sum(r.rejected for r in reports)
    run.report(f"ingested {len(reports)} source files: {accepted:,} records, {rejected:,} rejects")


def step_link(run: DemoRun) -> None:
    """Normalize (if no step did), link, and score the persons against the simulated truth."""
    from unaccounted.link.stage import run_link
    from unaccounted.link.truth import score_workspace
    from unaccounted.store.linkage import counts

    assert run.workspace is not None
    with run.workspace.store(read_only=True) as store:
        done = counts(store)
    if done["normalized"] < done["records"]:
        from unaccounted.normalize.stage import run_normalize

        run_normalize(run.workspace)
    report = run_link(run.workspace)
    scores = score_workspace(run.workspace, run.simulated)
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

    from unaccounted.analyze import analyze
    from unaccounted.store import resolve as resolve_sql

    assert run.workspace is not None
    with run.workspace.store() as store:
        if resolve_sql.normalized_count(store) < resolve_sql.record_count(store):
            from unaccounted.normalize.stage import run_normalize

            store.close()
            run_normalize(run.workspace)
    with run.workspace.store() as store:
        if resolve_sql.person_count(store) == 0:
            from unaccounted.resolve.clusters import read_clusters

            truth = run.simulated / "truth" / "records.csv"
            resolve_sql.load_clusters(
                store, read_clusters(truth, run.simulated / "sources"), "demo"
            )
            run.report(
                "no link step ran: loaded the simulator's true clusters "
                "(real runs use 'unaccounted link')"
            )
    analysis = analyze(run.workspace)
    grades = Counter(v.grade.grade for v in analysis.views)
    report = analysis.concealment(run.workspace)
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

    from unaccounted.nowcast import layout, nowcast
    from unaccounted.nowcast.weekly import weekly_reports
    from unaccounted.store.nowcast import documented_deaths

    assert run.workspace is not None
    truth = run.simulated / "truth"
    war = json.loads((truth / "world.json").read_text("utf-8"))["war"]
    as_of = dt.date.fromisoformat(war["as_of"])
    with run.workspace.store(read_only=True) as store:
        deaths = documented_deaths(store)
    try:
        rows = weekly_reports([(e, k) for e, k in deaths.rows if e is not None], as_of)
    except InputError as exc:
        run.report(f"nowcast: nothing to nowcast ({exc})")
        return
    result = nowcast(layout(rows, as_of))
    with (truth / "documented_by_week.csv").open(encoding="utf-8", newline="") as fh:
        eventual = {r["week"]: r["eventual"] for r in csv.DictReader(fh)}
    last = result.rows[-weeks:]
    run.facts["nowcast"] = [r.to_dict() | {"truth": eventual.get(r.period.isoformat())}
                            for r in last]  # fmt: skip
    run.report(
        f"nowcast of documented deaths (per {deaths.unit}) as of {as_of}, last {len(last)} "
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
    from unaccounted.report.html import write_report

    assert run.workspace is not None
    index = write_report(run.workspace, run.root / "report")
    run.facts["report"] = index
    run.report(f"wrote the HTML report: open {index} in a browser")


def step_strata(run: DemoRun) -> None:
    """Estimate the dead per event quarter (linkage error carried) against the truth."""
    from unaccounted.estimate.from_workspace import workspace_strata
    from unaccounted.estimate.strata import MethodChoice
    from unaccounted.simulate.truth_strata import dead_by_quarter

    assert run.workspace is not None
    result = workspace_strata(run.workspace, "period", MethodChoice(seed=run.seed), draws=10)
    truth = dead_by_quarter(run.simulated / "truth" / "persons.csv")
    run.facts["strata"] = result.to_dict()
    run.report(
        "dead by event quarter: documented, estimated (95% interval, 10 linkage draws), true"
    )
    for s in [*result.strata, result.total]:
        true = sum(truth.values()) if s.stratum == "total" else truth.get(s.stratum, 0)
        if s.estimable:
            est = f"{s.estimate:,.0f} ({s.lower:,.0f}-{s.upper:,.0f})"
        elif s.placed:
            est = f"{s.documented:,} placed in the quarters"
        else:
            est = f"not estimable: {s.reason}"
        run.report(f"  {s.stratum:>9}  {s.documented:>6,}  {est:<24}  {true:>6,}")


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
